package io.wechatopen.camel.relay;

import java.time.Clock;
import java.time.Duration;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.wechatopen.camel.token.ComponentTokenSource;
import io.wechatopen.camel.token.KeyedLocks;
import io.wechatopen.camel.token.TokenCache;

/**
 * The component tokens of an instance in relay mode: fetched from the owner's relay endpoint, single-flight per
 * component, and kept in memory for at most {@link #FRESHNESS} (and never past a minute before they expire).
 *
 * <p>Why a minute and not until shortly before expiry: the owner may replace its token early (WeChat refused it, an
 * operator refreshed); WeChat accepts the replaced token for 5 more minutes, so a relay that asks again every minute
 * never serves a token past that grace. While the relay cannot be reached (or answers 5xx) a cached token is served
 * until it expires. {@link #reportInvalid} drops the cached token and reports it to the owner, which expires it and
 * fetches a new one. Thread-safe; never logs or throws token values.
 */
public final class RelayedComponentTokens implements ComponentTokenSource {

    /** How long a relayed token is served from memory before the relay is asked again. */
    public static final Duration FRESHNESS = Duration.ofMinutes(1);
    private static final Duration EXPIRY_MARGIN = Duration.ofMinutes(1);
    private static final String SCOPE = "component_access_token";
    private static final Logger LOG = LoggerFactory.getLogger(RelayedComponentTokens.class);

    private final Set<String> componentAppids;
    private final TokenRelayClient relay;
    private final TokenCache cache;
    private final KeyedLocks locks = new KeyedLocks();

    public RelayedComponentTokens(Set<String> componentAppids, TokenRelayClient relay, Clock clock) {
        this.componentAppids = Set.copyOf(componentAppids);
        this.relay = relay;
        this.cache = new TokenCache(clock, FRESHNESS);
    }

    /**
     * @throws IllegalArgumentException for a component that is not configured
     * @throws TokenRelayException when the relay gives no token and none is cached
     */
    @Override
    public String accessToken(String componentAppid) {
        if (!componentAppids.contains(componentAppid)) {
            throw new IllegalArgumentException("component appid " + componentAppid + " is not configured");
        }
        String cached = cache.fresh(SCOPE, componentAppid);
        if (cached != null) {
            return cached;
        }
        try (KeyedLocks.Held held = locks.lock(componentAppid)) {
            // Another caller may have fetched it while this one waited.
            cached = cache.fresh(SCOPE, componentAppid);
            if (cached != null) {
                return cached;
            }
            long stamp = cache.stamp();
            RelayedToken token = relay.componentToken(componentAppid);
            cache.put(SCOPE, componentAppid, token.accessToken(), token.expiresAt().minus(EXPIRY_MARGIN),
                    token.expiresAt(), stamp);
            return token.accessToken();
        } catch (TokenRelayException e) {
            String unexpired = e.transientFailure() ? cache.unexpired(SCOPE, componentAppid) : null;
            if (unexpired == null) {
                throw e;
            }
            LOG.warn("{}; serving the cached component_access_token of {} until it expires", e.getMessage(),
                    componentAppid);
            return unexpired;
        }
    }

    /** Drops the cached token and reports it to the owner; a report that fails is logged, not thrown. */
    @Override
    public void reportInvalid(String componentAppid, String token) {
        cache.invalidate(componentAppid, SCOPE);
        try {
            relay.reportComponentInvalid(componentAppid, token);
            LOG.info("component_access_token of {} reported invalid to the token relay {}", componentAppid,
                    relay.baseUrl());
        } catch (RuntimeException e) {
            LOG.warn("component_access_token of {} refused by WeChat, but the report to the token relay failed: {}",
                    componentAppid, e.getMessage());
        } finally {
            cache.invalidate(componentAppid, SCOPE);
        }
    }
}
