package io.wechatopen.camel.store;

import java.time.Instant;
import java.util.List;

import io.wechatopen.camel.model.Notice;

/**
 * The outbox of notices for integrator routes ({@code wechat_notice}). A notice is written in the transaction of
 * the change it tells of (see {@link AuthorizerStore}) or on its own ({@link #add}); any instance then claims it for
 * delivery with a lease, and marks it delivered or failed. A lease whose holder died ends at its deadline, after
 * which any instance claims the notice again: delivery is at least once, de-duplicated by the notice id.
 */
public interface NoticeStore {

    /**
     * Stores a notice due for delivery at once, in its own transaction, unless a notice with its id is stored
     * (delivered or not): a deterministic id thus de-duplicates what is received twice.
     *
     * @return true when stored; false when a notice with that id exists
     * @throws StoreException when the database cannot be written; nothing is stored then
     */
    boolean add(Notice notice);

    /**
     * Takes at most {@code limit} undelivered notices that no live lease holds and whose next attempt is due at
     * {@code now}, or that {@code holder} holds since it wrote them and has not tried to deliver yet; oldest first,
     * each by a compare-and-set: {@code lease_holder = holder}, {@code lease_until = leaseUntil}, one more attempt
     * counted. A notice another
     * instance took meanwhile is left out. One instance must not claim while its own deliveries are in flight.
     *
     * @return the claimed notices, oldest first; empty when none is due
     * @throws StoreException when the database cannot be read or written
     */
    List<Notice> claim(String holder, Instant now, Instant leaseUntil, int limit);

    /**
     * Marks a notice delivered at {@code at}, only while {@code holder} holds it.
     *
     * @return false when another instance took it over meanwhile (its lease had ended) or it was delivered already
     */
    boolean markDelivered(String noticeId, String holder, Instant at);

    /**
     * Records a failed delivery while {@code holder} holds the notice: next attempt at
     * {@code retryAt}; {@code error} must be free of secrets (cut to 512 characters).
     *
     * @return false when another instance took it over meanwhile or it was delivered already
     */
    boolean markFailed(String noticeId, String holder, Instant retryAt, String error);

    /** @return the undelivered notices of a component */
    long countPending(String componentAppid);

    /** @return the notices of an account, oldest first, delivered or not */
    List<Notice> findByAuthorizer(String componentAppid, String authorizerAppid);

    /**
     * Deletes the notices delivered before {@code before}.
     *
     * @return how many were deleted
     */
    int purgeDelivered(Instant before);
}
