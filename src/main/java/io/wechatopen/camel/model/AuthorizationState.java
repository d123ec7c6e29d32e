package io.wechatopen.camel.model;

import java.time.Instant;
import java.util.Objects;

/**
 * A started authorization attempt, keyed by its one-time {@code state} (stored only as a hash).
 *
 * @param componentAppid the component
 * @param preAuthCode the fresh {@code pre_auth_code} of this attempt
 * @param returnTo where to send the browser after success (null: our result page)
 * @param createdAt when it started
 * @param expiresAt after this the state is refused
 */
public record AuthorizationState(String componentAppid, String preAuthCode, String returnTo, Instant createdAt,
        Instant expiresAt) {

    public AuthorizationState {
        Objects.requireNonNull(componentAppid, "componentAppid");
        Objects.requireNonNull(preAuthCode, "preAuthCode");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(expiresAt, "expiresAt");
    }
}
