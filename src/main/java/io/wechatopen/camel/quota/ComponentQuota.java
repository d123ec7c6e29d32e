package io.wechatopen.camel.quota;

import java.time.Clock;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.wechatopen.camel.api.QuotaApiClient;
import io.wechatopen.camel.api.WeChatApiException;
import io.wechatopen.camel.api.dto.ApiQuotaResponse;
import io.wechatopen.camel.model.QuotaReading;
import io.wechatopen.camel.store.QuotaStore;
import io.wechatopen.camel.store.StoreException;

/**
 * WeChat's {@code getApiQuota} for the platforms of this deployment: on demand ({@link #quota}), and for the watched
 * APIs on a schedule ({@link #refreshAll}), whose readings are stored so that every instance shows them without
 * calling WeChat (WeChat counts the quota queries too). Thread-safe.
 */
public final class ComponentQuota {

    private static final Logger LOG = LoggerFactory.getLogger(ComponentQuota.class);

    private final Set<String> componentAppids;
    private final List<String> watchedApis;
    private final QuotaApiClient api;
    private final QuotaStore store;
    private final Clock clock;

    public ComponentQuota(Collection<String> componentAppids, List<String> watchedApis, QuotaApiClient api,
            QuotaStore store, Clock clock) {
        this.componentAppids = Set.copyOf(componentAppids);
        this.watchedApis = List.copyOf(watchedApis);
        this.api = Objects.requireNonNull(api, "api");
        this.store = Objects.requireNonNull(store, "store");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * The platform's own quota of {@code cgiPath}, asked with the component token.
     *
     * @throws IllegalArgumentException when the component is not configured or the path is not an API path
     * @throws WeChatApiException with WeChat's errcode (76021 unknown path, 76022 not the platform's API, ...)
     */
    public ApiQuotaResponse quota(String componentAppid, String cgiPath) {
        checkComponent(componentAppid);
        return api.componentQuota(componentAppid, checkPath(cgiPath));
    }

    /**
     * An authorized account's quota of {@code cgiPath}, asked with its token through the platform (the answer holds
     * {@code component_rate_limit}).
     *
     * @throws io.wechatopen.camel.AuthorizerUnavailableException when the account has no usable token
     */
    public ApiQuotaResponse quota(String componentAppid, String authorizerAppid, String cgiPath) {
        checkComponent(componentAppid);
        if (authorizerAppid == null || !authorizerAppid.matches("[A-Za-z0-9_]{1,64}")) {
            throw new IllegalArgumentException("authorizer_appid must be an appid such as wx1000000000000001");
        }
        return api.authorizerQuota(componentAppid, authorizerAppid, checkPath(cgiPath));
    }

    /**
     * Reads the quota of every watched API of every component and stores it; a failure is stored with its errcode
     * (-1 without an answer) and the others are read all the same.
     *
     * @return how many readings succeeded
     */
    public int refreshAll() {
        int read = 0;
        for (String componentAppid : componentAppids) {
            for (String cgiPath : watchedApis) {
                try {
                    ApiQuotaResponse.Quota quota = api.componentQuota(componentAppid, cgiPath).quota();
                    if (quota == null) {
                        store.saveFailedReading(componentAppid, cgiPath, -1, "no quota in WeChat's answer",
                                clock.instant());
                        continue;
                    }
                    store.saveReading(componentAppid, cgiPath, quota.dailyLimit(), quota.used(), quota.remain(),
                            clock.instant());
                    read++;
                } catch (WeChatApiException e) {
                    LOG.warn("getApiQuota of {} for {} failed: errcode {}", cgiPath, componentAppid, e.getErrcode());
                    store.saveFailedReading(componentAppid, cgiPath, e.getErrcode(), e.getMessage(), clock.instant());
                } catch (StoreException e) {
                    throw e;
                } catch (RuntimeException e) {
                    LOG.warn("getApiQuota of {} for {} failed: {}", cgiPath, componentAppid,
                            e.getClass().getSimpleName());
                    store.saveFailedReading(componentAppid, cgiPath, -1, e.getClass().getSimpleName(),
                            clock.instant());
                }
            }
        }
        return read;
    }

    /** The stored readings of a component's watched APIs, by cgi_path. */
    public List<QuotaReading> readings(String componentAppid) {
        return store.readings(componentAppid);
    }

    /** The APIs {@link #refreshAll} reads. */
    public List<String> watchedApis() {
        return watchedApis;
    }

    private void checkComponent(String componentAppid) {
        if (!componentAppids.contains(componentAppid)) {
            throw new IllegalArgumentException("component " + componentAppid + " is not configured");
        }
    }

    private static String checkPath(String cgiPath) {
        if (cgiPath == null || !cgiPath.startsWith("/") || cgiPath.contains("?") || cgiPath.length() > 256) {
            throw new IllegalArgumentException("cgi_path must be an API path such as /cgi-bin/message/custom/send");
        }
        return cgiPath;
    }
}
