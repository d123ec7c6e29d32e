package io.wechatopen.camel.config;

import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * How the 消息与事件接收URL answers.
 *
 * @param replyTimeout {@code wechat.callback.reply-timeout} (default {@code 4s}): how long the integrators' reply
 *        route {@code direct:wechat-account-message-reply} may take before {@code success} is answered instead;
 *        below WeChat's 5 s, after which WeChat drops the connection and pushes again
 * @param releaseTestAppids {@code wechat.release-test.appids}: WeChat's 全网发布 test accounts, whose messages the
 *        bundle answers itself (default {@link #PUBLISHED_TEST_ACCOUNTS})
 */
public record AccountMessageSettings(Duration replyTimeout, Set<String> releaseTestAppids) {

    /**
     * The test accounts of WeChat's 全网发布 check, five Official Accounts then five Mini Programs, as published at
     * developers.weixin.qq.com/doc/oplatform/Third-party_Platforms/2.0/operation/thirdparty/releases_instructions.html
     * (WeChat's tester picks among them at random).
     */
    public static final String PUBLISHED_TEST_ACCOUNTS = "wx570bc396a51b8ff8,wx9252c5e0bb1836fc,wx8e1097c5bc82cde9,"
            + "wx14550af28c71a144,wxa35b9c23cfe664eb,wxd101a85aa106f53e,wxc39235c15087f6f3,wx7720d01d4b2a4500,"
            + "wx05d483572dcd5d8b,wx5910277cae6fd970";

    /** The default of {@code wechat.callback.reply-timeout}. */
    public static final Duration DEFAULT_REPLY_TIMEOUT = Duration.ofSeconds(4);

    /** WeChat waits 5 s for the answer to a message (protocol §5.1). */
    private static final Duration WECHAT_WAITS = Duration.ofSeconds(5);

    /**
     * @throws ConfigurationException when the reply timeout is not a positive duration below 5 s, or an appid is
     *         not {@code wx} followed by letters and digits
     */
    public static AccountMessageSettings from(SettingsSource source) {
        Duration timeout = source.duration("wechat.callback.reply-timeout", DEFAULT_REPLY_TIMEOUT);
        if (timeout.isZero() || timeout.isNegative() || timeout.compareTo(WECHAT_WAITS) >= 0) {
            throw source.invalid("wechat.callback.reply-timeout",
                    "a positive duration below WeChat's 5s, such as 4s");
        }
        Set<String> appids = new LinkedHashSet<>();
        for (String appid : source.string("wechat.release-test.appids", PUBLISHED_TEST_ACCOUNTS).split(",")) {
            String trimmed = appid.trim();
            if (trimmed.isEmpty()) {
                continue;
            }
            if (!trimmed.matches("wx[0-9A-Za-z]{8,32}")) {
                throw source.invalid("wechat.release-test.appids", "appids (wx...) separated by commas");
            }
            appids.add(trimmed);
        }
        return new AccountMessageSettings(timeout, Set.copyOf(appids));
    }

    /** Whether messages of this account are WeChat's release test, answered by the bundle. */
    public boolean isReleaseTest(String authorizerAppid) {
        return authorizerAppid != null && releaseTestAppids.contains(authorizerAppid);
    }
}
