package io.wechatopen.camel.quota;

import java.time.Clock;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.wechatopen.camel.api.QuotaApiClient;
import io.wechatopen.camel.api.WeChatApiException;
import io.wechatopen.camel.api.WeChatHttpException;
import io.wechatopen.camel.api.WeChatUnreachableException;
import io.wechatopen.camel.config.ComponentSettings;
import io.wechatopen.camel.store.QuotaStore;
import io.wechatopen.camel.token.ApiBackoff;
import io.wechatopen.camel.token.AuthorizerTicketManager;

/**
 * {@code clear_quota/v2} as an operator's action, never automatic: WeChat allows {@value #MONTHLY_RESETS} resets
 * per account and calendar month (Beijing time) across {@code clear_quota} and {@code clear_quota/v2}, and refuses
 * more with 48006. Each reset is counted in the database before WeChat is called, by a compare-and-set, so that
 * instances never spend more than the budget together; a reset WeChat did not carry out (an errcode, an HTTP error, a
 * connection never made) is given back, one whose outcome is unknown (a lost answer) stays counted, and a 48006 marks
 * the month spent. After a reset of the platform's own quotas the 45009 breakers of its APIs end
 * ({@link ApiBackoff#resetAll}). The AppSecret goes only into the request body, never into a log or an error.
 */
public final class QuotaClearance {

    /** WeChat's budget: 10 resets per account and month (clear_quota and clear_quota/v2 together). */
    public static final int MONTHLY_RESETS = 10;
    /** WeChat's calendar: the month changes at midnight Beijing time. */
    static final ZoneOffset WECHAT_TIME = ZoneOffset.ofHours(8);
    /** WeChat's errcode for a reset beyond the monthly budget. */
    static final int RESETS_SPENT = 48006;

    private static final Logger LOG = LoggerFactory.getLogger(QuotaClearance.class);

    private final Map<String, ComponentSettings> components;
    private final QuotaApiClient api;
    private final QuotaStore store;
    private final ApiBackoff backoff;
    private final Clock clock;

    /**
     * The month's resets of one account.
     *
     * @param month {@code YYYY-MM} in Beijing time
     * @param used resets counted this month
     * @param left resets left this month
     */
    public record Budget(String month, int used, int left) {
    }

    public QuotaClearance(Collection<ComponentSettings> components, QuotaApiClient api, QuotaStore store,
            ApiBackoff backoff, Clock clock) {
        Map<String, ComponentSettings> byAppid = new LinkedHashMap<>();
        components.forEach(c -> byAppid.put(c.appid(), c));
        this.components = Map.copyOf(byAppid);
        this.api = Objects.requireNonNull(api, "api");
        this.store = Objects.requireNonNull(store, "store");
        this.backoff = Objects.requireNonNull(backoff, "backoff");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** The month of {@code at} in WeChat's calendar, {@code YYYY-MM}. */
    static String monthOf(Instant at) {
        return YearMonth.from(at.atOffset(WECHAT_TIME)).toString();
    }

    /**
     * This month's resets of the platform ({@code authorizerAppid} null) or of an account.
     *
     * @throws IllegalArgumentException when the component is not configured
     */
    public Budget budget(String componentAppid, String authorizerAppid) {
        String target = target(componentAppid, authorizerAppid);
        String month = monthOf(clock.instant());
        int used = store.resetsUsed(componentAppid, target, month);
        return new Budget(month, used, Math.max(0, MONTHLY_RESETS - used));
    }

    /**
     * Resets the platform's quotas ({@code authorizerAppid} null) or an authorized account's, with clear_quota/v2.
     *
     * @return the month's budget after the reset
     * @throws QuotaResetRefusedException when this month's resets are spent: WeChat is not called (or answered 48006)
     * @throws WeChatApiException WeChat's refusal (e.g. 40013 for an account that did not authorize the platform)
     * @throws WeChatUnreachableException when WeChat could not be reached or its answer was lost
     * @throws IllegalArgumentException when the component is not configured or the appid is malformed
     */
    public Budget clear(String componentAppid, String authorizerAppid) {
        String target = target(componentAppid, authorizerAppid);
        Instant now = clock.instant();
        String month = monthOf(now);
        if (!store.reserveReset(componentAppid, target, month, MONTHLY_RESETS, now)) {
            throw new QuotaResetRefusedException("the " + MONTHLY_RESETS + " quota resets of " + target + " in "
                    + month + " (Beijing time) are spent; WeChat was not called",
                    new Budget(month, MONTHLY_RESETS, 0));
        }
        try {
            api.clearQuota(componentAppid, components.get(componentAppid).appsecret(), authorizerAppid);
        } catch (WeChatApiException e) {
            if (e.getErrcode() == RESETS_SPENT) {
                store.markResetsSpent(componentAppid, target, month, MONTHLY_RESETS, clock.instant());
                throw new QuotaResetRefusedException("WeChat refused the reset of " + target
                        + ": this month's resets are spent (48006)", new Budget(month, MONTHLY_RESETS, 0));
            }
            store.releaseReset(componentAppid, target, month, clock.instant());
            throw e;
        } catch (WeChatHttpException e) {
            store.releaseReset(componentAppid, target, month, clock.instant());
            throw e;
        } catch (WeChatUnreachableException e) {
            if (!e.mayHaveReachedWeChat()) {
                store.releaseReset(componentAppid, target, month, clock.instant());
            }
            throw e;
        }
        if (authorizerAppid == null) {
            int ended = backoff.resetAll(componentAppid);
            LOG.info("Quota of {} reset with clear_quota/v2; {} API back-off(s) ended", componentAppid, ended);
        } else {
            // the account's own quota breakers (its getticket) end with it
            backoff.reset(componentAppid, AuthorizerTicketManager.QUOTA_API_PREFIX + authorizerAppid);
            LOG.info("Quota of {} reset with clear_quota/v2 for {}", authorizerAppid, componentAppid);
        }
        return budget(componentAppid, authorizerAppid);
    }

    private String target(String componentAppid, String authorizerAppid) {
        if (!components.containsKey(componentAppid)) {
            throw new IllegalArgumentException("component " + componentAppid + " is not configured");
        }
        if (authorizerAppid == null) {
            return componentAppid;
        }
        if (!authorizerAppid.matches("[A-Za-z0-9_]{1,64}")) {
            throw new IllegalArgumentException("authorizer_appid must be an appid such as wx1000000000000001");
        }
        return authorizerAppid;
    }
}
