package io.wechatopen.camel.api.dto;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The answer of {@code getApiQuota} ({@code POST /cgi-bin/openapi/quota/get}): the day's quota of one API for the
 * account whose token asked, and its rate limits.
 *
 * @param quota the day's figures
 * @param rateLimit the ordinary rate limit, or null when WeChat gives none
 * @param componentRateLimit the rate limit of calls made on the account's behalf through a platform (asked with an
 *        authorizer token), or null
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ApiQuotaResponse(@JsonProperty("quota") Quota quota, @JsonProperty("rate_limit") RateLimit rateLimit,
        @JsonProperty("component_rate_limit") RateLimit componentRateLimit) {

    /**
     * @param dailyLimit calls allowed today
     * @param used calls made today
     * @param remain calls left today
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Quota(@JsonProperty("daily_limit") long dailyLimit, @JsonProperty("used") long used,
            @JsonProperty("remain") long remain) {
    }

    /**
     * @param callCount calls allowed per period
     * @param refreshSecond the period in seconds
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record RateLimit(@JsonProperty("call_count") long callCount,
            @JsonProperty("refresh_second") long refreshSecond) {
    }
}
