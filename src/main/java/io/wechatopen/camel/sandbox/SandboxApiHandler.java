package io.wechatopen.camel.sandbox;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.netty.handler.codec.http.HttpResponseStatus;

import org.apache.camel.Exchange;

/**
 * Serves the simulated WeChat component APIs over HTTP: parses the JSON body, records the call, applies injected
 * faults and otherwise delegates to {@link SandboxState}. Each API route calls {@link #admit} first, waits
 * {@link SandboxReply#LATENCY_MS}, then calls the API's method, which leaves the reply as described in
 * {@link SandboxReply}.
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
     * {@link SandboxReply#LATENCY_MS}.
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
     * @return the JSON reply, or {@code null} when a fault replaced it by a bare HTTP status
     */
    private Map<String, Object> answer(Exchange exchange, Function<JsonNode, Map<String, Object>> api) {
        Call call = exchange.getProperty(CALL, Call.class);
        SandboxFault fault = call.fault();
        if (fault != null && fault.httpStatus() != null) {
            SandboxReply.text(exchange, fault.httpStatus(), HttpResponseStatus.valueOf(fault.httpStatus()).toString());
            return null;
        }
        Map<String, Object> reply;
        if (fault != null && fault.errcode() != null) {
            reply = SandboxErrors.body(fault.errcode(), state.clock().instant());
        } else if (call.json() == null) {
            reply = SandboxErrors.body(SandboxErrors.DATA_FORMAT_ERROR, state.clock().instant());
        } else {
            reply = api.apply(call.json());
        }
        // WeChat answers HTTP 200 also when errcode is not 0
        SandboxReply.json(exchange, mapper, 200, SandboxReply.WECHAT_JSON, reply);
        return reply;
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

    private static String text(JsonNode body, String field) {
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
