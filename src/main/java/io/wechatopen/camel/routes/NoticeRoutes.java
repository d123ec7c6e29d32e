package io.wechatopen.camel.routes;

import org.apache.camel.builder.RouteBuilder;

import io.wechatopen.camel.notice.NoticeRelay;

/**
 * The outbox relay on every instance: {@code wechat-notice-relay} polls every second, {@code wechat-notice-wake}
 * runs it at once after a notice was committed on this instance, {@code wechat-notice-purge} deletes delivered
 * notices past their retention once a day. Errors are logged; the next run retries.
 */
public final class NoticeRoutes extends RouteBuilder {

    private final NoticeRelay relay;

    public NoticeRoutes(NoticeRelay relay) {
        this.relay = relay;
    }

    @Override
    public void configure() {
        // @formatter:off
        from("timer:wechat-notice-relay?period=1000&delay=1000").routeId("wechat-notice-relay")
                .routeConfigurationId("wechat-schedule-errors")
                .bean(relay, "relay");

        from(NoticeRelay.WAKE_ENDPOINT).routeId("wechat-notice-wake")
                .routeConfigurationId("wechat-schedule-errors")
                .bean(relay, "relay");

        from("timer:wechat-notice-purge?period=86400000&delay=60000").routeId("wechat-notice-purge")
                .routeConfigurationId("wechat-schedule-errors")
                .bean(relay, "purge");
        // @formatter:on
    }
}
