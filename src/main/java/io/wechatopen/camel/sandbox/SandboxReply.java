package io.wechatopen.camel.sandbox;

import java.nio.charset.StandardCharsets;

import org.apache.camel.Exchange;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * How the sandbox's handlers hand a reply to their route: the body is set as UTF-8 bytes, and the HTTP status,
 * Content-Type and any redirect Location go into exchange properties, because the route removes every header before
 * it sets the reply's ({@link #setHeaders}).
 */
final class SandboxReply {

    /** Exchange property: the HTTP status of the reply ({@code Integer}). */
    static final String STATUS = "WeChatSandboxStatus";
    /** Exchange property: the Content-Type of the reply. */
    static final String CONTENT_TYPE = "WeChatSandboxContentType";
    /** Exchange property: the {@code Location} of a redirect, when the reply is one. */
    static final String LOCATION = "WeChatSandboxLocation";
    /** Exchange property: milliseconds to wait before the reply or push ({@code Long}, 0 for none). */
    static final String LATENCY_MS = "WeChatSandboxLatencyMs";
    /**
     * Exchange property: {@code true} when the reply is lost: the call did its work, and {@link SandboxHttpBinding}
     * then closes the connection instead of answering.
     */
    static final String LOSE_REPLY = "WeChatSandboxLoseReply";

    /** WeChat answers every API call with this Content-Type, errors included (protocol §3). */
    static final String WECHAT_JSON = "application/json; encoding=utf-8";
    static final String JSON = "application/json; charset=utf-8";
    static final String TEXT = "text/plain; charset=utf-8";
    static final String HTML = "text/html; charset=utf-8";

    private SandboxReply() {
    }

    static void json(Exchange exchange, ObjectMapper mapper, int status, String contentType, Object body) {
        try {
            exchange.getMessage().setBody(mapper.writeValueAsBytes(body));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("sandbox reply cannot be written as JSON", e);
        }
        exchange.setProperty(STATUS, status);
        exchange.setProperty(CONTENT_TYPE, contentType);
    }

    static void text(Exchange exchange, int status, String text) {
        exchange.getMessage().setBody(text.getBytes(StandardCharsets.UTF_8));
        exchange.setProperty(STATUS, status);
        exchange.setProperty(CONTENT_TYPE, TEXT);
    }

    static void html(Exchange exchange, int status, String html) {
        exchange.getMessage().setBody(html.getBytes(StandardCharsets.UTF_8));
        exchange.setProperty(STATUS, status);
        exchange.setProperty(CONTENT_TYPE, HTML);
    }

    /** A 302 to {@code location}, with a small HTML body that links there. */
    static void redirect(Exchange exchange, String location, String html) {
        html(exchange, 302, html);
        exchange.setProperty(LOCATION, location);
    }

    /** Sets the reply's headers (after the route removed the inbound ones): status, Content-Type, Location. */
    static void setHeaders(Exchange exchange) {
        var message = exchange.getMessage();
        message.setHeader(Exchange.HTTP_RESPONSE_CODE, exchange.getProperty(STATUS));
        message.setHeader(Exchange.CONTENT_TYPE, exchange.getProperty(CONTENT_TYPE));
        String location = exchange.getProperty(LOCATION, String.class);
        if (location != null) {
            message.setHeader("Location", location);
        }
    }
}
