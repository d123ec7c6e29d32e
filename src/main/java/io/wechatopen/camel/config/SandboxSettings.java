package io.wechatopen.camel.config;

import java.time.Duration;

/**
 * The built-in WeChat simulator.
 *
 * @param enabled {@code wechat.sandbox.enabled}
 * @param host {@code wechat.sandbox.host}: where it listens (loopback by default)
 * @param port {@code wechat.sandbox.port}
 * @param ticketInterval {@code wechat.sandbox.ticket-interval}: how often it pushes a ticket (10 min at WeChat)
 * @param firstPushDelay {@code wechat.sandbox.first-push-delay}: when the first scheduled push goes out after start
 * @param pushUrl {@code wechat.sandbox.push-url}: where it pushes (our own events endpoint by default)
 */
public record SandboxSettings(boolean enabled, String host, int port, Duration ticketInterval,
        Duration firstPushDelay, String pushUrl) {

    static SandboxSettings from(SettingsSource source, HttpSettings http) {
        return new SandboxSettings(source.bool("wechat.sandbox.enabled", false),
                source.string("wechat.sandbox.host", "127.0.0.1"), source.integer("wechat.sandbox.port", 8091),
                source.duration("wechat.sandbox.ticket-interval", Duration.ofMinutes(10)),
                source.duration("wechat.sandbox.first-push-delay", Duration.ofSeconds(1)),
                source.string("wechat.sandbox.push-url", http.localEventsUrl()));
    }

    /** Base URL of the sandbox's API, to put in {@code wechat.api.base-url}. */
    public String baseUrl() {
        return "http://" + ("0.0.0.0".equals(host) ? "127.0.0.1" : host) + ":" + port;
    }
}
