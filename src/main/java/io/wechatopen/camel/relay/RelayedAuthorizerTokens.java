package io.wechatopen.camel.relay;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.wechatopen.camel.AuthorizerUnavailableException;
import io.wechatopen.camel.AuthorizerUnavailableException.Reason;
import io.wechatopen.camel.token.AuthorizerTokenSource;
import io.wechatopen.camel.token.KeyedLocks;
import io.wechatopen.camel.token.TokenCache;

/**
 * The authorizer tokens of an instance in relay mode: fetched from the owner's relay endpoint, single-flight per
 * account, kept in memory for at most {@link RelayedComponentTokens#FRESHNESS} (that class says why), and served
 * until they expire while the relay cannot be reached. The owner's typed refusals come back as
 * {@link AuthorizerUnavailableException} with the same reason (UNKNOWN, UNAUTHORIZED, NEEDS_REAUTHORIZATION,
 * AMBIGUOUS); a relay that cannot be reached or refuses this instance is UNAVAILABLE. Thread-safe; never logs or
 * throws token values.
 */
public final class RelayedAuthorizerTokens implements AuthorizerTokenSource {

    private static final Duration EXPIRY_MARGIN = Duration.ofMinutes(1);
    /** The cache scope of {@link #accessToken(String)}: the owner picks the component. */
    private static final String ANY_COMPONENT = "";
    private static final Logger LOG = LoggerFactory.getLogger(RelayedAuthorizerTokens.class);

    private final Set<String> componentAppids;
    private final TokenRelayClient relay;
    private final TokenCache cache;
    private final KeyedLocks locks = new KeyedLocks();
    /** The component the owner named for an account (not a secret): {@link #componentOf} with several components. */
    private final Map<String, String> componentByAuthorizer = new ConcurrentHashMap<>();

    public RelayedAuthorizerTokens(Set<String> componentAppids, TokenRelayClient relay, Clock clock) {
        this.componentAppids = Set.copyOf(componentAppids);
        this.relay = relay;
        this.cache = new TokenCache(clock, RelayedComponentTokens.FRESHNESS);
    }

    @Override
    public String accessToken(String authorizerAppid) {
        return load(null, authorizerAppid);
    }

    @Override
    public String accessToken(String componentAppid, String authorizerAppid) {
        if (!componentAppids.contains(componentAppid)) {
            throw new AuthorizerUnavailableException(Reason.UNKNOWN, authorizerAppid,
                    "component " + componentAppid + " is not configured here");
        }
        return load(componentAppid, authorizerAppid);
    }

    private String load(String componentAppid, String authorizerAppid) {
        String scope = componentAppid == null ? ANY_COMPONENT : componentAppid;
        String cached = cache.fresh(scope, authorizerAppid);
        if (cached != null) {
            return cached;
        }
        try (KeyedLocks.Held held = locks.lock(scope + "/" + authorizerAppid)) {
            cached = cache.fresh(scope, authorizerAppid);
            if (cached != null) {
                return cached;
            }
            long stamp = cache.stamp();
            RelayedToken token = relay.authorizerToken(componentAppid, authorizerAppid);
            if (token.componentAppid() != null) {
                componentByAuthorizer.put(authorizerAppid, token.componentAppid());
            }
            cache.put(scope, authorizerAppid, token.accessToken(), token.expiresAt().minus(EXPIRY_MARGIN),
                    token.expiresAt(), stamp);
            return token.accessToken();
        } catch (TokenRelayException e) {
            String unexpired = e.transientFailure() ? cache.unexpired(scope, authorizerAppid) : null;
            if (unexpired != null) {
                LOG.warn("{}; serving the cached access token of {} until it expires", e.getMessage(),
                        authorizerAppid);
                return unexpired;
            }
            throw new AuthorizerUnavailableException(reasonOf(e), authorizerAppid, e.getMessage(), e);
        }
    }

    /** The owner's typed reason when it gave one, else UNAVAILABLE (unreachable, refused this instance). */
    private static Reason reasonOf(TokenRelayException e) {
        for (Reason reason : Reason.values()) {
            if (reason.name().equals(e.getError())) {
                return reason;
            }
        }
        return Reason.UNAVAILABLE;
    }

    /** Drops the account's cached tokens and reports the token to the owner (for every component it authorized). */
    @Override
    public void reportInvalid(String authorizerAppid, String token) {
        report(null, authorizerAppid, token);
    }

    @Override
    public void reportInvalid(String componentAppid, String authorizerAppid, String token) {
        report(componentAppid, authorizerAppid, token);
    }

    /** A report that fails is logged, not thrown: this instance has dropped the token in any case. */
    private void report(String componentAppid, String authorizerAppid, String token) {
        cache.invalidateEverywhere(authorizerAppid);
        try {
            relay.reportAuthorizerInvalid(componentAppid, authorizerAppid, token);
            LOG.info("Access token of {} reported invalid to the token relay {}", authorizerAppid, relay.baseUrl());
        } catch (RuntimeException e) {
            LOG.warn("Access token of {} refused by WeChat, but the report to the token relay failed: {}",
                    authorizerAppid, e.getMessage());
        } finally {
            cache.invalidateEverywhere(authorizerAppid);
        }
    }

    /**
     * The only configured component; with several, the one the owner names for the account (asking it for the
     * account's token once, which is then cached).
     */
    @Override
    public String componentOf(String authorizerAppid) {
        if (componentAppids.size() == 1) {
            return componentAppids.iterator().next();
        }
        String known = componentByAuthorizer.get(authorizerAppid);
        if (known != null) {
            return known;
        }
        load(null, authorizerAppid);
        String named = componentByAuthorizer.get(authorizerAppid);
        if (named == null) {
            throw new AuthorizerUnavailableException(Reason.UNAVAILABLE, authorizerAppid,
                    "the token relay did not name the component of " + authorizerAppid);
        }
        return named;
    }
}
