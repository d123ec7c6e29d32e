package io.wechatopen.camel.health;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

import org.apache.camel.health.HealthCheckResultBuilder;

import io.wechatopen.camel.model.QuotaReading;
import io.wechatopen.camel.quota.ComponentQuota;

/**
 * {@code wechat-quota}: from the stored getApiQuota readings of the watched APIs ({@code wechat.quota.watched-apis},
 * refreshed by the schedule, never on a health call): DOWN while any has nothing remaining today (WeChat answers
 * 45009 until midnight Beijing time or a {@code clear_quota}); UNKNOWN before every watched API has been read once;
 * else UP. The message names the exhausted APIs.
 */
public final class QuotaHealthCheck extends WeChatHealthCheck {

    /** The check's id. */
    public static final String ID = "wechat-quota";

    private final List<String> componentAppids;
    private final ComponentQuota quota;

    public QuotaHealthCheck(Collection<String> componentAppids, ComponentQuota quota) {
        super(ID);
        this.componentAppids = List.copyOf(componentAppids);
        this.quota = quota;
    }

    @Override
    protected void check(HealthCheckResultBuilder builder) {
        List<String> exhausted = new ArrayList<>();
        int unread = 0;
        for (String appid : componentAppids) {
            List<QuotaReading> readings = quota.readings(appid);
            for (String api : quota.watchedApis()) {
                QuotaReading reading = readings.stream().filter(r -> r.cgiPath().equals(api)).findFirst()
                        .orElse(null);
                if (reading == null || reading.remain() == null) {
                    unread++;
                    continue;
                }
                builder.detail(appid + ":" + api + ".remain", reading.remain());
                if (reading.exhausted()) {
                    exhausted.add(appid + " " + api);
                }
            }
        }
        if (!exhausted.isEmpty()) {
            builder.down().message("daily quota used up: " + String.join(", ", exhausted)
                    + " (resets at midnight Beijing time, or POST /admin/quota/clear)");
        } else if (unread > 0) {
            builder.unknown().message(unread + " watched API quota(s) not read yet");
        } else {
            builder.up().message("every watched API has quota left today");
        }
    }
}
