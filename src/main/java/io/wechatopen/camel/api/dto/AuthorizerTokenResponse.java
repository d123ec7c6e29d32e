package io.wechatopen.camel.api.dto;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The answer of {@code api_authorizer_token}.
 *
 * @param authorizerAccessToken the new token (secret)
 * @param expiresIn lifetime in seconds
 * @param authorizerRefreshToken the refresh token WeChat returns (secret; may be absent or empty, then the stored
 *        one is kept)
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record AuthorizerTokenResponse(@JsonProperty("authorizer_access_token") String authorizerAccessToken,
        @JsonProperty("expires_in") long expiresIn,
        @JsonProperty("authorizer_refresh_token") String authorizerRefreshToken) {

    @Override
    public String toString() {
        return "AuthorizerTokenResponse[expiresIn=" + expiresIn + "]";
    }
}
