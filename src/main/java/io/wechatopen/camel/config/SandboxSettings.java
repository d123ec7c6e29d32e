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
 * @param messagesUrl {@code wechat.sandbox.messages-url}: where its release tester posts the test accounts' messages,
 *        {@code $APPID$} standing for the account (our own {@code /accounts/$APPID$/messages} by default)
 * @param tokenLifetime {@code wechat.sandbox.token-lifetime}: {@code expires_in} and real lifetime of the component
 *        and authorizer access tokens it issues (2 h, as WeChat; at least {@link #MIN_TOKEN_LIFETIME})
 */
public record SandboxSettings(boolean enabled, String host, int port, Duration ticketInterval,
        Duration firstPushDelay, String pushUrl, String messagesUrl, Duration tokenLifetime) {

    /** WeChat's access tokens live 7200 s. */
    public static final Duration DEFAULT_TOKEN_LIFETIME = Duration.ofHours(2);
    /** Shortest token lifetime: shorter ones would be due for refresh before they could be used. */
    public static final Duration MIN_TOKEN_LIFETIME = Duration.ofSeconds(30);

    static SandboxSettings from(SettingsSource source, HttpSettings http) {
        Duration tokenLifetime = source.duration("wechat.sandbox.token-lifetime", DEFAULT_TOKEN_LIFETIME);
        if (tokenLifetime.compareTo(MIN_TOKEN_LIFETIME) < 0) {
            throw source.invalid("wechat.sandbox.token-lifetime", "a duration of at least 30s (default 2h)");
        }
        return new SandboxSettings(source.bool("wechat.sandbox.enabled", false),
                source.string("wechat.sandbox.host", "127.0.0.1"), source.integer("wechat.sandbox.port", 8091),
                source.duration("wechat.sandbox.ticket-interval", Duration.ofMinutes(10)),
                source.duration("wechat.sandbox.first-push-delay", Duration.ofSeconds(1)),
                source.string("wechat.sandbox.push-url", http.localEventsUrl()),
                source.string("wechat.sandbox.messages-url", http.localMessagesUrl()), tokenLifetime);
    }

    /** Base URL of the sandbox's API, to put in {@code wechat.api.base-url}. */
    public String baseUrl() {
        return "http://" + ("0.0.0.0".equals(host) ? "127.0.0.1" : host) + ":" + port;
    }

    /**
     * Whether {@code api} calls this instance's own sandbox: the sandbox is enabled, listens on loopback, and
     * {@code wechat.api.base-url} is exactly its {@link #baseUrl()} (the condition under which the sandbox is
     * started). Any other URL may reach something else: real WeChat, or an egress proxy listening on loopback.
     */
    public boolean serves(ApiSettings api) {
        return enabled && api.isOnThisMachine() && api.baseUrl().equals(baseUrl());
    }
}
