package io.wechatopen.camel.routes;

import org.apache.camel.LoggingLevel;
import org.apache.camel.builder.RouteBuilder;

import io.wechatopen.camel.config.AccountMessageSettings;
import io.wechatopen.camel.intake.PassiveReplies;
import io.wechatopen.camel.release.ReleaseTestFollowUp;
import io.wechatopen.camel.release.ReleaseTestResponder;

/**
 * How an accepted account message is answered (after {@code direct:wechat-account-message-accept}).
 * <ul>
 * <li>{@code direct:wechat-account-message-answer}: a message of a release-test account
 * ({@code wechat.release-test.appids}) goes to {@code direct:wechat-release-test-answer} and nowhere else; any other
 * is stored ({@code direct:wechat-account-message-store}, which throws when the database fails) and then answered
 * through {@code direct:wechat-account-message-reply-ask}. Out: the HTTP answer (body and Content-Type, no other
 * header).</li>
 * <li>{@code direct:wechat-account-message-reply-ask}: asks the integrators' {@code direct:wechat-account-message-reply}
 * for a passive reply, bounded by {@code wechat.callback.reply-timeout} (through a seda queue, whose producer stops
 * waiting then); any failure or a late answer gives {@code success} ({@link PassiveReplies}).</li>
 * <li>{@code direct:wechat-release-test-answer}: {@link ReleaseTestResponder}; a {@code QUERY_AUTH_CODE} case hands
 * its follow-up to {@code seda:wechat-release-test-follow-up}, which exchanges the code and sends the
 * customer-service message through {@code direct:wechat-api-call}.</li>
 * </ul>
 */
public final class AccountMessageAnswerRoutes extends RouteBuilder {

    /** Bounded: beyond it a message is answered {@code success} at once (the queue refuses, the failure is caught). */
    private static final String REPLY_QUEUE = "seda:wechat-account-message-reply-call?size=1000";
    /** Reply routes answer in well under a second; this many may run at once. */
    private static final int REPLY_CONSUMERS = 16;
    private static final String FOLLOW_UP_QUEUE = "seda:wechat-release-test-follow-up?size=100";

    private final AccountMessageSettings settings;
    private final PassiveReplies replies;
    private final ReleaseTestResponder releaseTests;
    private final ReleaseTestFollowUp followUp;

    public AccountMessageAnswerRoutes(AccountMessageSettings settings, PassiveReplies replies,
            ReleaseTestResponder releaseTests, ReleaseTestFollowUp followUp) {
        this.settings = settings;
        this.replies = replies;
        this.releaseTests = releaseTests;
        this.followUp = followUp;
    }

    @Override
    public void configure() {
        // @formatter:off
        from("direct:wechat-account-message-answer").routeId("wechat-account-message-answer")
                // Errors go back to the calling HTTP route, whose wechat-callback-errors answers with the status.
                .errorHandler(noErrorHandler())
                .choice()
                    .when(method(releaseTests, "isReleaseTest"))
                        .to("direct:wechat-release-test-answer")
                    .otherwise()
                        .to("direct:wechat-account-message-store")
                        .to("direct:wechat-account-message-reply-ask")
                .end();

        from("direct:wechat-account-message-reply-ask").routeId("wechat-account-message-reply-ask")
                .errorHandler(noErrorHandler())
                .bean(replies, "prepare")
                .doTry()
                    .to(REPLY_QUEUE + "&waitForTaskToComplete=Always&timeout=" + settings.replyTimeout().toMillis())
                            .id("call-account-message-reply")
                .doCatch(Exception.class)
                    .bean(replies, "unanswered")
                .end()
                .bean(replies, "seal");

        from(REPLY_QUEUE + "&concurrentConsumers=" + REPLY_CONSUMERS).routeId("wechat-account-message-reply-call")
                .errorHandler(noErrorHandler())
                .doTry()
                    .to("direct:wechat-account-message-reply?failIfNoConsumers=false&block=false")
                .doCatch(Exception.class)
                    // logged here, once, without a stack trace; the waiting caller then answers success
                    .bean(replies, "unanswered")
                .end();

        from("direct:wechat-release-test-answer").routeId("wechat-release-test-answer")
                .errorHandler(noErrorHandler())
                .bean(releaseTests, "classify")
                .bean(releaseTests, "answer")
                .filter(exchangeProperty(ReleaseTestResponder.FOLLOW_UP).isNotNull())
                    .wireTap(FOLLOW_UP_QUEUE).onPrepare(releaseTests::followUpOnly);

        from(FOLLOW_UP_QUEUE + "&concurrentConsumers=2").routeId("wechat-release-test-follow-up")
                .routeConfigurationId("wechat-schedule-errors")
                .bean(followUp, "prepare")
                .setProperty("WeChatReleaseTestAccount", header("WeChatAuthorizerAppid"))
                .to("direct:wechat-api-call").id("call-api-custom-send")
                .log(LoggingLevel.INFO, "io.wechatopen.camel.release", "Release test (全网发布): sent the"
                        + " customer-service answer of ${exchangeProperty.WeChatReleaseTestAccount}");
        // @formatter:on
    }
}
