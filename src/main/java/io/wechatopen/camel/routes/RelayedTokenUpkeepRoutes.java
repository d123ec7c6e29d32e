package io.wechatopen.camel.routes;

import org.apache.camel.LoggingLevel;
import org.apache.camel.builder.RouteBuilder;

/**
 * The component token upkeep of an instance in relay mode ({@code wechat.component.token-source = relay}), in place
 * of {@link ComponentTokenRoutes}: {@code direct:wechat-component-token-refresh-all} (the quartz schedule) and
 * {@code direct:wechat-component-token-wake} (a stored ticket) do nothing, because the owner instance fetches the
 * token and this one asks the owner's relay for it. WeChat pushes tickets to the test and the live URL alike while a
 * platform is being tested; they are still stored and answered {@code success} here, but fetch nothing.
 */
public final class RelayedTokenUpkeepRoutes extends RouteBuilder {

    private static final String LOG_NAME = "io.wechatopen.camel.relay";

    @Override
    public void configure() {
        // @formatter:off
        from("direct:wechat-component-token-refresh-all").routeId("wechat-component-token-refresh-all")
                .routeConfigurationId("wechat-schedule-errors")
                .log(LoggingLevel.DEBUG, LOG_NAME, "Component tokens come from the token relay: nothing to refresh");
        from("direct:wechat-component-token-wake").routeId("wechat-component-token-wake")
                .errorHandler(noErrorHandler())
                .log(LoggingLevel.DEBUG, LOG_NAME,
                        "Ticket stored; component tokens come from the token relay: nothing to fetch");
        // @formatter:on
    }
}
