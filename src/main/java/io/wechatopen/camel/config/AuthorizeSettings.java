package io.wechatopen.camel.config;

import java.time.Duration;

/**
 * How account owners are sent to WeChat's authorization page and how authorizer tokens are kept.
 *
 * @param pageUrl {@code wechat.authorize.page-url}: WeChat's PC authorization page; defaults to the page of a
 *        simulator on this machine when {@code wechat.api.base-url} points at one, else WeChat's
 * @param mobilePageUrl {@code wechat.authorize.mobile-page-url}: the H5 variant
 * @param stateTtl {@code wechat.authorize.state-ttl}: how long a started attempt's {@code state} is accepted
 *        (WeChat's pre_auth_code lives 30 min)
 * @param refreshConcurrency {@code wechat.authorizer.refresh-concurrency}: parallel token refreshes of a sweep
 * @param refreshRate {@code wechat.authorizer.refresh-rate}: at most this many refreshes per second
 * @param refreshBatch {@code wechat.authorizer.refresh-batch}: at most this many authorizers per sweep
 */
public record AuthorizeSettings(String pageUrl, String mobilePageUrl, Duration stateTtl, int refreshConcurrency,
        int refreshRate, int refreshBatch) {

    public static final String WECHAT_PAGE_URL = "https://mp.weixin.qq.com/cgi-bin/componentloginpage";
    public static final String WECHAT_MOBILE_PAGE_URL = "https://open.weixin.qq.com/wxaopen/safe/bindcomponent";

    static AuthorizeSettings from(SettingsSource source, ApiSettings api) {
        boolean local = api.isOnThisMachine();
        int concurrency = source.integer("wechat.authorizer.refresh-concurrency", 8);
        int rate = source.integer("wechat.authorizer.refresh-rate", 50);
        int batch = source.integer("wechat.authorizer.refresh-batch", 5000);
        if (concurrency < 1 || concurrency > 64) {
            throw source.invalid("wechat.authorizer.refresh-concurrency", "a number from 1 to 64");
        }
        if (rate < 1) {
            throw source.invalid("wechat.authorizer.refresh-rate", "a positive number of refreshes per second");
        }
        if (batch < 1) {
            throw source.invalid("wechat.authorizer.refresh-batch", "a positive number");
        }
        return new AuthorizeSettings(
                source.string("wechat.authorize.page-url",
                        local ? api.baseUrl() + "/cgi-bin/componentloginpage" : WECHAT_PAGE_URL),
                source.string("wechat.authorize.mobile-page-url",
                        local ? api.baseUrl() + "/safe/bindcomponent" : WECHAT_MOBILE_PAGE_URL),
                source.duration("wechat.authorize.state-ttl", Duration.ofMinutes(30)), concurrency, rate, batch);
    }
}
