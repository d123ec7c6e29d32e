package io.wechatopen.camel.health;

import java.util.Locale;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

import io.wechatopen.camel.token.WeChatMetrics;

/**
 * {@link WeChatMetrics} on a Micrometer {@link MeterRegistry}. In Prometheus form the counters are
 * {@code wechat_push_received_total{info_type,outcome}}, {@code wechat_api_calls_total{api,errcode}} and
 * {@code wechat_authorizer_refresh_total{outcome}}. Tag values come from the bundle's own code (InfoTypes, API names,
 * errcodes), never from secrets. Never throws: a failure to count is not a reason to fail a push or a call.
 */
public final class MicrometerWeChatMetrics implements WeChatMetrics {

    private final MeterRegistry registry;

    /** Registers the refresh counters at zero, so a rate over them exists before the first refresh. */
    public MicrometerWeChatMetrics(MeterRegistry registry) {
        this.registry = registry;
        for (RefreshOutcome outcome : RefreshOutcome.values()) {
            refreshCounter(outcome).register(registry);
        }
    }

    @Override
    public void pushReceived(String infoType, String outcome) {
        count(Counter.builder("wechat.push.received").description("Pushes received on the 授权事件接收URL")
                .tag("info_type", tag(infoType, "unknown")).tag("outcome", tag(outcome, "unknown")));
    }

    @Override
    public void apiCalled(String api, String errcode) {
        count(Counter.builder("wechat.api.calls").description("WeChat API answers (errcode) and failed calls")
                .tag("api", tag(withoutQuery(api), "unknown")).tag("errcode", tag(errcode, "unknown")));
    }

    /** A path given with its query would make a series per query, and a query may carry a token. */
    private static String withoutQuery(String api) {
        int query = api == null ? -1 : api.indexOf('?');
        return query < 0 ? api : api.substring(0, query);
    }

    @Override
    public void authorizerRefresh(RefreshOutcome outcome) {
        count(refreshCounter(outcome));
    }

    private static Counter.Builder refreshCounter(RefreshOutcome outcome) {
        return Counter.builder("wechat.authorizer.refresh")
                .description("Authorizer token refresh attempts that reached WeChat, by outcome")
                .tag("outcome", outcome == null ? "unknown" : outcome.name().toLowerCase(Locale.ROOT));
    }

    private void count(Counter.Builder counter) {
        try {
            counter.register(registry).increment();
        } catch (RuntimeException e) {
            // A registry refusing a meter (a closed registry at shutdown) must not fail the caller.
        }
    }

    private static String tag(String value, String fallback) {
        return value == null || value.isBlank() ? fallback : value;
    }
}
