package io.wechatopen.camel.routes;

import org.apache.camel.builder.RouteBuilder;

import io.wechatopen.camel.admin.AdminStatus;
import io.wechatopen.camel.admin.AdminBackoffReset;
import io.wechatopen.camel.health.HealthEndpoints;
import io.wechatopen.camel.health.MetricsEndpoint;

/**
 * The admin and health endpoints' work; in, the HTTP request; out, the answer (401 without the bearer token where
 * one is required).
 * <ul>
 * <li>{@code direct:wechat-admin-status-read}: the status JSON.</li>
 * <li>{@code direct:wechat-health-read}: {@code {"status":"UP"}} (200) or {@code {"status":"DOWN"}} (503), no
 * authentication.</li>
 * <li>{@code direct:wechat-admin-health-read}: every health check's result as JSON.</li>
 * <li>{@code direct:wechat-admin-metrics-read}: the metrics in Prometheus text format.</li>
 * <li>{@code direct:wechat-admin-backoffs-reset}: ends every API back-off and quota breaker.</li>
 * </ul>
 */
public final class AdminRoutes extends RouteBuilder {

    private final AdminStatus status;
    private final HealthEndpoints health;
    private final MetricsEndpoint metrics;
    private final AdminBackoffReset backoffs;

    public AdminRoutes(AdminStatus status, HealthEndpoints health, MetricsEndpoint metrics,
            AdminBackoffReset backoffs) {
        this.status = status;
        this.health = health;
        this.metrics = metrics;
        this.backoffs = backoffs;
    }

    @Override
    public void configure() {
        from("direct:wechat-admin-status-read").routeId("wechat-admin-status-read")
                // Errors go back to the calling HTTP route, whose wechat-callback-errors answers 500.
                .errorHandler(noErrorHandler())
                .bean(status, "status");
        from("direct:wechat-health-read").routeId("wechat-health-read")
                .errorHandler(noErrorHandler())
                .bean(health, "health");
        from("direct:wechat-admin-health-read").routeId("wechat-admin-health-read")
                .errorHandler(noErrorHandler())
                .bean(health, "adminHealth");
        from("direct:wechat-admin-metrics-read").routeId("wechat-admin-metrics-read")
                .errorHandler(noErrorHandler())
                .bean(metrics, "scrape");
        from("direct:wechat-admin-backoffs-reset").routeId("wechat-admin-backoffs-reset")
                .errorHandler(noErrorHandler())
                .bean(backoffs, "reset");
    }
}
