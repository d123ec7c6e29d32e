package io.wechatopen.camel.sandbox;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import org.apache.camel.Exchange;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The sandbox's control API for tests and demos ({@code /sandbox/*}): push now, stop/start the push service,
 * inject and clear faults, show the state. Each method leaves a JSON reply as described in {@link SandboxReply}.
 */
public final class SandboxControlHandler {

    private static final Set<String> FAULT_FIELDS = Set.of("api", "count", "errcode", "http_status", "latency_ms",
            "drop", "lose_reply");

    private final SandboxState state;
    private final ObjectMapper mapper;

    public SandboxControlHandler(SandboxState state, ObjectMapper mapper) {
        this.state = state;
        this.mapper = mapper;
    }

    /**
     * Answers {@code POST /sandbox/tickets/push} from the {@link SandboxPusher#RESULT} of the push just made:
     * {@code {"pushed":true,"status":N,"response":"...","accepted":bool}} when the receiver answered, else
     * {@code {"pushed":false,"reason":"..."}}.
     */
    public void pushReply(Exchange exchange) {
        SandboxPushResult result = exchange.getProperty(SandboxPusher.RESULT, SandboxPushResult.class);
        Map<String, Object> reply = new LinkedHashMap<>();
        if (result != null && SandboxPushResult.ANSWERED.equals(result.outcome())) {
            reply.put("pushed", true);
            reply.put("status", result.status());
            reply.put("response", result.body());
            reply.put("accepted", result.accepted());
        } else {
            reply.put("pushed", false);
            reply.put("reason", result == null ? "no push was attempted" : result.error());
        }
        ok(exchange, reply);
    }

    /** {@code POST /sandbox/push-service/stop}: WeChat stops pushing tickets (until api_start_push_ticket). */
    public void stopPushService(Exchange exchange) {
        state.stopPushService();
        ok(exchange, Map.of("push_service_running", false));
    }

    /** {@code POST /sandbox/push-service/start}: WeChat resumes pushing on its schedule. */
    public void startPushService(Exchange exchange) {
        state.startPushService();
        ok(exchange, Map.of("push_service_running", true));
    }

    /**
     * {@code POST /sandbox/faults} with {@code {"api":..., "count":N, "errcode":E | "http_status":S,
     * "latency_ms":L, "drop":bool, "lose_reply":bool}}: queues the fault and answers {@code {"queued":{...}}}, or 400
     * {@code {"error":"..."}} for a body that is no such object.
     */
    public void addFault(Exchange exchange) {
        SandboxFault fault;
        try {
            fault = parseFault(exchange.getMessage().getBody(byte[].class));
            state.faults().add(fault);
        } catch (IllegalArgumentException e) {
            SandboxReply.json(exchange, mapper, 400, SandboxReply.JSON, Map.of("error", e.getMessage()));
            return;
        }
        ok(exchange, Map.of("queued", fault.toMap()));
    }

    /** {@code DELETE /sandbox/faults}: removes every queued fault; answers {@code {"cleared":N}}. */
    public void clearFaults(Exchange exchange) {
        ok(exchange, Map.of("cleared", state.faults().clear()));
    }

    /** {@code GET /sandbox/state}: {@link SandboxState#snapshot()} as JSON. */
    public void showState(Exchange exchange) {
        ok(exchange, state.snapshot());
    }

    private void ok(Exchange exchange, Object reply) {
        SandboxReply.json(exchange, mapper, 200, SandboxReply.JSON, reply);
    }

    private SandboxFault parseFault(byte[] raw) {
        JsonNode json;
        try {
            json = raw == null || raw.length == 0 ? null : mapper.readTree(new String(raw, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalArgumentException("body is not valid JSON");
        }
        if (json == null || !json.isObject()) {
            throw new IllegalArgumentException("body must be a JSON object such as "
                    + "{\"api\":\"api_component_token\",\"count\":1,\"errcode\":61006}");
        }
        for (Iterator<String> names = json.fieldNames(); names.hasNext();) {
            String name = names.next();
            if (!FAULT_FIELDS.contains(name)) {
                throw new IllegalArgumentException("unknown field '" + name + "'; allowed: "
                        + FAULT_FIELDS.stream().sorted().toList());
            }
        }
        JsonNode api = json.get("api");
        if (api == null || !api.isTextual()) {
            throw new IllegalArgumentException(
                    "api is required, one of " + SandboxFaults.APIS.stream().sorted().toList());
        }
        Long count = integer(json, "count");
        Long errcode = integer(json, "errcode");
        Long status = integer(json, "http_status");
        return new SandboxFault(api.asText(), count == null ? 1 : toInt(count, "count"),
                errcode == null ? null : toInt(errcode, "errcode"),
                status == null ? null : toInt(status, "http_status"),
                integer(json, "latency_ms"), bool(json, "drop"), bool(json, "lose_reply"));
    }

    private static boolean bool(JsonNode json, String field) {
        JsonNode value = json.get(field);
        if (value != null && !value.isNull() && !value.isBoolean()) {
            throw new IllegalArgumentException(field + " must be true or false");
        }
        return value != null && value.asBoolean();
    }

    private static Long integer(JsonNode json, String field) {
        JsonNode value = json.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isIntegralNumber() || !value.canConvertToLong()) {
            throw new IllegalArgumentException(field + " must be a whole number");
        }
        return value.asLong();
    }

    private static int toInt(long value, String field) {
        if (value < Integer.MIN_VALUE || value > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(field + " is out of range");
        }
        return (int) value;
    }
}
