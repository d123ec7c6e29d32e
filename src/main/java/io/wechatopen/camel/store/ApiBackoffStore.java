package io.wechatopen.camel.store;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Function;

/**
 * The back-off of each component and WeChat API after failed calls ({@code wechat_api_backoff}), shared by the
 * instances on one database. The store keeps what it is given; the back-off rules are the caller's.
 */
public interface ApiBackoffStore {

    /**
     * A stored back-off.
     *
     * @param until when the next call is allowed
     * @param last the back-off that was applied
     * @param errcode the errcode of the last failure, or null
     * @param message the last failure's message (secret-free), or null
     * @param quotaExhausted whether 45009 opened the daily quota breaker
     */
    record Backoff(Instant until, Duration last, Integer errcode, String message, boolean quotaExhausted) {
    }

    /**
     * @return the API's back-off, whether in force or elapsed; empty when none is stored
     * @throws StoreException when the database cannot be read
     */
    Optional<Backoff> find(String componentAppid, String api);

    /**
     * Replaces the API's back-off with {@code next} applied to the stored one (empty when none), in one transaction
     * that holds the row from the read to the write: two instances updating at once apply {@code next} one after the
     * other, the second to the first one's result. {@code next} may run more than once (a transaction that lost a
     * race to insert the row runs again), so it must have no side effect.
     *
     * @return the back-off now stored (its message possibly shortened to what the store holds)
     * @throws StoreException when the database cannot be written; nothing is changed then
     */
    Backoff update(String componentAppid, String api, Function<Optional<Backoff>, Backoff> next);

    /**
     * Removes the API's back-off.
     *
     * @return whether one was stored
     * @throws StoreException when the database cannot be written
     */
    boolean delete(String componentAppid, String api);

    /**
     * Removes every back-off of a component.
     *
     * @return how many were stored
     * @throws StoreException when the database cannot be written
     */
    int deleteAll(String componentAppid);
}
