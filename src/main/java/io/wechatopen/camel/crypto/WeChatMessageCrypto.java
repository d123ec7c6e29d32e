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
    private static final HexFormat HEX = HexFormat.of();

    private final String token;
    private final byte[] tokenBytes;
    private final byte[] aesKey;
    private final String receiveId;
    private final byte[] receiveIdBytes;
    private final SecureRandom random = new SecureRandom();
    // Cipher and MessageDigest are not thread-safe, and creating one costs more than using it on a push. The key
    // and the IV (the key's first 16 bytes) never change, and doFinal resets a cipher to its initial state.
    private final ThreadLocal<Cipher> decryptor = ThreadLocal.withInitial(() -> newCipher(Cipher.DECRYPT_MODE));
    private final ThreadLocal<Cipher> encryptor = ThreadLocal.withInitial(() -> newCipher(Cipher.ENCRYPT_MODE));
    private final ThreadLocal<MessageDigest> sha1 = ThreadLocal.withInitial(WeChatMessageCrypto::newSha1);

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
        this.tokenBytes = token.getBytes(StandardCharsets.UTF_8);
        this.aesKey = decodeAesKey(encodingAesKey);
        this.receiveId = receiveId;
        this.receiveIdBytes = receiveId.getBytes(StandardCharsets.UTF_8);
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
        return HEX.formatHex(sha1OfSorted(timestamp, nonce, null));
    }

    /** The {@code msg_signature}: SHA-1 over token, timestamp, nonce and the Base64 {@code Encrypt} value. */
    public String msgSignature(String timestamp, String nonce, String encrypt) {
        return HEX.formatHex(sha1OfSorted(timestamp, nonce, Objects.requireNonNull(encrypt, "encrypt")));
    }

    /**
     * Checks a {@code msg_signature} in constant time.
     *
     * @throws InvalidSignatureException when it is missing or does not match
     */
    public void verifyMsgSignature(String msgSignature, String timestamp, String nonce, String encrypt) {
        if (!msgSignatureMatches(msgSignature, timestamp, nonce, encrypt)) {
            throw new InvalidSignatureException("msg_signature does not match");
        }
    }

    /**
     * Whether a {@code msg_signature} matches, compared in constant time.
     *
     * @throws InvalidSignatureException when the timestamp, the nonce or the Encrypt value is missing
     */
    boolean msgSignatureMatches(String msgSignature, String timestamp, String nonce, String encrypt) {
        requirePresent(timestamp, "timestamp");
        requirePresent(nonce, "nonce");
        requirePresent(encrypt, "Encrypt");
        return hexEquals(msgSignature, sha1OfSorted(timestamp, nonce, encrypt));
    }

    /**
     * Checks a plain {@code signature} in constant time.
     *
     * @throws InvalidSignatureException when it is missing or does not match
     */
    public void verifySignature(String signature, String timestamp, String nonce) {
        requirePresent(timestamp, "timestamp");
        requirePresent(nonce, "nonce");
        if (!hexEquals(signature, sha1OfSorted(timestamp, nonce, null))) {
            throw new InvalidSignatureException("signature does not match");
        }
    }

    private static void requirePresent(String value, String name) {
        if (value == null || value.isEmpty()) {
            throw new InvalidSignatureException(name + " is missing");
        }
    }

    /**
     * Whether {@code given}, hex in either case, names {@code expected}. The bytes are compared in constant time;
     * only the shape of the given text (its length, whether it is hex), which the sender knows, shows in timing.
     */
    private static boolean hexEquals(String given, byte[] expected) {
        if (given == null || given.length() != 2 * expected.length) {
            return false;
        }
        byte[] decoded = new byte[expected.length];
        for (int i = 0; i < decoded.length; i++) {
            int high = Character.digit(given.charAt(2 * i), 16);
            int low = Character.digit(given.charAt(2 * i + 1), 16);
            if (high < 0 || low < 0 || given.charAt(2 * i) > 'f' || given.charAt(2 * i + 1) > 'f') {
                return false;
            }
            decoded[i] = (byte) (high << 4 | low);
        }
        return MessageDigest.isEqual(decoded, expected);
    }

    /** SHA-1 over the token, timestamp, nonce and (when not null) encrypt, sorted in UTF-8 byte order. */
    private byte[] sha1OfSorted(String timestamp, String nonce, String encrypt) {
        byte[][] parts = encrypt == null ? new byte[3][] : new byte[4][];
        parts[0] = tokenBytes;
        parts[1] = Objects.requireNonNull(timestamp, "signature input must not be null")
                .getBytes(StandardCharsets.UTF_8);
        parts[2] = Objects.requireNonNull(nonce, "signature input must not be null").getBytes(StandardCharsets.UTF_8);
        if (encrypt != null) {
            parts[3] = encrypt.getBytes(StandardCharsets.UTF_8);
        }
        return digestSorted(sha1.get(), parts);
    }

    /** Sorts the parts in byte order (as PHP and Python sort; String.compareTo would use UTF-16 order) and digests. */
    private static byte[] digestSorted(MessageDigest digest, byte[][] parts) {
        Arrays.sort(parts, Arrays::compareUnsigned);
        for (byte[] part : parts) {
            digest.update(part);
        }
        return digest.digest();
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
            return Base64.getEncoder().encodeToString(encryptor.get().doFinal(plain.array()));
        } catch (GeneralSecurityException e) {
            encryptor.remove();
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
        Plain plain = decryptBlocks(encrypt);
        checkReceiveId(plain);
        return new String(plain.bytes, plain.messageStart, plain.messageEnd - plain.messageStart,
                StandardCharsets.UTF_8);
    }

    /**
     * {@link #decrypt} for {@link OpenedPush}: the message must be UTF-8, and is decoded without replacement.
     *
     * @throws MalformedMessageException when the message is not UTF-8
     */
    String decryptStrict(String encrypt) {
        Plain plain = decryptBlocks(encrypt);
        checkReceiveId(plain);
        try {
            return SafeXml.utf8(plain.bytes, plain.messageStart, plain.messageEnd - plain.messageStart);
        } catch (MalformedMessageException e) {
            throw new MalformedMessageException("message: " + e.getMessage());
        }
    }

    private void checkReceiveId(Plain plain) {
        int length = plain.contentEnd - plain.messageEnd;
        // Constant time in the id's content; its length is not secret.
        int difference = length ^ receiveIdBytes.length;
        for (int i = 0; i < Math.min(length, receiveIdBytes.length); i++) {
            difference |= plain.bytes[plain.messageEnd + i] ^ receiveIdBytes[i];
        }
        if (difference != 0) {
            throw new ReceiveIdMismatchException("message is addressed to another component AppId");
        }
    }

    /**
     * Decrypts without checking the receive id: for diagnostics and tools that must see which id a message names.
     *
     * @throws DecryptionException when the value cannot be decrypted
     */
    public DecryptedMessage decryptUnchecked(String encrypt) {
        Plain plain = decryptBlocks(encrypt);
        String message = new String(plain.bytes, plain.messageStart, plain.messageEnd - plain.messageStart,
                StandardCharsets.UTF_8);
        String id = new String(plain.bytes, plain.messageEnd, plain.contentEnd - plain.messageEnd,
                StandardCharsets.UTF_8);
        return new DecryptedMessage(message, id, Arrays.copyOfRange(plain.bytes, 0, RANDOM_LENGTH));
    }

    /** The decrypted buffer and where its message and receive id lie: random(16) | len | message | id | padding. */
    private record Plain(byte[] bytes, int messageStart, int messageEnd, int contentEnd) {
    }

    private Plain decryptBlocks(String encrypt) {
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
            plain = decryptor.get().doFinal(cipherText);
        } catch (GeneralSecurityException e) {
            decryptor.remove();
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
        return new Plain(plain, messageStart, messageStart + (int) length, contentEnd);
    }

    private Cipher newCipher(int mode) {
        try {
            Cipher cipher = Cipher.getInstance("AES/CBC/NoPadding");
            cipher.init(mode, new SecretKeySpec(aesKey, "AES"), new IvParameterSpec(aesKey, 0, 16));
            return cipher;
        } catch (GeneralSecurityException e) {
            throw new WeChatCryptoException(-40006, "AES/CBC is not available", e);
        }
    }

    private static MessageDigest newSha1() {
        try {
            return MessageDigest.getInstance("SHA-1");
        } catch (NoSuchAlgorithmException e) {
            throw new WeChatCryptoException(-40003, "SHA-1 is not available", e);
        }
    }

    /**
     * SHA-1 of the given strings sorted in byte order and concatenated without separator, as lowercase hex: the
     * signature scheme of every WeChat push.
     */
    public static String sha1OfSorted(String... parts) {
        byte[][] bytes = new byte[parts.length][];
        for (int i = 0; i < parts.length; i++) {
            bytes[i] = Objects.requireNonNull(parts[i], "signature input must not be null")
                    .getBytes(StandardCharsets.UTF_8);
        }
        return HEX.formatHex(digestSorted(newSha1(), bytes));
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
