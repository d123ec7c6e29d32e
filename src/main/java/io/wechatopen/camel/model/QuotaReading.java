package io.wechatopen.camel.model;

import java.time.Instant;
import java.util.Objects;

/**
 * The latest {@code getApiQuota} reading of one API of a component, as the scheduled refresh stored it.
 *
 * @param componentAppid the component
 * @param cgiPath the API, e.g. {@code /cgi-bin/component/api_component_token}
 * @param dailyLimit WeChat's {@code quota.daily_limit} at the last successful reading, or null before one
 * @param used {@code quota.used} then, or null
 * @param remain {@code quota.remain} then, or null
 * @param readAt when the last successful reading was taken, or null
 * @param checkedAt when WeChat was last asked (successfully or not)
 * @param errcode WeChat's errcode of the last attempt when it failed (or -1 without an answer), else null
 * @param message the last failure's secret-free message, else null
 */
public record QuotaReading(String componentAppid, String cgiPath, Long dailyLimit, Long used, Long remain,
        Instant readAt, Instant checkedAt, Integer errcode, String message) {

    public QuotaReading {
        Objects.requireNonNull(componentAppid, "componentAppid");
        Objects.requireNonNull(cgiPath, "cgiPath");
        Objects.requireNonNull(checkedAt, "checkedAt");
    }

    /** Whether a successful reading exists and it says nothing remains today. */
    public boolean exhausted() {
        return remain != null && remain <= 0;
    }
}
