package io.wechatopen.camel.routes;

import org.apache.camel.builder.RouteBuilder;

import io.wechatopen.camel.token.ComponentTokenManager;

/**
 * Component token upkeep, fed by the quartz schedule and by arriving tickets:
 * <ul>
 * <li>{@code direct:wechat-component-token-refresh-all}: hands every configured component to the ensure route.</li>
 * <li>{@code seda:wechat-component-token-ensure} (header {@code WeChatComponentAppid}; header
 * {@code WeChatInfoType=component_verify_ticket} when a ticket just arrived): refreshes the token if it is missing
 * or within the skew of expiry. One consumer, off the HTTP and quartz threads, so API back-off never blocks
 * them.</li>
 * </ul>
 */
public final class ComponentTokenRoutes extends RouteBuilder {

    private final ComponentTokenManager manager;

    public ComponentTokenRoutes(ComponentTokenManager manager) {
        this.manager = manager;
    }

    @Override
    public void configure() {
        from("direct:wechat-component-token-refresh-all").routeId("wechat-component-token-refresh-all")
                .routeConfigurationId("wechat-schedule-errors")
                .setBody(method(manager, "componentAppids"))
                .split(body())
                    .setHeader("WeChatComponentAppid", body())
                    .to("seda:wechat-component-token-ensure?waitForTaskToComplete=Never")
                .end();

        from("seda:wechat-component-token-ensure").routeId("wechat-component-token-ensure")
                .routeConfigurationId("wechat-schedule-errors")
                .setHeader("WeChatTicketArrived",
                        simple("${header.WeChatInfoType} == 'component_verify_ticket'", Boolean.class))
                .bean(manager, "ensureFresh(${header.WeChatComponentAppid}, ${header.WeChatTicketArrived})")
                .id("save-component-token");
    }
}
