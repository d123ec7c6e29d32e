package io.wechatopen.camel.support;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;

import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

import io.wechatopen.camel.crypto.EncryptedPush;
import io.wechatopen.camel.crypto.SafeXml;
import io.wechatopen.camel.crypto.WeChatMessageCrypto;

/** Builds pushes as WeChat sends them, and deliberately broken ones, for one component's credentials. */
public final class TestPushes {

    private final String appid;
    private final String token;
    private final String encodingAesKey;
    private final WeChatMessageCrypto crypto;
    private long nonce = 100_000_000L;

    public TestPushes(String appid, String token, String encodingAesKey) {
        this.appid = appid;
        this.token = token;
        this.encodingAesKey = encodingAesKey;
        this.crypto = new WeChatMessageCrypto(token, encodingAesKey, appid);
    }

    public WeChatMessageCrypto crypto() {
        return crypto;
    }

    public static String ticketXml(String appid, String ticket, Instant createTime) {
        return "<xml><AppId>" + SafeXml.cdata(appid) + "</AppId>\n<CreateTime>" + createTime.getEpochSecond()
                + "</CreateTime>\n<InfoType><![CDATA[component_verify_ticket]]></InfoType>\n"
                + "<ComponentVerifyTicket>" + SafeXml.cdata(ticket) + "</ComponentVerifyTicket>\n</xml>";
    }

    public static String unauthorizedXml(String appid, String authorizerAppid, Instant createTime) {
        return "<xml><AppId>" + SafeXml.cdata(appid) + "</AppId>\n<CreateTime>" + createTime.getEpochSecond()
                + "</CreateTime>\n<InfoType><![CDATA[unauthorized]]></InfoType>\n<AuthorizerAppid>"
                + SafeXml.cdata(authorizerAppid) + "</AuthorizerAppid>\n</xml>";
    }

    /** A correctly encrypted and signed push of {@code plaintext}, timestamped now. */
    public EncryptedPush push(String plaintext) {
        return EncryptedPush.of(crypto, plaintext, String.valueOf(Instant.now().getEpochSecond()), nextNonce());
    }

    public EncryptedPush ticket(String ticket, Instant createTime) {
        return push(ticketXml(appid, ticket, createTime));
    }

    /** A push whose Encrypt is {@code encrypt} as given, with a valid msg_signature over it. */
    public EncryptedPush signedEnvelope(String envelopeAppid, String encrypt, String timestamp) {
        String nonceValue = nextNonce();
        String body = "<xml><AppId>" + SafeXml.cdata(envelopeAppid) + "</AppId><Encrypt>" + SafeXml.cdata(encrypt)
                + "</Encrypt></xml>";
        return new EncryptedPush(timestamp, nonceValue, crypto.signature(timestamp, nonceValue),
                crypto.msgSignature(timestamp, nonceValue, encrypt), body);
    }

    public EncryptedPush signedEnvelope(String encrypt) {
        return signedEnvelope(appid, encrypt, String.valueOf(Instant.now().getEpochSecond()));
    }

    /**
     * AES-CBC-encrypts raw bytes with the component key and no padding of its own (length must be a multiple of
     * 16), so a test can hand-craft bad padding or an absurd length field.
     */
    public String encryptRaw(byte[] plain) throws Exception {
        byte[] key = Base64.getDecoder().decode(encodingAesKey + "=");
        Cipher cipher = Cipher.getInstance("AES/CBC/NoPadding");
        cipher.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new IvParameterSpec(key, 0, 16));
        return Base64.getEncoder().encodeToString(cipher.doFinal(plain));
    }

    /** 64 bytes: random(16) + length 0x7fffffff + "<xml/>" + appid + valid padding. */
    public byte[] absurdLengthPlaintext() {
        ByteBuffer buffer = ByteBuffer.allocate(64);
        buffer.put("0123456789abcdef".getBytes(StandardCharsets.US_ASCII)).putInt(0x7fffffff);
        byte[] rest = ("<xml/>" + appid).getBytes(StandardCharsets.US_ASCII);
        buffer.put(rest);
        int pad = 64 - buffer.position();
        while (buffer.hasRemaining()) {
            buffer.put((byte) pad);
        }
        return buffer.array();
    }

    /** 64 bytes whose last byte claims 40 bytes of padding (more than the 32-byte block). */
    public byte[] badPaddingPlaintext() {
        byte[] plain = new byte[64];
        plain[63] = 40;
        return plain;
    }

    public String token() {
        return token;
    }

    private String nextNonce() {
        return String.valueOf(nonce++);
    }
}
