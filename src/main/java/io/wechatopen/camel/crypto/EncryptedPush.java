package io.wechatopen.camel.crypto;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A push as WeChat sends it to a 授权事件接收URL: the query parameters and the XML envelope
 * {@code <xml><AppId/><Encrypt/></xml>}.
 *
 * @param timestamp unix seconds as decimal text
 * @param nonce decimal nonce
 * @param signature the plain signature over token, timestamp and nonce
 * @param msgSignature the signature over token, timestamp, nonce and Encrypt
 * @param body the XML envelope
 */
public record EncryptedPush(String timestamp, String nonce, String signature, String msgSignature, String body) {

    /**
     * Encrypts and signs a plaintext push for the component of {@code crypto}.
     *
     * @param plaintext the decrypted XML, for example a {@code component_verify_ticket} message
     */
    public static EncryptedPush of(WeChatMessageCrypto crypto, String plaintext, String timestamp, String nonce) {
        String encrypt = crypto.encrypt(plaintext);
        String body = "<xml>\n<AppId>" + SafeXml.cdata(crypto.receiveId()) + "</AppId>\n<Encrypt>"
                + SafeXml.cdata(encrypt) + "</Encrypt>\n</xml>";
        return new EncryptedPush(timestamp, nonce, crypto.signature(timestamp, nonce),
                crypto.msgSignature(timestamp, nonce, encrypt), body);
    }

    /** The query parameters in WeChat's order: signature, timestamp, nonce, encrypt_type, msg_signature. */
    public Map<String, String> queryParameters() {
        Map<String, String> query = new LinkedHashMap<>();
        query.put("signature", signature);
        query.put("timestamp", timestamp);
        query.put("nonce", nonce);
        query.put("encrypt_type", "aes");
        query.put("msg_signature", msgSignature);
        return query;
    }

    /** The query string (values are hex or decimal, so nothing needs encoding). */
    public String queryString() {
        StringBuilder sb = new StringBuilder();
        queryParameters().forEach((k, v) -> sb.append(sb.length() == 0 ? "" : "&").append(k).append('=').append(v));
        return sb.toString();
    }
}
