package io.wechatopen.camel.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import org.junit.jupiter.api.Test;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import io.wechatopen.camel.token.WeChatMetrics.RefreshOutcome;

/** Issue 6 item 10: the counters carry the names and tags of the contract in Prometheus form. */
class MicrometerWeChatMetricsTest {

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final MicrometerWeChatMetrics metrics = new MicrometerWeChatMetrics(registry);

    @Test
    void pushReceivedWhenCountedThenPrometheusCounterByInfoTypeAndOutcome() {
        metrics.pushReceived("component_verify_ticket", "stored");
        metrics.pushReceived("component_verify_ticket", "stored");
        metrics.pushReceived(null, "malformed");

        assertThat(registry.scrape())
                .contains("wechat_push_received_total{info_type=\"component_verify_ticket\",outcome=\"stored\"} 2.0")
                .contains("wechat_push_received_total{info_type=\"unknown\",outcome=\"malformed\"} 1.0");
    }

    @Test
    void apiCalledWhenCountedThenPrometheusCounterByApiAndErrcode() {
        metrics.apiCalled("api_component_token", "0");
        metrics.apiCalled("api_component_token", "61004");
        metrics.apiCalled("/cgi-bin/user/info?access_token=secret-token", "connect");

        assertThat(registry.scrape())
                .contains("wechat_api_calls_total{api=\"api_component_token\",errcode=\"0\"} 1.0")
                .contains("wechat_api_calls_total{api=\"api_component_token\",errcode=\"61004\"} 1.0")
                .contains("wechat_api_calls_total{api=\"/cgi-bin/user/info\",errcode=\"connect\"} 1.0")
                .doesNotContain("secret-token");
    }

    @Test
    void authorizerRefreshWhenCountedThenPrometheusCounterByLowerCaseOutcome() {
        metrics.authorizerRefresh(RefreshOutcome.REFRESHED);
        metrics.authorizerRefresh(RefreshOutcome.NEEDS_REAUTHORIZATION);

        assertThat(registry.scrape())
                .contains("wechat_authorizer_refresh_total{outcome=\"refreshed\"} 1.0")
                .contains("wechat_authorizer_refresh_total{outcome=\"needs_reauthorization\"} 1.0")
                .contains("wechat_authorizer_refresh_total{outcome=\"unauthorized\"} 0.0");
    }

    @Test
    void countWhenRegistryClosedThenNeverThrows() {
        registry.close();

        assertThatCode(() -> {
            metrics.pushReceived("authorized", "stored");
            metrics.apiCalled("api_query_auth", "0");
            metrics.authorizerRefresh(RefreshOutcome.FAILED);
        }).doesNotThrowAnyException();
    }
}
