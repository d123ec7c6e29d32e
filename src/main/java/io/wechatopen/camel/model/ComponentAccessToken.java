package io.wechatopen.camel.model;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * A {@code component_access_token} of one component.
 *
 * @param componentAppid the component it was issued to
 * @param token the token (a secret: never logged, {@link #toString()} hides it)
 * @param obtainedAt when WeChat issued it
 * @param expiresAt {@code obtainedAt + expires_in}
 */
public record ComponentAccessToken(String componentAppid, String token, Instant obtainedAt, Instant expiresAt) {

    public ComponentAccessToken {
        Objects.requireNonNull(componentAppid, "componentAppid");
        Objects.requireNonNull(token, "token");
        Objects.requireNonNull(obtainedAt, "obtainedAt");
        Objects.requireNonNull(expiresAt, "expiresAt");
    }

    /**
     * Whether the token can still be used at {@code now} with {@code skew} to spare: a token is refreshed once
     * {@code expiresAt - skew <= now}.
     */
    public boolean isValidAt(Instant now, Duration skew) {
        return expiresAt.minus(skew).isAfter(now);
    }

    @Override
    public String toString() {
        return "ComponentAccessToken[componentAppid=" + componentAppid + ", obtainedAt=" + obtainedAt
                + ", expiresAt=" + expiresAt + "]";
    }
}
