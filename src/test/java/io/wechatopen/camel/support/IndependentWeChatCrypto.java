package io.wechatopen.camel.support;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;

import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * WeChat's message crypto (WXBizMsgCrypt) written again from wechat-protocol.md §6 for tests, sharing no code with
 * {@link io.wechatopen.camel.crypto.WeChatMessageCrypto}: AES-256-CBC without cipher padding, key = Base64 of the
 * EncodingAESKey plus "=", IV = the key's first 16 bytes, PKCS#7 padding to 32-byte blocks, plaintext
 * {@code random(16) | uint32_be(length) | message | receive id}; signatures are SHA-1 over the sorted, concatenated
 * parts, lowercase hex. Checked against published vectors in {@code IndependentWeChatCryptoTest}.
 */
public final class IndependentWeChatCrypto {

    private IndependentWeChatCrypto() {
    }

    /** A decrypted {@code Encrypt} value: the message and the receive id it ends with. */
    public record Opened(String message, String receiveId) {
    }

    /** Decrypts an {@code Encrypt} value (§6.2, "Decrypt"). */
    public static Opened decrypt(String encodingAesKey, String encrypt) throws Exception {
        byte[] key = Base64.getDecoder().decode(encodingAesKey + "=");
        Cipher cipher = Cipher.getInstance("AES/CBC/NoPadding");
        cipher.init(Cipher.DECRYPT_MODE, new SecretKeySpec(key, "AES"), new IvParameterSpec(Arrays.copyOf(key, 16)));
        byte[] plain = cipher.doFinal(Base64.getDecoder().decode(encrypt));
        int pad = plain[plain.length - 1];
        if (pad < 1 || pad > 32) {
            pad = 0;
        }
        byte[] content = Arrays.copyOfRange(plain, 16, plain.length - pad);
        int length = ByteBuffer.wrap(content, 0, 4).getInt();
        String message = new String(content, 4, length, StandardCharsets.UTF_8);
        String receiveId = new String(content, 4 + length, content.length - 4 - length, StandardCharsets.UTF_8);
        return new Opened(message, receiveId);
    }

    /** Encrypts with the given 16 random bytes (§6.2, "Plaintext block to encrypt"). */
    public static String encrypt(String encodingAesKey, String receiveId, String message, String random16)
            throws Exception {
        byte[] msg = message.getBytes(StandardCharsets.UTF_8);
        byte[] id = receiveId.getBytes(StandardCharsets.UTF_8);
        byte[] rnd = random16.getBytes(StandardCharsets.US_ASCII);
        int length = rnd.length + 4 + msg.length + id.length;
        int pad = 32 - length % 32;
        ByteBuffer buffer = ByteBuffer.allocate(length + pad).put(rnd).putInt(msg.length).put(msg).put(id);
        while (buffer.hasRemaining()) {
            buffer.put((byte) pad);
        }
        byte[] key = Base64.getDecoder().decode(encodingAesKey + "=");
        Cipher cipher = Cipher.getInstance("AES/CBC/NoPadding");
        cipher.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new IvParameterSpec(Arrays.copyOf(key, 16)));
        return Base64.getEncoder().encodeToString(cipher.doFinal(buffer.array()));
    }

    /** SHA-1 of the parts sorted and concatenated, lowercase hex (§6.2, "Signatures"). */
    public static String signature(String... parts) throws Exception {
        String[] sorted = parts.clone();
        Arrays.sort(sorted);
        MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
        return HexFormat.of().formatHex(sha1.digest(String.join("", sorted).getBytes(StandardCharsets.UTF_8)));
    }
}
