package io.wechatopen.camel.sandbox;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.wechatopen.camel.crypto.EncryptedPush;
import io.wechatopen.camel.crypto.SafeXml;
import io.wechatopen.camel.crypto.WeChatMessageCrypto;

/**
 * Builds, and records the outcome of, the encrypted {@code component_verify_ticket} pushes the sandbox POSTs to
 * the 授权事件接收URL. The send route calls {@link #prepare}, and when {@link #SEND} is {@code true} waits
 * {@link SandboxReply#LATENCY_MS}, POSTs the body with the query {@link #QUERY}, and calls {@link #answered} or
 * {@link #failed}. The outcome is left in {@link #RESULT}. Ticket values are never logged.
 */
public final class SandboxTicketPusher {

    /** Exchange property: {@code true} when the prepared push is to be sent. */
    static final String SEND = "WeChatSandboxPushSend";
    /** Exchange property: the push's query string (signature, timestamp, nonce, encrypt_type, msg_signature). */
    static final String QUERY = "WeChatSandboxPushQuery";
    /** Exchange property: the {@link SandboxPushResult} of the attempt. */
    static final String RESULT = "WeChatSandboxPushResult";

    static final String INFO_TYPE = "component_verify_ticket";
    /** Outcome of an attempt made while the push service is stopped; such attempts are not recorded. */
    static final String SKIPPED = "skipped";

    private static final Logger LOG = LoggerFactory.getLogger(SandboxTicketPusher.class);
    private static final int RECORDED_BODY_LIMIT = 1000;

    private final SandboxState state;
    private final WeChatMessageCrypto crypto;
    private final String receiverUrl;
    private final String receiverQuery;

    /**
     * @param state the sandbox state (tickets, push service, faults, records)
     * @param crypto the component's message crypto, used to encrypt and sign
     * @param pushUrl where pushes go ({@code wechat.sandbox.push-url}); a query string in it is kept
     */
    public SandboxTicketPusher(SandboxState state, WeChatMessageCrypto crypto, String pushUrl) {
        this.state = state;
        this.crypto = crypto;
        int q = pushUrl.indexOf('?');
        this.receiverUrl = q < 0 ? pushUrl : pushUrl.substring(0, q);
        this.receiverQuery = q < 0 ? "" : pushUrl.substring(q + 1);
    }

    /** The push URL without its query string: the address the send route's HTTP endpoint is built from. */
    public String receiverUrl() {
        return receiverUrl;
    }

    /**
     * Decides whether a ticket is pushed now. Nothing is pushed while the push service is stopped, nor when an
     * injected {@code ticket_push} fault drops it. Otherwise mints a ticket, encrypts and signs the push, and puts
     * the XML envelope in the body.
     */
    public void prepare(Exchange exchange) {
        exchange.setProperty(SEND, false);
        if (!state.pushServiceRunning()) {
            exchange.setProperty(RESULT, new SandboxPushResult(state.clock().instant(), INFO_TYPE, SKIPPED, null,
                    null, "the ticket push service is stopped"));
            return;
        }
        Optional<SandboxFault> fault = state.faults().take(SandboxFaults.TICKET_PUSH);
        if (fault.isPresent() && fault.get().drop()) {
            record(exchange, new SandboxPushResult(state.clock().instant(), INFO_TYPE, SandboxPushResult.DROPPED,
                    null, null, "dropped by an injected ticket_push fault"));
            LOG.info("Sandbox dropped a {} push (injected fault)", INFO_TYPE);
            return;
        }
        SandboxTicket ticket = state.issueTicket();
        String timestamp = String.valueOf(ticket.createdAt().getEpochSecond());
        EncryptedPush push = EncryptedPush.of(crypto, plaintext(ticket), timestamp, nonce());
        exchange.getMessage().setBody(push.body().getBytes(StandardCharsets.UTF_8));
        exchange.setProperty(QUERY, receiverQuery.isEmpty() ? push.queryString()
                : receiverQuery + "&" + push.queryString());
        exchange.setProperty(SandboxReply.LATENCY_MS, fault.map(SandboxFault::latency).orElse(0L));
        exchange.setProperty(SEND, true);
    }

    /** Records the receiver's answer (any HTTP status) to the push just sent. */
    public void answered(Exchange exchange) {
        Integer status = exchange.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class);
        String body = exchange.getMessage().getBody(String.class);
        if (body != null && body.length() > RECORDED_BODY_LIMIT) {
            body = body.substring(0, RECORDED_BODY_LIMIT) + "...";
        }
        SandboxPushResult result = new SandboxPushResult(state.clock().instant(), INFO_TYPE,
                SandboxPushResult.ANSWERED, status, body, null);
        record(exchange, result);
        if (result.accepted()) {
            LOG.info("Sandbox pushed a {} to {}: HTTP {}", INFO_TYPE, receiverUrl, status);
        } else {
            // WeChat's alarm: 得到的回应不合法(应返回success)
            LOG.warn("Sandbox pushed a {} to {}: HTTP {} with a reply WeChat would not accept (expects 200 success)",
                    INFO_TYPE, receiverUrl, status);
        }
    }

    /** Records that the push just tried got no answer (refused, timed out, ...); logs a warning. */
    public void failed(Exchange exchange) {
        Exception e = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        String error = e == null ? "unknown error" : e.getClass().getSimpleName() + ": " + e.getMessage();
        record(exchange, new SandboxPushResult(state.clock().instant(), INFO_TYPE, SandboxPushResult.FAILED, null,
                null, error));
        LOG.warn("Sandbox {} push to {} failed: {}", INFO_TYPE, receiverUrl, error);
    }

    private void record(Exchange exchange, SandboxPushResult result) {
        state.recordPush(result);
        exchange.setProperty(RESULT, result);
    }

    /** The decrypted push exactly as WeChat lays it out (protocol §5.2). */
    private String plaintext(SandboxTicket ticket) {
        return "<xml><AppId>" + SafeXml.cdata(crypto.receiveId()) + "</AppId>\n"
                + "<CreateTime>" + ticket.createdAt().getEpochSecond() + "</CreateTime>\n"
                + "<InfoType>" + SafeXml.cdata(INFO_TYPE) + "</InfoType>\n"
                + "<ComponentVerifyTicket>" + SafeXml.cdata(ticket.value()) + "</ComponentVerifyTicket>\n"
                + "</xml>";
    }

    /** WeChat's nonces are 9-10 decimal digits. */
    private static String nonce() {
        return Long.toString(ThreadLocalRandom.current().nextLong(100_000_000L, 10_000_000_000L));
    }
}
