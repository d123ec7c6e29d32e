package io.wechatopen.camel.sandbox;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.wechatopen.camel.crypto.EncryptedPush;
import io.wechatopen.camel.crypto.SafeXml;
import io.wechatopen.camel.crypto.WeChatMessageCrypto;

/**
 * Builds, and records the outcome of, the encrypted pushes the sandbox POSTs to the 授权事件接收URL: tickets
 * ({@link #prepareTicket}) and authorization events ({@link #prepareAuthorization}). A send route calls a prepare
 * method, and when {@link #SEND} is {@code true} waits {@link SandboxReply#LATENCY_MS}, POSTs the body with the query
 * {@link #QUERY}, and calls {@link #answered} or {@link #failed}. The outcome is left in {@link #RESULT}. Ticket and
 * code values are never logged.
 */
public final class SandboxPusher {

    /** Exchange property: {@code true} when the prepared push is to be sent. */
    static final String SEND = "WeChatSandboxPushSend";
    /** Exchange property: the push's query string (signature, timestamp, nonce, encrypt_type, msg_signature). */
    static final String QUERY = "WeChatSandboxPushQuery";
    /** Exchange property: the {@link SandboxPushResult} of the attempt. */
    static final String RESULT = "WeChatSandboxPushResult";
    /** Exchange property: the {@link SandboxAuthorizationPush} for {@link #prepareAuthorization}. */
    static final String AUTHORIZATION_PUSH = "WeChatSandboxAuthorizationPush";
    /** Exchange property: the {@code InfoType} of the push being sent. */
    private static final String INFO_TYPE_PROPERTY = "WeChatSandboxPushInfoType";

    static final String TICKET_INFO_TYPE = "component_verify_ticket";
    /** Outcome of an attempt made while the push service is stopped; such attempts are not recorded. */
    static final String SKIPPED = "skipped";

    private static final Logger LOG = LoggerFactory.getLogger(SandboxPusher.class);
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
    public SandboxPusher(SandboxState state, WeChatMessageCrypto crypto, String pushUrl) {
        this.state = state;
        this.crypto = crypto;
        int q = pushUrl.indexOf('?');
        this.receiverUrl = q < 0 ? pushUrl : pushUrl.substring(0, q);
        this.receiverQuery = q < 0 ? "" : pushUrl.substring(q + 1);
    }

    /** The push URL without its query string: the address the send routes' HTTP endpoints are built from. */
    public String receiverUrl() {
        return receiverUrl;
    }

    /**
     * Decides whether a ticket is pushed now. Nothing is pushed while the push service is stopped, nor when an
     * injected {@code ticket_push} fault drops it. Otherwise mints a ticket, encrypts and signs the push, and puts
     * the XML envelope in the body.
     */
    public void prepareTicket(Exchange exchange) {
        exchange.setProperty(SEND, false);
        exchange.setProperty(INFO_TYPE_PROPERTY, TICKET_INFO_TYPE);
        if (!state.pushServiceRunning()) {
            exchange.setProperty(RESULT, new SandboxPushResult(state.clock().instant(), TICKET_INFO_TYPE, SKIPPED,
                    null, null, "the ticket push service is stopped"));
            return;
        }
        Optional<SandboxFault> fault = takeFault(exchange, SandboxFaults.TICKET_PUSH);
        if (fault.isPresent() && fault.get().drop()) {
            return;
        }
        SandboxTicket ticket = state.issueTicket();
        encrypt(exchange, ticket.createdAt(), "<xml><AppId>" + SafeXml.cdata(crypto.receiveId()) + "</AppId>\n"
                + "<CreateTime>" + ticket.createdAt().getEpochSecond() + "</CreateTime>\n"
                + "<InfoType>" + SafeXml.cdata(TICKET_INFO_TYPE) + "</InfoType>\n"
                + "<ComponentVerifyTicket>" + SafeXml.cdata(ticket.value()) + "</ComponentVerifyTicket>\n"
                + "</xml>");
    }

