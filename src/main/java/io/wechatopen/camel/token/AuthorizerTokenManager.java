package io.wechatopen.camel.token;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.wechatopen.camel.AuthorizerTokens;
import io.wechatopen.camel.AuthorizerUnavailableException;
import io.wechatopen.camel.AuthorizerUnavailableException.Reason;
import io.wechatopen.camel.api.ComponentApiClient;
import io.wechatopen.camel.api.WeChatApiException;
import io.wechatopen.camel.api.dto.AuthorizerInfoResponse;
import io.wechatopen.camel.api.dto.AuthorizerListResponse;
import io.wechatopen.camel.api.dto.AuthorizerTokenResponse;
import io.wechatopen.camel.config.AuthorizeSettings;
import io.wechatopen.camel.config.ClusterSettings;
import io.wechatopen.camel.config.TokenPolicy;
import io.wechatopen.camel.model.AuthorizationChange;
import io.wechatopen.camel.model.AuthorizerRecord;
import io.wechatopen.camel.model.AuthorizerStatus;
import io.wechatopen.camel.store.AuthorizerStore;
import io.wechatopen.camel.store.AuthorizerStore.RefreshBackoff;
import io.wechatopen.camel.store.StoreException;
import io.wechatopen.camel.token.WeChatMetrics.RefreshOutcome;

/**
 * Keeps authorizer access tokens valid and hands them out ({@link AuthorizerTokens}). Refreshes are single-flight
 * per component and account and re-read the store after taking the lock. Every token write is a compare-and-set on
 * the refresh token the refresh started from, so a refresh racing with a re-authorization, a recovery or another
 * instance never writes dead tokens back; a miss re-reads the row. A returned refresh token is stored only when
 * non-empty.
 *
 * <p>WeChat rules applied: 61023 (refresh token refused) starts a recovery ladder — re-read the store (another
 * instance may hold a newer token), then ask {@code api_get_authorizer_info} and {@code api_get_authorizer_list}
 * for the current refresh token. The account is marked NEEDS_REAUTHORIZATION (once, so no retry storm follows) only
 * on definitive answers: both recovery calls answered and every token they gave was refused too. A timeout, -1,
 * 45009 or any other temporary failure leaves the account AUTHORIZED and retries it after a per-account back-off
 * (doubling from {@code wechat.authorizer.retry-min-backoff} up to {@code wechat.authorizer.retry-max-backoff}),
 * during which the sweep skips it and callers fail fast with the last error. 61003 means the account withdrew:
 * UNAUTHORIZED.
 *
 * <p>Several instances on one database refresh each account once per cycle: every refresh (a sweep's, an on-demand
 * one, an operator's) holds the account's lease in the database (holder {@code wechat.cluster.node-id}, for
 * {@code wechat.cluster.lease-duration}), taken after the local lock and before calling WeChat; the sweep claims its
 * accounts as its slots free ({@link #claimDueForRefresh}, {@link #refreshClaimed}). While another instance holds the lease a caller waits for its
 * token (re-reading the row, at most one lease duration) instead of calling WeChat. The result is stored only while
 * the lease is still held, and the lease is released in the same transaction. The back-off after failures is kept in
 * the row, so every instance respects it.
 *
 * <p>Reads are served from a {@link TokenCache} of this instance for up to {@link TokenCache#FRESHNESS} after the
 * row was read (well inside the 5 minutes WeChat still accepts a token another instance superseded); every refresh
 * here and every {@link #reportInvalid} drops the account's cached tokens at once. Status changes stored by another
 * instance, or by the authorization event and reconciliation paths of this one, are seen within that bound.
 *
 * <p>Thread-safe; never logs or throws token values.
 */
public final class AuthorizerTokenManager implements AuthorizerTokenSource {

    static final int REFRESH_TOKEN_INVALID = 61023;
    static final int NOT_AUTHORIZED = 61003;
    /** Bounded retries of a compare-and-set that lost to a harmless change (e.g. account facts saved). */
    private static final int MAX_CAS_ROUNDS = 3;
    private static final Logger LOG = LoggerFactory.getLogger(AuthorizerTokenManager.class);
    private static final Duration MAX_POLL = Duration.ofMillis(200);
    /** The cache scope of {@link #accessToken(String)}: the component was found by {@link #componentOf}. */
    private static final String ANY_COMPONENT = "";

