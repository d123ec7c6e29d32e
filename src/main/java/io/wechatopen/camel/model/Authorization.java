package io.wechatopen.camel.model;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * What {@code api_query_auth} grants: the authorizer's tokens and permission sets.
 *
 * @param componentAppid the component
 * @param authorizerAppid the account that authorized
 * @param accessToken {@code authorizer_access_token} (secret; may be null when the account has no API permission)
 * @param accessTokenExpiresAt when it expires (null with no token)
 * @param refreshToken {@code authorizer_refresh_token} (secret; may be null or empty, then never stored over an
 *        existing one)
 * @param funcInfo the granted permission-set ids ({@code func_info[].funcscope_category.id})
 * @param authorizedAt when the exchange happened
 */
public record Authorization(String componentAppid, String authorizerAppid, String accessToken,
        Instant accessTokenExpiresAt, String refreshToken, List<Integer> funcInfo, Instant authorizedAt) {

    public Authorization {
        Objects.requireNonNull(componentAppid, "componentAppid");
        Objects.requireNonNull(authorizerAppid, "authorizerAppid");
        Objects.requireNonNull(authorizedAt, "authorizedAt");
        funcInfo = List.copyOf(funcInfo);
    }

    @Override
    public String toString() {
        return "Authorization[componentAppid=" + componentAppid + ", authorizerAppid=" + authorizerAppid
                + ", funcInfo=" + funcInfo + ", accessTokenExpiresAt=" + accessTokenExpiresAt + "]";
    }
}
