package io.wechatopen.camel.token;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.Objects;
import java.util.Optional;

import io.wechatopen.camel.api.WeChatApiException;
import io.wechatopen.camel.store.ApiBackoffStore;
import io.wechatopen.camel.store.ApiBackoffStore.Backoff;

/**
 * One back-off per component and WeChat API, shared by every path that calls it (schedules, on-demand token use,
 * authorization pages) and by every instance on the database, so that WeChat is never hammered while it fails: after
 * a failure the API is not called again before the back-off elapses (doubling from {@link #MIN} to {@link #MAX});
 * callers fail fast with the last error. 45009 (daily quota reached) opens a breaker until WeChat resets the quota at
 * midnight China time, or until an operator {@link #reset}s it.
 *
 * <p>A failure while a back-off is in force (a call that started before another caller, or another instance, recorded
 * its failure) does not double it again, and only 45009 replaces it: the whole cluster's concurrent failures count as
 * one, and an open quota breaker is never shortened by another failure.
 *
 * <p>Thread-safe; kept in an {@link ApiBackoffStore}, read on each {@link #check} (one primary-key read).
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

    private final ApiBackoffStore store;
    private final Clock clock;

    /**
     * @param store where the back-offs are kept; instances that share it share their back-offs
     * @param clock tells when a back-off has elapsed
     */
    public ApiBackoff(ApiBackoffStore store, Clock clock) {
        this.store = Objects.requireNonNull(store, "store");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * @throws BackingOffException when {@code api} of {@code componentAppid} must not be called now
     * @throws io.wechatopen.camel.store.StoreException when the store cannot be read
     */
    public void check(String componentAppid, String api) {
        Optional<State> inForce = state(componentAppid, api);
        if (inForce.isPresent()) {
            State state = inForce.get();
            throw new BackingOffException(api + " of " + componentAppid + " is not called until " + state.until()
                    + (state.quotaExhausted() ? " (daily quota reached, 45009)" : " (backing off)")
                    + "; last error: " + state.message(), state.errcode(), state.until());
        }
    }

    /**
     * Records a failed call: 45009 opens the quota breaker; any other failure doubles the back-off, unless a back-off
     * is still in force (then it stays as it is).
     *
     * @return the back-off now in force
     * @throws io.wechatopen.camel.store.StoreException when the store cannot be written
     */
    public State failed(String componentAppid, String api, RuntimeException failure) {
        Integer errcode = failure instanceof WeChatApiException e ? e.getErrcode()
                : failure instanceof BackingOffException b ? b.getErrcode() : null;
        String message = failure.getMessage();
        Instant now = clock.instant();
        return state(store.update(componentAppid, api, stored -> {
            Backoff previous = stored.orElse(null);
            if (errcode != null && errcode == WeChatApiException.QUOTA_EXHAUSTED) {
                return new Backoff(nextQuotaReset(now), previous == null ? MIN : previous.last(), errcode, message,
                        true);
            }
            if (previous != null && now.isBefore(previous.until())) {
                return previous;
            }
            Duration next = previous == null ? MIN : previous.last().multipliedBy(2);
            if (next.compareTo(MAX) > 0) {
                next = MAX;
            }
            return new Backoff(now.plus(next), next, errcode, message, false);
        }));
    }

    /** Opens the quota breaker of one API when {@code failure} is 45009; other failures are ignored here. */
    public void quotaExhaustedIf(String componentAppid, String api, RuntimeException failure) {
        if (failure instanceof WeChatApiException e && e.getErrcode() == WeChatApiException.QUOTA_EXHAUSTED) {
            failed(componentAppid, api, failure);
        }
    }

    /** Ends the back-off or quota breaker of an API (a call succeeded, a new ticket arrived), for every instance. */
    public void reset(String componentAppid, String api) {
        store.delete(componentAppid, api);
    }

    /** Ends every back-off and breaker of a component, for every instance. @return how many were recorded */
    public int resetAll(String componentAppid) {
        return store.deleteAll(componentAppid);
    }

    /** The back-off of an API while it is in force. */
    public Optional<State> state(String componentAppid, String api) {
        Instant now = clock.instant();
        return store.find(componentAppid, api).filter(b -> now.isBefore(b.until())).map(ApiBackoff::state);
    }

    static Instant nextQuotaReset(Instant now) {
        LocalDate today = now.atZone(QUOTA_ZONE).toLocalDate();
        return today.plusDays(1).atStartOfDay(QUOTA_ZONE).toInstant();
    }

    private static State state(Backoff b) {
        return new State(b.until(), b.last(), b.errcode(), b.message(), b.quotaExhausted());
    }
}
