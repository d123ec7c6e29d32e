package io.wechatopen.camel.routes;

import org.apache.camel.builder.RouteConfigurationBuilder;

/**
 * {@code wechat-reply-errors}, the error policy of the integrators' reply route
 * ({@code direct:wechat-account-message-reply}): no error handler, so a failure goes back to the bundle's caller,
 * which logs it at WARN (exception message only) and answers {@code success}; the message is stored already, so
 * nothing is lost. Never redelivered: WeChat waits 5 s at most.
 * (A handling policy would end the routing of the waiting answer route as well.)
 */
public final class PassiveReplyRouteConfiguration extends RouteConfigurationBuilder {

    @Override
    public void configuration() {
        routeConfiguration("wechat-reply-errors").errorHandler(noErrorHandler());
    }
}
