package io.wechatopen.camel.api.dto;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The answer of {@code api_component_token}.
 *
 * @param componentAccessToken the token (secret)
 * @param expiresIn lifetime in seconds (7200)
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ComponentTokenResponse(@JsonProperty("component_access_token") String componentAccessToken,
        @JsonProperty("expires_in") long expiresIn) {

    @Override
    public String toString() {
        return "ComponentTokenResponse[expiresIn=" + expiresIn + "]";
    }
}
