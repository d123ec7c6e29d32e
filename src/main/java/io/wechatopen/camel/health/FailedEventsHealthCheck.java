package io.wechatopen.camel.health;

import java.util.Collection;
import java.util.List;

import org.apache.camel.health.HealthCheckResultBuilder;

import io.wechatopen.camel.store.JdbcPushStore;
import io.wechatopen.camel.store.PushStore;

/**
 * {@code wechat-events}: DOWN while any recorded authorization push is FAILED (its processing was given up: an
 * authorization may be missing until an operator retries it); the message gives the count.
 */
public final class FailedEventsHealthCheck extends WeChatHealthCheck {

    /** The check's id. */
    public static final String ID = "wechat-events";

    private final List<String> componentAppids;
    private final PushStore pushes;

    public FailedEventsHealthCheck(Collection<String> componentAppids, PushStore pushes) {
        super(ID);
        this.componentAppids = List.copyOf(componentAppids);
        this.pushes = pushes;
    }

    @Override
    protected void check(HealthCheckResultBuilder builder) {
        long failed = 0;
        for (String appid : componentAppids) {
            long count = pushes.countEvents(appid, JdbcPushStore.STATUS_FAILED);
            builder.detail(appid + ".failed.events", count);
            failed += count;
        }
        if (failed > 0) {
            builder.down().message(failed + " authorization push(es) FAILED; retry them once the cause is fixed");
        } else {
            builder.up().message("no failed authorization push");
        }
    }
}
