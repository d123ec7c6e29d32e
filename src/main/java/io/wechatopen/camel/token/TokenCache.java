package io.wechatopen.camel.token;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * This instance's copy of access tokens read from the database, so that a token is not read (and opened) again on
 * every use. Entries are kept per scope (a component appid) and key (an authorizer appid); one instance per token
 * manager, no static state.
 *
 * <p>Why a short bound (and not a version check or a signal through the database): a token read from the database
 * was the current one at that moment. Another instance that refreshes it afterwards makes it a superseded token,
 * which WeChat keeps accepting for 5 minutes after the refresh; an entry is therefore served for at most
 * {@link #FRESHNESS} (5 s, well inside that grace even with a slow WeChat call between the refresh and its commit)
 * after its read, and never beyond the refresh point of the token itself ({@code expiresAt - refresh skew}). A
 * version check or a signal would cost a database round trip per use, which is the cost this cache removes.
 *
 * <p>Local changes invalidate at once ({@link #invalidate}): a load that began before an invalidation does not
 * install its (possibly older) token ({@link #stamp}). A token another instance expired (WeChat refused it there) is
 * served here for at most {@link #FRESHNESS}; a call that WeChat refuses meanwhile reports it here too, which drops
 * the entry, and its retry reads the database again.
 *
 * <p>Secrets are not kept longer than their validity: an entry is removed by the last {@link #purgeIfDue} before its
 * token expires (the managers run it at least once per freshness period and on every load), not merely skipped. Between
 * its freshness and its expiry an entry is only served by {@link #unexpired}, for when the database cannot be read.
 *
 * <p>Thread-safe and lock-free on the read path.
 */
public final class TokenCache {

    /** How long a token read from the database is served without reading it again. */
    public static final Duration FRESHNESS = Duration.ofSeconds(5);

    /**
     * @param token the secret
     * @param freshUntil epoch millis until which it is served without a database read
     * @param expiresAt epoch millis at which it expires (and the entry is dropped)
     */
    private record Entry(String token, long freshUntil, long expiresAt) {

        @Override
        public String toString() {
            return "Entry[freshUntil=" + freshUntil + ", expiresAt=" + expiresAt + "]";
        }
    }

    private final Clock clock;
    private final long freshnessMillis;
    private final Map<String, Map<String, Entry>> scopes = new ConcurrentHashMap<>();
    private final AtomicLong invalidations = new AtomicLong();
    private final AtomicLong nextPurge = new AtomicLong(Long.MIN_VALUE);

    /**
     * @param clock tells freshness and expiry
     * @param freshness how long an entry is served after its read; at most one minute (the grace WeChat gives a
     *        superseded token is 5 minutes)
     */
    public TokenCache(Clock clock, Duration freshness) {
        this.clock = Objects.requireNonNull(clock, "clock");
        if (freshness.isNegative() || freshness.compareTo(Duration.ofMinutes(1)) > 0) {
            throw new IllegalArgumentException("freshness must be from 0 to 1 minute: " + freshness);
        }
        this.freshnessMillis = freshness.toMillis();
    }

    /** @return the token while its entry is fresh, else null (read the database) */
    public String fresh(String scope, String key) {
        Map<String, Entry> entries = scopes.get(scope);
        Entry entry = entries == null ? null : entries.get(key);
        return entry != null && clock.millis() < entry.freshUntil ? entry.token : null;
    }

    /**
     * @return the cached token while it has not expired, fresh or not, else null: only for when the database cannot
     *         be read (no other instance can store a newer token then)
     */
    public String unexpired(String scope, String key) {
        Map<String, Entry> entries = scopes.get(scope);
        Entry entry = entries == null ? null : entries.get(key);
        return entry != null && clock.millis() < entry.expiresAt ? entry.token : null;
    }

    /** To take before reading the database for {@link #put}: a put after an invalidation since is discarded. */
    public long stamp() {
        return invalidations.get();
    }

    /**
     * Caches {@code token}, read from the database after {@code stamp} was taken, unless an invalidation happened
     * since. It is served fresh until {@link #FRESHNESS} from now or {@code freshLimit}, whichever comes first.
     *
     * @param freshLimit when the token is due for refresh (not served fresh from then on)
     * @param expiresAt when the token expires
     */
    public void put(String scope, String key, String token, Instant freshLimit, Instant expiresAt, long stamp) {
        long now = clock.millis();
        Entry entry = new Entry(token, Math.min(now + freshnessMillis, freshLimit.toEpochMilli()),
                expiresAt.toEpochMilli());
        purgeIfDue(now);
        if (entry.freshUntil <= now) {
            return;
        }
        Map<String, Entry> entries = scopes.computeIfAbsent(scope, s -> new ConcurrentHashMap<>());
        entries.put(key, entry);
        // An invalidation between the read and here may concern this very token: it must not be served.
        if (invalidations.get() != stamp) {
            entries.remove(key, entry);
        }
    }

    /** Drops the entry of {@code key} in each of {@code scopes}, and makes loads under way discard theirs. */
    public void invalidate(String key, String... scopes) {
        invalidations.incrementAndGet();
        for (String scope : scopes) {
            Map<String, Entry> entries = this.scopes.get(scope);
            if (entries != null) {
                entries.remove(key);
            }
        }
    }

    /** Drops the entries of {@code key} in every scope. */
    public void invalidateEverywhere(String key) {
        invalidate(key, scopes.keySet().toArray(String[]::new));
    }

    /**
     * Drops every entry whose token has expired or expires within one freshness period; does the work at most once
     * per freshness period. Callers run it at least that often (the managers' periodic work, every load).
     */
    public void purgeIfDue() {
        purgeIfDue(clock.millis());
    }

    /** @return the number of entries held (expired ones not purged yet included) */
    public int size() {
        return scopes.values().stream().mapToInt(Map::size).sum();
    }

    private void purgeIfDue(long now) {
        long due = nextPurge.get();
        if (now < due || !nextPurge.compareAndSet(due, now + Math.max(freshnessMillis, 1))) {
            return;
        }
        for (Map<String, Entry> entries : scopes.values()) {
            // Also what expires before the next purge: no token outlives its validity in memory.
            entries.values().removeIf(entry -> entry.expiresAt <= now + freshnessMillis);
        }
    }
}
