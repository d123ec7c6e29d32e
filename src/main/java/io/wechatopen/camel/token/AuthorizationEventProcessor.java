package io.wechatopen.camel.token;

import java.time.Clock;
import java.time.Instant;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
 * processed afterwards; a failed one is retried on later runs up to {@value #MAX_ATTEMPTS} times. Safe to run on
 * several instances at once (exchanges are claimed per code, status changes carry the push's CreateTime).
 */
public final class AuthorizationEventProcessor {

    static final int MAX_ATTEMPTS = 5;
    private static final int BATCH = 100;
    private static final Logger LOG = LoggerFactory.getLogger(AuthorizationEventProcessor.class);

    private final PushStore pushes;
    private final AuthorizerStore authorizers;
    private final AuthorizationExchanger exchanger;
    private final AuthorizationListener listener;
    private final Clock clock;

    public AuthorizationEventProcessor(PushStore pushes, AuthorizerStore authorizers, AuthorizationExchanger exchanger,
            AuthorizationListener listener, Clock clock) {
        this.pushes = pushes;
        this.authorizers = authorizers;
        this.exchanger = exchanger;
        this.listener = listener;
        this.clock = clock;
    }

    /**
     * Processes the pending authorization pushes of a component, oldest first.
     *
     * @return how many were processed successfully
     */
    public int processPending(String componentAppid) {
        int done = 0;
        List<StoredEvent> events = pushes.findUnprocessed(componentAppid, BATCH);
        for (StoredEvent event : events) {
            try {
                process(event.push());
                pushes.markProcessed(event.id(), clock.instant());
                done++;
            } catch (AuthorizationFailedException e) {
                if (e.isTransient()) {
                    pushes.markFailed(event.id(), clock.instant(), e.getMessage(), MAX_ATTEMPTS);
                } else {
                    // WeChat refused the code (expired, invalid): retrying cannot help.
                    pushes.markFailed(event.id(), clock.instant(), e.getMessage(), 1);
                }
                LOG.warn("{} push for {} (component {}) failed: {}", event.push().infoType(),
                        event.push().authorizerAppid().orElse("-"), componentAppid, e.getMessage());
            } catch (RuntimeException e) {
                pushes.markFailed(event.id(), clock.instant(), e.getMessage(), MAX_ATTEMPTS);
                LOG.warn("{} push for {} (component {}) failed: {}", event.push().infoType(),
                        event.push().authorizerAppid().orElse("-"), componentAppid, e.getMessage());
            }
        }
        return done;
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
                if (authorizers.markUnauthorized(push.componentAppid(), authorizerAppid, at)) {
                    LOG.info("Account {} withdrew its authorization of component {}", authorizerAppid,
                            push.componentAppid());
                    listener.changed(new AuthorizationChange(push.componentAppid(), authorizerAppid,
                            AuthorizationChange.Kind.UNAUTHORIZED, at, List.of(), "unauthorized push"));
                }
            }
            default -> LOG.debug("Ignoring {} push", push.infoType());
        }
    }
}
