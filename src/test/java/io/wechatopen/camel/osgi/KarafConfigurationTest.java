package io.wechatopen.camel.osgi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.Reader;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;

import io.wechatopen.camel.config.ConfigurationException;
import io.wechatopen.camel.config.SettingsSource;
import io.wechatopen.camel.config.WeChatSettings;
import io.wechatopen.camel.support.RunningBundle;

/**
 * Issue 7 part 4: the Karaf configuration. The cfg template names only keys the bundle knows, and the context's
 * properties are the standalone settings with the sandbox off, overridden by the cfg.
 */
class KarafConfigurationTest {

    private static final Path PROJECT = RunningBundle.projectDir();
    /** Keys that exist only in Karaf: the routes folder and the DS keys of the DataSource reference. */
    private static final Set<String> KARAF_ONLY = Set.of("wechat.routes.dir", "dataSource.target",
            "dataSource.cardinality.minimum");
    private static final Pattern KEY = Pattern.compile("^#*\\s*([A-Za-z][\\w.-]*)\\s*=", Pattern.MULTILINE);

    @Test
    void templateWhenReadThenEveryKeyIsAStandaloneKeyOrKarafOnly() throws IOException {
        Set<String> standalone = load(PROJECT.resolve("config/application.properties")).stringPropertyNames();
        Set<String> unknown = new TreeSet<>();
        Matcher keys = KEY.matcher(Files.readString(PROJECT.resolve("config/io.wechatopen.camel.cfg")));
        while (keys.find()) {
            if (!standalone.contains(keys.group(1)) && !KARAF_ONLY.contains(keys.group(1))) {
                unknown.add(keys.group(1));
            }
        }
        assertThat(unknown).as("keys of the cfg template that the bundle does not read").isEmpty();

        Properties template = load(PROJECT.resolve("config/io.wechatopen.camel.cfg"));
        assertThat(template.getProperty("wechat.sandbox.enabled")).isEqualTo("false");
        assertThat(template.getProperty("wechat.api.base-url")).isEqualTo("https://api.weixin.qq.com");
        assertThat(template.getProperty("wechat.component.appsecret")).isEqualTo("{{env:WECHAT_COMPONENT_APPSECRET}}");
    }

    @Test
    void propertiesWhenCfgSetsSomeKeysThenStandaloneDefaultsForTheRestAndSandboxOff() throws IOException {
        URL defaults = PROJECT.resolve("config/application.properties").toUri().toURL();

        Properties properties = WeChatCamelContext.properties(defaults,
                Map.of("wechat.http.port", "9301", "service.pid", "io.wechatopen.camel"));

        assertThat(properties.getProperty("wechat.http.port")).isEqualTo("9301");
        assertThat(properties.getProperty("wechat.schedule.component-token-refresh.cron"))
                .isEqualTo(load(PROJECT.resolve("config/application.properties"))
                        .getProperty("wechat.schedule.component-token-refresh.cron"));
        assertThat(properties.getProperty("wechat.sandbox.enabled")).isEqualTo("false");
        assertThat(WeChatCamelContext.properties(defaults, Map.of("wechat.sandbox.enabled", "true"))
                .getProperty("wechat.sandbox.enabled")).isEqualTo("true");
    }

    @Test
    void templateWhenEnvironmentLacksTheSecretsThenTheErrorNamesTheMissingOne() throws Exception {
        Properties cfg = load(PROJECT.resolve("config/io.wechatopen.camel.cfg"));
        Map<String, Object> configuration = new HashMap<>();
        cfg.forEach((key, value) -> configuration.put((String) key, value));
        // None of the template's WECHAT_* variables is set in the test environment.
        assertThat(System.getenv("WECHAT_COMPONENT_APPID")).isNull();
        try (DefaultCamelContext context = new DefaultCamelContext()) {
            context.getPropertiesComponent().setInitialProperties(WeChatCamelContext.properties(
                    PROJECT.resolve("config/application.properties").toUri().toURL(), configuration));

            assertThatThrownBy(() -> WeChatSettings
                    .load(new SettingsSource(
                            key -> context.getPropertiesComponent().resolveProperty(key),
                            "etc/io.wechatopen.camel.cfg")))
                                    .isInstanceOf(ConfigurationException.class)
                                    .hasMessageStartingWith("Missing required setting {{wechat.")
                                    .hasMessageContaining(
                                            "set it in etc/io.wechatopen.camel.cfg or as environment variable WECHAT_");
        }
    }

    private static Properties load(Path file) throws IOException {
        Properties properties = new Properties();
        try (Reader in = Files.newBufferedReader(file)) {
            properties.load(in);
        }
        return properties;
    }
}
