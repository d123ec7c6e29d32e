package io.wechatopen.camel.boot;

import java.time.Clock;

import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.RoutesBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.wechatopen.camel.wiring.WeChatBeans;
import io.wechatopen.camel.config.SettingsSource;
import io.wechatopen.camel.config.WeChatSettings;
import io.wechatopen.camel.sandbox.SandboxRoutes;
import io.wechatopen.camel.sandbox.SandboxState;

/**
 * Camel Main's wiring: reads {@link WeChatSettings} from the properties component, builds the beans with the shared
 * {@link WeChatBeans} factory, and adds the Java routes, plus the sandbox when {@code wechat.sandbox.enabled} is
 * true and {@code wechat.api.base-url} points at it (so pointing the base URL at WeChat switches the sandbox off).
 */
public final class WeChatConfiguration implements CamelConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(WeChatConfiguration.class);

    @Override
    public void configure(CamelContext camelContext) throws Exception {
        SettingsSource source = new SettingsSource(key -> camelContext.getPropertiesComponent().resolveProperty(key),
                "config/application.properties (-Dwechat.config.dir)");
        WeChatSettings settings = WeChatSettings.load(source);
        Clock clock = Clock.systemUTC();
        WeChatBeans beans = WeChatBeans.create(settings, camelContext, clock);
        camelContext.addService(beans, true, true);
        beans.bindTo(camelContext.getRegistry());
        for (RoutesBuilder routes : beans.routes()) {
            camelContext.addRoutes(routes);
        }
        if (settings.sandbox().enabled()) {
            if (settings.api().baseUrl().equals(settings.sandbox().baseUrl())) {
                SandboxState state = new SandboxState(settings.component(), clock, settings.sandbox().tokenLifetime());
                camelContext.getRegistry().bind("wechatSandboxState", state);
                camelContext.addRoutes(new SandboxRoutes(settings, state, beans.crypto()));
                LOG.info("WeChat sandbox on {} (wechat.api.base-url points at it)", settings.sandbox().baseUrl());
            } else {
                LOG.warn("wechat.sandbox.enabled is true but wechat.api.base-url ({}) is not the sandbox ({}):"
                        + " the sandbox stays off", settings.api().baseUrl(), settings.sandbox().baseUrl());
            }
        }
    }
}
