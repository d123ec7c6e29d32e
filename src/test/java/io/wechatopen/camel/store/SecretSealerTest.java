package io.wechatopen.camel.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Base64;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SecretSealerTest {

    private static final String KEY_1 = TestDatabases.TEST_KEY;
    private static final String KEY_2 = "ZmVkY2JhOTg3NjU0MzIxMGZlZGNiYTk4NzY1NDMyMTA=";
    private static final String CONTEXT = "wechat_component.access_token:wx0123456789abcdef";
    private static final String SECRET = "component-access-token-ABC123";

    @Test
    void sealWhenOpenedWithSameContextThenPlaintextBack() {
        SecretSealer sealer = SecretSealer.fromKeys(KEY_1);

        String sealed = sealer.seal(SECRET, CONTEXT);

        assertThat(sealed).startsWith("v1:k1:").doesNotContain(SECRET);
        assertThat(sealer.open(sealed, CONTEXT)).isEqualTo(SECRET);
    }

    @Test
    void sealWhenSameValueTwiceThenDifferentResults() {
        SecretSealer sealer = SecretSealer.fromKeys(KEY_1);

        assertThat(sealer.seal(SECRET, CONTEXT)).isNotEqualTo(sealer.seal(SECRET, CONTEXT));
    }

    @Test
    void sealWhenUnicodeAndEmptyThenRoundTrip() {
        SecretSealer sealer = SecretSealer.fromKeys(KEY_1);

        assertThat(sealer.open(sealer.seal("授权码 ✓", CONTEXT), CONTEXT)).isEqualTo("授权码 ✓");
        assertThat(sealer.open(sealer.seal("", CONTEXT), CONTEXT)).isEmpty();
    }

    @Test
    void openWhenNewKeyAddedFirstThenValueSealedWithOldKeyOpens() {
        String sealedWithOld = SecretSealer.fromKeys("old:" + KEY_1).seal(SECRET, CONTEXT);
        SecretSealer rotated = SecretSealer.fromKeys("new:" + KEY_2 + ", old:" + KEY_1);

        assertThat(rotated.open(sealedWithOld, CONTEXT)).isEqualTo(SECRET);
        assertThat(rotated.seal(SECRET, CONTEXT)).startsWith("v1:new:");
        assertThat(rotated.sealingKeyId()).isEqualTo("new");
        assertThat(rotated.keyIds()).containsExactly("new", "old");
    }

    @Test
    void openWhenBareKeyThenItIsKeyIdK1() {
        String sealed = SecretSealer.fromKeys(KEY_1).seal(SECRET, CONTEXT);

        assertThat(SecretSealer.fromKeys("k2:" + KEY_2 + ",k1:" + KEY_1).open(sealed, CONTEXT)).isEqualTo(SECRET);
    }

    @Test
    void openWhenWrongContextThenAuthenticationFails() {
        SecretSealer sealer = SecretSealer.fromKeys(KEY_1);
        String sealed = sealer.seal(SECRET, CONTEXT);

        assertThatThrownBy(() -> sealer.open(sealed, "wechat_component.access_token:wxother"))
                .isInstanceOf(StoreException.class)
                .hasMessage("sealed value cannot be opened: authentication failed (wrong key, wrong context or "
                        + "altered value)");
    }

    @Test
    void openWhenCiphertextTamperedThenAuthenticationFails() {
        SecretSealer sealer = SecretSealer.fromKeys(KEY_1);
        String sealed = sealer.seal(SECRET, CONTEXT);
        byte[] data = Base64.getDecoder().decode(sealed.substring("v1:k1:".length()));
        data[data.length - 20] ^= 0x01;
        String tampered = "v1:k1:" + Base64.getEncoder().encodeToString(data);

        assertThatThrownBy(() -> sealer.open(tampered, CONTEXT)).isInstanceOf(StoreException.class)
                .hasMessageContaining("authentication failed").hasMessageNotContaining(SECRET);
    }

    @Test
    void openWhenSameKeyIdButOtherKeyThenAuthenticationFails() {
        String sealed = SecretSealer.fromKeys(KEY_1).seal(SECRET, CONTEXT);

        assertThatThrownBy(() -> SecretSealer.fromKeys(KEY_2).open(sealed, CONTEXT))
                .isInstanceOf(StoreException.class).hasMessageContaining("authentication failed");
    }

    @Test
    void openWhenUnknownKeyIdThenStoreExceptionNamesIt() {
        String sealed = SecretSealer.fromKeys("k9:" + KEY_2).seal(SECRET, CONTEXT);

        assertThatThrownBy(() -> SecretSealer.fromKeys(KEY_1).open(sealed, CONTEXT))
                .isInstanceOf(StoreException.class)
                .hasMessageStartingWith("sealed value cannot be opened: unknown key id k9")
                .hasMessageNotContaining(KEY_1).hasMessageNotContaining(KEY_2);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "plain-token", "v2:k1:AAAA", "v1:k1", "v1:k1:not base64!", "v1:k1:AAAA",
            "v1::AAAA", "v1:k1:AAAA:extra"})
    void openWhenNotSealedFormatThenStoreException(String value) {
        assertThatThrownBy(() -> SecretSealer.fromKeys(KEY_1).open(value, CONTEXT))
                .isInstanceOf(StoreException.class).hasMessageStartingWith("sealed value cannot be opened: ");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "   ", "AAAA", "k1:AAAA", "k1:" + KEY_1 + "=", "k1:" + KEY_1 + ",k1:" + KEY_2,
            "k1:" + KEY_1 + "," + KEY_2, "bad id:" + KEY_1, "way-too-long-key-id:" + KEY_1, "k1:" + KEY_1 + ",",
            "k1:%%%%" + KEY_1})
    void fromKeysWhenInvalidThenIllegalArgumentWithoutKeyMaterial(String value) {
        assertThatThrownBy(() -> SecretSealer.fromKeys(value)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("{{wechat.store.encryption-key}}").hasMessageNotContaining(KEY_1)
                .hasMessageNotContaining(KEY_2).hasMessageNotContaining("AAAA").hasMessageNotContaining("MDEy")
                .hasNoCause();
    }

    @Test
    void fromKeysWhenKeyHas16BytesThenMessageSaysHowManyBytes() {
        String aes128 = Base64.getEncoder().encodeToString(new byte[16]);

        assertThatThrownBy(() -> SecretSealer.fromKeys("old:" + aes128))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("entry 1 of {{wechat.store.encryption-key}} (key id old) decodes to 16 bytes; AES-256 "
                        + "needs 32 bytes (generate one with SecretSealer.generateKey())");
    }

    @Test
    void generateKeyWhenCalledThenFresh32ByteKeyThatSeals() {
        String key = SecretSealer.generateKey();

        assertThat(Base64.getDecoder().decode(key)).hasSize(32);
        assertThat(key).isNotEqualTo(SecretSealer.generateKey());
        SecretSealer sealer = SecretSealer.fromKeys(key);
        assertThat(sealer.open(sealer.seal(SECRET, CONTEXT), CONTEXT)).isEqualTo(SECRET);
    }

    @Test
    void toStringWhenCalledThenKeyIdsOnly() {
        assertThat(SecretSealer.fromKeys("a:" + KEY_1 + ",b:" + KEY_2)).hasToString("SecretSealer[keyIds=[a, b]]");
    }
}
