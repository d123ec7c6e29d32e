package io.wechatopen.camel.token;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.wechatopen.camel.config.ClusterSettings;
import io.wechatopen.camel.model.AuthorizationChange;
import io.wechatopen.camel.model.AuthorizerRecord;
import io.wechatopen.camel.model.ComponentPush;
import io.wechatopen.camel.model.InfoType;
import io.wechatopen.camel.model.StoredEvent;
import io.wechatopen.camel.store.AuthorizerStore;
import io.wechatopen.camel.store.PushStore;

/**
 * Processes the authorization pushes the intake stored, after WeChat got its {@code success}: {@code authorized}
 * exchanges the code unless the browser callback already did; {@code updateauthorized} exchanges the new code
 * (new func_info); {@code unauthorized} marks the account UNAUTHORIZED and purges its tokens. Each event is marked
 * processed afterwards. A failure that may pass (WeChat unreachable, an exchange whose outcome is unknown, the
 * database) is retried after an exponential back-off ({@link #FIRST_RETRY} doubling up to {@link #MAX_RETRY}), up
 * to {@value #MAX_ATTEMPTS} attempts, i.e. for hours; a definitive one (WeChat refused the code, the push lacks a
 * field) marks the event FAILED at once, and so does a payload that cannot be read (see
 * {@link PushStore#findUnprocessed}). An operator can retry FAILED events. Safe to run on several instances at once:
 * each instance claims the pushes it processes with a lease in the database ({@link PushStore#claimUnprocessed}), so
 * no push is processed by two at once and a dead instance's pushes are taken over after the lease's deadline;
 * exchanges are claimed per code, and status changes carry the push's CreateTime.
 */
public final class AuthorizationEventProcessor {

    /** Attempts of one event: with the back-off below, about three and a half hours of WeChat outage. */
    static final int MAX_ATTEMPTS = 24;
    static final Duration FIRST_RETRY = Duration.ofSeconds(30);
    static final Duration MAX_RETRY = Duration.ofMinutes(10);
    private static final int BATCH = 100;
    /** Pushes claimed at a time: small, so a claimed push does not wait out its lease behind slow exchanges. */
    private static final int CLAIM = 10;
    private static final Logger LOG = LoggerFactory.getLogger(AuthorizationEventProcessor.class);

    private final PushStore pushes;
    private final AuthorizerStore authorizers;
    private final AuthorizationExchanger exchanger;
    private final ClusterSettings cluster;
    private final Clock clock;

    public AuthorizationEventProcessor(PushStore pushes, AuthorizerStore authorizers, AuthorizationExchanger exchanger,
            ClusterSettings cluster, Clock clock) {
        this.pushes = pushes;
        this.authorizers = authorizers;
        this.exchanger = exchanger;
        this.cluster = cluster;
        this.clock = clock;
    }

    /**
     * Processes the pending authorization pushes of a component that no other instance holds, oldest first, at most
     * {@value #BATCH} per call.
     *
     * @return how many were processed successfully
     */
    public int processPending(String componentAppid) {
        int done = 0;
        int claimed = 0;
        List<StoredEvent> events;
        while (claimed < BATCH && !(events = pushes.claimUnprocessed(componentAppid, cluster.nodeId(),
                clock.instant().plus(cluster.leaseDuration()), Math.min(CLAIM, BATCH - claimed))).isEmpty()) {
            claimed += events.size();
            done += process(events);
        }
        return done;
    }

    private int process(List<StoredEvent> events) {
        int done = 0;
        for (StoredEvent event : events) {
            try {
                process(event.push());
                pushes.markProcessed(event.id(), clock.instant());
                done++;
            } catch (AuthorizationFailedException e) {
                // A definitive refusal of the code (expired, invalid): retrying cannot help.
                failed(event, e.getMessage(), !e.isTransient());
            } catch (IllegalArgumentException e) {
                // The push lacks a field it needs: it will never do.
                failed(event, e.getMessage(), true);
            } catch (RuntimeException e) {
                failed(event, e.getMessage(), false);
            }
        }
        return done;
    }

    private void failed(StoredEvent event, String error, boolean definitive) {
        Instant now = clock.instant();
        Instant next = now.plus(retryDelay(event.attempts()));
        pushes.markFailed(event.id(), now, error, definitive ? 1 : MAX_ATTEMPTS, next);
        LOG.warn("{} push for {} (component {}) failed{}: {}", event.push().infoType(),
                event.push().authorizerAppid().orElse("-"), event.push().componentAppid(),
                definitive ? "" : ", attempt " + (event.attempts() + 1) + " of " + MAX_ATTEMPTS + ", next at " + next,
                error);
    }

    /** The delay after the {@code (failedBefore + 1)}th failed attempt. */
    static Duration retryDelay(int failedBefore) {
        int doublings = Math.min(failedBefore, 10);
        Duration delay = FIRST_RETRY.multipliedBy(1L << doublings);
        return delay.compareTo(MAX_RETRY) > 0 ? MAX_RETRY : delay;
    }

    private void process(ComponentPush push) {
        String authorizerAppid = push.authorizerAppid()
                .orElseThrow(() -> new IllegalArgumentException(push.infoType() + " push has no AuthorizerAppid"));
        switch (push.infoType()) {
            case InfoType.AUTHORIZED, InfoType.UPDATE_AUTHORIZED -> {
                String code = push.field("AuthorizationCode").orElseThrow(
                        () -> new IllegalArgumentException(push.infoType() + " push has no AuthorizationCode"));
                AuthorizerRecord record = exchanger.exchange(push.componentAppid(), code, authorizerAppid);
                if (!record.authorizerAppid().equals(authorizerAppid)) {
                    LOG.warn("{} push named {} but its code authorized {}", push.infoType(), authorizerAppid,
                            record.authorizerAppid());
                }
            }
            case InfoType.UNAUTHORIZED -> {
                // CreateTime has whole seconds: the withdrawal happened within that second, so it must win over an
                // authorization stored earlier in the same second.
                Instant at = push.createTime().plusMillis(999);
                if (authorizers.markUnauthorized(push.componentAppid(), authorizerAppid, at, new AuthorizationChange(
                        push.componentAppid(), authorizerAppid, AuthorizationChange.Kind.UNAUTHORIZED, at, List.of(),
                        "unauthorized push"))) {
                    LOG.info("Account {} withdrew its authorization of component {}", authorizerAppid,
                            push.componentAppid());
                }
            }
            default -> LOG.debug("Ignoring {} push", push.infoType());
        }
    }
}
