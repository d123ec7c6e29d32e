package io.wechatopen.camel.model;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One row of {@code wechat_authorizer}: an account's authorization of a component.
 *
 * @param componentAppid the component
 * @param authorizerAppid the account
 * @param status where the authorization stands
 * @param accessToken current {@code authorizer_access_token} (secret), null when purged or not yet obtained
 * @param accessTokenExpiresAt its expiry, null with no token
 * @param refreshToken {@code authorizer_refresh_token} (secret), null when never received
 * @param funcInfo granted permission-set ids
 * @param infoJson account facts from {@code api_get_authorizer_info} as JSON ({@code {}} when not read yet)
 * @param authorizedAt when the latest authorization was exchanged (null for accounts found by reconciliation)
 * @param updatedAt last change
 * @param version incremented on every change
 */
public record AuthorizerRecord(String componentAppid, String authorizerAppid, AuthorizerStatus status,
        String accessToken, Instant accessTokenExpiresAt, String refreshToken, List<Integer> funcInfo,
        String infoJson, Instant authorizedAt, Instant updatedAt, long version) {

    public AuthorizerRecord {
        Objects.requireNonNull(componentAppid, "componentAppid");
        Objects.requireNonNull(authorizerAppid, "authorizerAppid");
        Objects.requireNonNull(status, "status");
        funcInfo = List.copyOf(funcInfo);
        infoJson = infoJson == null ? "{}" : infoJson;
    }

    /** The access token if it is still valid at {@code now} with {@code skew} to spare. */
    public Optional<String> accessTokenValidAt(Instant now, Duration skew) {
        if (accessToken == null || accessToken.isEmpty() || accessTokenExpiresAt == null
                || !accessTokenExpiresAt.minus(skew).isAfter(now)) {
            return Optional.empty();
        }
        return Optional.of(accessToken);
    }

    public boolean hasRefreshToken() {
        return refreshToken != null && !refreshToken.isEmpty();
    }

    @Override
    public String toString() {
        return "AuthorizerRecord[componentAppid=" + componentAppid + ", authorizerAppid=" + authorizerAppid
                + ", status=" + status + ", accessTokenExpiresAt=" + accessTokenExpiresAt + ", version=" + version
                + "]";
    }
}
