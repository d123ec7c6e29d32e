package io.wechatopen.camel.health;

import io.wechatopen.camel.admin.AdminBearer;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

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
 * When Camel's registry is switched off ({@code camel.health.enabled = false}) both answer from the bundle's own
 * checks, called directly, so a load balancer never loses an instance to that setting.
 */
public final class HealthEndpoints {

    private static final String UP = "{\"status\":\"UP\"}";
    private static final String DOWN = "{\"status\":\"DOWN\"}";

    private final CamelContext camelContext;
    private final List<HealthCheck> ownChecks;
    private final AdminBearer bearer;
    private final ObjectMapper mapper;

    /** @param ownChecks the bundle's checks, also registered in Camel's registry */
    public HealthEndpoints(CamelContext camelContext, List<? extends HealthCheck> ownChecks, AdminBearer bearer,
            ObjectMapper mapper) {
        this.camelContext = camelContext;
        this.ownChecks = List.copyOf(ownChecks);
        this.bearer = bearer;
        this.mapper = mapper;
    }

    @Handler
    public void health(Exchange exchange) {
        Message message = exchange.getMessage();
        message.removeHeaders("*");
        boolean up;
        try {
            Collection<HealthCheck.Result> results = invoke(check -> !takesPushes(check));
            up = camelContext.getStatus().isStarted()
                    && results.stream().anyMatch(r -> StoreHealthCheck.ID.equals(r.getCheck().getId()))
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
        Collection<HealthCheck.Result> results = invoke(check -> false);
        List<Map<String, Object>> checks = new ArrayList<>();
        boolean down = false;
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

    /** The results of the registry's checks but the excluded ones; the own checks when the registry gives none. */
    private Collection<HealthCheck.Result> invoke(Predicate<HealthCheck> exclude) {
        Collection<HealthCheck.Result> results = HealthCheckHelper.invoke(camelContext, check -> Map.of(), exclude,
                "full");
        if (!results.isEmpty()) {
            return results;
        }
        return ownChecks.stream().filter(exclude.negate()).map(HealthCheck::call).toList();
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
