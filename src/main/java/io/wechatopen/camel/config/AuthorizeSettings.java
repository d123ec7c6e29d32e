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
 * @param sweepMaxDuration {@code wechat.authorizer.sweep-max-duration}: a sweep still running after this long stops
 *        taking accounts (the next one continues), so sweeps never pile up
 * @param retryMinBackoff {@code wechat.authorizer.retry-min-backoff}: the first wait after an account's refresh
 *        failed temporarily, doubled on each further failure
 * @param retryMaxBackoff {@code wechat.authorizer.retry-max-backoff}: the longest such wait, so an account recovers
 *        within this long of WeChat's return
 * @param startRatePerClient {@code wechat.authorize.start-rate-per-client}: authorization starts per minute from one
 *        client address (each costs an {@code api_create_preauthcode})
 * @param startRate {@code wechat.authorize.start-rate}: authorization starts per minute in all
 */
public record AuthorizeSettings(String pageUrl, String mobilePageUrl, Duration stateTtl, int refreshConcurrency,
        int refreshRate, int refreshBatch, Duration sweepMaxDuration, Duration retryMinBackoff,
        Duration retryMaxBackoff, int startRatePerClient, int startRate) {

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
        Duration retryMin = source.duration("wechat.authorizer.retry-min-backoff", Duration.ofSeconds(30));
        Duration retryMax = source.duration("wechat.authorizer.retry-max-backoff", Duration.ofMinutes(5));
        if (retryMin.isZero() || retryMin.isNegative() || retryMax.compareTo(retryMin) < 0) {
            throw source.invalid("wechat.authorizer.retry-max-backoff",
                    "a duration at least wechat.authorizer.retry-min-backoff, which must be positive");
        }
        Duration sweepMax = source.duration("wechat.authorizer.sweep-max-duration", Duration.ofMinutes(5));
        if (sweepMax.compareTo(Duration.ofSeconds(1)) < 0) {
            throw source.invalid("wechat.authorizer.sweep-max-duration", "a duration of at least 1s");
        }
        int startPerClient = source.integer("wechat.authorize.start-rate-per-client", 10);
        int startAll = source.integer("wechat.authorize.start-rate", 300);
        if (startPerClient < 1) {
            throw source.invalid("wechat.authorize.start-rate-per-client", "a positive number of starts per minute");
        }
        if (startAll < 1) {
            throw source.invalid("wechat.authorize.start-rate", "a positive number of starts per minute");
        }
        return new AuthorizeSettings(
                source.string("wechat.authorize.page-url",
                        local ? api.baseUrl() + "/cgi-bin/componentloginpage" : WECHAT_PAGE_URL),
                source.string("wechat.authorize.mobile-page-url",
                        local ? api.baseUrl() + "/safe/bindcomponent" : WECHAT_MOBILE_PAGE_URL),
                source.duration("wechat.authorize.state-ttl", Duration.ofMinutes(30)), concurrency, rate, batch,
                sweepMax, retryMin, retryMax, startPerClient, startAll);
    }
}
