package io.wechatopen.camel.intake;

import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

import org.apache.camel.Exchange;
import org.apache.camel.Handler;
import org.apache.camel.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.wechatopen.camel.crypto.EncryptedReply;
import io.wechatopen.camel.crypto.MalformedMessageException;
import io.wechatopen.camel.crypto.SafeXml;
import io.wechatopen.camel.crypto.WeChatMessageCrypto;

/**
 * The answer to a message on the 消息与事件接收URL: {@code success}, or a passive reply (被动回复), encrypted and signed
 * for the component that received the message (protocol §5.4). {@link #prepare} runs before the reply route is asked
 * (body: the decrypted message); {@link #unanswered} when the route failed or took too long; {@link #seal} turns the
 * route's answer ({@link ReplyMessage}: XML or a map of fields) into the HTTP answer. A route that answers nothing,
 * an empty body, or leaves the message as it came gets {@code success}; so does a reply that cannot be used (logged
 * at WARN): the message is stored already, so nothing is lost. Logs name the account, never the message or a key.
 */
public final class PassiveReplies {

    /** Header for the reply route: the {@code Content} of a text message. */
    public static final String CONTENT = "WeChatContent";
    /** Exchange property: the decrypted message, to tell a reply from a message left as it came. */
    static final String MESSAGE = "WeChatReplyToMessage";
    /** WeChat's answer for "no reply" (protocol §5.1): the user sees nothing and WeChat does not push again. */
    public static final String SUCCESS = "success";
    private static final String TEXT = "text/plain; charset=utf-8";
    private static final String XML = "application/xml; charset=utf-8";

    private static final Logger LOG = LoggerFactory.getLogger(PassiveReplies.class);

    private final Map<String, WeChatMessageCrypto> cryptoByAppid;
    private final Clock clock;

    /** @param cryptoByAppid the message crypto of each component, by component AppId */
    public PassiveReplies(Map<String, WeChatMessageCrypto> cryptoByAppid, Clock clock) {
        this.cryptoByAppid = Map.copyOf(cryptoByAppid);
        this.clock = clock;
    }

    /** Remembers the message and sets {@value #CONTENT} for a text message. */
    @Handler
    public void prepare(Exchange exchange) {
        String message = exchange.getMessage().getBody(String.class);
        exchange.setProperty(MESSAGE, message);
        String content = fields(message).get("Content");
        if ("text".equals(exchange.getMessage().getHeader(AccountMessageIntake.MSG_TYPE)) && content != null) {
            exchange.getMessage().setHeader(CONTENT, content);
        }
    }

    /** The reply route failed or took longer than its budget: {@code success} is answered. */
    public void unanswered(Exchange exchange) {
        Exception e = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        LOG.warn("No passive reply to a message of {}, answered success: {}",
                exchange.getMessage().getHeader(AccountMessageIntake.AUTHORIZER_APPID),
                e == null ? "unknown failure" : e.getClass().getSimpleName() + ": " + e.getMessage());
        exchange.getMessage().setBody(null);
    }

    /** Turns the reply route's answer in the body into the HTTP answer; every inbound header is removed. */
    @Handler
    public void seal(Exchange exchange) {
        Message out = exchange.getMessage();
        Object reply = out.getBody();
        String message = exchange.getProperty(MESSAGE, String.class);
        String component = out.getHeader(AccountMessageIntake.COMPONENT_APPID, String.class);
        String authorizer = out.getHeader(AccountMessageIntake.AUTHORIZER_APPID, String.class);
        out.removeHeaders("*");
        if (isNoReply(reply, message)) {
            answer(out, TEXT, SUCCESS);
            return;
        }
        try {
            String xml = ReplyMessage.of(reply, fields(message), clock.instant());
            answer(out, XML, seal(component, xml));
        } catch (IllegalArgumentException e) {
            LOG.warn("The passive reply to a message of {} cannot be sent, answered success: {}", authorizer,
                    e.getMessage());
            answer(out, TEXT, SUCCESS);
        }
    }

    /**
     * Encrypts and signs reply XML for a component, with a fresh timestamp and nonce.
     *
     * @return the reply envelope XML
     * @throws IllegalArgumentException when the component is not configured here
     */
    public String seal(String componentAppid, String replyXml) {
        WeChatMessageCrypto crypto = componentAppid == null ? null : cryptoByAppid.get(componentAppid);
        if (crypto == null) {
            throw new IllegalArgumentException("component " + componentAppid + " is not configured");
        }
        return EncryptedReply.seal(crypto, replyXml, String.valueOf(clock.instant().getEpochSecond()),
                // WeChat's nonces are 9-10 decimal digits
                Long.toString(ThreadLocalRandom.current().nextLong(100_000_000L, 10_000_000_000L))).xml();
    }

    /** Sets the HTTP answer. */
    static void answer(Message out, String contentType, String body) {
        out.setHeader(Exchange.CONTENT_TYPE, contentType);
        out.setBody(body);
    }

    private static boolean isNoReply(Object reply, String message) {
        if (reply == null) {
            return true;
        }
        if (reply instanceof CharSequence || reply instanceof byte[]) {
            String text = reply instanceof byte[] bytes ? new String(bytes, java.nio.charset.StandardCharsets.UTF_8)
                    : reply.toString();
            return text.isBlank() || SUCCESS.equals(text.strip()) || text.equals(message);
        }
        return false;
    }

    /** The message's fields; it was parsed once already, so it parses. */
    static Map<String, String> fields(String message) {
        try {
            return message == null ? Map.of() : SafeXml.parseFlat(message);
        } catch (MalformedMessageException e) {
            return Map.of();
        }
    }
}
