package io.wechatopen.camel.health;

import io.wechatopen.camel.admin.AdminBearer;

import org.apache.camel.Exchange;
import org.apache.camel.Handler;
import org.apache.camel.Message;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/**
 * {@code GET /admin/metrics} (bearer): every meter of the registry in Prometheus text format, the bundle's
 * {@code wechat_*} meters and Camel's route metrics alike.
 */
public final class MetricsEndpoint {

    /** Prometheus' text exposition format. */
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final PrometheusMeterRegistry registry;
    private final AdminBearer bearer;

    public MetricsEndpoint(PrometheusMeterRegistry registry, AdminBearer bearer) {
        this.registry = registry;
        this.bearer = bearer;
    }

    @Handler
    public void scrape(Exchange exchange) {
        if (!bearer.admit(exchange)) {
            return;
        }
        Message message = exchange.getMessage();
        message.setHeader(Exchange.HTTP_RESPONSE_CODE, 200);
        message.setHeader(Exchange.CONTENT_TYPE, CONTENT_TYPE);
        message.setBody(registry.scrape());
    }
}
