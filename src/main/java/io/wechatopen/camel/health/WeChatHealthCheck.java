package io.wechatopen.camel.health;

import java.util.Map;

import org.apache.camel.Ordered;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

/**
 * A check of the bundle's own state, in group {@code wechat}. Readiness only: restarting the process fixes none of
 * what these report (a database outage, a missing ticket, an account to re-authorize). A check that cannot read the
 * database answers UNKNOWN (the {@code wechat-store} check is the one that says DOWN then). Messages never hold a
 * secret.
 */
abstract class WeChatHealthCheck extends AbstractHealthCheck {

    static final String GROUP = "wechat";

    WeChatHealthCheck(String id) {
        super(GROUP, id);
    }

    @Override
    public boolean isLiveness() {
        return false;
    }

    /** Right after Camel's {@code context} check and before the routes, so an operator reads ours first. */
    @Override
    public int getOrder() {
        return Ordered.HIGHEST + 1;
    }

    @Override
    protected final void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        try {
            check(builder);
        } catch (RuntimeException e) {
            builder.unknown().message("cannot tell: the database cannot be read");
        }
    }

    /** Sets the state (UP or DOWN) and message; may throw when the database cannot be read. */
    protected abstract void check(HealthCheckResultBuilder builder);
}