    private final Set<String> componentAppids;
    private final AuthorizerStore store;
    private final ComponentApiClient api;
    private final TokenPolicy policy;
    private final Duration minRetry;
    private final Duration maxRetry;
    private final WeChatMetrics metrics;
    private final Clock clock;
    private final String nodeId;
    private final Duration leaseDuration;
    private final KeyedLocks locks = new KeyedLocks();
    /**
     * Accounts this instance's sweep claimed and has not refreshed yet. A refresh of this instance that reaches one
     * first (an on-demand refresh shares the node id, so the sweep's lease does not stop it) takes it out, and the
     * sweep then leaves it: no second call to WeChat. At most the sweep's concurrency in size.
     */
    private final Set<String> sweepClaims = ConcurrentHashMap.newKeySet();
    /** Tokens read from the store, per component appid (and {@link #ANY_COMPONENT}) and authorizer appid. */
    private final TokenCache cache;

    public AuthorizerTokenManager(Set<String> componentAppids, AuthorizerStore store, ComponentApiClient api,
            TokenPolicy policy, AuthorizeSettings settings, WeChatMetrics metrics, ClusterSettings cluster,
            Clock clock) {
        this.componentAppids = Set.copyOf(componentAppids);
        this.store = store;
        this.api = api;
        this.policy = policy;
        this.minRetry = settings.retryMinBackoff();
        this.maxRetry = settings.retryMaxBackoff();
        this.metrics = metrics;
        this.nodeId = cluster.nodeId();
        this.leaseDuration = cluster.leaseDuration();
        this.clock = clock;
        this.cache = new TokenCache(clock, TokenCache.FRESHNESS);
    }

    @Override
    public String accessToken(String authorizerAppid) {
        String cached = cache.fresh(ANY_COMPONENT, authorizerAppid);
        if (cached != null) {
            return cached;
        }
        return orCachedWhileStoreDown(ANY_COMPONENT, authorizerAppid, () -> {
            long stamp = cache.stamp();
            return load(componentOf(authorizerAppid), authorizerAppid, ANY_COMPONENT, stamp);
        });
    }

    /**
     * {@inheritDoc}
     *
     * <p>Served from this instance's {@link TokenCache} for up to {@link TokenCache#FRESHNESS} after the token was
     * read from the database (the cache's Javadoc says why that is safe in a cluster); a refresh or a
     * {@link #reportInvalid} here drops it at once. While the database cannot be read, a cached token that has not
     * expired is served; otherwise the {@link io.wechatopen.camel.store.StoreException} is thrown.
     */
    @Override
    public String accessToken(String componentAppid, String authorizerAppid) {
        String cached = cache.fresh(componentAppid, authorizerAppid);
        if (cached != null) {
            return cached;
        }
        return orCachedWhileStoreDown(componentAppid, authorizerAppid,
                () -> load(componentAppid, authorizerAppid, componentAppid, cache.stamp()));
    }

    /** Reads the stored token (refreshing when due) and caches it under {@code scope} when it is valid. */
    private String load(String componentAppid, String authorizerAppid, String scope, long stamp) {
        AuthorizerRecord record = store.find(componentAppid, authorizerAppid)
                .filter(r -> componentAppids.contains(r.componentAppid()))
                .orElseThrow(() -> new AuthorizerUnavailableException(Reason.UNKNOWN, authorizerAppid,
                        "account " + authorizerAppid + " has not authorized component " + componentAppid));
        requireAuthorized(record);
        Optional<String> valid = record.accessTokenValidAt(clock.instant(), policy.refreshSkew());
        if (valid.isPresent()) {
            cache.put(scope, authorizerAppid, valid.get(), record.accessTokenExpiresAt().minus(policy.refreshSkew()),
                    record.accessTokenExpiresAt(), stamp);
            return valid.get();
        }
        try {
            return refresh(componentAppid, authorizerAppid);
        } catch (AuthorizerUnavailableException e) {
            if (e.getReason() == Reason.UNAVAILABLE) {
                // WeChat is unreachable: a token that has not expired yet is still good.
                Optional<String> unexpired = store.find(componentAppid, authorizerAppid)
                        .flatMap(r -> r.accessTokenValidAt(clock.instant(), Duration.ZERO));
                if (unexpired.isPresent()) {
                    return unexpired.get();
                }
            }
            throw e;
        }
    }

