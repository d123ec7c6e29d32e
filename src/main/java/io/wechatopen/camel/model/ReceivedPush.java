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
 */
public record ReceivedPush(ComponentPush push, String decryptedXml, String msgSignature, String timestamp,
        String nonce, Instant receivedAt) {

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
