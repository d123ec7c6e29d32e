package io.wechatopen.camel.crypto;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Objects;

import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * WXBizMsgCrypt-compatible message crypto of one third-party platform (component): the SHA-1 {@code signature}
 * and {@code msg_signature}, and the AES-256-CBC envelope with PKCS#7 padding to 32-byte blocks whose plaintext is
 * {@code random(16) | uint32_be(len) | message | receiveId}. The receive id of a third-party platform is its
 * component AppId, also for messages received on behalf of authorizers.
 *
 * <p>Instances are immutable and thread-safe. Exceptions never carry the key, the token or any plaintext.
 */
public final class WeChatMessageCrypto {

    private static final int RANDOM_LENGTH = 16;
    private static final int BLOCK_SIZE = 32;
    private static final int AES_KEY_LENGTH = 32;
    private static final int ENCODING_AES_KEY_LENGTH = 43;

    private final String token;
    private final byte[] aesKey;
    private final String receiveId;
    private final SecureRandom random = new SecureRandom();

    /**
     * @param token the 消息校验 Token shared with WeChat; not empty
     * @param encodingAesKey the 43-character EncodingAESKey
     * @param receiveId the component AppId that every plaintext must end with
     * @throws InvalidAesKeyException when the key is not 43 characters decoding to 32 bytes
     * @throws IllegalArgumentException when the token or receive id is empty
     */
    public WeChatMessageCrypto(String token, String encodingAesKey, String receiveId) {
        if (token == null || token.isEmpty()) {
            throw new IllegalArgumentException("message token must not be empty");
        }
        if (receiveId == null || receiveId.isEmpty()) {
            throw new IllegalArgumentException("receive id (component AppId) must not be empty");
        }
        this.token = token;
        this.aesKey = decodeAesKey(encodingAesKey);
        this.receiveId = receiveId;
    }

    private static byte[] decodeAesKey(String encodingAesKey) {
        if (encodingAesKey == null || encodingAesKey.length() != ENCODING_AES_KEY_LENGTH
                || !encodingAesKey.chars().allMatch(c -> c < 128 && Character.isLetterOrDigit(c))) {
            throw new InvalidAesKeyException("EncodingAESKey must be 43 characters from [A-Za-z0-9]");
        }
        // WeChat keys are usually not canonical Base64 (non-zero trailing bits); java.util.Base64 ignores those bits.
        byte[] key = Base64.getDecoder().decode(encodingAesKey + "=");
        if (key.length != AES_KEY_LENGTH) {
            throw new InvalidAesKeyException("EncodingAESKey must decode to 32 bytes");
        }
        return key;
    }

    /** The component AppId this instance encrypts for and accepts. */
    public String receiveId() {
        return receiveId;
    }

    /**
     * The plain {@code signature}: SHA-1 over token, timestamp and nonce, sorted and concatenated, lowercase hex.
     */
    public String signature(String timestamp, String nonce) {
        return sha1OfSorted(token, timestamp, nonce);
    }

    /** The {@code msg_signature}: SHA-1 over token, timestamp, nonce and the Base64 {@code Encrypt} value. */
    public String msgSignature(String timestamp, String nonce, String encrypt) {
        return sha1OfSorted(token, timestamp, nonce, encrypt);
    }

    /**
     * Checks a {@code msg_signature} in constant time.
     *
     * @throws InvalidSignatureException when it is missing or does not match
     */
    public void verifyMsgSignature(String msgSignature, String timestamp, String nonce, String encrypt) {
        requirePresent(timestamp, "timestamp");
        requirePresent(nonce, "nonce");
        requirePresent(encrypt, "Encrypt");
        if (!constantTimeEquals(msgSignature, msgSignature(timestamp, nonce, encrypt))) {
            throw new InvalidSignatureException("msg_signature does not match");
        }
    }

    /**
     * Checks a plain {@code signature} in constant time.
     *
     * @throws InvalidSignatureException when it is missing or does not match
     */
    public void verifySignature(String signature, String timestamp, String nonce) {
        requirePresent(timestamp, "timestamp");
        requirePresent(nonce, "nonce");
        if (!constantTimeEquals(signature, signature(timestamp, nonce))) {
            throw new InvalidSignatureException("signature does not match");
        }
    }

    private static void requirePresent(String value, String name) {
        if (value == null || value.isEmpty()) {
            throw new InvalidSignatureException(name + " is missing");
        }
    }

    private static boolean constantTimeEquals(String given, String expected) {
        if (given == null) {
            return false;
        }
        return MessageDigest.isEqual(given.toLowerCase(java.util.Locale.ROOT).getBytes(StandardCharsets.US_ASCII),
                expected.getBytes(StandardCharsets.US_ASCII));
    }

    /** Encrypts a UTF-8 message with fresh random bytes; returns the Base64 {@code Encrypt} value. */
    public String encrypt(String message) {
        byte[] prefix = new byte[RANDOM_LENGTH];
        random.nextBytes(prefix);
        return encrypt(message, prefix);
    }

