package io.wechatopen.camel.api.dto;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * The answer of {@code api_get_authorizer_info}.
 *
 * @param authorizerInfo the account's facts, kept as JSON (fields vary by account type)
 * @param authorizationInfo the authorization, with the refresh token when it was minted
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record AuthorizerInfoResponse(@JsonProperty("authorizer_info") JsonNode authorizerInfo,
        @JsonProperty("authorization_info") AuthorizationInfo authorizationInfo) {

    /**
     * @param authorizerAppid the account
     * @param authorizerRefreshToken its refresh token (secret; empty before the first exchange)
     * @param funcInfo granted permission sets
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record AuthorizationInfo(@JsonProperty("authorizer_appid") String authorizerAppid,
            @JsonProperty("authorizer_refresh_token") String authorizerRefreshToken,
            @JsonProperty("func_info") List<FuncInfo> funcInfo) {

        @Override
        public String toString() {
            return "AuthorizationInfo[authorizerAppid=" + authorizerAppid + "]";
        }
    }
}