    /**
     * Prepares the {@link SandboxAuthorizationPush} in {@link #AUTHORIZATION_PUSH}: encrypted and signed with its
     * {@code CreateTime} as timestamp, unless an injected {@code authorization_push} fault drops it. Authorization
     * pushes do not depend on the ticket push service.
     */
    public void prepareAuthorization(Exchange exchange) {
        SandboxAuthorizationPush push = exchange.getProperty(AUTHORIZATION_PUSH, SandboxAuthorizationPush.class);
        exchange.setProperty(SEND, false);
        exchange.setProperty(INFO_TYPE_PROPERTY, push.infoType());
        Optional<SandboxFault> fault = takeFault(exchange, SandboxFaults.AUTHORIZATION_PUSH);
        if (fault.isPresent() && fault.get().drop()) {
            return;
        }
        StringBuilder xml = new StringBuilder("<xml><AppId>").append(SafeXml.cdata(crypto.receiveId()))
                .append("</AppId>\n<CreateTime>").append(push.createTime().getEpochSecond()).append("</CreateTime>\n")
                .append("<InfoType>").append(SafeXml.cdata(push.infoType())).append("</InfoType>\n")
                .append("<AuthorizerAppid>").append(SafeXml.cdata(push.authorizerAppid()))
                .append("</AuthorizerAppid>\n");
        if (push.authorizationCode() != null) {
            xml.append("<AuthorizationCode>").append(SafeXml.cdata(push.authorizationCode()))
                    .append("</AuthorizationCode>\n")
                    .append("<AuthorizationCodeExpiredTime>").append(push.codeExpiresAt().getEpochSecond())
                    .append("</AuthorizationCodeExpiredTime>\n")
                    .append("<PreAuthCode>").append(SafeXml.cdata(push.preAuthCode())).append("</PreAuthCode>\n");
        }
        encrypt(exchange, push.createTime(), xml.append("</xml>").toString());
    }

    /** Records the receiver's answer (any HTTP status) to the push just sent. */
    public void answered(Exchange exchange) {
        String infoType = exchange.getProperty(INFO_TYPE_PROPERTY, String.class);
        Integer status = exchange.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class);
        String body = exchange.getMessage().getBody(String.class);
        if (body != null && body.length() > RECORDED_BODY_LIMIT) {
            body = body.substring(0, RECORDED_BODY_LIMIT) + "...";
        }
        SandboxPushResult result = new SandboxPushResult(state.clock().instant(), infoType,
                SandboxPushResult.ANSWERED, status, body, null);
        record(exchange, result);
        if (result.accepted()) {
            LOG.info("Sandbox pushed {} to {}: HTTP {}", infoType, receiverUrl, status);
        } else {
            // WeChat's alarm: 得到的回应不合法(应返回success)
            LOG.warn("Sandbox pushed {} to {}: HTTP {} with a reply WeChat would not accept (expects 200 success)",
                    infoType, receiverUrl, status);
        }
    }

    /** Records that the push just tried got no answer (refused, timed out, ...); logs a warning. */
    public void failed(Exchange exchange) {
        String infoType = exchange.getProperty(INFO_TYPE_PROPERTY, String.class);
        Exception e = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        String error = e == null ? "unknown error" : e.getClass().getSimpleName() + ": " + e.getMessage();
        record(exchange, new SandboxPushResult(state.clock().instant(), infoType, SandboxPushResult.FAILED, null,
                null, error));
        LOG.warn("Sandbox {} push to {} failed: {}", infoType, receiverUrl, error);
    }

    /** Takes the next fault of a push; a dropping one is recorded and logged here. */
    private Optional<SandboxFault> takeFault(Exchange exchange, String api) {
        Optional<SandboxFault> fault = state.faults().take(api);
        if (fault.isPresent() && fault.get().drop()) {
            String infoType = exchange.getProperty(INFO_TYPE_PROPERTY, String.class);
            record(exchange, new SandboxPushResult(state.clock().instant(), infoType, SandboxPushResult.DROPPED,
                    null, null, "dropped by an injected " + api + " fault"));
            LOG.info("Sandbox dropped the {} push (injected fault)", infoType);
        }
        exchange.setProperty(SandboxReply.LATENCY_MS, fault.map(SandboxFault::latency).orElse(0L));
        return fault;
    }

    /** Encrypts and signs the plaintext as WeChat does (protocol §5.1) and marks the push to be sent. */
    private void encrypt(Exchange exchange, Instant createTime, String plaintext) {
        EncryptedPush push = EncryptedPush.of(crypto, plaintext, String.valueOf(createTime.getEpochSecond()),
                nonce());
        exchange.getMessage().setBody(push.body().getBytes(StandardCharsets.UTF_8));
        exchange.setProperty(QUERY, receiverQuery.isEmpty() ? push.queryString()
                : receiverQuery + "&" + push.queryString());
        exchange.setProperty(SEND, true);
    }

    private void record(Exchange exchange, SandboxPushResult result) {
        state.recordPush(result);
        exchange.setProperty(RESULT, result);
    }

    /** WeChat's nonces are 9-10 decimal digits. */
    private static String nonce() {
        return Long.toString(ThreadLocalRandom.current().nextLong(100_000_000L, 10_000_000_000L));
    }
}
