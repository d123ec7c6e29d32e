package io.wechatopen.camel.boot;

import java.time.Clock;

import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;

import io.wechatopen.camel.wiring.WeChatBeans;

/**
 * Camel Main's wiring: the shared {@link WeChatBeans#install} with the properties of
 * {@code config/application.properties} and a pool the bundle opens itself.
 */
public final class WeChatConfiguration implements CamelConfiguration {

    @Override
    public void configure(CamelContext camelContext) throws Exception {
        WeChatBeans.install(camelContext, null, Clock.systemUTC(),
                "config/application.properties (-Dwechat.config.dir)");
    }
}
