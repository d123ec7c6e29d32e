package io.wechatopen.camel.token;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.wechatopen.camel.api.ComponentApiClient;
import io.wechatopen.camel.api.WeChatApiException;
import io.wechatopen.camel.api.dto.ComponentTokenResponse;
import io.wechatopen.camel.config.ClusterSettings;
import io.wechatopen.camel.config.ComponentSettings;
import io.wechatopen.camel.config.TokenPolicy;
import io.wechatopen.camel.model.ComponentAccessToken;
import io.wechatopen.camel.model.ComponentVerifyTicket;
import io.wechatopen.camel.store.ComponentTokenStore;
import io.wechatopen.camel.store.StoreException;
import io.wechatopen.camel.store.TicketStore;

/**
 * Keeps each component's {@code component_access_token} valid: load, refresh once {@code expiresAt - skew <= now},
 * save. Refreshes are single-flight per component and re-check the store after taking the lock, so concurrent
 * callers cause one WeChat call (WeChat counts them per day). After a failure every path (the schedule, a new
 * ticket's wake-up, each on-demand use of the token) respects one shared {@link ApiBackoff} for
 * {@code api_component_token}: callers fail fast with the last error (or get the stored token while it has not
 * expired) until the back-off elapses or a new ticket arrives.
 *
 * <p>Several instances on one database fetch each token once per cycle: before calling WeChat an instance takes the
 * component's lease in the database ({@link ComponentTokenStore#tryLease}, holder {@code wechat.cluster.node-id},
 * for {@code wechat.cluster.lease-duration}) and re-reads the stored token, which another instance may have just
 * refreshed. While another instance holds the lease, callers wait for its token (polling the store, at most one lease
 * duration) and the schedule skips. The token WeChat issued is stored as the current one (WeChat's last-issued token
 * is the valid one) only while the lease is still held, and the lease is released in the same transaction.
 *
 * <p>{@link #accessToken} serves a token from this instance's {@link TokenCache} for up to
 * {@link TokenCache#FRESHNESS} after it was read from the database (well inside the 5 minutes WeChat still accepts a
 * token another instance superseded); a refresh here and {@link #reportInvalid} drop it at once, a token another
 * instance expired is dropped here within that bound (or at once, when WeChat refuses it here too).
 *
 * <p>Thread-safe. Never logs or throws token, ticket or secret values.
 */
public final class ComponentTokenManager implements ComponentTokenSource {

    /** What {@link #ensureFresh(String, boolean)} did. */
    public enum Outcome {
        /** The stored token is valid beyond the refresh skew; WeChat was not called. */
        STILL_VALID,
        /** A new token was obtained and stored. */
        REFRESHED,
        /** A previous failure's back-off has not elapsed; nothing was attempted. */
        BACKING_OFF,
        /** Another instance holds the lease and is fetching the token; nothing was attempted. */
        HELD_ELSEWHERE
    }

    /** The API name under which failures back off. */
    static final String API = "api_component_token";

    private static final Logger LOG = LoggerFactory.getLogger(ComponentTokenManager.class);
    private static final Duration MAX_POLL = Duration.ofMillis(200);
    /** The cache key of a component's token (the scope is the component appid). */
    private static final String TOKEN = "component_access_token";

    private final Map<String, ComponentSettings> components;
    private final TicketStore tickets;
    private final ComponentTokenStore tokens;
    private final ComponentApiClient api;
    private final TokenPolicy policy;
    private final ComponentHealth health;
    private final Clock clock;
    private final ApiBackoff backoff;
    private final String nodeId;
    private final Duration leaseDuration;
    private final Map<String, ReentrantLock> locks = new ConcurrentHashMap<>();
    /**
     * Per component, the token WeChat last called invalid (40001/42001/40014): not handed out again by this instance
     * (the store's copy is expired for the others).
     */
    private final Map<String, String> invalidTokens = new ConcurrentHashMap<>();
    /** Tokens read from the store, scope the component appid, key {@link #TOKEN}. */
    private final TokenCache cache;

