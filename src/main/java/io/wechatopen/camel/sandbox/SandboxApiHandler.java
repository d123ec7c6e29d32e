package io.wechatopen.camel.sandbox;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

import org.apache.camel.Exchange;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.netty.handler.codec.http.HttpResponseStatus;

/**
 * Serves the simulated WeChat component APIs over HTTP: parses the JSON body, records the call, applies injected
 * faults and otherwise delegates to {@link SandboxState}. Each API route calls {@link #admit} first, waits
 * {@link SandboxReply#LATENCY_MS}, then calls the API's method, which leaves the reply as described in
 * {@link SandboxReply}. {@link SandboxAuthorizerApiHandler} serves the authorization APIs with the same admission,
 * faults and replies.
 */
public final class SandboxApiHandler {

    /** Exchange property: the admitted {@link Call}. */
    static final String CALL = "WeChatSandboxCall";
    /** Exchange property: {@code true} when the reply asks for an immediate ticket push. */
    static final String PUSH_REQUESTED = "WeChatSandboxPushRequested";

    private static final int LOGGED_TEXT_LIMIT = 2000;

    private final SandboxState state;
    private final ObjectMapper mapper;

    public SandboxApiHandler(SandboxState state, ObjectMapper mapper) {
        this.state = state;
        this.mapper = mapper;
    }

    /**
     * Records a call of {@code api} (body parsed as JSON when possible), takes the next injected fault for it and sets
     * {@link SandboxReply#LATENCY_MS} and {@link SandboxReply#LOSE_REPLY}.
     */
    public void admit(Exchange exchange, String api) {
        byte[] raw = exchange.getMessage().getBody(byte[].class);
        String text = raw == null ? "" : new String(raw, StandardCharsets.UTF_8);
        JsonNode json = parseObject(text);
        Object recorded = json != null ? mapper.convertValue(json, Object.class)
                : text.isEmpty() ? null : shorten(text);
        state.recordCall(api, exchange.getMessage().getHeader(Exchange.HTTP_QUERY, String.class), recorded);
        Optional<SandboxFault> fault = state.faults().take(api);
        exchange.setProperty(CALL, new Call(api, json, fault.orElse(null)));
        exchange.setProperty(SandboxReply.LATENCY_MS, fault.map(SandboxFault::latency).orElse(0L));
        exchange.setProperty(SandboxReply.LOSE_REPLY, fault.map(SandboxFault::loseReply).orElse(false));
    }

    /**
     * {@code api_component_token}, body {@code component_appid}, {@code component_appsecret},
     * {@code component_verify_ticket}.
     */
    public void componentToken(Exchange exchange) {
        answer(exchange, body -> state.componentToken(text(body, "component_appid"),
                text(body, "component_appsecret"), text(body, "component_verify_ticket")));
    }

    /**
     * {@code api_start_push_ticket}, body {@code component_appid} and {@code component_secret} (not
     * {@code component_appsecret}); sets {@link #PUSH_REQUESTED} on success.
     */
    public void startPushTicket(Exchange exchange) {
        Map<String, Object> reply = answer(exchange,
                body -> state.startPushTicket(text(body, "component_appid"), text(body, "component_secret")));
        exchange.setProperty(PUSH_REQUESTED,
                reply != null && Integer.valueOf(SandboxErrors.OK).equals(reply.get("errcode")));
    }

    /**
     * Applies the admitted call's fault, or answers 47001 to a body that is not a JSON object, or runs the API.
     *
     * @return the API's JSON reply, or {@code null} when an injected fault replaced it
     */
    private Map<String, Object> answer(Exchange exchange, Function<JsonNode, Map<String, Object>> api) {
        if (faulted(exchange)) {
            return null;
        }
        JsonNode json = json(exchange);
        Map<String, Object> reply = json == null
                ? SandboxErrors.body(SandboxErrors.DATA_FORMAT_ERROR, state.clock().instant())
                : api.apply(json);
        reply(exchange, reply);
        return reply;
    }

    /**
     * Answers with the admitted call's injected errcode or HTTP status, if its fault has one.
     *
     * @return whether the fault is the reply (the API must not run)
     */
    boolean faulted(Exchange exchange) {
        SandboxFault fault = exchange.getProperty(CALL, Call.class).fault();
        if (fault != null && fault.httpStatus() != null) {
            SandboxReply.text(exchange, fault.httpStatus(), HttpResponseStatus.valueOf(fault.httpStatus()).toString());
            return true;
        }
        if (fault != null && fault.errcode() != null) {
            reply(exchange, SandboxErrors.body(fault.errcode(), state.clock().instant()));
            return true;
        }
        return false;
    }

    /** The admitted call's body when it is a JSON object, else {@code null}. */
    static JsonNode json(Exchange exchange) {
        return exchange.getProperty(CALL, Call.class).json();
    }

    /** Leaves a WeChat API reply: HTTP 200 with the JSON body, also when errcode is not 0 (as WeChat). */
    void reply(Exchange exchange, Map<String, Object> body) {
        SandboxReply.json(exchange, mapper, 200, SandboxReply.WECHAT_JSON, body);
    }

    private JsonNode parseObject(String text) {
        if (text.isBlank()) {
            return null;
        }
        try {
            JsonNode node = mapper.readTree(text);
            return node != null && node.isObject() ? node : null;
        } catch (java.io.IOException e) {
            return null;
        }
    }

    /** A top-level value field of a JSON object as text, or {@code null} when absent, null or not a value. */
    static String text(JsonNode body, String field) {
        JsonNode value = body.get(field);
        return value == null || value.isNull() || !value.isValueNode() ? null : value.asText();
    }

    private static String shorten(String text) {
        return text.length() <= LOGGED_TEXT_LIMIT ? text : text.substring(0, LOGGED_TEXT_LIMIT) + "...";
    }

    /**
     * An admitted API call.
     *
     * @param api the API name
     * @param json the body when it is a JSON object, else {@code null}
     * @param fault the injected fault to apply, or {@code null}
     */
    record Call(String api, JsonNode json, SandboxFault fault) {
    }
}