    /** The database cannot be read: no instance can store a newer token, so a cached one is good until it expires. */
    private String orCachedWhileStoreDown(String scope, String authorizerAppid, Supplier<String> load) {
        try {
            return load.get();
        } catch (StoreException e) {
            String unexpired = cache.unexpired(scope, authorizerAppid);
            if (unexpired == null) {
                throw e;
            }
            LOG.warn("The database cannot be read ({}); serving the cached access token of {} until it expires",
                    e.getMessage(), authorizerAppid);
            return unexpired;
        }
    }

    /**
     * {@inheritDoc}
     *
     * <p>This instance stops serving a cached token of the account at once, even when the database cannot be written.
     */
    @Override
    public void reportInvalid(String authorizerAppid, String token) {
        cache.invalidateEverywhere(authorizerAppid);
        for (AuthorizerRecord record : store.findByAuthorizer(authorizerAppid)) {
            reportInvalid(record.componentAppid(), authorizerAppid, token);
        }
    }

    /**
     * Expires exactly {@code token} of one component's account, so the next request refreshes. This instance stops
     * serving its cached token of the account at once (before and after the write, so that no read racing with the
     * write caches the refused token), even when the database cannot be written.
     */
    @Override
    public void reportInvalid(String componentAppid, String authorizerAppid, String token) {
        forget(authorizerAppid);
        try {
            if (store.expireAccessToken(componentAppid, authorizerAppid, token)) {
                LOG.info("Access token of {} (component {}) reported invalid; it will be refreshed", authorizerAppid,
                        componentAppid);
            }
        } finally {
            forget(authorizerAppid);
        }
    }

    /** Drops this instance's cached tokens of an account (a local write changed or refused them). */
    private void forget(String authorizerAppid) {
        cache.invalidateEverywhere(authorizerAppid);
    }

    /** The component an account authorized, when it authorized exactly one (or one still current). */
    @Override
    public String componentOf(String authorizerAppid) {
        List<AuthorizerRecord> rows = store.findByAuthorizer(authorizerAppid).stream()
                .filter(r -> componentAppids.contains(r.componentAppid())).toList();
        if (rows.isEmpty()) {
            throw new AuthorizerUnavailableException(Reason.UNKNOWN, authorizerAppid,
                    "account " + authorizerAppid + " has not authorized this platform");
        }
        if (rows.size() == 1) {
            return rows.get(0).componentAppid();
        }
        List<AuthorizerRecord> current = rows.stream().filter(r -> r.status() == AuthorizerStatus.AUTHORIZED)
                .toList();
        if (current.size() == 1) {
            return current.get(0).componentAppid();
        }
        throw new AuthorizerUnavailableException(Reason.AMBIGUOUS, authorizerAppid, "account " + authorizerAppid
                + " authorized several components of this deployment; name the component (WeChatComponentAppid)");
    }

    /**
     * The sweep's work for one account: refreshes when its token is missing or within the skew of expiry, unless
     * the account is backing off after a failed refresh. The account's lease (claimed by the sweep) is released
     * afterwards in every case.
     *
     * @return true when a new token was stored
     * @throws AuthorizerUnavailableException when no token can be had
     */
    public boolean refreshIfDue(String componentAppid, String authorizerAppid) {
        try (KeyedLocks.Held held = locks.lock(key(componentAppid, authorizerAppid))) {
            sweepClaims.remove(key(componentAppid, authorizerAppid));
            Optional<AuthorizerRecord> record = store.find(componentAppid, authorizerAppid);
            Instant now = clock.instant();
            if (record.isEmpty() || record.get().status() != AuthorizerStatus.AUTHORIZED
                    || record.get().accessTokenValidAt(now, policy.refreshSkew()).isPresent()
                    || backingOff(componentAppid, authorizerAppid).isPresent()
                    || !store.tryLease(componentAppid, authorizerAppid, nodeId, now, now.plus(leaseDuration))) {
                if (record.isPresent()) {
                    store.releaseLease(componentAppid, authorizerAppid, nodeId);
                }
                return false;
            }
            refreshUnderLease(componentAppid, authorizerAppid, false);
            return true;
        }
    }

