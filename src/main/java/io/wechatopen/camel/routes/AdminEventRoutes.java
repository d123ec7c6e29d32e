package io.wechatopen.camel.routes;

import org.apache.camel.builder.RouteBuilder;

import io.wechatopen.camel.admin.AdminEvents;

/**
 * The operator's view of recorded pushes (see {@link AdminEvents}):
 * <ul>
 * <li>{@code direct:wechat-admin-events-list}: in, the HTTP request ({@code status} query); out, the JSON list.</li>
 * <li>{@code direct:wechat-admin-event-retry}: in, the HTTP request ({@code .../admin/events/{id}/retry}); out, the
 * JSON answer; a retried event wakes the processing ({@code direct:wechat-authorization-event-wake}).</li>
 * </ul>
 */
public final class AdminEventRoutes extends RouteBuilder {

    private final AdminEvents events;

    public AdminEventRoutes(AdminEvents events) {
        this.events = events;
    }

    @Override
    public void configure() {
        // Errors go back to the calling HTTP route, whose wechat-callback-errors answers 500.
        from("direct:wechat-admin-events-list").routeId("wechat-admin-events-list")
                .errorHandler(noErrorHandler())
                .bean(events, "list");
        from("direct:wechat-admin-event-retry").routeId("wechat-admin-event-retry")
                .errorHandler(noErrorHandler())
                .bean(events, "retry").id("save-event-retry")
                .filter(header(AdminEvents.RETRIED))
                    .to("direct:wechat-authorization-event-wake")
                    .removeHeader(AdminEvents.RETRIED)
                .end();
    }
}
