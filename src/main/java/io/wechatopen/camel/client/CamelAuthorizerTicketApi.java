package io.wechatopen.camel.client;

import java.util.Map;

import org.apache.camel.CamelExecutionException;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.wechatopen.camel.api.AuthorizerTicketApi;
import io.wechatopen.camel.api.WeChatUnreachableException;
import io.wechatopen.camel.api.dto.TicketResponse;

/**
 * {@link AuthorizerTicketApi} over {@code direct:wechat-api-call}: the bundle adds the account's token, and the route
 * configuration {@code wechat-api-errors} expires a refused one and repeats the call once, and retries the GET after
 * transient failures. Camel's wrapper exceptions are unwrapped so callers see the typed cause.
 */
public final class CamelAuthorizerTicketApi implements AuthorizerTicketApi {

    static final String PATH = "/cgi-bin/ticket/getticket";

    private final ProducerTemplate producer;
    private final ObjectMapper mapper;

    public CamelAuthorizerTicketApi(ProducerTemplate producer, ObjectMapper mapper) {
        this.producer = producer;
        this.mapper = mapper;
    }

    @Override
    public TicketResponse ticket(String componentAppid, String authorizerAppid, String type) {
        String answer;
        try {
            answer = producer.requestBodyAndHeaders("direct:wechat-api-call", null,
                    Map.of(ApiTokens.COMPONENT_APPID, componentAppid, ApiTokens.AUTHORIZER_APPID, authorizerAppid,
                            WeChatApiHeaders.PATH, PATH, Exchange.HTTP_METHOD, "GET", Exchange.HTTP_QUERY,
                            "type=" + type),
                    String.class);
        } catch (CamelExecutionException e) {
            throw e.getCause() instanceof RuntimeException cause ? cause
                    : new WeChatUnreachableException("getticket", e.getCause(),
                            !TransportFailures.neverReached(e.getCause()));
        }
        TicketResponse response;
        try {
            response = mapper.readValue(answer, TicketResponse.class);
        } catch (JsonProcessingException e) {
            // The message of a parse failure may quote the answer, which holds the ticket: not passed on.
            throw new IllegalStateException("getticket answered JSON that is not a ticket answer");
        }
        if (response.ticket() == null || response.ticket().isEmpty() || response.expiresIn() <= 0) {
            throw new IllegalStateException("getticket answered errcode 0 without a ticket or expires_in");
        }
        return response;
    }
}