    /**
     * The sweep's work for one account it claimed ({@link #claimDueForRefresh}) and still leases: refreshes with the
     * claimed row's refresh token and stores the result as a compare-and-set on the row's version that releases the
     * lease in the same statement, so an undisturbed refresh costs one call to WeChat and one write. When the row
     * changed meanwhile the general compare-and-set decides; 61023 goes up the recovery ladder; a temporary failure
     * backs the account off (and releases the lease). An account another refresh of this instance reached first is
     * left to it.
     *
     * @return true when a new token was stored (or a newer one found)
     * @throws AuthorizerUnavailableException when no token can be had
     */
    public boolean refreshClaimed(AuthorizerRecord claimed) {
        String componentAppid = claimed.componentAppid();
        String authorizerAppid = claimed.authorizerAppid();
        String key = key(componentAppid, authorizerAppid);
        KeyedLocks.Held held = locks.tryLock(key);
        if (held == null) {
            // Another refresh of this account runs on this instance: decide from the row once it is done.
            return refreshIfDue(componentAppid, authorizerAppid);
        }
        boolean released = false;
        try (held) {
            if (!sweepClaims.remove(key)) {
                // Refreshed on demand since the claim (which that refresh's write released), or never claimed here.
                released = true;
                return false;
            }
            Optional<AuthorizerTokenResponse> response = callRefresh(claimed, claimed.refreshToken());
            if (response.isEmpty()) {
                refreshWithLadder(claimed, claimed.refreshToken());
                return true;
            }
            Instant expiresAt = expiresAt(response.get());
            if (store.saveRefreshedTokenIfUnchanged(componentAppid, authorizerAppid, claimed.version(), nodeId,
                    response.get().authorizerAccessToken(), expiresAt, response.get().authorizerRefreshToken())) {
                released = true;
                metrics.authorizerRefresh(RefreshOutcome.REFRESHED);
                return true;
            }
            storeRefreshed(claimed, claimed.refreshToken(), response.get(), expiresAt, RefreshOutcome.REFRESHED);
            return true;
        } catch (AuthorizerUnavailableException e) {
            if (e.getReason() == Reason.UNAVAILABLE) {
                backOff(componentAppid, authorizerAppid, e.getMessage());
                released = true;
                metrics.authorizerRefresh(RefreshOutcome.FAILED);
            }
            throw e;
        } finally {
            // Every local refresh drops this instance's cached token at once (see TokenCache).
            forget(authorizerAppid);
            if (!released) {
                store.releaseLease(componentAppid, authorizerAppid, nodeId);
            }
        }
    }

    /**
     * Refreshes the account's access token now, even when the stored one is still valid or the account is backing
     * off after a failed refresh: an operator's request ({@code wechat:refresh}). Follows the same single-flight,
     * compare-and-set path as every refresh.
     *
     * @return when the new token expires
     * @throws AuthorizerUnavailableException when the account is unknown, not authorized, or no token can be had
     */
    public Instant refreshNow(String authorizerAppid) {
        String componentAppid = componentOf(authorizerAppid);
        refresh(componentAppid, authorizerAppid, true);
        return current(componentAppid, authorizerAppid).accessTokenExpiresAt();
    }

    /**
     * Claims for this instance, for one lease duration, at most {@code limit} accounts of a component whose token
     * needs refreshing now and that no other instance holds and that are not backing off; soonest first. Each is
     * then handed to {@link #refreshIfDue}, which releases its lease.
     */
    public List<AuthorizerRecord> claimDueForRefresh(String componentAppid, int limit) {
        Instant now = clock.instant();
        List<AuthorizerRecord> claimed = store.claimDueForRefresh(componentAppid, now.plus(policy.refreshSkew()),
                nodeId, now, now.plus(leaseDuration), limit);
        claimed.forEach(row -> sweepClaims.add(key(row.componentAppid(), row.authorizerAppid())));
        return claimed;
    }

    /**
     * Gives back a claim the sweep will not refresh (it stopped before handing the account on): the lease is
     * released, so another instance or the next sweep takes the account at once.
     */
    public void releaseClaim(AuthorizerRecord claimed) {
        sweepClaims.remove(key(claimed.componentAppid(), claimed.authorizerAppid()));
        store.releaseLease(claimed.componentAppid(), claimed.authorizerAppid(), nodeId);
    }

    /**
     * Announces a sweep of the component's tokens for {@code maxDuration}: every instance joins it
     * ({@link #sweepsUnderway}), so the whole cluster sweeps while the schedule fires on one instance.
     */
    public void announceSweep(String componentAppid, Duration maxDuration) {
        store.announceSweep(componentAppid, nodeId, clock.instant().plus(maxDuration));
    }

