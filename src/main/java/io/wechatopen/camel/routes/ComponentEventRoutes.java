package io.wechatopen.camel.routes;

import java.util.Map;

import org.apache.camel.LoggingLevel;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;

import io.wechatopen.camel.intake.ComponentPushIntake;

/**
 * The work behind the 授权事件接收URL:
 * <ul>
 * <li>{@code direct:wechat-component-event-accept}: in, the HTTP request (query parameters as headers, XML body).
 * Out: the push verified and stored, headers {@code WeChatComponentAppid}, {@code WeChatInfoType},
 * {@code WeChatPushOutcome}; or a {@link io.wechatopen.camel.intake.PushRejectedException} thrown back to the caller,
 * whose {@code wechat-callback-errors} turns it into the answer.</li>
 * <li>{@code direct:wechat-authorization-event-wake}: wakes the processing of stored authorization pushes
 * ({@code seda:wechat-authorization-event-handle}) with at most one wake-up pending; never blocks and never fails,
 * since the push is already stored and must be answered {@code success}.</li>
 * </ul>
 */
public final class ComponentEventRoutes extends RouteBuilder {

    // One slot: wake-ups that arrive while one is pending are dropped, as the pending one processes them too.
    private static final String WAKE_QUEUE = "seda:wechat-authorization-event-wake?size=1";

    private final ComponentPushIntake intake;

    public ComponentEventRoutes(ComponentPushIntake intake) {
        this.intake = intake;
    }

    @Override
    public void configure() {
        ProducerTemplate sender = getCamelContext().createProducerTemplate();
        // @formatter:off
        from("direct:wechat-component-event-accept").routeId("wechat-component-event-accept")
                // Errors go back to the calling HTTP route, whose wechat-callback-errors answers with the status.
                .errorHandler(noErrorHandler())
                .process(intake).id("save-component-event");

        from("direct:wechat-authorization-event-wake").routeId("wechat-authorization-event-wake")
                .errorHandler(noErrorHandler())
                .doTry()
                    // A new exchange, not the push's: see SedaWakeups.
                    .process(e -> SedaWakeups.send(sender, WAKE_QUEUE + "&discardWhenFull=true", Map.of()))
                .doCatch(Exception.class)
                    .log(LoggingLevel.WARN, "io.wechatopen.camel.callback",
                            "Could not wake the authorization push processing (the quartz schedule will run it): "
                                    + "${exception.message}")
                .end();

        // Waits for the processing it started, so the single slot above fills again only meanwhile.
        from(WAKE_QUEUE).routeId("wechat-authorization-event-relay")
                .routeConfigurationId("wechat-schedule-errors")
                .removeHeaders("*")
                .setBody(constant(""))
                .to("seda:wechat-authorization-event-handle?waitForTaskToComplete=Always&timeout=0");
        // @formatter:on
    }
}
