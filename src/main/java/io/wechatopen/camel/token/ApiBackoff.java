package io.wechatopen.camel.token;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import io.wechatopen.camel.api.WeChatApiException;

/**
 * One back-off per component and WeChat API, shared by every path that calls it (schedules, on-demand token use,
 * authorization pages), so that WeChat is never hammered while it fails: after a failure the API is not called
 * again before the back-off elapses (doubling from {@link #MIN} to {@link #MAX}); callers fail fast with the last
 * error. 45009 (daily quota reached) opens a breaker until WeChat resets the quota at midnight China time, or until
 * an operator {@link #reset}s it.
 *
 * <p>Thread-safe; kept in memory per instance.
 */
public final class ApiBackoff {

    /** WeChat's daily quotas restart at midnight, Beijing time. */
    static final ZoneId QUOTA_ZONE = ZoneId.of("Asia/Shanghai");
    static final Duration MIN = Duration.ofMinutes(1);
    static final Duration MAX = Duration.ofMinutes(15);

    /**
     * Why an API is not called now.
     *
     * @param until when the next call is allowed
     * @param last the back-off that was applied
     * @param errcode the errcode of the last failure, or null
     * @param message the last failure's message (secret-free)
     * @param quotaExhausted whether 45009 opened the breaker
     */
    public record State(Instant until, Duration last, Integer errcode, String message, boolean quotaExhausted) {
    }

    private final Clock clock;
    private final Map<String, State> states = new ConcurrentHashMap<>();

    public ApiBackoff(Clock clock) {
        this.clock = clock;
    }

    /**
     * @throws BackingOffException when {@code api} of {@code componentAppid} must not be called now
     */
    public void check(String componentAppid, String api) {
        State state = states.get(key(componentAppid, api));
        if (state != null && clock.instant().isBefore(state.until())) {
            throw new BackingOffException(api + " of " + componentAppid + " is not called until " + state.until()
                    + (state.quotaExhausted() ? " (daily quota reached, 45009)" : " (backing off)")
                    + "; last error: " + state.message(), state.errcode(), state.until());
        }
    }

    /** Records a failed call: 45009 opens the quota breaker, any other failure doubles the back-off. */
    public State failed(String componentAppid, String api, RuntimeException failure) {
        Integer errcode = failure instanceof WeChatApiException e ? e.getErrcode()
                : failure instanceof BackingOffException b ? b.getErrcode() : null;
        Instant now = clock.instant();
        return states.compute(key(componentAppid, api), (k, previous) -> {
            if (errcode != null && errcode == WeChatApiException.QUOTA_EXHAUSTED) {
                return new State(nextQuotaReset(now), previous == null ? MIN : previous.last(), errcode,
                        failure.getMessage(), true);
            }
            Duration next = previous == null ? MIN : previous.last().multipliedBy(2);
            if (next.compareTo(MAX) > 0) {
                next = MAX;
            }
            return new State(now.plus(next), next, errcode, failure.getMessage(), false);
        });
    }

    /** Opens the quota breaker of one API when {@code failure} is 45009; other failures are ignored here. */
    public void quotaExhaustedIf(String componentAppid, String api, RuntimeException failure) {
        if (failure instanceof WeChatApiException e && e.getErrcode() == WeChatApiException.QUOTA_EXHAUSTED) {
            failed(componentAppid, api, failure);
        }
    }

    /** Ends the back-off or quota breaker of an API (a call succeeded, a new ticket arrived). */
    public void reset(String componentAppid, String api) {
        states.remove(key(componentAppid, api));
    }

    /** Ends every back-off and breaker of a component. @return how many were open */
    public int resetAll(String componentAppid) {
        java.util.List<String> keys = states.keySet().stream().filter(k -> k.startsWith(componentAppid + "/"))
                .toList();
        keys.forEach(states::remove);
        return keys.size();
    }

    /** The back-off of an API while it is in force. */
    public Optional<State> state(String componentAppid, String api) {
        State state = states.get(key(componentAppid, api));
        return state != null && clock.instant().isBefore(state.until()) ? Optional.of(state) : Optional.empty();
    }

    static Instant nextQuotaReset(Instant now) {
        LocalDate today = now.atZone(QUOTA_ZONE).toLocalDate();
        return today.plusDays(1).atStartOfDay(QUOTA_ZONE).toInstant();
    }

    private static String key(String componentAppid, String api) {
        return componentAppid + "/" + api;
    }
}
