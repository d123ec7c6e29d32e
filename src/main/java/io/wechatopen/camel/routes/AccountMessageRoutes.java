package io.wechatopen.camel.routes;

import org.apache.camel.builder.RouteBuilder;

import io.wechatopen.camel.intake.AccountMessageIntake;

/**
 * {@code direct:wechat-account-message-accept}: the work behind the 消息与事件接收URL. In: the HTTP request. Out:
 * the decrypted XML with the headers of {@link AccountMessageIntake}; or a
 * {@link io.wechatopen.camel.intake.PushRejectedException} thrown back to the caller, whose
 * {@code wechat-callback-errors} turns it into the answer.
 */
public final class AccountMessageRoutes extends RouteBuilder {

    private final AccountMessageIntake intake;

    public AccountMessageRoutes(AccountMessageIntake intake) {
        this.intake = intake;
    }

    @Override
    public void configure() {
        from("direct:wechat-account-message-accept").routeId("wechat-account-message-accept")
                // Errors go back to the calling HTTP route, whose wechat-callback-errors answers with the status.
                .errorHandler(noErrorHandler())
                .bean(intake, "accept");
    }
}
