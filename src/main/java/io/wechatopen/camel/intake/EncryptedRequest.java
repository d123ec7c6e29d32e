package io.wechatopen.camel.intake;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

import org.apache.camel.Message;

import io.wechatopen.camel.config.CallbackSettings;
import io.wechatopen.camel.crypto.DecryptionException;
import io.wechatopen.camel.crypto.InvalidSignatureException;
import io.wechatopen.camel.crypto.MalformedMessageException;
import io.wechatopen.camel.crypto.OpenedPush;
import io.wechatopen.camel.crypto.ReceiveIdMismatchException;
import io.wechatopen.camel.crypto.SafeXml;
import io.wechatopen.camel.crypto.WeChatMessageCrypto;

/**
 * The checks every encrypted request from WeChat passes, in order: body size (413), query parameters, the replay
 * window (401), then {@link OpenedPush#open}: envelope XML without DTDs (400), {@code msg_signature} and, when sent,
 * {@code signature} (401), decryption (400) and the receive id, which is the component AppId (401); then the
 * decrypted XML (400). Every
 * refusal is a {@link PushRejectedException} with its status; its message holds no payload.
 */
final class EncryptedRequest {

    /**
     * A request that passed every check.
     *
     * @param crypto the component whose credentials verified it
     * @param envelope the outer XML's fields
     * @param plaintext the decrypted XML
     * @param message the decrypted XML's fields
     * @param msgSignature lower-case {@code msg_signature}
     * @param timestamp the query's {@code timestamp}
     * @param nonce the query's {@code nonce}
     * @param receivedAt when the checks ran
     * @param bodyHash lowercase hex SHA-256 of the request body
     */
    record Verified(WeChatMessageCrypto crypto, Map<String, String> envelope, String plaintext,
            Map<String, String> message, String msgSignature, String timestamp, String nonce, Instant receivedAt,
            String bodyHash) {

        @Override
        public String toString() {
            return "Verified[component=" + crypto.receiveId() + ", timestamp=" + timestamp + "]";
        }
    }

    private EncryptedRequest() {
    }

    /**
     * Runs the checks. The body is left as {@code byte[]}: the HTTP server's pooled buffer is then not copied into
     * the exchanges this one is handed to (it would never be released).
     *
     * @param candidates the components that may have sent the request, chosen from the envelope (may throw a
     *        {@link PushRejectedException} itself); the first whose token verifies the signature is used
     * @see OpenedPush#open the crypto part of the checks
     */
    static Verified verify(Message in, CallbackSettings settings, Clock clock,
            Function<Map<String, String>, List<WeChatMessageCrypto>> candidates) {
        byte[] raw = in.getBody(byte[].class);
        in.setBody(raw);
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
        long unixSeconds = number(timestamp, "timestamp");
        // Before the crypto: a clock comparison refuses a stale or replayed delivery for nearly nothing.
        Instant now = clock.instant();
        if (Duration.between(Instant.ofEpochSecond(unixSeconds), now).abs().compareTo(settings.replayWindow()) > 0) {
            throw new PushRejectedException(401, "timestamp is outside the replay window");
        }
        OpenedPush opened;
        try {
            opened = OpenedPush.open(raw, msgSignature, signature, timestamp, nonce, candidates);
        } catch (MalformedMessageException e) {
            throw new PushRejectedException(400, e.getMessage());
        } catch (InvalidSignatureException e) {
            throw new PushRejectedException(401, e.getMessage());
        } catch (ReceiveIdMismatchException e) {
            throw new PushRejectedException(401, "ciphertext is addressed to another component AppId");
        } catch (DecryptionException e) {
            throw new PushRejectedException(400, "Encrypt cannot be decrypted: " + e.getMessage());
        }
        return new Verified(opened.crypto(), opened.envelope(), opened.plaintext(),
                parse(opened.plaintext(), "message"), msgSignature.toLowerCase(Locale.ROOT), timestamp, nonce, now,
                sha256Hex(raw));
    }

    private static String sha256Hex(byte[] body) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }

    static Map<String, String> parse(String xml, String what) {
        try {
            return SafeXml.parseFlat(xml);
        } catch (MalformedMessageException e) {
            throw new PushRejectedException(400, what + ": " + e.getMessage());
        }
    }

    static long number(String value, String name) {
        if (isBlank(value) || value.length() > 12 || !value.chars().allMatch(Character::isDigit)) {
            throw new PushRejectedException(400, name + " must be unix seconds");
        }
        return Long.parseLong(value);
    }

    static boolean isBlank(String value) {
        return value == null || value.isBlank();
    }
}