    public ComponentTokenManager(Iterable<ComponentSettings> components, TicketStore tickets,
            ComponentTokenStore tokens, ComponentApiClient api, TokenPolicy policy, ComponentHealth health,
            ApiBackoff backoff, ClusterSettings cluster, Clock clock) {
        this.components = java.util.stream.StreamSupport.stream(components.spliterator(), false)
                .collect(Collectors.toUnmodifiableMap(ComponentSettings::appid, Function.identity()));
        this.tickets = tickets;
        this.tokens = tokens;
        this.api = api;
        this.policy = policy;
        this.health = health;
        this.backoff = backoff;
        this.nodeId = cluster.nodeId();
        this.leaseDuration = cluster.leaseDuration();
        this.clock = clock;
        this.cache = new TokenCache(clock, TokenCache.FRESHNESS);
    }

    /**
     * A token that is valid now, refreshing first when it is within the skew of expiry. When the refresh fails (or
     * is not attempted during a back-off) but the stored token has not expired yet, the stored token is returned.
     *
     * @throws IllegalArgumentException for a component that is not configured
     * @throws BackingOffException during the back-off after a failure, with the last error, when no unexpired token
     *         is held
     * @throws NoUsableTicketException when no token is held and no usable ticket is stored
     * @throws WeChatApiException when WeChat refuses and no unexpired token is held
     * @throws StoreException when the database cannot be read and this instance has cached no unexpired token
     */
    @Override
    public String accessToken(String componentAppid) {
        String cached = cache.fresh(componentAppid, TOKEN);
        if (cached != null) {
            return cached;
        }
        try {
            return load(componentAppid);
        } catch (StoreException e) {
            // No instance can store a newer token while the database cannot be read: a cached one is good until it
            // expires.
            String unexpired = cache.unexpired(componentAppid, TOKEN);
            if (unexpired == null) {
                throw e;
            }
            LOG.warn("The database cannot be read ({}); serving the cached component_access_token of {} until it"
                    + " expires", e.getMessage(), componentAppid);
            return unexpired;
        }
    }

    private String load(String componentAppid) {
        ComponentSettings component = component(componentAppid);
        long stamp = cache.stamp();
        Optional<ComponentAccessToken> stored = tokens.findToken(componentAppid);
        if (stored.isPresent() && usable(stored.get(), policy.refreshSkew())) {
            ComponentAccessToken token = stored.get();
            cache.put(componentAppid, TOKEN, token.token(), token.expiresAt().minus(policy.refreshSkew()),
                    token.expiresAt(), stamp);
            return token.token();
        }
        try {
            return refreshSingleFlight(component, false, true).orElseThrow().token();
        } catch (RuntimeException e) {
            Optional<ComponentAccessToken> current = tokens.findToken(componentAppid);
            if (current.isPresent() && usable(current.get(), Duration.ZERO)) {
                return current.get().token();
            }
            throw e;
        }
    }

    /**
     * The scheduled upkeep (and the reaction to a new ticket): refreshes when the stored token is missing or within
     * the skew of expiry. A refresh that failed is not retried before its back-off has elapsed, unless
     * {@code ticketArrived} says a new ticket may have fixed the cause.
     *
     * @throws NoUsableTicketException when a refresh is needed and no usable ticket is stored
     * @throws WeChatApiException when WeChat refuses (61004, 61005, 61006, 40125, ...), after reacting to it
     */
    public Outcome ensureFresh(String componentAppid, boolean ticketArrived) {
        ComponentSettings component = component(componentAppid);
        Optional<ComponentAccessToken> stored = tokens.findToken(componentAppid);
        if (stored.isPresent() && usable(stored.get(), policy.refreshSkew())) {
            return Outcome.STILL_VALID;
        }
        if (ticketArrived) {
            endBackoffForNewTicket(componentAppid);
        }
        if (backoff.state(componentAppid, API).isPresent()) {
            return Outcome.BACKING_OFF;
        }
        ComponentAccessToken before = stored.orElse(null);
        Optional<ComponentAccessToken> after = refreshSingleFlight(component, ticketArrived, false);
        if (after.isEmpty()) {
            return Outcome.HELD_ELSEWHERE;
        }
        return after.get().equals(before) ? Outcome.STILL_VALID : Outcome.REFRESHED;
    }

