package io.wechatopen.camel.health;

import java.util.Collection;
import java.util.List;

import org.apache.camel.health.HealthCheckResultBuilder;

import io.wechatopen.camel.model.AuthorizerStatus;
import io.wechatopen.camel.store.AuthorizerStore;

/**
 * {@code wechat-authorizers}: DOWN while any account is NEEDS_REAUTHORIZATION (WeChat refused every refresh token we
 * could find: its owner must authorize again); the message gives the count.
 */
public final class AuthorizersHealthCheck extends WeChatHealthCheck {

    /** The check's id. */
    public static final String ID = "wechat-authorizers";

    private final List<String> componentAppids;
    private final AuthorizerStore authorizers;

    public AuthorizersHealthCheck(Collection<String> componentAppids, AuthorizerStore authorizers) {
        super(ID);
        this.componentAppids = List.copyOf(componentAppids);
        this.authorizers = authorizers;
    }

    @Override
    protected void check(HealthCheckResultBuilder builder) {
        long needing = 0;
        long authorized = 0;
        for (String appid : componentAppids) {
            var counts = authorizers.countByStatus(appid);
            long count = counts.getOrDefault(AuthorizerStatus.NEEDS_REAUTHORIZATION.name(), 0L);
            builder.detail(appid + ".needs.reauthorization", count);
            needing += count;
            authorized += counts.getOrDefault(AuthorizerStatus.AUTHORIZED.name(), 0L);
        }
        if (needing > 0) {
            builder.down().message(needing + " account(s) need re-authorization (their owners must authorize again;"
                    + " see GET /admin/status)");
        } else {
            builder.up().message("no account needs re-authorization; " + authorized + " authorized");
        }
    }
}
