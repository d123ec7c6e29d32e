package io.wechatopen.camel.crypto;

import java.util.Map;
import java.util.function.Function;

/**
 * A push opened: its XML envelope parsed, its {@code msg_signature} (and {@code signature}, when sent) verified
 * with the token of the component it names, its {@code Encrypt} value decrypted and addressed to that component's
 * AppId. {@link #open} is the whole of that work, as the push intake runs it for every encrypted request.
 *
 * @param crypto the component whose token verified the push
 * @param envelope the envelope's fields ({@code AppId} or {@code ToUserName}, {@code Encrypt})
 * @param plaintext the decrypted message, strictly UTF-8
 */
public record OpenedPush(WeChatMessageCrypto crypto, Map<String, String> envelope, String plaintext) {

    /**
     * Opens a push: parses the envelope with {@link SafeXml}, verifies {@code msg_signature} with each candidate in
     * turn until one matches, verifies {@code signature} when it is not null, decrypts and checks the receive id.
     * Signatures are compared in constant time. Nothing thrown carries the payload, the key or the token.
     *
     * @param body the request body as received (UTF-8 bytes; at most {@link SafeXml#MAX_LENGTH})
     * @param msgSignature the query's {@code msg_signature}, hex in either case
     * @param signature the query's {@code signature}, or null when not sent
     * @param timestamp the query's {@code timestamp}
     * @param nonce the query's {@code nonce}
     * @param candidates the components that may have sent the push, chosen from the envelope's fields (it may throw
     *        to refuse the push; that exception passes through)
     * @throws MalformedMessageException when the envelope is not safe, well-formed XML with a root {@code xml}
     *         (message starting with {@code envelope:}), has no {@code Encrypt}, or the decrypted message is not
     *         UTF-8 (message starting with {@code message:})
     * @throws InvalidSignatureException when no candidate's token verifies {@code msg_signature}, or
     *         {@code signature} does not match
     * @throws DecryptionException when {@code Encrypt} cannot be decrypted
     * @throws ReceiveIdMismatchException when the ciphertext names another component AppId
     */
    public static OpenedPush open(byte[] body, String msgSignature, String signature, String timestamp,
            String nonce, Function<Map<String, String>, ? extends Iterable<WeChatMessageCrypto>> candidates) {
        Map<String, String> envelope;
        try {
            envelope = SafeXml.parseFlat(body);
        } catch (MalformedMessageException e) {
            throw new MalformedMessageException("envelope: " + e.getMessage());
        }
        String encrypt = envelope.get("Encrypt");
        if (encrypt == null || encrypt.isBlank()) {
            throw new MalformedMessageException("envelope has no Encrypt element");
        }
        WeChatMessageCrypto crypto = null;
        for (WeChatMessageCrypto candidate : candidates.apply(envelope)) {
            if (candidate.msgSignatureMatches(msgSignature, timestamp, nonce, encrypt)) {
                crypto = candidate;
                break;
            }
        }
        if (crypto == null) {
            throw new InvalidSignatureException("msg_signature does not match");
        }
        if (signature != null) {
            crypto.verifySignature(signature, timestamp, nonce);
        }
        return new OpenedPush(crypto, envelope, crypto.decryptStrict(encrypt));
    }

    /**
     * The decrypted message's fields, parsed by {@link SafeXml#parseFlat(String)} (on each call).
     *
     * @throws MalformedMessageException when the message is not safe, well-formed XML with a root {@code xml}
     */
    public Map<String, String> message() {
        return SafeXml.parseFlat(plaintext);
    }

    @Override
    public String toString() {
        return "OpenedPush[component=" + crypto.receiveId() + "]";
    }
}