    /** @return the components of this instance whose announced sweep is under way */
    public List<String> sweepsUnderway() {
        return store.sweepsUnderway(clock.instant()).stream().filter(componentAppids::contains).toList();
    }

    /** Ends the component's announced sweep: no due account was left to claim. */
    public void endSweep(String componentAppid) {
        store.endSweep(componentAppid);
    }

    private static void requireAuthorized(AuthorizerRecord record) {
        switch (record.status()) {
            case UNAUTHORIZED -> throw new AuthorizerUnavailableException(Reason.UNAUTHORIZED,
                    record.authorizerAppid(), "account " + record.authorizerAppid() + " withdrew its authorization");
            case NEEDS_REAUTHORIZATION -> throw new AuthorizerUnavailableException(Reason.NEEDS_REAUTHORIZATION,
                    record.authorizerAppid(), "account " + record.authorizerAppid()
                            + " must authorize again: WeChat refused its refresh token (61023)");
            default -> {
            }
        }
    }

    private Optional<RefreshBackoff> backingOff(String componentAppid, String authorizerAppid) {
        return store.findRefreshBackoff(componentAppid, authorizerAppid)
                .filter(retry -> clock.instant().isBefore(retry.retryAt()));
    }

    private String refresh(String componentAppid, String authorizerAppid) {
        return refresh(componentAppid, authorizerAppid, false);
    }

    private String refresh(String componentAppid, String authorizerAppid, boolean now) {
        try (KeyedLocks.Held held = locks.lock(key(componentAppid, authorizerAppid))) {
            sweepClaims.remove(key(componentAppid, authorizerAppid));
            long waitUntil = System.nanoTime() + leaseDuration.toNanos();
            while (true) {
                // Another caller or instance may have refreshed while we waited.
                AuthorizerRecord record = current(componentAppid, authorizerAppid);
                requireAuthorized(record);
                Optional<String> valid = record.accessTokenValidAt(clock.instant(), policy.refreshSkew());
                if (valid.isPresent() && !now) {
                    return valid.get();
                }
                Optional<RefreshBackoff> retry = backingOff(componentAppid, authorizerAppid);
                if (retry.isPresent() && !now) {
                    throw new AuthorizerUnavailableException(Reason.UNAVAILABLE, authorizerAppid, "account "
                            + authorizerAppid + " is not refreshed before " + retry.get().retryAt()
                            + " after a failed refresh: " + retry.get().error());
                }
                Instant at = clock.instant();
                if (store.tryLease(componentAppid, authorizerAppid, nodeId, at, at.plus(leaseDuration))) {
                    return refreshUnderLease(componentAppid, authorizerAppid, now);
                }
                long left = waitUntil - System.nanoTime();
                if (now || left <= 0) {
                    throw new AuthorizerUnavailableException(Reason.UNAVAILABLE, authorizerAppid, "account "
                            + authorizerAppid + " is being refreshed by another instance; try again");
                }
                // Another instance refreshes the account: wait for its token rather than ask WeChat twice.
                LockSupport.parkNanos(Math.min(left, pollInterval().toNanos()));
                if (Thread.interrupted()) {
                    Thread.currentThread().interrupt();
                    throw new AuthorizerUnavailableException(Reason.UNAVAILABLE, authorizerAppid,
                            "interrupted while waiting for another instance's refresh of " + authorizerAppid);
                }
            }
        }
    }

    private Duration pollInterval() {
        Duration twentieth = leaseDuration.dividedBy(20);
        return twentieth.compareTo(MAX_POLL) < 0 ? twentieth : MAX_POLL;
    }

    /** Holding the account's lease: re-reads the row, else refreshes; the lease is released in every case. */
    private String refreshUnderLease(String componentAppid, String authorizerAppid, boolean now) {
        try {
            // Another instance may have stored a token, or failed and backed off, between our read and our lease
            // (it records the back-off before it releases the lease).
            AuthorizerRecord record = current(componentAppid, authorizerAppid);
            requireAuthorized(record);
            Optional<String> valid = record.accessTokenValidAt(clock.instant(), policy.refreshSkew());
            if (valid.isPresent() && !now) {
                return valid.get();
            }
            Optional<RefreshBackoff> retry = now ? Optional.empty() : backingOff(componentAppid, authorizerAppid);
            if (retry.isPresent()) {
                throw new AuthorizerUnavailableException(Reason.UNAVAILABLE, authorizerAppid, "account "
                        + authorizerAppid + " is not refreshed before " + retry.get().retryAt()
                        + " after a failed refresh: " + retry.get().error());
            }
            try {
                return refreshWithLadder(record);
            } catch (AuthorizerUnavailableException e) {
                if (e.getReason() == Reason.UNAVAILABLE) {
                    backOff(componentAppid, authorizerAppid, e.getMessage());
                    metrics.authorizerRefresh(RefreshOutcome.FAILED);
                }
                throw e;
            }
        } finally {
            // Whatever this refresh stored (a token, a status, a recovered refresh token), it is read again.
            forget(authorizerAppid);
            // A no-op when the stored token released it.
            store.releaseLease(componentAppid, authorizerAppid, nodeId);
        }
    }

