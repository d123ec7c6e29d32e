package io.wechatopen.camel.store;

import java.time.Instant;
import java.util.List;

import io.wechatopen.camel.model.ReceivedPush;
import io.wechatopen.camel.model.StoredEvent;

/**
 * Records every accepted push in {@code wechat_authorization_event}, and a ticket push's ticket, atomically; hands
 * the authorization pushes out for processing with back-off, and lets an operator list and retry failed ones.
 */
public interface PushStore {

    /** What {@link #record(ReceivedPush)} did with a push. */
    enum Outcome {
        /** A ticket push whose ticket is now the component's latest. */
        TICKET_STORED,
        /** A ticket push older (by CreateTime) than the stored ticket: recorded, the newer ticket kept. */
        TICKET_OLDER_KEPT_NEWER,
        /** Any other push: recorded for processing. */
        EVENT_STORED,
        /**
         * The same delivery (delivery key and body hash) was recorded before: WeChat delivered it again because our
         * answer was lost. Nothing was written.
         */
        ALREADY_RECORDED
    }

    /** What {@link #retryFailed} did. */
    enum RetryOutcome {
        /** The event was FAILED and is now RECEIVED, due at once, with its attempts reset. */
        RETRIED,
        /** The event exists but is not FAILED; nothing changed. */
        NOT_FAILED,
        /** No event of that component has that id. */
        UNKNOWN
    }

    /**
     * A recorded push as an operator sees it: never the payload.
     *
     * @param id the event row's id
     * @param componentAppid the component it was pushed to
     * @param infoType its InfoType
     * @param authorizerAppid its AuthorizerAppid, or null
     * @param createTime WeChat's CreateTime
     * @param status RECEIVED, PROCESSED or FAILED
     * @param attempts failed processing attempts so far
     * @param lastError the last failure's secret-free message, or null
     */
    record EventSummary(String id, String componentAppid, String infoType, String authorizerAppid, Instant createTime,
            String status, int attempts, String lastError) {
    }

    /**
     * Inserts the event row and, for a {@code component_verify_ticket} push, stores the ticket in
     * {@code wechat_component} unless a newer one (by CreateTime) is stored; all in one transaction.
     *
     * @return what was stored; {@link Outcome#ALREADY_RECORDED} when this exact delivery (same msg_signature,
     *         timestamp, nonce and body hash) was recorded before, and nothing is written then
     * @throws DuplicatePushException when the same delivery key (msg_signature, timestamp, nonce) was recorded before
     *         with another body, or with no body hash; nothing is written then
     * @throws StoreException when the database cannot be written; nothing is written then
     */
    Outcome record(ReceivedPush push);

    /**
     * What {@link #recordAll} did with one push: the outcome {@link #record} would have returned, or the exception it
     * would have thrown ({@link DuplicatePushException}, {@link IllegalArgumentException}).
     *
     * @param outcome what was stored, or null when refused
     * @param refusal why nothing was stored for this push, or null
     */
    record Recorded(Outcome outcome, RuntimeException refusal) {

        /** The outcome, or the refusal thrown. */
        public Outcome outcomeOrThrow() {
            if (refusal != null) {
                throw refusal;
            }
            return outcome;
        }
    }

    /**
     * Records several pushes with the result of {@link #record} called for each in list order, in one transaction
     * (group commit): a push later in the list with a delivery key earlier in it is a re-delivery or a replay of that
     * one, and of the tickets only the latest by CreateTime (the first of equals) is stored.
     *
     * @return one result per push, in list order
     * @throws StoreException when the database cannot be written; nothing of any push is written then
     */
    List<Recorded> recordAll(List<ReceivedPush> pushes);

    /** Number of recorded pushes of a component (for status and tests). */
    long countEvents(String componentAppid);

    /** Number of recorded pushes of a component in {@code status} (RECEIVED, PROCESSED, FAILED), for health. */
    long countEvents(String componentAppid, String status);

    /**
     * The authorization pushes (authorized, updateauthorized, unauthorized) of a component that are RECEIVED and
     * due (their next attempt is not later than now), oldest CreateTime first, payload opened. A push whose payload
     * cannot be opened or parsed is marked FAILED with the reason (no secret) and left out; the others are returned.
     *
     * @return at most {@code limit} events
     */
    List<StoredEvent> findUnprocessed(String componentAppid, int limit);

    /**
     * As {@link #findUnprocessed}, for one of several instances: in one transaction, takes only the due pushes that
     * no other instance leases now (skipping rows another transaction has locked, so concurrent claimers get
     * disjoint sets) and leases them to {@code holder} until {@code leaseUntil}. The lease ends with
     * {@link #markProcessed} or {@link #markFailed}; the pushes of an instance that died are claimable again once
     * their lease's deadline has passed.
     *
     * @return at most {@code limit} events, oldest CreateTime first
     */
    List<StoredEvent> claimUnprocessed(String componentAppid, String holder, Instant leaseUntil, int limit);

    /** Status PROCESSED. @return false when the event was already processed (by another instance) */
    boolean markProcessed(String eventId, Instant at);

    /**
     * Records a failed processing attempt ({@code error} is a secret-free message) and ends its lease; after
     * {@code maxAttempts}
     * the status becomes FAILED and the event is no longer returned by {@link #findUnprocessed}; before that the
     * next attempt is due at {@code nextAttemptAt}.
     */
    void markFailed(String eventId, Instant at, String error, int maxAttempts, Instant nextAttemptAt);

    /**
     * The recorded pushes of a component in a status, oldest CreateTime first.
     *
     * @param status RECEIVED, PROCESSED or FAILED
     * @return at most {@code limit} summaries, without payloads
     */
    List<EventSummary> findByStatus(String componentAppid, String status, int limit);

    /**
     * An operator retries a FAILED event: it becomes RECEIVED, due at {@code now}, with its attempts reset.
     *
     * @return what happened; only an event of {@code componentAppid} is considered
     */
    RetryOutcome retryFailed(String componentAppid, String eventId, Instant now);
}
