package io.wechatopen.camel.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

/**
 * Issue 6 item 9: production cannot run on development secrets. The committed store key and admin token (and the
 * committed AppSecret) are accepted only while the API is this instance's own sandbox.
 */
class WeChatSettingsTest {

    private static final String ORIGIN = "config/application.properties";
    private static final String DEV_KEY = "dev:" + DevelopmentSecrets.KEY;
    private static final String PROD_KEY = "k2:cHJvZHVjdGlvbi1rZXktMzItYnl0ZXMtbG9uZy0hISE=";
    private static final String OLD_PROD_KEY = "k1:b2xkZXItcHJvZHVjdGlvbi1rZXktMzItYnl0ZXMhISE=";

    private final Map<String, String> properties = new HashMap<>();

    WeChatSettingsTest() {
        properties.put("wechat.component.appid", "wx0123456789abcdef");
        properties.put("wechat.component.appsecret", DevelopmentSecrets.APPSECRET);
        properties.put("wechat.component.token", "sandboxtoken");
        properties.put("wechat.component.encoding-aes-key", "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG");
        properties.put("wechat.store.encryption-key", DEV_KEY);
        properties.put("wechat.admin.token", "dev-admin-token");
        properties.put("wechat.sandbox.enabled", "true");
        properties.put("wechat.sandbox.port", "8091");
        properties.put("wechat.api.base-url", "http://127.0.0.1:8091");
    }

    private WeChatSettings load() {
        return WeChatSettings.load(new SettingsSource(key -> Optional.ofNullable(properties.get(key)), ORIGIN));
    }

    private void productionSecrets() {
        properties.put("wechat.store.encryption-key", PROD_KEY + "," + OLD_PROD_KEY);
        properties.put("wechat.admin.token", "a-long-random-production-token");
        properties.put("wechat.component.appsecret", "the-platform-appsecret");
    }

    @Test
    void loadWhenClusterKeysAbsentThenHostAndPidNodeIdAndThirtySecondLeases() {
        ClusterSettings cluster = load().cluster();

        assertThat(cluster.nodeId()).matches("[A-Za-z0-9._-]{1,64}")
                .endsWith("-" + ProcessHandle.current().pid());
        assertThat(cluster.leaseDuration()).isEqualTo(ClusterSettings.DEFAULT_LEASE_DURATION);
    }

    @Test
    void loadWhenNodeIdHasOtherCharactersOrIsTooLongThenRefusedNamingTheKey() {
        for (String bad : new String[] {"web 1", "web/1", "x".repeat(65)}) {
            properties.put("wechat.cluster.node-id", bad);

            assertThatThrownBy(this::load).as("node id '%s'", bad).isInstanceOf(ConfigurationException.class)
                    .hasMessageContaining("wechat.cluster.node-id").hasMessageContaining(ORIGIN);
        }
        properties.put("wechat.cluster.node-id", "web-1.eu_2");
        assertThat(load().cluster().nodeId()).isEqualTo("web-1.eu_2");
    }

