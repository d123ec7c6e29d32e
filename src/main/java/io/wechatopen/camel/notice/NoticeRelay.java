package io.wechatopen.camel.notice;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;

import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.wechatopen.camel.crypto.SafeXml;
import io.wechatopen.camel.model.Notice;
import io.wechatopen.camel.store.NoticeStore;

/**
 * Delivers the outbox's notices to the integrator routes, on every instance: claims due notices with a lease
 * (holder = this node's id, deadline = now + the lease duration), sends each to its endpoint and waits until the
 * integrator's route has finished with it, then marks it delivered. A route that fails (an exception it does not
 * handle), a timeout or a missing consumer is a failed delivery, tried again after a back-off (1 s doubling up to
 * 5 min). A notice whose holder died is taken again by any instance once its lease ended. Delivery is therefore at
 * least once; integrators de-duplicate on the header {@code WeChatNoticeId} (also {@code notice_id} in the JSON of
 * authorization notices). Notices are not ordered across instances; an authorization notice's {@code at} orders the
 * changes of one account.
 *
 * <ul>
 * <li>authorization notices go to {@value #AUTHORIZATION_ENDPOINT}: a JSON body and the headers
 * {@code WeChatNoticeId}, {@code WeChatComponentAppid}, {@code WeChatAuthorizerAppid},
 * {@code WeChatAuthorizationChange};</li>
 * <li>account messages go to {@value #ACCOUNT_MESSAGE_ENDPOINT}: the decrypted XML and the headers the intake set,
 * plus {@code WeChatNoticeId}.</li>
 * <li>component events (pushes to the 授权事件接收URL the bundle does not act on) go to
 * {@value #COMPONENT_EVENT_ENDPOINT}: the decrypted XML and the headers {@code WeChatNoticeId} (the event row's
 * id), {@code WeChatComponentAppid}, {@code WeChatInfoType}, {@code WeChatAuthorizerAppid} when the push names an
 * account, and {@code WeChatPushFields}: every top-level element of the push by name, unknown ones included (the
 * text of nested elements, such as {@code <info>}, stays in the XML only).</li>
 * </ul>
 * Thread-safe; one delivery run at a time per instance.
 */
public final class NoticeRelay {

    public static final String AUTHORIZATION_ENDPOINT = "seda:wechat-authorization-changed";
    public static final String ACCOUNT_MESSAGE_ENDPOINT = "seda:wechat-account-message-received";
    public static final String COMPONENT_EVENT_ENDPOINT = "seda:wechat-component-event-received";
    /** Where a commit on this instance wakes the relay (a queue of one: a pending wake-up covers later ones). */
    public static final String WAKE_ENDPOINT = "seda:wechat-notice-relay-wake?size=1";
    /** How long delivered notices are kept. */
    public static final Duration RETENTION = Duration.ofDays(7);

    private static final Logger LOG = LoggerFactory.getLogger(NoticeRelay.class);
    private static final int BATCH = 10;
    private static final Duration FIRST_RETRY = Duration.ofSeconds(1);
    private static final Duration MAX_RETRY = Duration.ofMinutes(5);

    private final NoticeStore store;
    private final ProducerTemplate producer;
    private final String nodeId;
    private final Duration lease;
    private final Clock clock;
    private final ReentrantLock running = new ReentrantLock();
    private final AtomicBoolean again = new AtomicBoolean();

