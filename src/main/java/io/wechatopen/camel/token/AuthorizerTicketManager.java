package io.wechatopen.camel.token;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.wechatopen.camel.AuthorizerUnavailableException;
import io.wechatopen.camel.AuthorizerUnavailableException.Reason;
import io.wechatopen.camel.api.AuthorizerTicketApi;
import io.wechatopen.camel.api.dto.TicketResponse;
import io.wechatopen.camel.config.ClusterSettings;
import io.wechatopen.camel.config.TokenPolicy;
import io.wechatopen.camel.model.AuthorizerRecord;
import io.wechatopen.camel.model.AuthorizerTicket;
import io.wechatopen.camel.store.AuthorizerStore;
import io.wechatopen.camel.store.AuthorizerTicketStore;

/**
 * Keeps the tickets of authorized accounts ({@code jsapi_ticket}, got from {@code /cgi-bin/ticket/getticket} with the
 * account's access token) and hands them out. WeChat limits getticket calls per day and asks for a global cache
 * (JS-SDK doc, 附录1), so a ticket is fetched on demand only: when none is stored or the stored one is within
 * {@code wechat.token.refresh-skew} of its expiry. No sweep: a ticket nobody asks for is not renewed.
 *
 * <p>Fetches are single-flight: per account and type in this instance (a lock; callers that waited while a fetch
 * failed get that failure instead of calling again), and across instances on one database (a lease in the ticket's
 * row, holder {@code wechat.cluster.node-id}, for {@code wechat.cluster.lease-duration}): the instance holding it
 * calls WeChat; the others re-read the row until its ticket is stored, for at most one lease duration. The ticket is
 * stored only while the lease is still held. A new ticket does not end the previous one at once (WeChat keeps it
 * valid until its own expiry), so a ticket fetched under a lease that was lost meanwhile is still handed out.
 *
 * <p>Only accounts that are AUTHORIZED now get a ticket: for a withdrawn account, or one that must authorize again,
 * its stored tickets are deleted (the store also deletes them when it stores a withdrawal) and
 * {@link AuthorizerUnavailableException} says why. Reads are served from this
 * instance's {@link TokenCache} for up to {@link TokenCache#FRESHNESS} after the row was read, so a withdrawal
 * stored elsewhere is seen within that bound.
 *
 * <p>Thread-safe; never logs or throws ticket values.
 */
public final class AuthorizerTicketManager {

    private static final Logger LOG = LoggerFactory.getLogger(AuthorizerTicketManager.class);
    private static final Duration MAX_POLL = Duration.ofMillis(200);

    /** A fetch that failed, numbered so that only callers that waited while it ran share its failure. */
    private record FailedFetch(long number, RuntimeException cause) {
    }

    private final Set<String> componentAppids;
    private final AuthorizerStore authorizers;
    private final Function<String, String> componentOf;
    /** The back-off key of an account's getticket, followed by its appid (at most 64 characters in all). */
    public static final String QUOTA_API_PREFIX = "getticket:";

    private final AuthorizerTicketStore store;
    private final AuthorizerTicketApi api;
    private final ApiBackoff backoff;
    private final Duration skew;
    private final String nodeId;
    private final Duration leaseDuration;
    private final Clock clock;
    private final KeyedLocks locks = new KeyedLocks();
    private final TokenCache cache;
    private final AtomicLong fetches = new AtomicLong();
    /** The last fetch per account and type, when it failed; removed by its next success. */
    private final Map<String, FailedFetch> lastFailures = new ConcurrentHashMap<>();

