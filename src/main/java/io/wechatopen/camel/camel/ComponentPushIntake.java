package io.wechatopen.camel.camel;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.apache.camel.Exchange;
import org.apache.camel.Handler;
import org.apache.camel.Message;

import io.wechatopen.camel.config.CallbackSettings;
import io.wechatopen.camel.crypto.WeChatMessageCrypto;
import io.wechatopen.camel.model.ComponentPush;
import io.wechatopen.camel.model.InfoType;
import io.wechatopen.camel.model.ReceivedPush;
import io.wechatopen.camel.store.DuplicatePushException;
import io.wechatopen.camel.store.PushStore;

/**
 * Accepts a push to the 授权事件接收URL: checks size, query and envelope, verifies {@code msg_signature} (and
 * {@code signature} when sent), refuses stale timestamps and replays, decrypts, checks the AppId inside and outside
 * the ciphertext, parses the message without DTDs and records it durably. On success the headers
 * {@value #COMPONENT_APPID}, {@value #INFO_TYPE}, {@value #OUTCOME} (and {@value #AUTHORIZER_APPID} for
 * authorization pushes) are set; otherwise a {@link PushRejectedException} says which status to answer, and nothing
 * is stored.
 */
public final class ComponentPushIntake {

    public static final String COMPONENT_APPID = "WeChatComponentAppid";
    public static final String INFO_TYPE = "WeChatInfoType";
    public static final String OUTCOME = "WeChatPushOutcome";
    public static final String AUTHORIZER_APPID = "WeChatAuthorizerAppid";

    private final Map<String, WeChatMessageCrypto> cryptoByAppid;
    private final PushStore store;
    private final CallbackSettings settings;
    private final Clock clock;

    public ComponentPushIntake(Map<String, WeChatMessageCrypto> cryptoByAppid, PushStore store,
            CallbackSettings settings, Clock clock) {
        this.cryptoByAppid = Map.copyOf(cryptoByAppid);
        this.store = store;
        this.settings = settings;
        this.clock = clock;
    }

    @Handler
    public void accept(Exchange exchange) {
        Message in = exchange.getMessage();
        EncryptedRequest.Verified request = EncryptedRequest.verify(in, settings, clock,
                envelope -> List.of(cryptoFor(envelope.get("AppId"))));
        ComponentPush push = toPush(request.crypto().receiveId(), request.message());
        try {
            PushStore.Outcome outcome = store.record(new ReceivedPush(push, request.plaintext(),
                    request.msgSignature(), request.timestamp(), request.nonce(), request.receivedAt()));
            in.setHeader(OUTCOME, outcome.name());
        } catch (DuplicatePushException e) {
            throw new PushRejectedException(401, "replayed push (same msg_signature, timestamp and nonce)");
        }
        in.setHeader(COMPONENT_APPID, push.componentAppid());
        in.setHeader(INFO_TYPE, push.infoType());
        push.authorizerAppid().ifPresent(a -> in.setHeader(AUTHORIZER_APPID, a));
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
