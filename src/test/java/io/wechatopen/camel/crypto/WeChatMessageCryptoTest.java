package io.wechatopen.camel.crypto;

import static io.wechatopen.camel.crypto.WeChatMessageCryptoVectorsTest.VECTOR_A1_ENCRYPT;
import static io.wechatopen.camel.crypto.WeChatMessageCryptoVectorsTest.VECTOR_A1_MSG_SIGNATURE;
import static io.wechatopen.camel.crypto.WeChatMessageCryptoVectorsTest.VECTOR_A1_PLAINTEXT;
import static io.wechatopen.camel.crypto.WeChatMessageCryptoVectorsTest.VECTOR_A2_ENCRYPT;
import static io.wechatopen.camel.crypto.WeChatMessageCryptoVectorsTest.VECTOR_A_APPID;
import static io.wechatopen.camel.crypto.WeChatMessageCryptoVectorsTest.VECTOR_A_ENCODING_AES_KEY;
import static io.wechatopen.camel.crypto.WeChatMessageCryptoVectorsTest.VECTOR_A_NONCE;
import static io.wechatopen.camel.crypto.WeChatMessageCryptoVectorsTest.VECTOR_A_SIGNATURE;
import static io.wechatopen.camel.crypto.WeChatMessageCryptoVectorsTest.VECTOR_A_TIMESTAMP;
import static io.wechatopen.camel.crypto.WeChatMessageCryptoVectorsTest.VECTOR_A_TOKEN;
import static io.wechatopen.camel.crypto.WeChatMessageCryptoVectorsTest.VECTOR_E_ENCODING_AES_KEY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Round trips, tampering, bad input and construction of {@link WeChatMessageCrypto}. Published vectors are in
 * {@link WeChatMessageCryptoVectorsTest}; this class reuses vector A's credentials.
 */
class WeChatMessageCryptoTest {

    /** wechat-protocol.md §6.1: the AES key of vector A (Base64 of EncodingAESKey + "="), as hex. */
    static final String VECTOR_A_AES_KEY_HEX = "69b71d79f8218a39259a7a29aabb2dbafc31cb3d35db7e39ebbf3d0010831051";
    /**
     * wechat-protocol.md §6.1 pitfall: vector A's key with its last character 'G' replaced by 'E', the canonical
     * Base64 form of the same 32 bytes.
     */
    static final String VECTOR_A_ENCODING_AES_KEY_CANONICAL = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFE";

    private static final byte[] FIXED_RANDOM = "aaaabbbbccccdddd".getBytes(StandardCharsets.US_ASCII);
    private static final String OTHER_APPID = "wx0123456789abcdef";

    private final WeChatMessageCrypto crypto = new WeChatMessageCrypto(VECTOR_A_TOKEN, VECTOR_A_ENCODING_AES_KEY,
            VECTOR_A_APPID);

    // ---------------------------------------------------------------------------------------------------------
    // Helpers: raw AES-256-CBC with vector A's key, to build and inspect buffers by hand.

    private static byte[] rawCipher(int mode, byte[] input) {
        byte[] key = HexFormat.of().parseHex(VECTOR_A_AES_KEY_HEX);
        try {
            Cipher cipher = Cipher.getInstance("AES/CBC/NoPadding");
            cipher.init(mode, new SecretKeySpec(key, "AES"), new IvParameterSpec(key, 0, 16));
            return cipher.doFinal(input);
        } catch (GeneralSecurityException e) {
            throw new AssertionError(e);
        }
    }

    /** Encrypts a hand-made plaintext buffer (whose length must be a multiple of 16) to an Encrypt value. */
    private static String rawEncrypt(byte[] plainBuffer) {
        return Base64.getEncoder().encodeToString(rawCipher(Cipher.ENCRYPT_MODE, plainBuffer));
    }

    private static byte[] rawDecrypt(String encrypt) {
        return rawCipher(Cipher.DECRYPT_MODE, Base64.getDecoder().decode(encrypt));
    }

