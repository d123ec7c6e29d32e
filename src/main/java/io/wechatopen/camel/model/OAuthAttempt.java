package io.wechatopen.camel.model;

import java.time.Instant;
import java.util.Objects;

/**
 * A started web authorization (网页授权) on behalf of an account, kept server-side under a hash of its one-time
 * {@code state}.
 *
 * @param componentAppid the platform that asks on the account's behalf
 * @param authorizerAppid the authorized account whose users sign in
 * @param scope {@code snsapi_base} or {@code snsapi_userinfo}
 * @param returnTo where to send the browser afterwards (a path on this site or under our public URL), or
 *        {@code null}
 * @param createdAt when it was started
 * @param expiresAt after this its state is refused
 */
public record OAuthAttempt(String componentAppid, String authorizerAppid, String scope, String returnTo,
        Instant createdAt, Instant expiresAt) {

    public OAuthAttempt {
        Objects.requireNonNull(componentAppid, "componentAppid");
        Objects.requireNonNull(authorizerAppid, "authorizerAppid");
        Objects.requireNonNull(scope, "scope");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(expiresAt, "expiresAt");
    }
}
