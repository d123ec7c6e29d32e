package io.wechatopen.camel.token;

import java.lang.ref.WeakReference;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * This instance's copy of access tokens read from the database, so that a token is not read (and opened) again on
 * every use. Entries are kept per scope (a component appid) and key (an authorizer appid); one instance per token
 * manager, no static state.
 *
 * <p>Why a short bound (and not a version check or a signal through the database): a token read from the database
 * was the current one at that moment. Another instance that refreshes it afterwards makes it a superseded token,
 * which WeChat keeps accepting for 5 minutes after the refresh; an entry is therefore served for at most
 * {@link #FRESHNESS} (5 s, well inside that grace even with a slow WeChat call between the refresh and its commit)
 * after its read, and not beyond the refresh point of the token itself ({@code expiresAt - refresh skew}). A version
 * check or a signal would cost a database round trip per use, which is the cost this cache removes.
 *
 * <p>The read path reads no clock (a clock read costs more than the rest of a hit): it compares with a coarse time
 * that a daemon thread of this cache advances every {@link #TICK} while entries are held. Entries are therefore served
 * up to one tick (plus any delay of that thread) past their bound. The thread stops when the cache is empty or no
 * longer used, and while it is stopped every read goes to the database.
 *
 * <p>Local changes invalidate at once ({@link #invalidate}): a load that began before an invalidation does not
 * install its (possibly older) token ({@link #stamp}). A token another instance expired (WeChat refused it there) is
 * served here for at most {@link #FRESHNESS}; a call that WeChat refuses meanwhile reports it here too, which drops
 * the entry, and its retry reads the database again.
 *
 * <p>Secrets are not kept longer than their validity: the ticking thread removes an entry before its token expires
 * (at least once per freshness period it drops what expires within the next), not merely skips it. Between its
 * freshness and its expiry an entry is only served by {@link #unexpired}, for when the database cannot be read.
 *
 * <p>Thread-safe and lock-free on the read path.
 */
public final class TokenCache {

    /** How long a token read from the database is served without reading it again. */
    public static final Duration FRESHNESS = Duration.ofSeconds(5);
    /** How often the coarse time of the read path is advanced. */
    public static final Duration TICK = Duration.ofMillis(10);
    /** The coarse time while no thread advances it: every entry is stale. */
    private static final long STOPPED = Long.MAX_VALUE;

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
    private final AtomicBoolean ticking = new AtomicBoolean();
    /** The clock's millis at the last tick, or {@link #STOPPED}. */
    private volatile long coarseNow = STOPPED;

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
        return entry != null && coarseNow < entry.freshUntil ? entry.token : null;
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
        if (entry.freshUntil <= now) {
            return;
        }
        Map<String, Entry> entries = scopes.computeIfAbsent(scope, s -> new ConcurrentHashMap<>());
        entries.put(key, entry);
        // An invalidation between the read and here may concern this very token: it must not be served.
        if (invalidations.get() != stamp) {
            entries.remove(key, entry);
            return;
        }
        startTicking();
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

    /** @return the number of entries held (expired ones not purged yet included) */
    public int size() {
        return scopes.values().stream().mapToInt(Map::size).sum();
    }

    /**
     * Advances the coarse time to the clock's and purges when due: what the ticking thread does every {@link #TICK}
     * (tests that move their clock call it to see the effect at once).
     *
     * @return whether entries are left (else the thread may stop)
     */
    boolean tick() {
        long now = clock.millis();
        coarseNow = now;
        long due = nextPurge.get();
        if (now >= due && nextPurge.compareAndSet(due, now + Math.max(freshnessMillis, 1))) {
            for (Map<String, Entry> entries : scopes.values()) {
                // Also what expires before the next purge: no token outlives its validity in memory.
                entries.values().removeIf(entry -> entry.expiresAt <= now + freshnessMillis);
            }
        }
        return size() > 0;
    }

    private void startTicking() {
        if (!ticking.get() && ticking.compareAndSet(false, true)) {
            tick();
            Thread thread = new Thread(new Ticker(this), tickerName());
            thread.setDaemon(true);
            thread.start();
        }
    }

    /** The name of this cache's ticking thread. */
    String tickerName() {
        return "wechat-token-cache-ticker-" + Integer.toHexString(System.identityHashCode(this));
    }

    /**
     * Stops ticking when the cache is empty: the coarse time is set to {@link #STOPPED} first, so that an entry put
     * meanwhile is never served against a time that no longer advances; such an entry restarts the ticking.
     *
     * @return whether the thread must go on after all (an entry arrived meanwhile and no other thread took over)
     */
    private boolean stopTicking() {
        coarseNow = STOPPED;
        ticking.set(false);
        if (size() > 0 && ticking.compareAndSet(false, true)) {
            tick();
            return true;
        }
        return false;
    }

    /** Holds its cache weakly: a cache no longer used ends its thread at the next tick. */
    private static final class Ticker implements Runnable {

        private final WeakReference<TokenCache> cache;
        private final long tickNanos = TICK.toNanos();

        Ticker(TokenCache cache) {
            this.cache = new WeakReference<>(cache);
        }

        @Override
        public void run() {
            do {
                LockSupport.parkNanos(tickNanos);
                // Nobody interrupts this thread; should someone, parking must not turn into spinning.
                Thread.interrupted();
            } while (tickOnce());
        }

        /** In a method of its own, so that no frame holds the cache while the thread parks. */
        private boolean tickOnce() {
            TokenCache owner = cache.get();
            return owner != null && (owner.tick() || owner.stopTicking());
        }
    }
}