    /**
     * WeChat refused {@code token} (40001/42001/40014, e.g. another deployment fetched a newer one): it is not
     * handed out again, by this instance or any other on the database, and the next request refreshes (once,
     * cluster-wide, under the lease). The stored token is expired only while it is still {@code token}: a token
     * already replaced is left alone. A store that cannot be written is logged; this instance still stops handing the
     * token out.
     */
    @Override
    public void reportInvalid(String componentAppid, String token) {
        // Kept locally too: covers the moment before the write, and a write that fails.
        invalidTokens.put(componentAppid, token);
        cache.invalidate(TOKEN, componentAppid);
        try {
            if (tokens.expireToken(componentAppid, token, clock.instant())) {
                LOG.info("component_access_token of {} reported invalid; expired for every instance, it will be"
                        + " refreshed", componentAppid);
            }
        } catch (RuntimeException e) {
            LOG.warn("component_access_token of {} reported invalid, but it could not be expired in the store ({});"
                    + " this instance will refresh it", componentAppid, e.getMessage());
        }
    }

    private boolean usable(ComponentAccessToken token, Duration skew) {
        return token.isValidAt(clock.instant(), skew)
                && !token.token().equals(invalidTokens.get(token.componentAppid()));
    }

    /** The stored token, if any, whether valid or not (for status). */
    public Optional<ComponentAccessToken> storedToken(String componentAppid) {
        return tokens.findToken(componentAppid);
    }

    /** The configured component appids. */
    public java.util.Set<String> componentAppids() {
        return components.keySet();
    }

    private ComponentSettings component(String componentAppid) {
        ComponentSettings component = components.get(componentAppid);
        if (component == null) {
            throw new IllegalArgumentException("component appid " + componentAppid + " is not configured");
        }
        return component;
    }

    /** A new ticket may fix a refused ticket or secret; it does not restore a used-up daily quota (45009). */
    private void endBackoffForNewTicket(String componentAppid) {
        if (backoff.state(componentAppid, API).filter(ApiBackoff.State::quotaExhausted).isEmpty()) {
            backoff.reset(componentAppid, API);
        }
    }

    /**
     * @param wait whether to wait for the token of another instance that holds the lease (else return empty)
     * @return the usable or new token; empty when another instance holds the lease and {@code wait} is false
     * @throws LeaseHeldElsewhereException when another instance held the lease for a whole lease duration
     */
    private Optional<ComponentAccessToken> refreshSingleFlight(ComponentSettings component, boolean ticketArrived,
            boolean wait) {
        String appid = component.appid();
        ReentrantLock lock = locks.computeIfAbsent(appid, k -> new ReentrantLock());
        lock.lock();
        try {
            long waitUntil = System.nanoTime() + leaseDuration.toNanos();
            while (true) {
                // Another caller or instance may have refreshed while we waited.
                Optional<ComponentAccessToken> stored = tokens.findToken(appid);
                if (stored.isPresent() && usable(stored.get(), policy.refreshSkew())) {
                    return stored;
                }
                // A caller that waited while the holder failed fails fast too, unless it brings a ticket that arrived
                // after that failure (the holder may have asked WeChat for it).
                if (ticketArrived) {
                    endBackoffForNewTicket(appid);
                }
                backoff.check(appid, API);
                Instant now = clock.instant();
                if (tokens.tryLease(appid, nodeId, now, now.plus(leaseDuration))) {
                    return Optional.of(refreshUnderLease(component));
                }
                if (!wait) {
                    return Optional.empty();
                }
                long left = waitUntil - System.nanoTime();
                if (left <= 0) {
                    throw new LeaseHeldElsewhereException("component_access_token of " + appid
                            + " is being fetched by another instance, which has not stored it within "
                            + leaseDuration);
                }
                LockSupport.parkNanos(Math.min(left, pollInterval().toNanos()));
                if (Thread.interrupted()) {
                    Thread.currentThread().interrupt();
                    throw new LeaseHeldElsewhereException("interrupted while waiting for the component_access_token of "
                            + appid + " from another instance");
                }
            }
        } finally {
            lock.unlock();
        }
    }

    private Duration pollInterval() {
        Duration twentieth = leaseDuration.dividedBy(20);
        return twentieth.compareTo(MAX_POLL) < 0 ? twentieth : MAX_POLL;
    }