    private void backOff(String componentAppid, String authorizerAppid, String message) {
        int failedBefore = store.findRefreshBackoff(componentAppid, authorizerAppid).map(RefreshBackoff::failures)
                .orElse(0);
        Duration next = minRetry.multipliedBy(1L << Math.min(failedBefore, 20));
        if (next.compareTo(maxRetry) > 0) {
            next = maxRetry;
        }
        store.recordRefreshFailure(componentAppid, authorizerAppid, nodeId, clock.instant().plus(next), message);
    }

    private String refreshWithLadder(AuthorizerRecord record) {
        return refreshWithLadder(record, null);
    }

    /** @param refusedAlready a refresh token of {@code record} WeChat just refused (61023), or null */
    private String refreshWithLadder(AuthorizerRecord record, String refusedAlready) {
        String componentAppid = record.componentAppid();
        String authorizerAppid = record.authorizerAppid();
        Set<String> refused = new java.util.HashSet<>();
        if (refusedAlready != null) {
            refused.add(refusedAlready);
        }
        if (record.hasRefreshToken() && !refused.contains(record.refreshToken())) {
            Optional<String> token = tryRefresh(record, record.refreshToken(), RefreshOutcome.REFRESHED);
            if (token.isPresent()) {
                return token.get();
            }
            refused.add(record.refreshToken());
        }
        // 61023 (or no refresh token at all): recover the current refresh token before giving up.
        AuthorizerRecord reread = current(componentAppid, authorizerAppid);
        requireAuthorized(reread);
        if (reread.hasRefreshToken() && !refused.contains(reread.refreshToken())) {
            Optional<String> token = tryRefresh(reread, reread.refreshToken(), RefreshOutcome.REFRESHED);
            if (token.isPresent()) {
                return token.get();
            }
            refused.add(reread.refreshToken());
        }
        String refusedToken = reread.refreshToken();
        boolean definitive = true;
        for (Supplier<Recovery> source : List.<Supplier<Recovery>> of(() -> refreshTokenFromInfo(record),
                () -> refreshTokenFromList(record))) {
            Recovery recovery = source.get();
            if (recovery.failure() != null) {
                definitive = false;
                continue;
            }
            String candidate = recovery.refreshToken();
            if (candidate == null || candidate.isEmpty() || refused.contains(candidate)) {
                continue;
            }
            if (!store.replaceRefreshToken(componentAppid, authorizerAppid, refusedToken, candidate)) {
                // Re-authorized or recovered elsewhere meanwhile: the stored state is newer than ours.
                return fromNewerState(componentAppid, authorizerAppid);
            }
            AuthorizerRecord recovered = current(componentAppid, authorizerAppid);
            Optional<String> token = tryRefresh(recovered, candidate, RefreshOutcome.RECOVERED);
            if (token.isPresent()) {
                LOG.info("Recovered the refresh token of {} (component {}) through {}", authorizerAppid,
                        componentAppid, recovery.api());
                return token.get();
            }
            refused.add(candidate);
            refusedToken = candidate;
        }
        if (!definitive) {
            throw new AuthorizerUnavailableException(Reason.UNAVAILABLE, authorizerAppid, "WeChat refused the"
                    + " refresh token of " + authorizerAppid + " (61023) and the recovery through"
                    + " api_get_authorizer_info/_list failed for now; the account stays authorized and is retried");
        }
        Instant now = clock.instant();
        if (store.markNeedsReauthorization(componentAppid, authorizerAppid, now, refusedToken,
                new AuthorizationChange(componentAppid, authorizerAppid, AuthorizationChange.Kind.NEEDS_REAUTHORIZATION,
                        now, record.funcInfo(),
                        "61023 refresh_token is invalid; recovery found no usable refresh token"))) {
            LOG.warn("Account {} (component {}) needs re-authorization: WeChat refused its refresh token (61023)"
                    + " and neither api_get_authorizer_info nor api_get_authorizer_list gave a usable one",
                    authorizerAppid, componentAppid);
            metrics.authorizerRefresh(RefreshOutcome.NEEDS_REAUTHORIZATION);
        } else {
            return fromNewerState(componentAppid, authorizerAppid);
        }
        throw new AuthorizerUnavailableException(Reason.NEEDS_REAUTHORIZATION, authorizerAppid, "account "
                + authorizerAppid + " must authorize again: WeChat refused its refresh token (61023)");
    }

