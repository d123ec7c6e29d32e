package io.wechatopen.camel.config;

import java.time.Duration;

/**
 * Web authorization (网页授权) on behalf of authorized accounts.
 *
 * @param authorizeUrl {@code wechat.oauth.authorize-url}: WeChat's OAuth page; defaults to the page of a simulator on
 *        this machine when {@code wechat.api.base-url} points at one, else WeChat's
 * @param stateTtl {@code wechat.oauth.state-ttl}: how long a started sign-in's one-time {@code state} is accepted
 *        (default 10 minutes; WeChat's code itself lives 5 minutes)
 */
public record OAuthSettings(String authorizeUrl, Duration stateTtl) {

    public static final String WECHAT_AUTHORIZE_URL = "https://open.weixin.qq.com/connect/oauth2/authorize";

    /** @throws ConfigurationException when {@code wechat.oauth.state-ttl} is not a positive duration */
    public static OAuthSettings from(SettingsSource source, ApiSettings api) {
        Duration ttl = source.duration("wechat.oauth.state-ttl", Duration.ofMinutes(10));
        if (ttl.isZero() || ttl.isNegative()) {
            throw source.invalid("wechat.oauth.state-ttl", "a positive duration such as 10m");
        }
        return new OAuthSettings(source.string("wechat.oauth.authorize-url",
                api.isOnThisMachine() ? api.baseUrl() + "/connect/oauth2/authorize" : WECHAT_AUTHORIZE_URL), ttl);
    }
}
