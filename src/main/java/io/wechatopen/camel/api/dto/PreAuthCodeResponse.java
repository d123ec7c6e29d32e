package io.wechatopen.camel.api.dto;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The answer of {@code api_create_preauthcode}.
 *
 * @param preAuthCode single-use code for one authorization attempt
 * @param expiresIn lifetime in seconds (1800)
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record PreAuthCodeResponse(@JsonProperty("pre_auth_code") String preAuthCode,
        @JsonProperty("expires_in") long expiresIn) {
}
