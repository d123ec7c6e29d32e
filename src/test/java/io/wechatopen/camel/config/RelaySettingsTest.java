package io.wechatopen.camel.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

class RelaySettingsTest {

    private static final String SECRET = "c2VjcmV0LW9mLWF0LWxlYXN0LTE2";

    private static RelaySettings load(Map<String, String> values) {
        return RelaySettings.from(new SettingsSource(key -> Optional.ofNullable(values.get(key)), "test.properties"));
    }

    private static InetAddress ip(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException(literal, e);
        }
    }

    @Test
    void fromWhenNothingSetThenWeChatSourceAndEndpointOff() {
        RelaySettings settings = load(Map.of());
        assertThat(settings.relayed()).isFalse();
        assertThat(settings.endpointEnabled()).isFalse();
        assertThat(settings.clients()).isEmpty();
    }

    @Test
    void fromWhenRelayModeWithoutUrlOrSecretThenTheErrorNamesTheKey() {
        assertThatThrownBy(() -> load(Map.of("wechat.component.token-source", "relay")))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("{{wechat.relay.url}}");
        assertThatThrownBy(() -> load(Map.of("wechat.component.token-source", "relay", "wechat.relay.url",
                "https://prod.example/wechat"))).isInstanceOf(ConfigurationException.class)
                        .hasMessageContaining("{{wechat.relay.client-secret}}");
        assertThatThrownBy(() -> load(Map.of("wechat.component.token-source", "relay", "wechat.relay.url",
                "https://prod.example/wechat", "wechat.relay.client-secret", "short")))
                        .isInstanceOf(ConfigurationException.class)
                        .hasMessageContaining("{{wechat.relay.client-secret}}")
                        .hasMessageNotContaining("short");
        assertThatThrownBy(() -> load(Map.of("wechat.component.token-source", "central")))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("{{wechat.component.token-source}}");
    }

    @Test
    void fromWhenRelayModeThenUrlTrimmedAndSecretNotPrinted() {
        RelaySettings settings = load(Map.of("wechat.component.token-source", "relay", "wechat.relay.url",
                "https://prod.example/wechat/", "wechat.relay.client-secret", SECRET));
        assertThat(settings.relayed()).isTrue();
        assertThat(settings.url()).isEqualTo("https://prod.example/wechat");
        assertThat(settings.toString()).doesNotContain(SECRET);
    }

    @Test
    void fromWhenEndpointEnabledWithoutValidClientsThenRefused() {
        assertThatThrownBy(() -> load(Map.of("wechat.relay.enabled", "true")))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("{{wechat.relay.clients}}");
        assertThatThrownBy(() -> load(Map.of("wechat.relay.enabled", "true", "wechat.relay.clients", "staging:short")))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("{{wechat.relay.clients}}")
                .hasMessageNotContaining("short");
        assertThatThrownBy(() -> load(Map.of("wechat.relay.enabled", "true", "wechat.relay.clients",
                "a:" + SECRET + ",b:" + SECRET))).isInstanceOf(ConfigurationException.class);
        assertThatThrownBy(() -> load(Map.of("wechat.component.token-source", "relay", "wechat.relay.url",
                "https://prod.example/wechat", "wechat.relay.client-secret", SECRET, "wechat.relay.enabled", "true")))
                        .isInstanceOf(ConfigurationException.class).hasMessageContaining("{{wechat.relay.enabled}}");
    }

    @Test
    void fromWhenClientsListedThenComponentsAndAddressesParsed() throws Exception {
        RelaySettings settings = load(Map.of("wechat.relay.enabled", "true", "wechat.relay.clients",
                "staging:" + SECRET + ", other:" + SECRET + "x:wxa|wxb", "wechat.relay.allowed-addresses",
                "10.1.0.0/16, ::1"));
        assertThat(settings.clients()).hasSize(2);
        assertThat(settings.clients().get(0).allows("wxanything")).isTrue();
        assertThat(settings.clients().get(1).allows("wxb")).isTrue();
        assertThat(settings.clients().get(1).allows("wxc")).isFalse();
        assertThat(settings.toString()).doesNotContain(SECRET);
        assertThat(settings.allowedAddresses()).anyMatch(r -> r.contains(ip("10.1.200.3")));
        assertThat(settings.allowedAddresses()).noneMatch(r -> r.contains(ip("10.2.0.1")));
        assertThat(settings.allowedAddresses()).anyMatch(r -> r.contains(ip("::1")));
        assertThatThrownBy(() -> load(Map.of("wechat.relay.allowed-addresses", "prod.example")))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("{{wechat.relay.allowed-addresses}}");
    }

    @Test
    void defaultAddressesWhenCheckedThenLoopbackAndPrivateOnly() throws Exception {
        RelaySettings settings = load(Map.of());
        for (String inside : new String[] {"127.0.0.1", "::1", "10.0.0.7", "172.20.1.1", "192.168.1.1", "fd00::1",
                "::ffff:192.168.1.1"}) {
            assertThat(settings.allowedAddresses()).as(inside)
                    .anyMatch(r -> r.contains(ip(inside)));
        }
        for (String outside : new String[] {"8.8.8.8", "172.32.0.1", "2001:db8::1"}) {
            assertThat(settings.allowedAddresses()).as(outside)
                    .noneMatch(r -> r.contains(ip(outside)));
        }
    }
}
