package io.wechatopen.camel.client;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;

import org.apache.camel.Exchange;
import org.apache.camel.Handler;
import org.apache.camel.Message;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.wechatopen.camel.api.WeChatApiException;
import io.wechatopen.camel.api.WeChatHttpException;
import io.wechatopen.camel.token.WeChatMetrics;

/**
 * Turns WeChat's HTTP answer into a result or a typed exception: a status other than 200 is a
 * {@link WeChatHttpException}; a JSON body with a non-zero {@code errcode} is a {@link WeChatApiException}. WeChat
 * answers errors with HTTP 200, and data answers usually carry no errcode at all (treated as 0). Every answer, and
 * every call that got none, is counted in {@link WeChatMetrics#apiCalled}.
 */
public final class WeChatApiResponses {

    /** Header naming the WeChat API being called, e.g. {@code api_component_token}, for messages. */
    public static final String API = "WeChatApi";

    private final ObjectMapper mapper;
    private final WeChatMetrics metrics;

    public WeChatApiResponses(ObjectMapper mapper, WeChatMetrics metrics) {
        this.mapper = mapper;
        this.metrics = metrics;
    }

    @Handler
    public void check(Exchange exchange) {
        Message message = exchange.getMessage();
        String api = message.getHeader(API, "WeChat API", String.class);
        int status = message.getHeader(Exchange.HTTP_RESPONSE_CODE, 0, Integer.class);
        if (status != 200) {
            metrics.apiCalled(api, "http_" + status);
            throw new WeChatHttpException(api, status);
        }
        String body = message.getBody(String.class);
        JsonNode json;
        try {
            json = mapper.readTree(body == null ? "" : body);
        } catch (java.io.IOException e) {
            metrics.apiCalled(api, "not_json");
            throw new IllegalStateException(api + " answered HTTP 200 with a body that is not JSON");
        }
        if (json == null || !json.isObject()) {
            metrics.apiCalled(api, "not_json");
            throw new IllegalStateException(api + " answered HTTP 200 with a body that is not a JSON object");
        }
        int errcode = json.path("errcode").asInt(0);
        metrics.apiCalled(api, String.valueOf(errcode));
        if (errcode != 0) {
            throw new WeChatApiException(api, errcode, json.path("errmsg").asText(""));
        }
        message.setBody(body);
    }

    /**
     * Counts a call that got no answer (connect failure, timeout, connection lost) and rethrows its exception
     * unchanged, so the caller's error policy still sees the original type.
     */
    @Handler
    public void failed(Exchange exchange) throws Exception {
        Exception failure = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        metrics.apiCalled(exchange.getMessage().getHeader(API, "WeChat API", String.class), transportFailure(failure));
        if (failure != null) {
            throw failure;
        }
    }

    private static String transportFailure(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            // httpclient5's ConnectTimeoutException is an InterruptedIOException, not a ConnectException.
            if (t instanceof ConnectException || t.getClass().getSimpleName().equals("ConnectTimeoutException")) {
                return "connect";
            }
            if (t instanceof InterruptedIOException) {
                return "timeout";
            }
            if (t instanceof IOException) {
                return "io";
            }
        }
        return "error";
    }
}
