package io.wechatopen.camel.camel;

import org.apache.camel.Exchange;
import org.apache.camel.Handler;
import org.apache.camel.Message;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.wechatopen.camel.api.WeChatApiException;
import io.wechatopen.camel.api.WeChatHttpException;

/**
 * Turns WeChat's HTTP answer into a result or a typed exception: a status other than 200 is a
 * {@link WeChatHttpException}; a JSON body with a non-zero {@code errcode} is a {@link WeChatApiException}. WeChat
 * answers errors with HTTP 200, and data answers usually carry no errcode at all (treated as 0).
 */
public final class WeChatApiResponses {

    /** Header naming the WeChat API being called, e.g. {@code api_component_token}, for messages. */
    public static final String API = "WeChatApi";

    private final ObjectMapper mapper;

    public WeChatApiResponses(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    @Handler
    public void check(Exchange exchange) {
        Message message = exchange.getMessage();
        String api = message.getHeader(API, "WeChat API", String.class);
        int status = message.getHeader(Exchange.HTTP_RESPONSE_CODE, 0, Integer.class);
        if (status != 200) {
            throw new WeChatHttpException(api, status);
        }
        String body = message.getBody(String.class);
        JsonNode json;
        try {
            json = mapper.readTree(body == null ? "" : body);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(api + " answered HTTP 200 with a body that is not JSON");
        }
        if (json == null || !json.isObject()) {
            throw new IllegalStateException(api + " answered HTTP 200 with a body that is not a JSON object");
        }
        int errcode = json.path("errcode").asInt(0);
        if (errcode != 0) {
            throw new WeChatApiException(api, errcode, json.path("errmsg").asText(""));
        }
        message.setBody(body);
    }
}
