package io.wechatopen.camel.intake;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.apache.camel.AsyncCallback;
import org.apache.camel.Exchange;
import org.apache.camel.Handler;
import org.apache.camel.Message;
import org.apache.camel.support.AsyncProcessorSupport;

import io.wechatopen.camel.config.CallbackSettings;
import io.wechatopen.camel.crypto.WeChatMessageCrypto;
import io.wechatopen.camel.model.ComponentPush;
import io.wechatopen.camel.model.InfoType;
import io.wechatopen.camel.model.ReceivedPush;
import io.wechatopen.camel.store.DuplicatePushException;
import io.wechatopen.camel.store.PushStore;
import io.wechatopen.camel.token.WeChatMetrics;

/**
 * Accepts a push to the 授权事件接收URL: checks size, query and envelope, verifies {@code msg_signature} (and
 * {@code signature} when sent), refuses stale timestamps and replays, decrypts, checks the AppId inside and outside
 * the ciphertext, parses the message without DTDs and records it durably. On success the headers
 * {@value #COMPONENT_APPID}, {@value #INFO_TYPE}, {@value #OUTCOME} (and {@value #AUTHORIZER_APPID} for
 * authorization pushes) are set, the exchange property {@value #STORED} is true (nothing after it may turn the
 * answer into an error; it is set only once the transaction holding the push committed, see {@link PushWriter}) and
 * the push is reported to {@link WeChatMetrics} as {@code stored}, or {@code duplicate} for
 * WeChat's re-delivery of a push already recorded (same query and body: answered success, stored once). Otherwise a
 * {@link PushRejectedException} says which status to answer (a replayed delivery key with another body: 401), and
 * nothing is stored; {@value #STORED} is then false. The body is left as {@code byte[]}.
 */
public final class ComponentPushIntake extends AsyncProcessorSupport {

    public static final String COMPONENT_APPID = "WeChatComponentAppid";
    public static final String INFO_TYPE = "WeChatInfoType";
    public static final String OUTCOME = "WeChatPushOutcome";
    public static final String AUTHORIZER_APPID = "WeChatAuthorizerAppid";
    /** Exchange property: whether the push is durably recorded (set once the checks start). */
    public static final String STORED = "WeChatPushStored";

    private final Map<String, WeChatMessageCrypto> cryptoByAppid;
    private final PushWriter writer;
    private final CallbackSettings settings;
    private final Clock clock;
    private final WeChatMetrics metrics;

    /**
     * @param writer records the pushes (group commit); it must be started for pushes to be stored
     */
    public ComponentPushIntake(Map<String, WeChatMessageCrypto> cryptoByAppid, PushWriter writer,
            CallbackSettings settings, Clock clock, WeChatMetrics metrics) {
        this.cryptoByAppid = Map.copyOf(cryptoByAppid);
        this.writer = writer;
        this.settings = settings;
        this.clock = clock;
        this.metrics = metrics;
    }

    /**
     * Checks the push on the calling thread, then hands it to the {@link PushWriter} and returns; the exchange
     * continues on the writer's thread once the transaction holding the push ended (Camel's asynchronous routing), so
     * the HTTP threads never wait for the database.
     */
    @Override
    public boolean process(Exchange exchange, AsyncCallback callback) {
        ReceivedPush received;
        try {
            received = verify(exchange);
        } catch (RuntimeException e) {
            exchange.setException(e);
            callback.done(true);
            return true;
        }
        writer.submit(received, recorded -> {
            try {
                complete(exchange, received.push(), recorded);
            } catch (RuntimeException e) {
                exchange.setException(e);
            }
            callback.done(false);
        });
        return false;
    }

    /** As {@link #process(Exchange, AsyncCallback)}, waiting for the outcome; a refusal is thrown. */
    @Handler
    public void accept(Exchange exchange) throws Exception {
        process(exchange);
        if (exchange.getException() != null) {
            throw exchange.getException();
        }
    }

    private ReceivedPush verify(Exchange exchange) {
        exchange.setProperty(STORED, false);
        Message in = exchange.getMessage();
        EncryptedRequest.Verified request = EncryptedRequest.verify(in, settings, clock,
                envelope -> List.of(cryptoFor(envelope.get("AppId"))));
        ComponentPush push = toPush(request.crypto().receiveId(), request.message());
        // Set before the store, so that a refusal or failure is reported with its InfoType.
        in.setHeader(COMPONENT_APPID, push.componentAppid());
        in.setHeader(INFO_TYPE, push.infoType());
        return new ReceivedPush(push, request.plaintext(), request.msgSignature(), request.timestamp(),
                request.nonce(), request.receivedAt(), request.bodyHash());
    }

    private void complete(Exchange exchange, ComponentPush push, PushStore.Recorded recorded) {
        PushStore.Outcome outcome;
        try {
            outcome = recorded.outcomeOrThrow();
        } catch (DuplicatePushException e) {
            throw new PushRejectedException(401,
                    "replayed push (same msg_signature, timestamp and nonce, another body)");
        }
        exchange.setProperty(STORED, true);
        Message in = exchange.getMessage();
        in.setHeader(OUTCOME, outcome.name());
        push.authorizerAppid().ifPresent(a -> in.setHeader(AUTHORIZER_APPID, a));
        metrics.pushReceived(push.infoType(),
                outcome == PushStore.Outcome.ALREADY_RECORDED ? "duplicate" : "stored");
    }

    private WeChatMessageCrypto cryptoFor(String envelopeAppid) {
        if (EncryptedRequest.isBlank(envelopeAppid)) {
            if (cryptoByAppid.size() == 1) {
                return cryptoByAppid.values().iterator().next();
            }
            throw new PushRejectedException(400, "envelope has no AppId element");
        }
        WeChatMessageCrypto crypto = cryptoByAppid.get(envelopeAppid);
        if (crypto == null) {
            throw new PushRejectedException(401, "push is addressed to an AppId that is not configured");
        }
        return crypto;
    }

    private static ComponentPush toPush(String componentAppid, Map<String, String> fields) {
        if (!componentAppid.equals(fields.get("AppId"))) {
            throw new PushRejectedException(401, "decrypted AppId is not the component AppId");
        }
        String infoType = fields.get("InfoType");
        if (EncryptedRequest.isBlank(infoType)) {
            throw new PushRejectedException(400, "message has no InfoType");
        }
        Instant createTime = Instant.ofEpochSecond(EncryptedRequest.number(fields.get("CreateTime"), "CreateTime"));
        ComponentPush push = new ComponentPush(componentAppid, infoType, createTime, fields);
        if (push.isTicket() && push.field("ComponentVerifyTicket").isEmpty()) {
            throw new PushRejectedException(400, "ticket push has no ComponentVerifyTicket");
        }
        boolean authorization = InfoType.AUTHORIZED.equals(infoType) || InfoType.UPDATE_AUTHORIZED.equals(infoType)
                || InfoType.UNAUTHORIZED.equals(infoType);
        if (authorization && push.authorizerAppid().isEmpty()) {
            throw new PushRejectedException(400, infoType + " push has no AuthorizerAppid");
        }
        return push;
    }

}
