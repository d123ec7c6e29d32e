package io.wechatopen.camel.config;

import java.time.Duration;

/**
 * How WeChat's API is called.
 *
 * @param baseUrl {@code wechat.api.base-url}, without trailing slash
 * @param connectTimeout {@code wechat.api.connect-timeout}
 * @param readTimeout {@code wechat.api.read-timeout}
 * @param maximumRedeliveries {@code wechat.api.maximum-redeliveries}: retries of a transport failure, 5xx or -1
 * @param redeliveryDelay {@code wechat.api.redelivery-delay}: first back-off, doubled on each retry
 */
public record ApiSettings(String baseUrl, Duration connectTimeout, Duration readTimeout, int maximumRedeliveries,
        Duration redeliveryDelay) {

    public static final String DEFAULT_BASE_URL = "https://api.weixin.qq.com";

    /** Whether the API host is a loopback address (the sandbox or a local simulator), not WeChat. */
    public boolean isOnThisMachine() {
        String host = java.net.URI.create(baseUrl).getHost();
        return host != null && (host.equals("localhost") || host.startsWith("127.") || host.equals("[::1]"));
    }

    static ApiSettings from(SettingsSource source) {
        String base = source.string("wechat.api.base-url", DEFAULT_BASE_URL);
        if (!base.startsWith("http://") && !base.startsWith("https://")) {
            throw source.invalid("wechat.api.base-url", "an http:// or https:// URL");
        }
        while (base.endsWith("/")) {
            base = base.substring(0, base.length() - 1);
        }
        int redeliveries = source.integer("wechat.api.maximum-redeliveries", 3);
        if (redeliveries < 0 || redeliveries > 10) {
            throw source.invalid("wechat.api.maximum-redeliveries", "a number from 0 to 10");
        }
        return new ApiSettings(base, source.duration("wechat.api.connect-timeout", Duration.ofSeconds(5)),
                source.duration("wechat.api.read-timeout", Duration.ofSeconds(10)), redeliveries,
                source.duration("wechat.api.redelivery-delay", Duration.ofSeconds(1)));
    }
}
