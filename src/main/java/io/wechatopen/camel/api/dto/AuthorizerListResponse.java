package io.wechatopen.camel.api.dto;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The answer of {@code api_get_authorizer_list} (one page).
 *
 * @param totalCount all current authorizations
 * @param list this page
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record AuthorizerListResponse(@JsonProperty("total_count") int totalCount,
        @JsonProperty("list") List<Item> list) {

    /**
     * @param authorizerAppid the account
     * @param refreshToken its refresh token (secret; empty before its first exchange). Note WeChat's key name.
     * @param authTime unix seconds of the authorization
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Item(@JsonProperty("authorizer_appid") String authorizerAppid,
            @JsonProperty("refresh_token") String refreshToken, @JsonProperty("auth_time") long authTime) {

        @Override
        public String toString() {
            return "Item[authorizerAppid=" + authorizerAppid + ", authTime=" + authTime + "]";
        }
    }
}
