package io.wechatopen.camel.store;

import java.time.Instant;
import java.util.List;

import io.wechatopen.camel.model.ReceivedPush;
import io.wechatopen.camel.model.StoredEvent;

/** Records every accepted push in {@code wechat_authorization_event}, and a ticket push's ticket, atomically. */
public interface PushStore {

    /** What {@link #record(ReceivedPush)} did with a push. */
    enum Outcome {
        /** A ticket push whose ticket is now the component's latest. */
        TICKET_STORED,
        /** A ticket push older (by CreateTime) than the stored ticket: recorded, the newer ticket kept. */
        TICKET_OLDER_KEPT_NEWER,
        /** Any other push: recorded for processing. */
        EVENT_STORED
    }

    /**
     * Inserts the event row and, for a {@code component_verify_ticket} push, stores the ticket in
     * {@code wechat_component} unless a newer one (by CreateTime) is stored; all in one transaction.
     *
     * @throws DuplicatePushException when the same delivery (msg_signature, timestamp, nonce) was recorded before;
     *         nothing is written then
     * @throws StoreException when the database cannot be written; nothing is written then
     */
    Outcome record(ReceivedPush push);

    /** Number of recorded pushes of a component (for status and tests). */
    long countEvents(String componentAppid);

    /**
     * @return at most {@code limit} authorization pushes (authorized, updateauthorized, unauthorized) still in status
     *         RECEIVED, oldest CreateTime first, payload opened
     */
    List<StoredEvent> findUnprocessed(String componentAppid, int limit);

    /** Status PROCESSED. @return false when the event was already processed (by another instance) */
    boolean markProcessed(String eventId, Instant at);

    /**
     * Records a failed processing attempt ({@code error} is a secret-free message); after {@code maxAttempts}
     * the status becomes FAILED and the event is no longer returned by {@link #findUnprocessed}.
     */
    void markFailed(String eventId, Instant at, String error, int maxAttempts);
}
