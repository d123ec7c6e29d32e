package io.wechatopen.camel.routes;

import org.apache.camel.builder.RouteBuilder;

import io.wechatopen.camel.camel.AdminStatus;

/** {@code direct:wechat-admin-status-read}: in, the HTTP request; out, the status JSON (or 401 without the token). */
public final class AdminRoutes extends RouteBuilder {

    private final AdminStatus status;

    public AdminRoutes(AdminStatus status) {
        this.status = status;
    }

    @Override
    public void configure() {
        from("direct:wechat-admin-status-read").routeId("wechat-admin-status-read")
                // Errors go back to the calling HTTP route, whose wechat-callback-errors answers 500.
                .errorHandler(noErrorHandler())
                .bean(status, "status");
    }
}
