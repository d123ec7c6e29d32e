package io.wechatopen.camel.release;

import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import org.apache.camel.Exchange;
import org.apache.camel.Handler;
import org.apache.camel.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.wechatopen.camel.config.AccountMessageSettings;
import io.wechatopen.camel.crypto.SafeXml;
import io.wechatopen.camel.intake.AccountMessageIntake;
import io.wechatopen.camel.intake.PassiveReplies;
import io.wechatopen.camel.intake.ReplyMessage;

/**
 * Answers the messages of WeChat's 全网发布 test accounts ({@code wechat.release-test.appids}) as the release test
 * expects ({@link ReleaseTestCase}), so that a platform passes it with no integrator route involved; these messages
 * are never stored in the outbox nor given to integrator routes. {@link #classify} runs first (body: the decrypted
 * message, headers of {@link AccountMessageIntake}) and leaves the case in {@value #CASE}; {@link #answer} then sets
 * the HTTP answer: the encrypted passive reply, an empty body, or {@code success}.
 */
public final class ReleaseTestResponder {

    /** Exchange property: the {@link ReleaseTestCase}. */
    public static final String CASE = "WeChatReleaseTestCase";
    /** Exchange property: the {@link ReleaseTestCase.FollowUp} of the case, when it has one. */
    public static final String FOLLOW_UP = "WeChatReleaseTestFollowUp";
    /**
     * The customer-service answer must reach the tester soon after the empty answer; a follow-up not done by then is
     * given up (and logged).
     */
    static final Duration FOLLOW_UP_BUDGET = Duration.ofSeconds(10);

    private static final Logger LOG = LoggerFactory.getLogger(ReleaseTestResponder.class);

    private final AccountMessageSettings settings;
    private final PassiveReplies replies;
    private final Clock clock;

    public ReleaseTestResponder(AccountMessageSettings settings, PassiveReplies replies, Clock clock) {
        this.settings = settings;
        this.replies = replies;
        this.clock = clock;
    }

    /** Whether the message (headers of {@link AccountMessageIntake}) comes from a release-test account. */
    public boolean isReleaseTest(Exchange exchange) {
        return settings.isReleaseTest(exchange.getMessage().getHeader(AccountMessageIntake.AUTHORIZER_APPID,
                String.class));
    }

    /** Decides the case of the message in the body; leaves it in {@value #CASE}. */
    @Handler
    public void classify(Exchange exchange) {
        Message in = exchange.getMessage();
        Map<String, String> message = SafeXml.parseFlat(in.getBody(String.class));
        String openid = in.getHeader(AccountMessageIntake.OPENID, String.class);
        ReleaseTestCase found = ReleaseTestCase.of(message,
                in.getHeader(AccountMessageIntake.COMPONENT_APPID, String.class),
                in.getHeader(AccountMessageIntake.AUTHORIZER_APPID, String.class),
                openid != null ? openid : message.getOrDefault("FromUserName", ""),
                System.nanoTime() + FOLLOW_UP_BUDGET.toNanos());
        exchange.setProperty(CASE, found);
        if (found.followUp() != null) {
            exchange.setProperty(FOLLOW_UP, found.followUp());
        }
        LOG.info("Release test (全网发布): a {} message of {} answered by the bundle", found.name(),
                in.getHeader(AccountMessageIntake.AUTHORIZER_APPID));
    }

    /** For the follow-up's queue: the body becomes the {@link ReleaseTestCase.FollowUp}, with no headers. */
    public void followUpOnly(Exchange exchange) {
        exchange.getMessage().removeHeaders("*");
        exchange.getMessage().setBody(exchange.getProperty(FOLLOW_UP));
    }

    /** Sets the HTTP answer of the case in {@value #CASE}; every inbound header is removed. */
    @Handler
    public void answer(Exchange exchange) {
        ReleaseTestCase found = exchange.getProperty(CASE, ReleaseTestCase.class);
        Message out = exchange.getMessage();
        String message = out.getBody(String.class);
        String component = out.getHeader(AccountMessageIntake.COMPONENT_APPID, String.class);
        out.removeHeaders("*");
        out.setHeader(Exchange.CONTENT_TYPE, "text/plain; charset=utf-8");
        if (found.replyContent() != null) {
            Map<String, Object> reply = new LinkedHashMap<>();
            reply.put("MsgType", "text");
            reply.put("Content", found.replyContent());
            String xml = ReplyMessage.of(reply, SafeXml.parseFlat(message), clock.instant());
            out.setHeader(Exchange.CONTENT_TYPE, "application/xml; charset=utf-8");
            out.setBody(replies.seal(component, xml));
        } else if (found.followUp() != null) {
            // WeChat's rule for this case: answer an empty string at once, send the real answer through the API.
            // 200 set explicitly: netty-http answers an empty body with 204 otherwise.
            out.setHeader(Exchange.HTTP_RESPONSE_CODE, 200);
            out.setBody("");
        } else {
            out.setBody(PassiveReplies.SUCCESS);
        }
    }
}