    /**
     * @param componentAppids the components of this deployment
     * @param authorizers where the accounts' authorization status is read
     * @param componentOf the component an account authorized, when the caller names none
     *        ({@link AuthorizerTokenManager#componentOf}); throws {@link AuthorizerUnavailableException}
     * @param store where tickets and their leases are kept
     * @param api WeChat's getticket
     * @param backoff where a 45009 of an account's getticket opens that account's quota breaker
     * @param policy {@code wechat.token.refresh-skew}: how long before its expiry a ticket is renewed
     * @param cluster this instance's node id and the lease duration
     */
    public AuthorizerTicketManager(Set<String> componentAppids, AuthorizerStore authorizers,
            Function<String, String> componentOf, AuthorizerTicketStore store, AuthorizerTicketApi api,
            ApiBackoff backoff, TokenPolicy policy, ClusterSettings cluster, Clock clock) {
        this.componentAppids = Set.copyOf(componentAppids);
        this.authorizers = authorizers;
        this.componentOf = componentOf;
        this.store = store;
        this.api = api;
        this.backoff = backoff;
        this.skew = policy.refreshSkew();
        this.nodeId = cluster.nodeId();
        this.leaseDuration = cluster.leaseDuration();
        this.clock = clock;
        this.cache = new TokenCache(clock, TokenCache.FRESHNESS);
    }

    /**
     * The account's {@code jsapi_ticket}, valid for at least the refresh skew. When the account authorized several
     * components of this deployment, use {@link #jsapiTicket(String, String)}.
     *
     * @throws AuthorizerUnavailableException when the account is unknown, not authorized (now), or its token cannot
     *         be had; UNAVAILABLE when another caller's fetch failed just now or another instance's fetch did not
     *         finish within one lease duration
     * @throws io.wechatopen.camel.api.WeChatApiException when WeChat refused the getticket call (e.g. 45009)
     * @throws io.wechatopen.camel.api.WeChatUnreachableException when WeChat could not be reached
     */
    public String jsapiTicket(String authorizerAppid) {
        return jsapiTicket(componentOf.apply(authorizerAppid), authorizerAppid);
    }

    /** As {@link #jsapiTicket(String)}, for the account's authorization of one component. */
    public String jsapiTicket(String componentAppid, String authorizerAppid) {
        return ticket(componentAppid, authorizerAppid, AuthorizerTicket.JSAPI);
    }

    private String ticket(String componentAppid, String authorizerAppid, String type) {
        if (!componentAppids.contains(componentAppid)) {
            throw new AuthorizerUnavailableException(Reason.UNKNOWN, authorizerAppid,
                    "component " + componentAppid + " is not configured here");
        }
        String key = authorizerAppid + "/" + type;
        String cached = cache.fresh(componentAppid, key);
        if (cached != null) {
            return cached;
        }
        long stamp = cache.stamp();
        requireAuthorized(componentAppid, authorizerAppid);
        AuthorizerTicket stored = store.find(componentAppid, authorizerAppid, type)
                .filter(t -> t.usableAt(clock.instant(), skew)).orElse(null);
        if (stored == null) {
            stored = fetch(componentAppid, authorizerAppid, type);
        }
        cache.put(componentAppid, key, stored.ticket(), stored.expiresAt().minus(skew), stored.expiresAt(), stamp);
        return stored.ticket();
    }

    /** The account must be AUTHORIZED now; otherwise its tickets are deleted and the reason thrown. */
    private void requireAuthorized(String componentAppid, String authorizerAppid) {
        AuthorizerRecord record = authorizers.find(componentAppid, authorizerAppid)
                .orElseThrow(() -> new AuthorizerUnavailableException(Reason.UNKNOWN, authorizerAppid,
                        "account " + authorizerAppid + " has not authorized component " + componentAppid));
        Reason reason = switch (record.status()) {
            case AUTHORIZED -> null;
            case UNAUTHORIZED -> Reason.UNAUTHORIZED;
            case NEEDS_REAUTHORIZATION -> Reason.NEEDS_REAUTHORIZATION;
        };
        if (reason != null) {
            cache.invalidateEverywhere(authorizerAppid + "/" + AuthorizerTicket.JSAPI);
            if (store.deleteAll(componentAppid, authorizerAppid) > 0) {
                LOG.info("Deleted the tickets of {} (component {}): its authorization is {}", authorizerAppid,
                        componentAppid, record.status());
            }
            throw new AuthorizerUnavailableException(reason, authorizerAppid,
                    "account " + authorizerAppid + " is " + record.status() + ": no ticket is given for it");
        }
    }

