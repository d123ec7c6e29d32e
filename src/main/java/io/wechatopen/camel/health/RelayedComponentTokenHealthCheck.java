package io.wechatopen.camel.health;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import org.apache.camel.health.HealthCheckResultBuilder;

import io.wechatopen.camel.token.ComponentTokenSource;

/**
 * {@value ComponentTokenHealthCheck#ID} of an instance in relay mode ({@code wechat.component.token-source = relay}):
 * UP while the token relay gives every component's token (from this instance's memory for up to a minute), DOWN
 * with the relay's reason otherwise. Such an instance stores no component token, so the owner's check would always
 * say DOWN here.
 */
public final class RelayedComponentTokenHealthCheck extends WeChatHealthCheck {

    private final Set<String> componentAppids;
    private final ComponentTokenSource tokens;

    public RelayedComponentTokenHealthCheck(Set<String> componentAppids, ComponentTokenSource tokens) {
        super(ComponentTokenHealthCheck.ID);
        this.componentAppids = new TreeSet<>(componentAppids);
        this.tokens = tokens;
    }

    @Override
    protected void check(HealthCheckResultBuilder builder) {
        List<String> problems = new ArrayList<>();
        for (String appid : componentAppids) {
            try {
                tokens.accessToken(appid);
            } catch (RuntimeException e) {
                problems.add(appid + ": " + e.getMessage());
            }
        }
        if (problems.isEmpty()) {
            builder.up().message("component tokens come from the token relay");
        } else {
            builder.down().message(String.join("; ", problems));
        }
    }
}
