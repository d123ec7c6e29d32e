package io.wechatopen.camel.api.dto;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The answer of {@code api_query_auth}.
 *
 * @param authorizationInfo what was granted
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record QueryAuthResponse(@JsonProperty("authorization_info") AuthorizationInfo authorizationInfo) {

    /**
     * @param authorizerAppid the account
     * @param authorizerAccessToken its token (secret; absent when the account has no API permission)
     * @param expiresIn token lifetime in seconds
     * @param authorizerRefreshToken the refresh token (secret; only obtainable here or by re-authorization)
     * @param funcInfo granted permission sets
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record AuthorizationInfo(@JsonProperty("authorizer_appid") String authorizerAppid,
            @JsonProperty("authorizer_access_token") String authorizerAccessToken,
            @JsonProperty("expires_in") long expiresIn,
            @JsonProperty("authorizer_refresh_token") String authorizerRefreshToken,
            @JsonProperty("func_info") List<FuncInfo> funcInfo) {

        @Override
        public String toString() {
            return "AuthorizationInfo[authorizerAppid=" + authorizerAppid + ", expiresIn=" + expiresIn + "]";
        }
    }
}
