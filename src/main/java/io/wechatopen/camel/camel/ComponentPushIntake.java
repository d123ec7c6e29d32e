package io.wechatopen.camel.camel;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import org.apache.camel.Exchange;
import org.apache.camel.Handler;
import org.apache.camel.Message;

import io.wechatopen.camel.config.CallbackSettings;
import io.wechatopen.camel.crypto.DecryptionException;
import io.wechatopen.camel.crypto.InvalidSignatureException;
import io.wechatopen.camel.crypto.MalformedMessageException;
import io.wechatopen.camel.crypto.ReceiveIdMismatchException;
import io.wechatopen.camel.crypto.SafeXml;
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
        byte[] raw = in.getBody(byte[].class);
        if (raw == null || raw.length == 0) {
            throw new PushRejectedException(400, "empty body");
        }
        if (raw.length > settings.maxBodyBytes()) {
            throw new PushRejectedException(413, "body larger than " + settings.maxBodyBytes() + " bytes");
        }
        String msgSignature = in.getHeader("msg_signature", String.class);
        String signature = in.getHeader("signature", String.class);
        String timestamp = in.getHeader("timestamp", String.class);
        String nonce = in.getHeader("nonce", String.class);
        String encryptType = in.getHeader("encrypt_type", String.class);
        if (isBlank(msgSignature) || isBlank(timestamp) || isBlank(nonce)) {
            throw new PushRejectedException(401, "msg_signature, timestamp and nonce are required");
        }
        if (encryptType != null && !"aes".equals(encryptType)) {
            throw new PushRejectedException(400, "encrypt_type must be aes");
        }
        long unixSeconds = parseTimestamp(timestamp);

        Map<String, String> envelope = parse(new String(raw, StandardCharsets.UTF_8), "envelope");
        String encrypt = envelope.get("Encrypt");
        if (isBlank(encrypt)) {
            throw new PushRejectedException(400, "envelope has no Encrypt element");
        }
        WeChatMessageCrypto crypto = cryptoFor(envelope.get("AppId"));
        try {
            crypto.verifyMsgSignature(msgSignature, timestamp, nonce, encrypt);
            if (signature != null) {
                crypto.verifySignature(signature, timestamp, nonce);
            }
        } catch (InvalidSignatureException e) {
            throw new PushRejectedException(401, e.getMessage());
        }
        Instant now = clock.instant();
        Duration skew = Duration.between(Instant.ofEpochSecond(unixSeconds), now).abs();
        if (skew.compareTo(settings.replayWindow()) > 0) {
            throw new PushRejectedException(401, "timestamp is outside the replay window");
        }
        String plaintext;
        try {
            plaintext = crypto.decrypt(encrypt);
        } catch (ReceiveIdMismatchException e) {
            throw new PushRejectedException(401, "ciphertext is addressed to another component AppId");
        } catch (DecryptionException e) {
            throw new PushRejectedException(400, "Encrypt cannot be decrypted: " + e.getMessage());
        }
        ComponentPush push = toPush(crypto.receiveId(), parse(plaintext, "message"));
        try {
            PushStore.Outcome outcome = store.record(new ReceivedPush(push, plaintext, msgSignature.toLowerCase(
                    java.util.Locale.ROOT), timestamp, nonce, now));
            in.setHeader(OUTCOME, outcome.name());
        } catch (DuplicatePushException e) {
            throw new PushRejectedException(401, "replayed push (same msg_signature, timestamp and nonce)");
        }
        in.setHeader(COMPONENT_APPID, push.componentAppid());
        in.setHeader(INFO_TYPE, push.infoType());
        push.authorizerAppid().ifPresent(a -> in.setHeader(AUTHORIZER_APPID, a));
    }

    private WeChatMessageCrypto cryptoFor(String envelopeAppid) {
        if (isBlank(envelopeAppid)) {
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
        if (isBlank(infoType)) {
            throw new PushRejectedException(400, "message has no InfoType");
        }
        Instant createTime = Instant.ofEpochSecond(parseNumber(fields.get("CreateTime"), "CreateTime"));
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

    private static Map<String, String> parse(String xml, String what) {
        try {
            return SafeXml.parseFlat(xml);
        } catch (MalformedMessageException e) {
            throw new PushRejectedException(400, what + ": " + e.getMessage());
        }
    }

    private static long parseTimestamp(String timestamp) {
        return parseNumber(timestamp, "timestamp");
    }

    private static long parseNumber(String value, String name) {
        if (isBlank(value) || value.length() > 12 || !value.chars().allMatch(Character::isDigit)) {
            throw new PushRejectedException(400, name + " must be unix seconds");
        }
        return Long.parseLong(value);
    }

    private static boolean isBlank(String value) {
        return value == null || value.isBlank();
    }
}