    private AuthorizerTicket fetch(String componentAppid, String authorizerAppid, String type) {
        String key = componentAppid + "/" + authorizerAppid + "/" + type;
        long before = fetches.get();
        try (KeyedLocks.Held held = locks.lock(key)) {
            FailedFetch failed = lastFailures.get(key);
            if (failed != null && failed.number() > before) {
                // One call per flight: a fetch that failed while we waited is our answer too.
                throw new AuthorizerUnavailableException(Reason.UNAVAILABLE, authorizerAppid, "getticket for "
                        + authorizerAppid + " failed just now: " + failed.cause().getMessage(), failed.cause());
            }
            long waitUntil = System.nanoTime() + leaseDuration.toNanos();
            while (true) {
                // Another caller or instance may have stored one while we waited.
                AuthorizerTicket stored = usable(componentAppid, authorizerAppid, type);
                if (stored != null) {
                    return stored;
                }
                Instant now = clock.instant();
                if (store.tryLease(componentAppid, authorizerAppid, type, nodeId, now, now.plus(leaseDuration))) {
                    return fetchUnderLease(key, componentAppid, authorizerAppid, type);
                }
                long left = waitUntil - System.nanoTime();
                if (left <= 0) {
                    throw new AuthorizerUnavailableException(Reason.UNAVAILABLE, authorizerAppid, "the " + type
                            + " ticket of " + authorizerAppid + " is being fetched by another instance; try again");
                }
                // Another instance calls getticket: wait for its ticket rather than call WeChat twice.
                LockSupport.parkNanos(Math.min(left, pollInterval().toNanos()));
                if (Thread.interrupted()) {
                    Thread.currentThread().interrupt();
                    throw new AuthorizerUnavailableException(Reason.UNAVAILABLE, authorizerAppid,
                            "interrupted while waiting for another instance's ticket of " + authorizerAppid);
                }
            }
        }
    }

    /** Holding the lease: re-reads the row (another instance may have stored one just before), else fetches. */
    private AuthorizerTicket fetchUnderLease(String key, String componentAppid, String authorizerAppid,
            String type) {
        boolean released = false;
        try {
            AuthorizerTicket stored = usable(componentAppid, authorizerAppid, type);
            if (stored != null) {
                return stored;
            }
            TicketResponse answer;
            // getticket's daily quota is the account's own (calls made on its behalf count against it), so its
            // breaker is kept per account: after a 45009 no instance calls again before midnight Beijing time or an
            // operator's reset (POST /admin/backoffs/reset, clear_quota).
            String quotaApi = QUOTA_API_PREFIX + authorizerAppid;
            try {
                backoff.check(componentAppid, quotaApi);
                answer = api.ticket(componentAppid, authorizerAppid, type);
            } catch (RuntimeException e) {
                backoff.quotaExhaustedIf(componentAppid, quotaApi, e);
                lastFailures.put(key, new FailedFetch(fetches.incrementAndGet(), e));
                throw e;
            }
            fetches.incrementAndGet();
            lastFailures.remove(key);
            AuthorizerTicket ticket = new AuthorizerTicket(componentAppid, authorizerAppid, type, answer.ticket(),
                    clock.instant().plusSeconds(answer.expiresIn()));
            released = store.saveUnderLease(ticket, nodeId);
            if (!released) {
                LOG.warn("The {} ticket of {} (component {}) was fetched after this instance's lease ended; it is"
                        + " handed out but not stored", type, authorizerAppid, componentAppid);
            }
            return ticket;
        } finally {
            if (!released) {
                store.releaseLease(componentAppid, authorizerAppid, type, nodeId);
            }
        }
    }

    private AuthorizerTicket usable(String componentAppid, String authorizerAppid, String type) {
        return store.find(componentAppid, authorizerAppid, type).filter(t -> t.usableAt(clock.instant(), skew))
                .orElse(null);
    }

    private Duration pollInterval() {
        Duration twentieth = leaseDuration.dividedBy(20);
        return twentieth.compareTo(MAX_POLL) < 0 ? twentieth : MAX_POLL;
    }
}
