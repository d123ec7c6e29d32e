package io.wechatopen.camel.config;

import java.time.Duration;

/**
 * When tokens are refreshed and tickets trusted.
 *
 * @param refreshSkew {@code wechat.token.refresh-skew}: a token is refreshed once {@code expiresAt - skew <= now}
 * @param ticketMaxAge {@code wechat.ticket.max-age}: a ticket older than this (12 h at WeChat) is not used
 */
public record TokenPolicy(Duration refreshSkew, Duration ticketMaxAge) {

    static TokenPolicy from(SettingsSource source) {
        Duration skew = source.duration("wechat.token.refresh-skew", Duration.ofMinutes(10));
        if (skew.isNegative() || skew.compareTo(Duration.ofHours(1)) > 0) {
            throw source.invalid("wechat.token.refresh-skew", "a duration from 0s to 1h");
        }
        return new TokenPolicy(skew, source.duration("wechat.ticket.max-age", Duration.ofHours(12)));
    }
}
