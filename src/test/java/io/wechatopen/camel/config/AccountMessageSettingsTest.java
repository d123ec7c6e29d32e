package io.wechatopen.camel.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

/** Issue 10: {@code wechat.callback.reply-timeout}, {@code wechat.release-test.appids}. */
class AccountMessageSettingsTest {

    private static AccountMessageSettings load(Map<String, String> values) {
        return AccountMessageSettings.from(new SettingsSource(key -> Optional.ofNullable(values.get(key)),
                "test.properties"));
    }

    @Test
    void fromWhenNothingSetThenFourSecondsAndPublishedTestAccounts() {
        AccountMessageSettings settings = load(Map.of());

        assertThat(settings.replyTimeout()).isEqualTo(Duration.ofSeconds(4));
        assertThat(settings.releaseTestAppids()).hasSize(10).contains("wx570bc396a51b8ff8", "wxd101a85aa106f53e");
        assertThat(settings.isReleaseTest("wx570bc396a51b8ff8")).isTrue();
        assertThat(settings.isReleaseTest("wx1000000000000001")).isFalse();
        assertThat(settings.isReleaseTest(null)).isFalse();
    }

    @Test
    void fromWhenAppidsSetThenOnlyThose() {
        assertThat(load(Map.of("wechat.release-test.appids", " wx1234567890abcdef , ")).releaseTestAppids())
                .containsExactly("wx1234567890abcdef");
    }

    @Test
    void fromWhenReplyTimeoutNotBelowFiveSecondsOrAppidMalformedThenErrorNamesTheKey() {
        assertThatThrownBy(() -> load(Map.of("wechat.callback.reply-timeout", "5s")))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("wechat.callback.reply-timeout");
        assertThatThrownBy(() -> load(Map.of("wechat.callback.reply-timeout", "0s")))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("wechat.callback.reply-timeout");
        assertThatThrownBy(() -> load(Map.of("wechat.release-test.appids", "wx570bc396a51b8ff8,gh_3c884a361561")))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("wechat.release-test.appids");
    }
}