    /** The row changed under a compare-and-set: its state wins; refresh again from it when it has no token. */
    private String fromNewerState(String componentAppid, String authorizerAppid) {
        AuthorizerRecord now = current(componentAppid, authorizerAppid);
        requireAuthorized(now);
        Optional<String> valid = now.accessTokenValidAt(clock.instant(), Duration.ZERO);
        if (valid.isPresent()) {
            return valid.get();
        }
        if (now.hasRefreshToken()) {
            Optional<String> token = tryRefresh(now, now.refreshToken(), RefreshOutcome.REFRESHED);
            if (token.isPresent()) {
                return token.get();
            }
        }
        throw new AuthorizerUnavailableException(Reason.UNAVAILABLE, authorizerAppid, "the authorization of "
                + authorizerAppid + " changed during its refresh; try again");
    }

    private AuthorizerRecord current(String componentAppid, String authorizerAppid) {
        return store.find(componentAppid, authorizerAppid).orElseThrow(
                () -> new AuthorizerUnavailableException(Reason.UNKNOWN, authorizerAppid,
                        "account " + authorizerAppid + " is no longer stored"));
    }

    /**
     * Refreshes with {@code refreshToken} and stores the result as a compare-and-set on it.
     *
     * @return the new token (or the newer one stored meanwhile), or empty when WeChat answered 61023
     */
    private Optional<String> tryRefresh(AuthorizerRecord record, String refreshToken, RefreshOutcome success) {
        Optional<AuthorizerTokenResponse> response = callRefresh(record, refreshToken);
        if (response.isEmpty()) {
            return Optional.empty();
        }
        return storeRefreshed(record, refreshToken, response.get(), expiresAt(response.get()), success);
    }

    /**
     * Calls {@code api_authorizer_token}.
     *
     * @return WeChat's answer with a token, or empty when WeChat answered 61023
     * @throws AuthorizerUnavailableException UNAUTHORIZED on 61003 (stored), UNAVAILABLE on any other failure
     */
    private Optional<AuthorizerTokenResponse> callRefresh(AuthorizerRecord record, String refreshToken) {
        AuthorizerTokenResponse response;
        try {
            response = api.authorizerToken(record.componentAppid(), record.authorizerAppid(), refreshToken);
        } catch (WeChatApiException e) {
            if (e.getErrcode() == REFRESH_TOKEN_INVALID) {
                return Optional.empty();
            }
            if (e.getErrcode() == NOT_AUTHORIZED) {
                throw withdrawn(record, e);
            }
            throw unavailable(record, "api_authorizer_token", e);
        } catch (RuntimeException e) {
            throw unavailable(record, "api_authorizer_token", e);
        }
        if (response.authorizerAccessToken() == null || response.authorizerAccessToken().isEmpty()
                || response.expiresIn() <= 0) {
            throw new AuthorizerUnavailableException(Reason.UNAVAILABLE, record.authorizerAppid(),
                    "api_authorizer_token answered without authorizer_access_token or expires_in");
        }
        return Optional.of(response);
    }

    private Instant expiresAt(AuthorizerTokenResponse response) {
        return clock.instant().plusSeconds(response.expiresIn());
    }

