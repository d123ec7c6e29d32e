package io.wechatopen.camel.routes;

import org.apache.camel.builder.RouteBuilder;

import io.wechatopen.camel.camel.ComponentPushIntake;

/**
 * {@code direct:wechat-component-event-accept}: the work behind the 授权事件接收URL. In: the HTTP request (query
 * parameters as headers, XML body). Out: the push verified and stored, headers
 * {@code WeChatComponentAppid}, {@code WeChatInfoType}, {@code WeChatPushOutcome}; or a
 * {@link io.wechatopen.camel.camel.PushRejectedException} thrown back to the caller, whose
 * {@code wechat-callback-errors} turns it into the answer.
 */
public final class ComponentEventRoutes extends RouteBuilder {

    private final ComponentPushIntake intake;

    public ComponentEventRoutes(ComponentPushIntake intake) {
        this.intake = intake;
    }

    @Override
    public void configure() {
        from("direct:wechat-component-event-accept").routeId("wechat-component-event-accept")
                // Errors go back to the calling HTTP route, whose wechat-callback-errors answers with the status.
                .errorHandler(noErrorHandler())
                .bean(intake, "accept").id("save-component-event");
    }
}
