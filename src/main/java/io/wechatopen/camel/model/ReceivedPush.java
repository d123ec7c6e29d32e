package io.wechatopen.camel.model;

import java.time.Instant;
import java.util.Objects;

/**
 * A push as it is recorded in {@code wechat_authorization_event}: the decrypted content plus what identifies the
 * delivery, so that a replay of the same delivery is refused.
 *
 * @param push the decrypted push
 * @param decryptedXml the decrypted message as received (stored encrypted at rest)
 * @param msgSignature the delivery's {@code msg_signature}
 * @param timestamp the delivery's {@code timestamp} query value
 * @param nonce the delivery's {@code nonce} query value
 * @param receivedAt when this bundle received it
 * @param bodyHash lowercase hex SHA-256 of the request body as received, which tells WeChat's re-delivery of this
 *        push (same body) from a replay of its delivery key with another body; null when unknown (never equal)
 */
public record ReceivedPush(ComponentPush push, String decryptedXml, String msgSignature, String timestamp,
        String nonce, Instant receivedAt, String bodyHash) {

    /** A push whose request body hash is unknown. */
    public ReceivedPush(ComponentPush push, String decryptedXml, String msgSignature, String timestamp, String nonce,
            Instant receivedAt) {
        this(push, decryptedXml, msgSignature, timestamp, nonce, receivedAt, null);
    }

    public ReceivedPush {
        Objects.requireNonNull(push, "push");
        Objects.requireNonNull(decryptedXml, "decryptedXml");
        Objects.requireNonNull(msgSignature, "msgSignature");
        Objects.requireNonNull(timestamp, "timestamp");
        Objects.requireNonNull(nonce, "nonce");
        Objects.requireNonNull(receivedAt, "receivedAt");
    }

    @Override
    public String toString() {
        return "ReceivedPush[" + push + ", msgSignature=" + msgSignature + ", timestamp=" + timestamp + "]";
    }
}
