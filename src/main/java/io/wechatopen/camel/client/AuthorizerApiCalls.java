package io.wechatopen.camel.client;

import java.util.Map;

import org.apache.camel.Exchange;
import org.apache.camel.Handler;
import org.apache.camel.Message;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.wechatopen.camel.token.AuthorizerTokenSource;

/**
 * Prepares {@code direct:wechat-api-call}: checks the caller's headers ({@code WeChatAuthorizerAppid},
 * {@code WeChatApiPath}, optional {@code WeChatComponentAppid}, {@code CamelHttpMethod}, {@code CamelHttpQuery},
 * {@code WeChatApiIdempotent}) and turns them into the internal headers of {@code direct:wechat-api-post}; a GET,
 * or a POST whose caller set {@code WeChatApiIdempotent=true}, may be repeated after a transient failure. A Map body
 * is sent as JSON; a String body as it is; no body means GET unless {@code CamelHttpMethod} says otherwise.
 */
public final class AuthorizerApiCalls {

    private final AuthorizerTokenSource authorizers;
    private final ObjectMapper mapper;

    public AuthorizerApiCalls(AuthorizerTokenSource authorizers, ObjectMapper mapper) {
        this.authorizers = authorizers;
        this.mapper = mapper;
    }

    @Handler
    public void prepare(Exchange exchange) throws JsonProcessingException {
        Message message = exchange.getMessage();
        String authorizerAppid = message.getHeader(ApiTokens.AUTHORIZER_APPID, String.class);
        String path = message.getHeader(WeChatApiHeaders.PATH, String.class);
        if (authorizerAppid == null || authorizerAppid.isBlank()) {
            throw new IllegalArgumentException("direct:wechat-api-call needs header WeChatAuthorizerAppid");
        }
        if (path == null || !path.startsWith("/") || path.contains("?") || path.contains("://")) {
            throw new IllegalArgumentException("direct:wechat-api-call needs header WeChatApiPath, a path such as"
                    + " /cgi-bin/user/info (query parameters go in CamelHttpQuery)");
        }
        String componentAppid = message.getHeader(ApiTokens.COMPONENT_APPID, String.class);
        if (componentAppid == null || componentAppid.isBlank()) {
            componentAppid = authorizers.componentOf(authorizerAppid);
        }
        Object body = message.getBody();
        String json = body == null ? null : body instanceof Map<?, ?> map ? mapper.writeValueAsString(map)
                : message.getBody(String.class);
        String method = message.getHeader(Exchange.HTTP_METHOD, json == null || json.isEmpty() ? "GET" : "POST",
                String.class);
        String query = message.getHeader(Exchange.HTTP_QUERY, String.class);
        boolean idempotent = "GET".equalsIgnoreCase(method)
                || message.getHeader(WeChatApiHeaders.IDEMPOTENT, false, Boolean.class);

        message.removeHeaders("*", "CamelRedelivery*");
        message.setHeader(ApiTokens.KIND, ApiTokens.Kind.AUTHORIZER.name());
        message.setHeader(ApiTokens.COMPONENT_APPID, componentAppid);
        message.setHeader(ApiTokens.AUTHORIZER_APPID, authorizerAppid);
        message.setHeader(WeChatApiResponses.API, path);
        message.setHeader(WeChatApiHeaders.PATH, path);
        message.setHeader(WeChatApiHeaders.METHOD, method);
        if (query != null) {
            message.setHeader(ApiTokens.QUERY, query);
        }
        exchange.setProperty(WeChatApiHeaders.REQUEST, json);
        exchange.setProperty(WeChatApiHeaders.IDEMPOTENT, idempotent);
    }
}
