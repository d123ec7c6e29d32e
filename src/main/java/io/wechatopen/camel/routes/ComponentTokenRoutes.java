package io.wechatopen.camel.routes;

import java.util.Map;

import org.apache.camel.LoggingLevel;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.PredicateBuilder;
import org.apache.camel.builder.RouteBuilder;

import io.wechatopen.camel.intake.ComponentTokenWakeups;
import io.wechatopen.camel.token.ComponentTokenManager;

/**
 * Component token upkeep, fed by the quartz schedule and by arriving tickets:
 * <ul>
 * <li>{@code direct:wechat-component-token-refresh-all}: hands every configured component to the ensure route.</li>
 * <li>{@code direct:wechat-component-token-wake} (headers {@code WeChatComponentAppid}, {@code WeChatPushOutcome}):
 * called by the push intake after a ticket push is stored. Wakes the ensure route when the push stored a newer
 * ticket, at most once pending per component ({@link ComponentTokenWakeups}); never blocks and never fails, since
 * the push is already stored and must be answered {@code success}.</li>
 * <li>{@code seda:wechat-component-token-ensure} (header {@code WeChatComponentAppid}): refreshes the token if it is
 * missing or within the skew of expiry (a newer ticket lifts the back-off). One consumer, off the HTTP and quartz
 * threads, so API back-off never blocks them.</li>
 * </ul>
 */
public final class ComponentTokenRoutes extends RouteBuilder {

    private final ComponentTokenManager manager;
    private final ComponentTokenWakeups wakeups;

    public ComponentTokenRoutes(ComponentTokenManager manager, ComponentTokenWakeups wakeups) {
        this.manager = manager;
        this.wakeups = wakeups;
    }

    @Override
    public void configure() {
        ProducerTemplate sender = getCamelContext().createProducerTemplate();
        // @formatter:off
        from("direct:wechat-component-token-refresh-all").routeId("wechat-component-token-refresh-all")
                .routeConfigurationId("wechat-schedule-errors")
                .setBody(method(manager, "componentAppids"))
                .split(body())
                    .setHeader("WeChatComponentAppid", body())
                    .to("seda:wechat-component-token-ensure?waitForTaskToComplete=Never")
                .end();

        from("direct:wechat-component-token-wake").routeId("wechat-component-token-wake")
                .errorHandler(noErrorHandler())
                .doTry()
                    // Only a newer ticket can change what the upkeep does; the request is evaluated only then.
                    .filter(PredicateBuilder.and(simple("${header.WeChatPushOutcome} == 'TICKET_STORED'"),
                            method(wakeups, "request(${header.WeChatComponentAppid}, true)")))
                        // Belt and braces: a full queue drops the wake-up instead of failing the push's answer. A new
                        // exchange, not the push's: see SedaWakeups.
                        .process(e -> SedaWakeups.send(sender, "seda:wechat-component-token-ensure?discardWhenFull=true",
                                Map.of("WeChatComponentAppid", e.getMessage().getHeader("WeChatComponentAppid"))))
                    .endDoTry()
                .doCatch(Exception.class)
                    .log(LoggingLevel.WARN, "io.wechatopen.camel.callback",
                            "Could not wake the component token upkeep (the quartz schedule will run it): "
                                    + "${exception.message}")
                .end();

        from("seda:wechat-component-token-ensure").routeId("wechat-component-token-ensure")
                .routeConfigurationId("wechat-schedule-errors")
                .setHeader("WeChatTicketArrived", method(wakeups, "take(${header.WeChatComponentAppid})"))
                .bean(manager, "ensureFresh(${header.WeChatComponentAppid}, ${header.WeChatTicketArrived})")
                .id("save-component-token");
        // @formatter:on
    }
}
