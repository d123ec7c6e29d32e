package io.wechatopen.camel.health;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.Handler;
import org.apache.camel.Message;
import org.apache.camel.health.HealthCheck;
import org.apache.camel.health.HealthCheckHelper;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The health endpoints, answered from Camel's health-check registry (so the same checks serve any other Camel
 * health consumer, e.g. JMX or Karaf's console).
 * <ul>
 * <li>{@code GET /health} ({@link #health}): no authentication; 200 {@code {"status":"UP"}} when this instance can
 * take pushes (the Camel context and every route started, the database reachable), else 503
 * {@code {"status":"DOWN"}}; nothing else in the body.</li>
 * <li>{@code GET /admin/health} ({@link #adminHealth}): bearer; every check of the registry as
 * {@code {"status","checks":[{"id","status","message"}]}}, DOWN when any check is DOWN.</li>
 * </ul>
 */
public final class HealthEndpoints {

    private static final String UP = "{\"status\":\"UP\"}";
    private static final String DOWN = "{\"status\":\"DOWN\"}";

    private final CamelContext camelContext;
    private final AdminBearer bearer;
    private final ObjectMapper mapper;

    public HealthEndpoints(CamelContext camelContext, AdminBearer bearer, ObjectMapper mapper) {
        this.camelContext = camelContext;
        this.bearer = bearer;
        this.mapper = mapper;
    }

    @Handler
    public void health(Exchange exchange) {
        Message message = exchange.getMessage();
        message.removeHeaders("*");
        boolean up;
        try {
            Collection<HealthCheck.Result> results = HealthCheckHelper.invoke(camelContext, check -> Map.of(),
                    check -> !takesPushes(check), "full");
            up = camelContext.getStatus().isStarted() && !results.isEmpty()
                    && results.stream().allMatch(r -> r.getState() == HealthCheck.State.UP);
        } catch (RuntimeException e) {
            up = false;
        }
        message.setHeader(Exchange.HTTP_RESPONSE_CODE, up ? 200 : 503);
        message.setHeader(Exchange.CONTENT_TYPE, "application/json");
        message.setBody(up ? UP : DOWN);
    }

    @Handler
    public void adminHealth(Exchange exchange) throws JsonProcessingException {
        if (!bearer.admit(exchange)) {
            return;
        }
        Collection<HealthCheck.Result> results = HealthCheckHelper.invoke(camelContext, check -> Map.of(),
                check -> false, "full");
        List<Map<String, Object>> checks = new ArrayList<>();
        boolean down = results.isEmpty();
        for (HealthCheck.Result result : results) {
            Map<String, Object> check = new LinkedHashMap<>();
            check.put("id", result.getCheck().getId());
            check.put("status", result.getState().name());
            // Only the message: Camel's results may carry an exception, whose text is not ours to show.
            check.put("message", result.getMessage().orElse(""));
            checks.add(check);
            down |= result.getState() == HealthCheck.State.DOWN;
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", down ? "DOWN" : "UP");
        body.put("checks", checks);
        Message message = exchange.getMessage();
        message.setHeader(Exchange.HTTP_RESPONSE_CODE, 200);
        message.setHeader(Exchange.CONTENT_TYPE, "application/json");
        message.setBody(mapper.writeValueAsString(body));
    }

    /**
     * What taking a push needs: the context, the routes (and their consumers) started, the database reachable. A
     * stale ticket or an account to re-authorize does not stop pushes from being stored.
     */
    private static boolean takesPushes(HealthCheck check) {
        String id = check.getId();
        return StoreHealthCheck.ID.equals(id) || "context".equals(id) || id.startsWith("route:")
                || id.startsWith("consumer:");
    }
}
