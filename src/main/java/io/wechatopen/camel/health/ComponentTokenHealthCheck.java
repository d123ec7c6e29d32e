package io.wechatopen.camel.health;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;

import org.apache.camel.health.HealthCheckResultBuilder;

import io.wechatopen.camel.model.ComponentAccessToken;
import io.wechatopen.camel.token.ComponentHealth;
import io.wechatopen.camel.token.ComponentTokenManager;

/**
 * {@code wechat-component-token}: UP when every component holds a {@code component_access_token} valid now. When not,
 * the message adds the last failure this instance saw of the token upkeep (secret-free by contract).
 */
public final class ComponentTokenHealthCheck extends WeChatHealthCheck {

    /** The check's id. */
    public static final String ID = "wechat-component-token";

    private final ComponentTokenManager tokens;
    private final ComponentHealth upkeep;
    private final Clock clock;

    public ComponentTokenHealthCheck(ComponentTokenManager tokens, ComponentHealth upkeep, Clock clock) {
        super(ID);
        this.tokens = tokens;
        this.upkeep = upkeep;
        this.clock = clock;
    }

    @Override
    protected void check(HealthCheckResultBuilder builder) {
        Instant now = clock.instant();
        List<String> problems = new ArrayList<>();
        List<String> fine = new ArrayList<>();
        for (String appid : new TreeSet<>(tokens.componentAppids())) {
            Optional<ComponentAccessToken> token = tokens.storedToken(appid);
            if (token.isEmpty()) {
                problems.add(appid + ": no token obtained yet" + lastFailure(appid));
            } else if (!token.get().isValidAt(now, Duration.ZERO)) {
                problems.add(appid + ": token expired at " + token.get().expiresAt() + lastFailure(appid));
            } else {
                long left = Duration.between(now, token.get().expiresAt()).toSeconds();
                builder.detail(appid + ".token.expires.in.seconds", left);
                fine.add(appid + ": token valid for " + left + "s");
            }
        }
        if (problems.isEmpty()) {
            builder.up().message(String.join("; ", fine));
        } else {
            builder.down().message(String.join("; ", problems));
        }
    }

    private String lastFailure(String appid) {
        return upkeep.lastFailure(appid).map(failure -> " (last failure at " + failure.at() + ": "
                + failure.operation() + (failure.errcode() == null ? "" : " errcode " + failure.errcode()) + ", "
                + failure.message() + ")").orElse("");
    }
}