    @Test
    void loadWhenLeaseDurationUnderFiveSecondsOrNotADurationThenRefused() {
        for (String bad : new String[] {"4s", "0s", "soon"}) {
            properties.put("wechat.cluster.lease-duration", bad);

            assertThatThrownBy(this::load).as("lease '%s'", bad).isInstanceOf(ConfigurationException.class)
                    .hasMessageContaining("wechat.cluster.lease-duration");
        }
        properties.put("wechat.cluster.lease-duration", "5s");
        assertThat(load().cluster().leaseDuration()).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void loadWhenApiIsOwnSandboxThenDevelopmentSecretsAccepted() {
        WeChatSettings settings = load();

        assertThat(settings.sandbox().serves(settings.api())).isTrue();
        assertThat(settings.adminToken()).isEqualTo("dev-admin-token");
    }

    @Test
    void loadWhenApiIsOwnSandboxOnLocalhostThenDevelopmentSecretsAccepted() {
        properties.put("wechat.sandbox.host", "localhost");
        properties.put("wechat.api.base-url", "http://localhost:8091/");

        assertThat(load().store().encryptionKeys()).isEqualTo(DEV_KEY);
    }

    @Test
    void loadWhenSandboxListensBeyondLoopbackThenRefused() {
        properties.put("wechat.sandbox.host", "192.0.2.10");
        properties.put("wechat.api.base-url", "http://192.0.2.10:8091");

        assertThatThrownBy(this::load).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("{{wechat.store.encryption-key}}");
    }

    @Test
    void loadWhenApiIsAnotherPathOnTheSandboxPortThenRefused() {
        properties.put("wechat.api.base-url", "http://127.0.0.1:8091/relay");

        assertThatThrownBy(this::load).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("{{wechat.store.encryption-key}}");
    }

    @Test
    void loadWhenApiIsWeChatWithDevelopmentKeyThenRefusedNamingKeyAndFile() {
        properties.put("wechat.api.base-url", ApiSettings.DEFAULT_BASE_URL);

        assertThatThrownBy(this::load).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("{{wechat.store.encryption-key}}").hasMessageContaining(ORIGIN)
                .hasMessageContaining("WECHAT_STORE_ENCRYPTION_KEY").hasMessageNotContaining(DevelopmentSecrets.KEY);
    }

    @Test
    void loadWhenProxyOnLoopbackWithDevelopmentKeyThenRefused() {
        // an egress proxy on this machine forwards to real WeChat: loopback alone proves nothing
        properties.put("wechat.api.base-url", "http://127.0.0.1:3128");

        assertThatThrownBy(this::load).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("{{wechat.store.encryption-key}}");
    }

    @Test
    void loadWhenSandboxDisabledWithDevelopmentKeyThenRefused() {
        properties.put("wechat.sandbox.enabled", "false");

        assertThatThrownBy(this::load).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("{{wechat.store.encryption-key}}");
    }

    @Test
    void loadWhenHttpsToSandboxPortThenNotOwnSandboxAndRefused() {
        properties.put("wechat.api.base-url", "https://127.0.0.1:8091");

        assertThatThrownBy(this::load).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("{{wechat.store.encryption-key}}");
    }

    @Test
    void loadWhenSecondKeyIsDevelopmentKeyThenRefusedNamingTheEntry() {
        properties.put("wechat.api.base-url", ApiSettings.DEFAULT_BASE_URL);
        productionSecrets();
        properties.put("wechat.store.encryption-key", PROD_KEY + "," + DEV_KEY);

        assertThatThrownBy(this::load).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("{{wechat.store.encryption-key}}").hasMessageContaining("entry 2");
    }

    @Test
    void loadWhenDevelopmentKeyUnderAnotherIdThenRefused() {
        properties.put("wechat.api.base-url", ApiSettings.DEFAULT_BASE_URL);
        productionSecrets();
        properties.put("wechat.store.encryption-key", PROD_KEY + ",k0:" + DevelopmentSecrets.KEY);

        assertThatThrownBy(this::load).hasMessageContaining("{{wechat.store.encryption-key}}")
                .hasMessageContaining("entry 2");
    }

    @Test
    void loadWhenDevelopmentAdminTokenOffSandboxThenRefusedNamingKey() {
        properties.put("wechat.api.base-url", ApiSettings.DEFAULT_BASE_URL);
        productionSecrets();
        properties.put("wechat.admin.token", "dev-admin-token");

        assertThatThrownBy(this::load).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("{{wechat.admin.token}}").hasMessageContaining(ORIGIN)
                .hasMessageContaining("WECHAT_ADMIN_TOKEN").hasMessageNotContaining("dev-admin-token");
    }

    @Test
    void loadWhenSecondComponentHasDevelopmentAppSecretThenRefusedNamingItsKey() {
        properties.put("wechat.api.base-url", ApiSettings.DEFAULT_BASE_URL);
        productionSecrets();
        properties.put("wechat.components", "second");
        properties.put("wechat.component.second.appid", "wx00000000000second");
        properties.put("wechat.component.second.appsecret", DevelopmentSecrets.APPSECRET);
        properties.put("wechat.component.second.token", "secondtoken");
        properties.put("wechat.component.second.encoding-aes-key", "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789abcdefg");

        assertThatThrownBy(this::load).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("{{wechat.component.second.appsecret}}")
                .hasMessageContaining("WECHAT_COMPONENT_SECOND_APPSECRET");
    }

    @Test
    void loadWhenProductionSecretsOffSandboxThenAccepted() {
        properties.put("wechat.api.base-url", ApiSettings.DEFAULT_BASE_URL);
        productionSecrets();

        WeChatSettings settings = load();

        assertThat(settings.sandbox().serves(settings.api())).isFalse();
        assertThat(settings.store().encryptionKeys()).isEqualTo(PROD_KEY + "," + OLD_PROD_KEY);
    }

    @Test
    void loadWhenSandboxMessagesUrlUnsetThenOwnMessagesEndpoint() {
        WeChatSettings settings = load();

        assertThat(settings.sandbox().messagesUrl()).isEqualTo("http://127.0.0.1:" + settings.http().port()
                + settings.http().contextPath() + "/accounts/$APPID$/messages");
        properties.put("wechat.sandbox.messages-url", "http://10.0.0.5:8080/wechat/accounts/$APPID$/messages");
        assertThat(load().sandbox().messagesUrl()).isEqualTo("http://10.0.0.5:8080/wechat/accounts/$APPID$/messages");
    }

    @Test
    void loadWhenTokenLifetimeUnsetThenTwoHours() {
        assertThat(load().sandbox().tokenLifetime()).isEqualTo(Duration.ofHours(2));
    }

    @Test
    void loadWhenTokenLifetime30sThenAccepted() {
        properties.put("wechat.sandbox.token-lifetime", "30s");

        assertThat(load().sandbox().tokenLifetime()).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void loadWhenTokenLifetimeUnder30sOrNotADurationThenRefusedNamingKey() {
        properties.put("wechat.sandbox.token-lifetime", "29s");
        assertThatThrownBy(this::load).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("{{wechat.sandbox.token-lifetime}}").hasMessageContaining("at least 30s");

        properties.put("wechat.sandbox.token-lifetime", "soon");
        assertThatThrownBy(this::load).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("{{wechat.sandbox.token-lifetime}}");
    }

    // Issue 6, items 2, 4 and 5: the keys of the back-offs, the sweep bound and the start rate limits.
    @Test
    void loadWhenFaultSettingsUnsetThenDefaults() {
        AuthorizeSettings authorize = load().authorize();
        assertThat(authorize.retryMinBackoff()).isEqualTo(Duration.ofSeconds(30));
        assertThat(authorize.retryMaxBackoff()).isEqualTo(Duration.ofMinutes(5));
        assertThat(authorize.sweepMaxDuration()).isEqualTo(Duration.ofMinutes(5));
        assertThat(authorize.startRatePerClient()).isEqualTo(10);
        assertThat(authorize.startRate()).isEqualTo(300);
    }

    @Test
    void loadWhenFaultSettingsOutOfRangeThenRefusedNamingKey() {
        properties.put("wechat.authorizer.retry-min-backoff", "10m");
        assertThatThrownBy(this::load).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("{{wechat.authorizer.retry-max-backoff}}");
        properties.remove("wechat.authorizer.retry-min-backoff");

        properties.put("wechat.authorizer.sweep-max-duration", "0s");
        assertThatThrownBy(this::load).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("{{wechat.authorizer.sweep-max-duration}}");
        properties.remove("wechat.authorizer.sweep-max-duration");

        properties.put("wechat.authorize.start-rate-per-client", "0");
        assertThatThrownBy(this::load).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("{{wechat.authorize.start-rate-per-client}}");
        properties.remove("wechat.authorize.start-rate-per-client");

        properties.put("wechat.authorize.start-rate", "-1");
        assertThatThrownBy(this::load).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("{{wechat.authorize.start-rate}}");
    }
}