    /**
     * @param store the outbox
     * @param producer sends to the integrator endpoints and the wake-up queue
     * @param nodeId this instance's {@code wechat.cluster.node-id}, the lease holder
     * @param lease how long a claimed notice stays this instance's; also the longest wait for an integrator route
     * @param clock gives lease deadlines and delivery times
     */
    public NoticeRelay(NoticeStore store, ProducerTemplate producer, String nodeId, Duration lease, Clock clock) {
        this.store = Objects.requireNonNull(store, "store");
        this.producer = Objects.requireNonNull(producer, "producer");
        this.nodeId = Objects.requireNonNull(nodeId, "nodeId");
        this.lease = Objects.requireNonNull(lease, "lease");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * Delivers every due notice. When a run is under way on this instance it is asked to look again, and this call
     * returns at once.
     *
     * @return the notices this call delivered
     * @throws io.wechatopen.camel.store.StoreException when the outbox cannot be read or written (the next run
     *         retries)
     */
    public int relay() {
        again.set(true);
        if (!running.tryLock()) {
            return 0;
        }
        try {
            int delivered = 0;
            while (again.getAndSet(false)) {
                int[] counts;
                // Until a claim finds nothing: a short batch does not mean the outbox is empty, since another
                // instance claiming at the same moment may have taken some of the rows this one read.
                do {
                    counts = relayBatch();
                    delivered += counts[1];
                } while (counts[0] > 0);
            }
            return delivered;
        } finally {
            running.unlock();
        }
    }

    /** @return {claimed, delivered} */
    private int[] relayBatch() {
        Instant now = clock.instant();
        Instant leaseUntil = now.plus(lease);
        List<Notice> claimed = store.claim(nodeId, now, leaseUntil, BATCH);
        int delivered = 0;
        for (Notice notice : claimed) {
            if (!clock.instant().isBefore(leaseUntil)) {
                // The lease ended while earlier notices were delivered: the rest is anyone's again, ours included.
                break;
            }
            if (deliver(notice)) {
                delivered++;
            }
        }
        return new int[] {claimed.size(), delivered};
    }

    private boolean deliver(Notice notice) {
        Exchange result = producer.send(endpoint(notice), exchange -> {
            exchange.getMessage().setHeaders(new HashMap<>(notice.headers()));
            exchange.getMessage().setHeader(Notice.NOTICE_ID, notice.noticeId());
            exchange.getMessage().setBody(notice.body());
            if (Notice.COMPONENT_EVENT.equals(notice.kind())) {
                // Stored only after SafeXml parsed it at intake, so it parses again.
                exchange.getMessage().setHeader(Notice.PUSH_FIELDS, SafeXml.parseFlat(notice.body()));
            }
        });
        Exception failure = result.getException();
        if (failure == null) {
            if (!store.markDelivered(notice.noticeId(), nodeId, clock.instant())) {
                LOG.warn("Notice {} was delivered after its lease ended; another instance may deliver it again",
                        notice.noticeId());
            }
            return true;
        }
        Instant retryAt = clock.instant().plus(retryDelay(notice.attempts() - 1));
        LOG.warn("Delivery of the {} notice {} of {} failed (attempt {}), next at {}: {}", notice.changeKind(),
                notice.noticeId(), notice.authorizerAppid(), notice.attempts(), retryAt, failure.getMessage());
        store.markFailed(notice.noticeId(), nodeId, retryAt,
                failure.getClass().getSimpleName() + ": " + failure.getMessage());
        return false;
    }

    private String endpoint(Notice notice) {
        String base = switch (notice.kind()) {
            case Notice.ACCOUNT_MESSAGE -> ACCOUNT_MESSAGE_ENDPOINT;
            case Notice.COMPONENT_EVENT -> COMPONENT_EVENT_ENDPOINT;
            default -> AUTHORIZATION_ENDPOINT;
        };
        return base + "?waitForTaskToComplete=Always&failIfNoConsumers=true&timeout=" + lease.toMillis();
    }

    /** The delay after the {@code (failedBefore + 1)}th failed delivery. */
    static Duration retryDelay(int failedBefore) {
        Duration delay = FIRST_RETRY.multipliedBy(1L << Math.min(Math.max(failedBefore, 0), 16));
        return delay.compareTo(MAX_RETRY) > 0 ? MAX_RETRY : delay;
    }

    /**
     * Asks for a delivery run soon (after a notice was committed on this instance); never blocks nor throws: when
     * a run is queued already or the relay's routes are not started, the next poll delivers.
     */
    public void wake() {
        try {
            producer.sendBody(WAKE_ENDPOINT + "&blockWhenFull=false&discardWhenFull=true&discardIfNoConsumers=true",
                    "");
        } catch (RuntimeException e) {
            LOG.debug("Could not wake the notice relay: {}", e.getMessage());
        }
    }

    /**
     * Deletes the notices delivered more than {@link #RETENTION} ago.
     *
     * @return how many were deleted
     */
    public int purge() {
        Instant before = clock.instant().minus(RETENTION);
        int purged = store.purgeDelivered(before);
        if (purged > 0) {
            LOG.info("Purged {} notices delivered before {}", purged, before);
        }
        return purged;
    }
}