    /**
     * Encrypts with the given 16 random prefix bytes (deterministic; for test vectors).
     *
     * @return the Base64 {@code Encrypt} value
     */
    public String encrypt(String message, byte[] randomPrefix) {
        if (randomPrefix.length != RANDOM_LENGTH) {
            throw new IllegalArgumentException("random prefix must be 16 bytes");
        }
        byte[] msg = message.getBytes(StandardCharsets.UTF_8);
        byte[] id = receiveId.getBytes(StandardCharsets.UTF_8);
        int unpadded = RANDOM_LENGTH + 4 + msg.length + id.length;
        int pad = BLOCK_SIZE - (unpadded % BLOCK_SIZE);
        ByteBuffer plain = ByteBuffer.allocate(unpadded + pad);
        plain.put(randomPrefix).putInt(msg.length).put(msg).put(id);
        for (int i = 0; i < pad; i++) {
            plain.put((byte) pad);
        }
        try {
            return Base64.getEncoder().encodeToString(cipher(Cipher.ENCRYPT_MODE).doFinal(plain.array()));
        } catch (GeneralSecurityException e) {
            throw new WeChatCryptoException(-40006, "AES encryption failed", e);
        }
    }

    /**
     * Decrypts an {@code Encrypt} value and checks that it was meant for our component AppId.
     *
     * @return the message, decoded as UTF-8
     * @throws DecryptionException when the value is not Base64, not whole AES blocks, badly padded or malformed
     * @throws ReceiveIdMismatchException when the trailing receive id is not ours
     */
    public String decrypt(String encrypt) {
        DecryptedMessage message = decryptUnchecked(encrypt);
        if (!MessageDigest.isEqual(message.receiveId().getBytes(StandardCharsets.UTF_8),
                receiveId.getBytes(StandardCharsets.UTF_8))) {
            throw new ReceiveIdMismatchException("message is addressed to another component AppId");
        }
        return message.plaintext();
    }

    /**
     * Decrypts without checking the receive id: for diagnostics and tools that must see which id a message names.
     *
     * @throws DecryptionException when the value cannot be decrypted
     */
    public DecryptedMessage decryptUnchecked(String encrypt) {
        if (encrypt == null || encrypt.isEmpty()) {
            throw new DecryptionException(-40010, "Encrypt is empty");
        }
        byte[] cipherText;
        try {
            cipherText = Base64.getDecoder().decode(encrypt);
        } catch (IllegalArgumentException e) {
            throw new DecryptionException(-40010, "Encrypt is not valid Base64");
        }
        if (cipherText.length == 0 || cipherText.length % 16 != 0) {
            throw new DecryptionException(-40007, "Encrypt is not a whole number of AES blocks");
        }
        byte[] plain;
        try {
            plain = cipher(Cipher.DECRYPT_MODE).doFinal(cipherText);
        } catch (GeneralSecurityException e) {
            throw new DecryptionException(-40007, "AES decryption failed");
        }
        int pad = plain[plain.length - 1] & 0xff;
        if (pad < 1 || pad > BLOCK_SIZE || pad > plain.length) {
            throw new DecryptionException(-40007, "bad PKCS#7 padding");
        }
        for (int i = plain.length - pad; i < plain.length; i++) {
            if ((plain[i] & 0xff) != pad) {
                throw new DecryptionException(-40007, "bad PKCS#7 padding");
            }
        }
        int contentEnd = plain.length - pad;
        if (contentEnd < RANDOM_LENGTH + 4) {
            throw new DecryptionException(-40008, "decrypted buffer is too short");
        }
        long length = ByteBuffer.wrap(plain, RANDOM_LENGTH, 4).getInt() & 0xffffffffL;
        int messageStart = RANDOM_LENGTH + 4;
        if (length > contentEnd - messageStart) {
            throw new DecryptionException(-40008, "message length field exceeds the decrypted buffer");
        }
        int messageEnd = messageStart + (int) length;
        String message = new String(plain, messageStart, (int) length, StandardCharsets.UTF_8);
        String id = new String(Arrays.copyOfRange(plain, messageEnd, contentEnd), StandardCharsets.UTF_8);
        return new DecryptedMessage(message, id, Arrays.copyOfRange(plain, 0, RANDOM_LENGTH));
    }

    private Cipher cipher(int mode) throws GeneralSecurityException {
        Cipher cipher = Cipher.getInstance("AES/CBC/NoPadding");
        cipher.init(mode, new SecretKeySpec(aesKey, "AES"), new IvParameterSpec(aesKey, 0, 16));
        return cipher;
    }

    /**
     * SHA-1 of the given strings sorted in byte order and concatenated without separator, as lowercase hex: the
     * signature scheme of every WeChat push.
     */
    public static String sha1OfSorted(String... parts) {
        byte[][] sorted = new byte[parts.length][];
        for (int i = 0; i < parts.length; i++) {
            sorted[i] = Objects.requireNonNull(parts[i], "signature input must not be null")
                    .getBytes(StandardCharsets.UTF_8);
        }
        // Byte order of the UTF-8 form (as PHP and Python sort); String.compareTo would use UTF-16 order instead.
        Arrays.sort(sorted, Arrays::compareUnsigned);
        try {
            MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
            for (byte[] part : sorted) {
                sha1.update(part);
            }
            return HexFormat.of().formatHex(sha1.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new WeChatCryptoException(-40003, "SHA-1 is not available", e);
        }
    }

    /**
     * A decrypted message with the receive id it named and its random prefix.
     *
     * @param plaintext the message as UTF-8 text
     * @param receiveId the trailing receive id (component AppId for third-party platforms)
     * @param randomPrefix the 16 opaque random bytes
     */
    public record DecryptedMessage(String plaintext, String receiveId, byte[] randomPrefix) {
    }
}