    /** Holding the lease: re-reads the store, else calls WeChat; the lease is released in every case. */
    private ComponentAccessToken refreshUnderLease(ComponentSettings component) {
        String appid = component.appid();
        boolean released = false;
        try {
            // Another instance may have stored a token, or failed and backed off, between our read and our lease
            // (it records the back-off before it releases the lease).
            Optional<ComponentAccessToken> stored = tokens.findToken(appid);
            if (stored.isPresent() && usable(stored.get(), policy.refreshSkew())) {
                return stored.get();
            }
            backoff.check(appid, API);
            ComponentAccessToken token;
            try {
                token = refresh(component);
                released = true;
            } catch (RuntimeException e) {
                backoff.failed(appid, API, e);
                throw e;
            }
            backoff.reset(appid, API);
            return token;
        } finally {
            // Whatever this refresh stored is read again.
            cache.invalidate(TOKEN, appid);
            if (!released) {
                tokens.releaseLease(appid, nodeId);
            }
        }
    }

    private ComponentAccessToken refresh(ComponentSettings component) {
        String appid = component.appid();
        Instant now = clock.instant();
        Optional<ComponentVerifyTicket> ticket = tickets.findTicket(appid);
        if (ticket.isEmpty() || !ticket.get().isUsableAt(now, policy.ticketMaxAge())) {
            String why = ticket.isEmpty() ? "no component_verify_ticket has been received"
                    : "the latest component_verify_ticket is " + ticket.get().ageAt(now).toMinutes()
                            + " min old (WeChat accepts 12 h)";
            startPushTicket(component, why);
            NoUsableTicketException e = new NoUsableTicketException("Cannot obtain a component_access_token for "
                    + appid + ": " + why + "; asked WeChat to push one (api_start_push_ticket). Check that WeChat can"
                    + " reach the 授权事件接收URL {{wechat.http.public-url}}/component/events");
            health.recordFailure(appid, now, "api_component_token", null, e.getMessage());
            throw e;
        }
        ComponentTokenResponse response;
        try {
            response = api.componentToken(appid, component.appsecret(), ticket.get().ticket());
        } catch (WeChatApiException e) {
            health.recordFailure(appid, clock.instant(), "api_component_token", e.getErrcode(), e.getMessage());
            if (e.getErrcode() == WeChatApiException.TICKET_EXPIRED
                    || e.getErrcode() == WeChatApiException.TICKET_INVALID) {
                startPushTicket(component, "WeChat refused the stored ticket (" + e.getErrcode() + ")");
            }
            throw e;
        } catch (RuntimeException e) {
            health.recordFailure(appid, clock.instant(), "api_component_token", null, e.getMessage());
            throw e;
        }
        if (response.componentAccessToken() == null || response.componentAccessToken().isEmpty()
                || response.expiresIn() <= 0) {
            IllegalStateException e = new IllegalStateException(
                    "api_component_token answered without component_access_token or expires_in");
            health.recordFailure(appid, clock.instant(), "api_component_token", null, e.getMessage());
            throw e;
        }
        Instant obtained = clock.instant();
        ComponentAccessToken token = new ComponentAccessToken(appid, response.componentAccessToken(), obtained,
                obtained.plusSeconds(response.expiresIn()));
        if (!tokens.saveLeasedToken(token, nodeId)) {
            // Our lease ran out and another instance took it over: the token it fetches supersedes ours.
            LOG.warn("The component_access_token lease of {} ran out during the call; the token was not stored",
                    appid);
            tokens.releaseLease(appid, nodeId);
            Optional<ComponentAccessToken> stored = tokens.findToken(appid);
            if (stored.isPresent() && usable(stored.get(), Duration.ZERO)) {
                token = stored.get();
            }
        }
        health.recordSuccess(appid, obtained, "api_component_token", "token valid until " + token.expiresAt());
        LOG.info("Obtained component_access_token for {} valid until {}", appid, token.expiresAt());
        return token;
    }

    private void startPushTicket(ComponentSettings component, String why) {
        try {
            api.startPushTicket(component.appid(), component.appsecret());
            LOG.warn("Asked WeChat to (re)start component_verify_ticket pushes for {}: {}", component.appid(), why);
        } catch (RuntimeException e) {
            health.recordFailure(component.appid(), clock.instant(), "api_start_push_ticket",
                    e instanceof WeChatApiException w ? w.getErrcode() : null, e.getMessage());
            LOG.error("api_start_push_ticket failed for {}: {}", component.appid(), e.getMessage());
        }
    }
}
