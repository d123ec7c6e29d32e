package io.wechatopen.camel.routes;

import org.apache.camel.builder.RouteBuilder;

import io.wechatopen.camel.intake.AccountMessageIntake;
import io.wechatopen.camel.notice.AccountMessageOutbox;

/**
 * {@code direct:wechat-account-message-accept}: the work behind the 消息与事件接收URL. In: the HTTP request. Out:
 * the decrypted XML with the headers of {@link AccountMessageIntake}; or a
 * {@link io.wechatopen.camel.intake.PushRejectedException} thrown back to the caller, whose
 * {@code wechat-callback-errors} turns it into the answer. {@code direct:wechat-account-message-store}: stores the
 * accepted message in the outbox ({@link AccountMessageOutbox}), from where any instance delivers it to
 * {@code seda:wechat-account-message-received}; a database failure is thrown back (answered 500).
 */
public final class AccountMessageRoutes extends RouteBuilder {

    private final AccountMessageIntake intake;
    private final AccountMessageOutbox outbox;

    public AccountMessageRoutes(AccountMessageIntake intake, AccountMessageOutbox outbox) {
        this.intake = intake;
        this.outbox = outbox;
    }

    @Override
    public void configure() {
        // @formatter:off
        from("direct:wechat-account-message-accept").routeId("wechat-account-message-accept")
                // Errors go back to the calling HTTP route, whose wechat-callback-errors answers with the status.
                .errorHandler(noErrorHandler())
                .bean(intake, "accept");

        from("direct:wechat-account-message-store").routeId("wechat-account-message-store")
                // A failure to store goes back to the HTTP route: WeChat is answered 500 and pushes again.
                .errorHandler(noErrorHandler())
                .bean(outbox, "store");
        // @formatter:on
    }
}
