package io.wechatopen.camel.token;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What this instance last saw of each component's token upkeep: the last success and the last failure, for the
 * admin status and health checks. Thread-safe; kept in memory (each instance reports its own view).
 */
public final class ComponentHealth {

    /**
     * One observed outcome.
     *
     * @param at when it happened
     * @param operation what was attempted, e.g. {@code api_component_token}
     * @param errcode WeChat's errcode, or null when the failure was not a WeChat answer
     * @param message a message free of secrets
     */
    public record Observation(Instant at, String operation, Integer errcode, String message) {
    }

    private final Map<String, Observation> lastSuccess = new ConcurrentHashMap<>();
    private final Map<String, Observation> lastFailure = new ConcurrentHashMap<>();

    public void recordSuccess(String componentAppid, Instant at, String operation, String message) {
        lastSuccess.put(componentAppid, new Observation(at, operation, null, message));
    }

    public void recordFailure(String componentAppid, Instant at, String operation, Integer errcode, String message) {
        lastFailure.put(componentAppid, new Observation(at, operation, errcode, message));
    }

    public Optional<Observation> lastSuccess(String componentAppid) {
        return Optional.ofNullable(lastSuccess.get(componentAppid));
    }

    public Optional<Observation> lastFailure(String componentAppid) {
        return Optional.ofNullable(lastFailure.get(componentAppid));
    }
}