    /** random(16) | lengthField | message | receiveId, then PKCS#7 to 32-byte blocks. */
    private static byte[] buffer(int lengthField, byte[] message, String receiveId) {
        byte[] id = receiveId.getBytes(StandardCharsets.UTF_8);
        int unpadded = 16 + 4 + message.length + id.length;
        int pad = 32 - unpadded % 32;
        ByteBuffer buffer = ByteBuffer.allocate(unpadded + pad);
        buffer.put(FIXED_RANDOM).putInt(lengthField).put(message).put(id);
        while (buffer.hasRemaining()) {
            buffer.put((byte) pad);
        }
        return buffer.array();
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String flipByte(String encrypt, int index, int mask) {
        byte[] bytes = Base64.getDecoder().decode(encrypt);
        bytes[index] ^= (byte) mask;
        return Base64.getEncoder().encodeToString(bytes);
    }

    // ---------------------------------------------------------------------------------------------------------
    // Round trips

    @Test
    void decryptWhenAsciiMessageEncryptedThenSameMessage() {
        String message = "<xml><InfoType><![CDATA[component_verify_ticket]]></InfoType></xml>";

        assertThat(crypto.decrypt(crypto.encrypt(message))).isEqualTo(message);
    }

    @Test
    void decryptWhenChineseMessageEncryptedThenSameMessageAndLengthFieldCountsUtf8Bytes() {
        String message = "授权事件接收URL：我是中文，第三方平台";

        String encrypt = crypto.encrypt(message);
        int lengthField = ByteBuffer.wrap(rawDecrypt(encrypt), 16, 4).getInt();

        assertThat(crypto.decrypt(encrypt)).isEqualTo(message);
        assertThat(lengthField).isEqualTo(utf8(message).length).isNotEqualTo(message.length());
    }

    @Test
    void decryptWhenSupplementaryCharactersEncryptedThenSameMessage() {
        String message = "emoji \uD83D\uDE00\uD83C\uDF89 and 𠀀 outside the BMP";

        assertThat(crypto.decrypt(crypto.encrypt(message))).isEqualTo(message);
    }

    @Test
    void decryptWhenEmptyMessageEncryptedThenEmptyMessage() {
        String encrypt = crypto.encrypt("");
        byte[] plain = rawDecrypt(encrypt);

        assertThat(crypto.decrypt(encrypt)).isEmpty();
        assertThat(ByteBuffer.wrap(plain, 16, 4).getInt()).isZero();
        assertThat(new String(plain, 20, VECTOR_A_APPID.length(), StandardCharsets.UTF_8)).isEqualTo(VECTOR_A_APPID);
    }

    /**
     * With an 18-byte AppId the unpadded buffer is 38 + n bytes, so n = 26 and n = 58 fill whole 32-byte blocks and
     * get a full extra block of 0x20; the lengths around them get pads of 1 and 31.
     */
    @ParameterizedTest
    @ValueSource(ints = {0, 1, 24, 25, 26, 27, 28, 56, 57, 58, 59, 90})
    void encryptWhenMessageLengthAroundBlockBoundaryThenPkcs7To32ByteBlocksAndRoundTrip(int messageLength) {
        String message = "m".repeat(messageLength);
        int unpadded = 16 + 4 + messageLength + VECTOR_A_APPID.length();
        int expectedPad = 32 - unpadded % 32;

        String encrypt = crypto.encrypt(message, FIXED_RANDOM);
        byte[] plain = rawDecrypt(encrypt);

        assertThat(plain).hasSize(unpadded + expectedPad);
        assertThat(plain.length % 32).isZero();
        assertThat(Arrays.copyOfRange(plain, unpadded, plain.length)).containsOnly((byte) expectedPad);
        assertThat(crypto.decrypt(encrypt)).isEqualTo(message);
    }

    @Test
    void encryptWhenUnpaddedLengthIsMultipleOf32ThenFullBlockOfPadding() {
        String message = "x".repeat(26);

        byte[] plain = rawDecrypt(crypto.encrypt(message, FIXED_RANDOM));

        assertThat(plain).hasSize(96);
        assertThat(Arrays.copyOfRange(plain, 64, 96)).hasSize(32).containsOnly((byte) 32);
        assertThat(crypto.decrypt(crypto.encrypt(message, FIXED_RANDOM))).isEqualTo(message);
    }

    @Test
    void decryptWhenSixtyKibMessageEncryptedThenSameMessage() {
        StringBuilder builder = new StringBuilder();
        Random random = new Random(42);
        while (builder.length() < 60 * 1024) {
            builder.append((char) ('a' + random.nextInt(26)));
        }
        String message = builder.toString();

        String encrypt = crypto.encrypt(message);

        assertThat(utf8(message)).hasSize(61440);
        assertThat(crypto.decrypt(encrypt)).isEqualTo(message);
    }

    @Test
    void encryptWhenCalledTwiceThenFreshRandomPrefixEachTime() {
        String first = crypto.encrypt(VECTOR_A1_PLAINTEXT);
        String second = crypto.encrypt(VECTOR_A1_PLAINTEXT);

        assertThat(first).isNotEqualTo(second);
        assertThat(crypto.decryptUnchecked(first).randomPrefix()).hasSize(16)
                .isNotEqualTo(crypto.decryptUnchecked(second).randomPrefix());
        assertThat(crypto.decrypt(first)).isEqualTo(VECTOR_A1_PLAINTEXT);
        assertThat(crypto.decrypt(second)).isEqualTo(VECTOR_A1_PLAINTEXT);
    }

    /** easywechat uses raw random_bytes(16): the prefix is opaque and need not be ASCII. */
    @Test
    void decryptUncheckedWhenRandomPrefixIsRawBytesThenReturnedUnchanged() {
        byte[] rawPrefix = HexFormat.of().parseHex("00ff80fe7f0102030405c0c1f5f8fcfd");

        WeChatMessageCrypto.DecryptedMessage message = crypto
                .decryptUnchecked(crypto.encrypt(VECTOR_A1_PLAINTEXT, rawPrefix));

        assertThat(message.randomPrefix()).isEqualTo(rawPrefix);
        assertThat(message.plaintext()).isEqualTo(VECTOR_A1_PLAINTEXT);
        assertThat(message.receiveId()).isEqualTo(VECTOR_A_APPID);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 15, 17, 32})
    void encryptWhenRandomPrefixIsNot16BytesThenIllegalArgument(int prefixLength) {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> crypto.encrypt(VECTOR_A1_PLAINTEXT, new byte[prefixLength]));
    }

    @Test
    void encryptWhenUsedFromManyThreadsThenEveryRoundTripSucceeds() {
        List<String> messages = IntStream.range(0, 500).mapToObj(i -> "message-" + i + "-中文").toList();

        List<String> decrypted = messages.parallelStream().map(m -> crypto.decrypt(crypto.encrypt(m))).toList();

        assertThat(decrypted).isEqualTo(messages);
    }

    @Test
    void encryptWhenKeyDiffersOnlyInNonCanonicalTrailingBitsThenSameCiphertext() {
        WeChatMessageCrypto canonical = new WeChatMessageCrypto(VECTOR_A_TOKEN, VECTOR_A_ENCODING_AES_KEY_CANONICAL,
                VECTOR_A_APPID);

        assertThat(canonical.encrypt(VECTOR_A1_PLAINTEXT, FIXED_RANDOM)).isEqualTo(VECTOR_A1_ENCRYPT);
    }

    @Test
    void decryptWhenHandMadeWellFormedBufferThenMessage() {
        String encrypt = rawEncrypt(buffer(5, utf8("hello"), VECTOR_A_APPID));

        assertThat(crypto.decrypt(encrypt)).isEqualTo("hello");
    }

    // ---------------------------------------------------------------------------------------------------------
    // Tampering

    /** A1 ciphertext byte 0 is XORed into plaintext byte 16, the high byte of the length field. */
    @Test
    void decryptWhenFirstCiphertextByteFlippedThenLengthFieldRejected() {
        String tampered = flipByte(VECTOR_A1_ENCRYPT, 0, 0x01);

        assertThatThrownBy(() -> crypto.decrypt(tampered))
                .isExactlyInstanceOf(DecryptionException.class)
                .extracting(e -> ((WeChatCryptoException) e).getErrorCode()).isEqualTo(-40008);
    }

    /** The last byte of the second-to-last AES block is XORed into the last padding byte, making it 0xF8 or more. */
    @Test
    void decryptWhenPaddingByteFlippedThenBadPadding() {
        int length = Base64.getDecoder().decode(VECTOR_A2_ENCRYPT).length;
        String tampered = flipByte(VECTOR_A2_ENCRYPT, length - 17, 0xff);

        assertThatThrownBy(() -> crypto.decrypt(tampered))
                .isExactlyInstanceOf(DecryptionException.class)
                .extracting(e -> ((WeChatCryptoException) e).getErrorCode()).isEqualTo(-40007);
    }

    /**
     * A1: 19-byte message, so the AppId fills plaintext bytes 39..56 and padding 57..63. Flipping ciphertext byte 34
     * scrambles plaintext block 32..47 and flips plaintext byte 50: length and padding stay valid, the AppId does not.
     */
    @Test
    void decryptWhenReceiveIdBytesTamperedThenReceiveIdMismatch() {
        String tampered = flipByte(VECTOR_A1_ENCRYPT, 34, 0x01);

        assertThatThrownBy(() -> crypto.decrypt(tampered))
                .isExactlyInstanceOf(ReceiveIdMismatchException.class)
                .extracting(e -> ((WeChatCryptoException) e).getErrorCode()).isEqualTo(-40005);
    }

    /**
     * CBC has no integrity of its own (msg_signature is the integrity check), so a flip inside the message bytes can
     * decrypt to altered text; but no flip anywhere may yield the original plaintext, fail with anything other than
     * a {@link WeChatCryptoException}, or pass the msg_signature check.
     */
    @Test
    void decryptWhenAnyCiphertextByteFlippedThenNeverOriginalPlaintextAndSignatureRejected() {
        int length = Base64.getDecoder().decode(VECTOR_A1_ENCRYPT).length;
        List<String> violations = new ArrayList<>();
        int rejected = 0;

        for (int index = 0; index < length; index++) {
            for (int mask : new int[] {0x01, 0x80, 0xff}) {
                String tampered = flipByte(VECTOR_A1_ENCRYPT, index, mask);
                try {
                    if (crypto.decrypt(tampered).equals(VECTOR_A1_PLAINTEXT)) {
                        violations.add("byte " + index + " mask " + mask + " gave the original plaintext");
                    }
                } catch (WeChatCryptoException expected) {
                    rejected++;
                } catch (RuntimeException unexpected) {
                    violations.add("byte " + index + " mask " + mask + " threw " + unexpected);
                }
                Throwable signature = catchThrowable(() -> crypto.verifyMsgSignature(VECTOR_A1_MSG_SIGNATURE,
                        VECTOR_A_TIMESTAMP, VECTOR_A_NONCE, tampered));
                if (!(signature instanceof InvalidSignatureException)) {
                    violations.add("byte " + index + " mask " + mask + " passed msg_signature");
                }
            }
        }

        assertThat(violations).isEmpty();
        assertThat(rejected).isPositive();
    }

    /** Random ciphertexts of whole AES blocks: decrypt must only ever fail with a typed crypto exception. */
    @Test
    void decryptWhenRandomCiphertextThenOnlyTypedCryptoExceptions() {
        Random random = new Random(20240517L);
        List<String> unexpected = new ArrayList<>();

        for (int i = 0; i < 2000; i++) {
            byte[] bytes = new byte[16 * (1 + random.nextInt(8))];
            random.nextBytes(bytes);
            Throwable thrown = catchThrowable(() -> crypto.decrypt(Base64.getEncoder().encodeToString(bytes)));
            if (!(thrown instanceof WeChatCryptoException)) {
                unexpected.add(String.valueOf(thrown));
            }
        }

        assertThat(unexpected).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"not base64!", "%%%%", "jn1L23DB-6ELqJ_6bruv21Y6MD7KeIfP82D6gU39rmk", "abc=def="})
    void decryptWhenNotBase64ThenDecryptionExceptionMinus40010(String encrypt) {
        assertThatThrownBy(() -> crypto.decrypt(encrypt))
                .isExactlyInstanceOf(DecryptionException.class)
                .extracting(e -> ((WeChatCryptoException) e).getErrorCode()).isEqualTo(-40010);
    }

    @ParameterizedTest
    @NullAndEmptySource
    void decryptWhenEmptyThenDecryptionExceptionMinus40010(String encrypt) {
        assertThatThrownBy(() -> crypto.decrypt(encrypt))
                .isExactlyInstanceOf(DecryptionException.class)
                .extracting(e -> ((WeChatCryptoException) e).getErrorCode()).isEqualTo(-40010);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 15, 17, 31, 33, 63})
    void decryptWhenNotMultipleOf16BytesThenDecryptionExceptionMinus40007(int length) {
        String encrypt = Base64.getEncoder().encodeToString(new byte[length]);

        assertThatThrownBy(() -> crypto.decrypt(encrypt))
                .isExactlyInstanceOf(DecryptionException.class)
                .extracting(e -> ((WeChatCryptoException) e).getErrorCode()).isEqualTo(-40007);
    }

    @Test
    void decryptWhenEncryptedWithAnotherKeyThenDecryptionException() {
        WeChatMessageCrypto otherKey = new WeChatMessageCrypto(VECTOR_A_TOKEN, VECTOR_E_ENCODING_AES_KEY,
                VECTOR_A_APPID);

        assertThatThrownBy(() -> otherKey.decrypt(VECTOR_A1_ENCRYPT))
                .isExactlyInstanceOf(DecryptionException.class)
                .extracting(e -> ((WeChatCryptoException) e).getErrorCode()).isEqualTo(-40007);
        assertThatThrownBy(() -> otherKey.decrypt(VECTOR_A2_ENCRYPT))
                .isExactlyInstanceOf(DecryptionException.class)
                .extracting(e -> ((WeChatCryptoException) e).getErrorCode()).isEqualTo(-40007);
    }

    @Test
    void decryptWhenLengthFieldIs0x7fffffffThenDecryptionExceptionMinus40008() {
        String encrypt = rawEncrypt(buffer(0x7fffffff, utf8("hello"), VECTOR_A_APPID));

        assertThatThrownBy(() -> crypto.decrypt(encrypt))
                .isExactlyInstanceOf(DecryptionException.class)
                .extracting(e -> ((WeChatCryptoException) e).getErrorCode()).isEqualTo(-40008);
    }

    /** 0xffffffff is -1 as a signed int: the length must be read unsigned, not as a negative size. */
    @Test
    void decryptWhenLengthFieldIs0xffffffffThenDecryptionExceptionMinus40008() {
        String encrypt = rawEncrypt(buffer(0xffffffff, utf8("hello"), VECTOR_A_APPID));

        assertThatThrownBy(() -> crypto.decrypt(encrypt))
                .isExactlyInstanceOf(DecryptionException.class)
                .extracting(e -> ((WeChatCryptoException) e).getErrorCode()).isEqualTo(-40008);
    }

    @Test
    void decryptWhenLengthFieldOneBeyondBufferThenDecryptionExceptionMinus40008() {
        int beyond = "hello".length() + VECTOR_A_APPID.length() + 1;
        String encrypt = rawEncrypt(buffer(beyond, utf8("hello"), VECTOR_A_APPID));

        assertThatThrownBy(() -> crypto.decrypt(encrypt))
                .isExactlyInstanceOf(DecryptionException.class)
                .extracting(e -> ((WeChatCryptoException) e).getErrorCode()).isEqualTo(-40008);
    }

    @Test
    void decryptWhenLengthFieldSwallowsReceiveIdThenReceiveIdMismatch() {
        int swallowing = "hello".length() + VECTOR_A_APPID.length();
        String encrypt = rawEncrypt(buffer(swallowing, utf8("hello"), VECTOR_A_APPID));

        assertThat(crypto.decryptUnchecked(encrypt).receiveId()).isEmpty();
        assertThatThrownBy(() -> crypto.decrypt(encrypt))
                .isExactlyInstanceOf(ReceiveIdMismatchException.class)
                .extracting(e -> ((WeChatCryptoException) e).getErrorCode()).isEqualTo(-40005);
    }

    @Test
    void decryptWhenBufferShorterThanRandomAndLengthThenDecryptionExceptionMinus40008() {
        byte[] oneAesBlockAllPadding = new byte[16];
        Arrays.fill(oneAesBlockAllPadding, (byte) 16);
        byte[] oneWechatBlockAllPadding = new byte[32];
        Arrays.fill(oneWechatBlockAllPadding, (byte) 32);

        assertThatThrownBy(() -> crypto.decrypt(rawEncrypt(oneAesBlockAllPadding)))
                .isExactlyInstanceOf(DecryptionException.class)
                .extracting(e -> ((WeChatCryptoException) e).getErrorCode()).isEqualTo(-40008);
        assertThatThrownBy(() -> crypto.decrypt(rawEncrypt(oneWechatBlockAllPadding)))
                .isExactlyInstanceOf(DecryptionException.class)
                .extracting(e -> ((WeChatCryptoException) e).getErrorCode()).isEqualTo(-40008);
    }

    /** Last byte 0 (below 1), 33 (above the 32-byte block) and 0xff are not PKCS#7 pad values. */
    @ParameterizedTest
    @ValueSource(ints = {0, 33, 0xff})
    void decryptWhenPaddingValueOutOfRangeThenDecryptionExceptionMinus40007(int padValue) {
        byte[] plain = buffer(5, utf8("hello"), VECTOR_A_APPID);
        plain[plain.length - 1] = (byte) padValue;

        assertThatThrownBy(() -> crypto.decrypt(rawEncrypt(plain)))
                .isExactlyInstanceOf(DecryptionException.class)
                .extracting(e -> ((WeChatCryptoException) e).getErrorCode()).isEqualTo(-40007);
    }

    /** 33 trailing bytes of 0x21 are consistent, but WeChat pads to 32-byte blocks, so no pad exceeds 32. */
    @Test
    void decryptWhenPaddingIs33ConsistentBytesThenDecryptionExceptionMinus40007() {
        byte[] message = utf8("123456789");
        ByteBuffer buffer = ByteBuffer.allocate(16 + 4 + message.length + VECTOR_A_APPID.length() + 33);
        buffer.put(FIXED_RANDOM).putInt(message.length).put(message).put(utf8(VECTOR_A_APPID));
        while (buffer.hasRemaining()) {
            buffer.put((byte) 33);
        }

        assertThat(buffer.capacity() % 16).isZero();
        assertThatThrownBy(() -> crypto.decrypt(rawEncrypt(buffer.array())))
                .isExactlyInstanceOf(DecryptionException.class)
                .extracting(e -> ((WeChatCryptoException) e).getErrorCode()).isEqualTo(-40007);
    }

    @Test
    void decryptWhenPaddingBytesInconsistentThenDecryptionExceptionMinus40007() {
        byte[] plain = buffer(5, utf8("hello"), VECTOR_A_APPID);
        int pad = plain[plain.length - 1];
        plain[plain.length - pad] ^= 0x01;

        assertThat(pad).isGreaterThan(1);
        assertThatThrownBy(() -> crypto.decrypt(rawEncrypt(plain)))
                .isExactlyInstanceOf(DecryptionException.class)
                .extracting(e -> ((WeChatCryptoException) e).getErrorCode()).isEqualTo(-40007);
    }

    @Test
    void decryptWhenEncryptedForAnotherAppidThenReceiveIdMismatchMinus40005() {
        WeChatMessageCrypto forX = new WeChatMessageCrypto(VECTOR_A_TOKEN, VECTOR_A_ENCODING_AES_KEY, OTHER_APPID);
        String encrypt = forX.encrypt(VECTOR_A1_PLAINTEXT);

        assertThatThrownBy(() -> crypto.decrypt(encrypt))
                .isExactlyInstanceOf(ReceiveIdMismatchException.class)
                .extracting(e -> ((WeChatCryptoException) e).getErrorCode()).isEqualTo(-40005);
        assertThat(forX.decrypt(encrypt)).isEqualTo(VECTOR_A1_PLAINTEXT);
    }

    @ParameterizedTest
    @ValueSource(strings = {"wxb11529c136998cb", "wxb11529c136998cb66", "WXB11529C136998CB6", "wxb11529c136998cb6 "})
    void decryptWhenReceiveIdAlmostOursThenReceiveIdMismatchMinus40005(String almost) {
        String encrypt = rawEncrypt(buffer(5, utf8("hello"), almost));

        assertThat(crypto.decryptUnchecked(encrypt).receiveId()).isEqualTo(almost);
        assertThatThrownBy(() -> crypto.decrypt(encrypt))
                .isExactlyInstanceOf(ReceiveIdMismatchException.class)
                .extracting(e -> ((WeChatCryptoException) e).getErrorCode()).isEqualTo(-40005);
    }

    @Test
    void decryptUncheckedWhenEncryptedForAnotherAppidThenNamesThatAppid() {
        WeChatMessageCrypto forX = new WeChatMessageCrypto(VECTOR_A_TOKEN, VECTOR_A_ENCODING_AES_KEY, OTHER_APPID);

        WeChatMessageCrypto.DecryptedMessage message = crypto.decryptUnchecked(forX.encrypt(VECTOR_A1_PLAINTEXT));

        assertThat(message.receiveId()).isEqualTo(OTHER_APPID);
        assertThat(message.plaintext()).isEqualTo(VECTOR_A1_PLAINTEXT);
    }

    @Test
    void decryptWhenFailingThenMessageCarriesNoPlaintextOrKey() {
        WeChatMessageCrypto forX = new WeChatMessageCrypto(VECTOR_A_TOKEN, VECTOR_A_ENCODING_AES_KEY, OTHER_APPID);
        String secret = "SECRET-PAYLOAD-4711";

        Throwable mismatch = catchThrowable(() -> crypto.decrypt(forX.encrypt(secret)));
        Throwable absurd = catchThrowable(
                () -> crypto.decrypt(rawEncrypt(buffer(0x7fffffff, utf8(secret), VECTOR_A_APPID))));

        for (Throwable thrown : List.of(mismatch, absurd)) {
            assertThat(thrown).isInstanceOf(WeChatCryptoException.class);
            assertThat(thrown.getMessage()).doesNotContain(secret, OTHER_APPID, VECTOR_A_ENCODING_AES_KEY,
                    VECTOR_A_TOKEN);
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Signatures

    @Test
    void verifyMsgSignatureWhenWrongThenInvalidSignatureMinus40001() {
        String wrong = "0" + VECTOR_A1_MSG_SIGNATURE.substring(1);

        assertThatThrownBy(
                () -> crypto.verifyMsgSignature(wrong, VECTOR_A_TIMESTAMP, VECTOR_A_NONCE, VECTOR_A1_ENCRYPT))
                        .isExactlyInstanceOf(InvalidSignatureException.class)
                        .extracting(e -> ((WeChatCryptoException) e).getErrorCode()).isEqualTo(-40001);
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {" ", "82c962d39941aa48552f90ef55aa323dc620cc1",
            "82c962d39941aa48552f90ef55aa323dc620cc100"})
    void verifyMsgSignatureWhenMissingOrTruncatedThenInvalidSignatureMinus40001(String msgSignature) {
        assertThatThrownBy(() -> crypto.verifyMsgSignature(msgSignature, VECTOR_A_TIMESTAMP, VECTOR_A_NONCE,
                VECTOR_A1_ENCRYPT))
                        .isExactlyInstanceOf(InvalidSignatureException.class)
                        .extracting(e -> ((WeChatCryptoException) e).getErrorCode()).isEqualTo(-40001);
    }

    @Test
    void verifyMsgSignatureWhenUpperCaseHexThenAccepted() {
        String upper = VECTOR_A1_MSG_SIGNATURE.toUpperCase(Locale.ROOT);

        assertThatCode(() -> crypto.verifyMsgSignature(upper, VECTOR_A_TIMESTAMP, VECTOR_A_NONCE, VECTOR_A1_ENCRYPT))
                .doesNotThrowAnyException();
    }

    @Test
    void verifyMsgSignatureWhenPlainSignatureGivenThenInvalidSignature() {
        assertThatThrownBy(() -> crypto.verifyMsgSignature(VECTOR_A_SIGNATURE, VECTOR_A_TIMESTAMP, VECTOR_A_NONCE,
                VECTOR_A1_ENCRYPT)).isExactlyInstanceOf(InvalidSignatureException.class);
    }

    @Test
    void verifyMsgSignatureWhenOtherEncryptThenInvalidSignature() {
        assertThatThrownBy(() -> crypto.verifyMsgSignature(VECTOR_A1_MSG_SIGNATURE, VECTOR_A_TIMESTAMP, VECTOR_A_NONCE,
                VECTOR_A2_ENCRYPT)).isExactlyInstanceOf(InvalidSignatureException.class);
    }

    @Test
    void verifyMsgSignatureWhenOtherTimestampOrNonceThenInvalidSignature() {
        assertThatThrownBy(() -> crypto.verifyMsgSignature(VECTOR_A1_MSG_SIGNATURE, "1409304349", VECTOR_A_NONCE,
                VECTOR_A1_ENCRYPT)).isExactlyInstanceOf(InvalidSignatureException.class);
        assertThatThrownBy(() -> crypto.verifyMsgSignature(VECTOR_A1_MSG_SIGNATURE, VECTOR_A_TIMESTAMP, "xxxxxy",
                VECTOR_A1_ENCRYPT)).isExactlyInstanceOf(InvalidSignatureException.class);
    }

    @Test
    void verifyMsgSignatureWhenOtherTokenThenInvalidSignature() {
        WeChatMessageCrypto otherToken = new WeChatMessageCrypto("pamtest2", VECTOR_A_ENCODING_AES_KEY, VECTOR_A_APPID);

        assertThatThrownBy(() -> otherToken.verifyMsgSignature(VECTOR_A1_MSG_SIGNATURE, VECTOR_A_TIMESTAMP,
                VECTOR_A_NONCE, VECTOR_A1_ENCRYPT)).isExactlyInstanceOf(InvalidSignatureException.class);
    }

    @ParameterizedTest
    @NullAndEmptySource
    void verifyMsgSignatureWhenTimestampMissingThenInvalidSignatureMinus40001(String timestamp) {
        assertThatThrownBy(() -> crypto.verifyMsgSignature(VECTOR_A1_MSG_SIGNATURE, timestamp, VECTOR_A_NONCE,
                VECTOR_A1_ENCRYPT))
                        .isExactlyInstanceOf(InvalidSignatureException.class)
                        .extracting(e -> ((WeChatCryptoException) e).getErrorCode()).isEqualTo(-40001);
    }

    @ParameterizedTest
    @NullAndEmptySource
    void verifyMsgSignatureWhenNonceMissingThenInvalidSignatureMinus40001(String nonce) {
        assertThatThrownBy(() -> crypto.verifyMsgSignature(VECTOR_A1_MSG_SIGNATURE, VECTOR_A_TIMESTAMP, nonce,
                VECTOR_A1_ENCRYPT))
                        .isExactlyInstanceOf(InvalidSignatureException.class)
                        .extracting(e -> ((WeChatCryptoException) e).getErrorCode()).isEqualTo(-40001);
    }

    @ParameterizedTest
    @NullAndEmptySource
    void verifyMsgSignatureWhenEncryptMissingThenInvalidSignatureMinus40001(String encrypt) {
        assertThatThrownBy(() -> crypto.verifyMsgSignature(VECTOR_A1_MSG_SIGNATURE, VECTOR_A_TIMESTAMP, VECTOR_A_NONCE,
                encrypt))
                        .isExactlyInstanceOf(InvalidSignatureException.class)
                        .extracting(e -> ((WeChatCryptoException) e).getErrorCode()).isEqualTo(-40001);
    }

    @Test
    void verifyMsgSignatureWhenRejectedThenMessageDoesNotRevealExpectedSignatureOrToken() {
        Throwable thrown = catchThrowable(() -> crypto.verifyMsgSignature("0000000000000000000000000000000000000000",
                VECTOR_A_TIMESTAMP, VECTOR_A_NONCE, VECTOR_A1_ENCRYPT));

        assertThat(thrown).isExactlyInstanceOf(InvalidSignatureException.class);
        assertThat(thrown.getMessage()).doesNotContain(VECTOR_A1_MSG_SIGNATURE, VECTOR_A_TOKEN);
    }

    @Test
    void verifySignatureWhenWrongThenInvalidSignatureMinus40001() {
        assertThatThrownBy(() -> crypto.verifySignature(VECTOR_A1_MSG_SIGNATURE, VECTOR_A_TIMESTAMP, VECTOR_A_NONCE))
                .isExactlyInstanceOf(InvalidSignatureException.class)
                .extracting(e -> ((WeChatCryptoException) e).getErrorCode()).isEqualTo(-40001);
    }

    @ParameterizedTest
    @NullAndEmptySource
    void verifySignatureWhenMissingThenInvalidSignatureMinus40001(String signature) {
        assertThatThrownBy(() -> crypto.verifySignature(signature, VECTOR_A_TIMESTAMP, VECTOR_A_NONCE))
                .isExactlyInstanceOf(InvalidSignatureException.class)
                .extracting(e -> ((WeChatCryptoException) e).getErrorCode()).isEqualTo(-40001);
    }

    @Test
    void verifySignatureWhenUpperCaseHexThenAccepted() {
        assertThatCode(() -> crypto.verifySignature(VECTOR_A_SIGNATURE.toUpperCase(Locale.ROOT), VECTOR_A_TIMESTAMP,
                VECTOR_A_NONCE)).doesNotThrowAnyException();
    }

    @ParameterizedTest
    @NullAndEmptySource
    void verifySignatureWhenTimestampOrNonceMissingThenInvalidSignatureMinus40001(String missing) {
        assertThatThrownBy(() -> crypto.verifySignature(VECTOR_A_SIGNATURE, missing, VECTOR_A_NONCE))
                .isExactlyInstanceOf(InvalidSignatureException.class)
                .extracting(e -> ((WeChatCryptoException) e).getErrorCode()).isEqualTo(-40001);
        assertThatThrownBy(() -> crypto.verifySignature(VECTOR_A_SIGNATURE, VECTOR_A_TIMESTAMP, missing))
                .isExactlyInstanceOf(InvalidSignatureException.class)
                .extracting(e -> ((WeChatCryptoException) e).getErrorCode()).isEqualTo(-40001);
    }

    @Test
    void sha1OfSortedWhenInputsPermutedThenSameLowercaseDigestOfSortedConcatenation() throws Exception {
        String[] parts = {VECTOR_A_TOKEN, VECTOR_A_TIMESTAMP, VECTOR_A_NONCE, VECTOR_A1_ENCRYPT};
        String[] sorted = parts.clone();
        Arrays.sort(sorted);
        String expected = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1")
                .digest(utf8(Arrays.stream(sorted).collect(Collectors.joining()))));

        assertThat(WeChatMessageCrypto.sha1OfSorted(parts)).isEqualTo(expected).isEqualTo(VECTOR_A1_MSG_SIGNATURE);
        assertThat(
                WeChatMessageCrypto.sha1OfSorted(VECTOR_A1_ENCRYPT, VECTOR_A_NONCE, VECTOR_A_TOKEN, VECTOR_A_TIMESTAMP))
                        .isEqualTo(expected);
        assertThat(expected).matches("[0-9a-f]{40}");
    }

    /**
     * "Sort lexicographically (byte order)" (wechat-protocol.md §6.2): U+FF21 (UTF-8 EF BC A1) sorts before U+1F600
     * (UTF-8 F0 9F 98 80), although its UTF-16 code unit 0xFF21 is above the surrogate 0xD83D.
     */
    @Test
    void sha1OfSortedWhenNonAsciiInputsThenSortedByUtf8Bytes() throws Exception {
        String fullWidthA = "\uFF21";
        String emoji = "\uD83D\uDE00";
        String expected = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(utf8(fullWidthA + emoji)));

        assertThat(WeChatMessageCrypto.sha1OfSorted(emoji, fullWidthA)).isEqualTo(expected);
        assertThat(WeChatMessageCrypto.sha1OfSorted(fullWidthA, emoji)).isEqualTo(expected);
    }

    @Test
    void sha1OfSortedWhenInputNullThenNullPointer() {
        assertThatThrownBy(() -> WeChatMessageCrypto.sha1OfSorted(VECTOR_A_TOKEN, null, VECTOR_A_NONCE))
                .isInstanceOf(NullPointerException.class);
    }

    @Test
    void sha1OfSortedWhenCalledThenCallerArrayNotReordered() {
        String[] parts = {"c", "a", "b"};

        WeChatMessageCrypto.sha1OfSorted(parts);

        assertThat(parts).containsExactly("c", "a", "b");
    }

    // ---------------------------------------------------------------------------------------------------------
    // Construction

    @ParameterizedTest
    @ValueSource(strings = {
            "abcdefghijklmnopqrstuvwxyz0123456789ABCDEF", // 42 characters
            "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGH", // 44 characters
            "abcdefghijklmnopqrstuvwxyz0123456789ABCDEF=", // '=' padding given by the caller
            "abcdefghijklmnopqrstuvwxyz0123456789ABCDE+G", // Base64 but not alphanumeric
            "abcdefghijklmnopqrstuvwxyz0123456789ABCDE/G",
            "abcdefghijklmnopqrstuvwxyz0123456789ABCDE-G",
            "abcdefghijklmnopqrstuvwxyz0123456789ABCDE G",
            "abcdefghijklmnopqrstuvwxyz0123456789ABCDEéG", // letter, but not ASCII
            "abcdefghijklmnopqrstuvwxyz0123456789ABCDE０G", // full-width digit zero
            ""})
    void constructorWhenEncodingAesKeyInvalidThenInvalidAesKeyMinus40004(String key) {
        assertThatThrownBy(() -> new WeChatMessageCrypto(VECTOR_A_TOKEN, key, VECTOR_A_APPID))
                .isExactlyInstanceOf(InvalidAesKeyException.class)
                .extracting(e -> ((WeChatCryptoException) e).getErrorCode()).isEqualTo(-40004);
    }

    @Test
    void constructorWhenEncodingAesKeyNullThenInvalidAesKey() {
        assertThatThrownBy(() -> new WeChatMessageCrypto(VECTOR_A_TOKEN, null, VECTOR_A_APPID))
                .isExactlyInstanceOf(InvalidAesKeyException.class);
    }

    @Test
    void constructorWhenEncodingAesKeyInvalidThenMessageDoesNotContainIt() {
        String key = "abcdefghijklmnopqrstuvwxyz0123456789ABCDE+G";

        Throwable thrown = catchThrowable(() -> new WeChatMessageCrypto(VECTOR_A_TOKEN, key, VECTOR_A_APPID));

        assertThat(thrown.getMessage()).doesNotContain(key);
    }

    @ParameterizedTest
    @NullAndEmptySource
    void constructorWhenTokenEmptyThenIllegalArgument(String token) {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new WeChatMessageCrypto(token, VECTOR_A_ENCODING_AES_KEY, VECTOR_A_APPID));
    }

    @ParameterizedTest
    @NullAndEmptySource
    void constructorWhenReceiveIdEmptyThenIllegalArgument(String receiveId) {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new WeChatMessageCrypto(VECTOR_A_TOKEN, VECTOR_A_ENCODING_AES_KEY, receiveId));
    }

    @Test
    void receiveIdWhenConstructedThenComponentAppid() {
        assertThat(crypto.receiveId()).isEqualTo(VECTOR_A_APPID);
    }
}
