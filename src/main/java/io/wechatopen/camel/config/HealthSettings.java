package io.wechatopen.camel.config;

import java.time.Duration;

/**
 * What the health checks tolerate.
 *
 * @param ticketMaxAge {@code wechat.health.ticket-max-age} (default {@code 30m}): the {@code wechat-ticket} check is
 *        DOWN when a component's newest ticket is older. WeChat pushes one every 10 minutes, so the default allows
 *        two missed pushes.
 */
public record HealthSettings(Duration ticketMaxAge) {

    /** The default of {@code wechat.health.ticket-max-age}. */
    public static final Duration DEFAULT_TICKET_MAX_AGE = Duration.ofMinutes(30);

    /** @throws ConfigurationException when {@code wechat.health.ticket-max-age} is not a positive duration */
    public static HealthSettings from(SettingsSource source) {
        Duration maxAge = source.duration("wechat.health.ticket-max-age", DEFAULT_TICKET_MAX_AGE);
        if (maxAge.isZero() || maxAge.isNegative()) {
            throw source.invalid("wechat.health.ticket-max-age", "a positive duration such as 30m");
        }
        return new HealthSettings(maxAge);
    }
}