    /**
     * Stores a refresh made from {@code refreshToken} as a compare-and-set on it, under this instance's lease.
     *
     * @return the new token, or the newer one stored meanwhile
     */
    private Optional<String> storeRefreshed(AuthorizerRecord record, String refreshToken,
            AuthorizerTokenResponse response, Instant expiresAt, RefreshOutcome success) {
        // WeChat may omit or blank the refresh token: the stored one is then kept (the store never blanks it).
        String returnedRefresh = response.authorizerRefreshToken();
        for (int round = 1; round <= MAX_CAS_ROUNDS; round++) {
            if (store.saveRefreshedToken(record.componentAppid(), record.authorizerAppid(), refreshToken,
                    response.authorizerAccessToken(), expiresAt, returnedRefresh, nodeId)) {
                metrics.authorizerRefresh(success);
                return Optional.of(response.authorizerAccessToken());
            }
            // Not stored: the row changed since this refresh started. Its state wins unless it is merely older.
            AuthorizerRecord current = current(record.componentAppid(), record.authorizerAppid());
            requireAuthorized(current);
            Optional<String> newer = current.accessTokenValidAt(clock.instant(), Duration.ZERO)
                    .filter(t -> !current.accessTokenExpiresAt().isBefore(expiresAt)
                            || !refreshToken.equals(current.refreshToken()));
            if (newer.isPresent()) {
                return newer;
            }
            if (!refreshToken.equals(current.refreshToken())) {
                // Re-authorized or recovered meanwhile with no valid token yet: refresh from the newer state.
                return Optional.of(fromNewerState(record.componentAppid(), record.authorizerAppid()));
            }
        }
        return Optional.of(response.authorizerAccessToken());
    }

    /**
     * The outcome of asking WeChat for an account's current refresh token.
     *
     * @param api the API asked
     * @param refreshToken what it gave (null or empty when none)
     * @param failure set when WeChat could not answer (the outcome is not definitive)
     */
    private record Recovery(String api, String refreshToken, RuntimeException failure) {
    }

    private Recovery refreshTokenFromInfo(AuthorizerRecord record) {
        try {
            AuthorizerInfoResponse info = api.authorizerInfo(record.componentAppid(), record.authorizerAppid());
            return new Recovery("api_get_authorizer_info",
                    info.authorizationInfo() == null ? null : info.authorizationInfo().authorizerRefreshToken(),
                    null);
        } catch (WeChatApiException e) {
            if (e.getErrcode() == NOT_AUTHORIZED) {
                throw withdrawn(record, e);
            }
            return recoveryFailed("api_get_authorizer_info", record, e);
        } catch (RuntimeException e) {
            return recoveryFailed("api_get_authorizer_info", record, e);
        }
    }

    private Recovery refreshTokenFromList(AuthorizerRecord record) {
        try {
            return new Recovery("api_get_authorizer_list", api.listAuthorizers(record.componentAppid())
                    .filter(item -> record.authorizerAppid().equals(item.authorizerAppid())).findFirst()
                    .map(AuthorizerListResponse.Item::refreshToken).orElse(null), null);
        } catch (RuntimeException e) {
            return recoveryFailed("api_get_authorizer_list", record, e);
        }
    }

    private static Recovery recoveryFailed(String api, AuthorizerRecord record, RuntimeException e) {
        LOG.warn("Recovery of the refresh token of {} via {} failed: {}", record.authorizerAppid(), api,
                e.getMessage());
        return new Recovery(api, null, e);
    }

    private static AuthorizerUnavailableException unavailable(AuthorizerRecord record, String api,
            RuntimeException cause) {
        return new AuthorizerUnavailableException(Reason.UNAVAILABLE, record.authorizerAppid(),
                api + " for " + record.authorizerAppid() + " failed: " + cause.getMessage(), cause);
    }

    private AuthorizerUnavailableException withdrawn(AuthorizerRecord record, WeChatApiException cause) {
        Instant now = clock.instant();
        if (store.markUnauthorized(record.componentAppid(), record.authorizerAppid(), now,
                new AuthorizationChange(record.componentAppid(), record.authorizerAppid(),
                        AuthorizationChange.Kind.UNAUTHORIZED, now, List.of(),
                        "61003 component is not authorized by this account"))) {
            LOG.warn("Account {} (component {}) withdrew its authorization (61003)", record.authorizerAppid(),
                    record.componentAppid());
            metrics.authorizerRefresh(RefreshOutcome.UNAUTHORIZED);
        }
        return new AuthorizerUnavailableException(Reason.UNAUTHORIZED, record.authorizerAppid(),
                "account " + record.authorizerAppid() + " withdrew its authorization (61003)", cause);
    }

    private static String key(String componentAppid, String authorizerAppid) {
        return componentAppid + "/" + authorizerAppid;
    }
}
