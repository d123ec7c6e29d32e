package io.wechatopen.camel.crypto;

import java.util.Map;

/**
 * A passive reply as WeChat expects it from a 消息与事件接收URL when the answer is a message (protocol §5.3, §5.4):
 * {@code <xml><Encrypt/><MsgSignature/><TimeStamp/><Nonce/></xml>}, where {@code MsgSignature} is the
 * {@code msg_signature} over the token, {@code TimeStamp}, {@code Nonce} and {@code Encrypt}, and the plaintext ends
 * with the component AppId like every message of a third-party platform.
 *
 * @param encrypt the Base64 {@code Encrypt} value
 * @param msgSignature lowercase hex SHA-1 over token, timestamp, nonce and encrypt
 * @param timestamp unix seconds as decimal text, chosen by the replier
 * @param nonce decimal nonce, chosen by the replier
 */
public record EncryptedReply(String encrypt, String msgSignature, String timestamp, String nonce) {

    /**
     * Encrypts and signs a reply message.
     *
     * @param plaintext the reply XML, e.g. {@code <xml><ToUserName/>...<MsgType>text</MsgType>...</xml>}
     */
    public static EncryptedReply seal(WeChatMessageCrypto crypto, String plaintext, String timestamp, String nonce) {
        String encrypt = crypto.encrypt(plaintext);
        return new EncryptedReply(encrypt, crypto.msgSignature(timestamp, nonce, encrypt), timestamp, nonce);
    }

    /**
     * Reads a sealed reply, checks its signature and decrypts it: what WeChat does with our answer (the sandbox's
     * release tester uses it).
     *
     * @return the reply's plaintext XML
     * @throws MalformedMessageException when the XML is not a reply envelope
     * @throws InvalidSignatureException when {@code MsgSignature} does not match
     * @throws DecryptionException when {@code Encrypt} cannot be decrypted
     * @throws ReceiveIdMismatchException when the plaintext names another component AppId
     */
    public static String open(WeChatMessageCrypto crypto, String xml) {
        Map<String, String> envelope = SafeXml.parseFlat(xml);
        String encrypt = envelope.get("Encrypt");
        if (encrypt == null || encrypt.isEmpty()) {
            throw new MalformedMessageException("the reply has no Encrypt element");
        }
        crypto.verifyMsgSignature(envelope.get("MsgSignature"), envelope.get("TimeStamp"), envelope.get("Nonce"),
                encrypt);
        return crypto.decrypt(encrypt);
    }

    /** The reply envelope XML. */
    public String xml() {
        return "<xml>\n<Encrypt>" + SafeXml.cdata(encrypt) + "</Encrypt>\n<MsgSignature>" + SafeXml.cdata(msgSignature)
                + "</MsgSignature>\n<TimeStamp>" + timestamp + "</TimeStamp>\n<Nonce>" + SafeXml.cdata(nonce)
                + "</Nonce>\n</xml>";
    }
}
