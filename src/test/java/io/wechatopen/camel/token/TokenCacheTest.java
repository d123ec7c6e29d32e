package io.wechatopen.camel.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import io.wechatopen.camel.support.MutableClock;

/** Issue 9: the rules of {@link TokenCache} itself (freshness, invalidation racing a load, expiry). */
class TokenCacheTest {

    private static final Instant T0 = Instant.parse("2026-12-01T08:00:00Z");
    private static final Instant EXPIRES = T0.plusSeconds(7200);
    private static final Instant REFRESH_POINT = EXPIRES.minus(Duration.ofMinutes(10));

    private final MutableClock clock = new MutableClock(T0);
    private final TokenCache cache = new TokenCache(clock, TokenCache.FRESHNESS);

    @Test
    void freshWhenReadWithinTheFreshnessThenServedAndAfterItNot() {
        cache.put("c", "a", "token-1", REFRESH_POINT, EXPIRES, cache.stamp());

        clock.advance(TokenCache.FRESHNESS.minusMillis(1));
        assertThat(cache.fresh("c", "a")).isEqualTo("token-1");
        assertThat(cache.fresh("other", "a")).isNull();
        assertThat(cache.fresh("c", "other")).isNull();

        clock.advance(Duration.ofMillis(1));
        cache.tick();
        assertThat(cache.fresh("c", "a")).isNull();
        assertThat(cache.unexpired("c", "a")).isEqualTo("token-1");
    }

    @Test
    void freshWhenTheRefreshPointComesFirstThenNotServedFromIt() {
        cache.put("c", "a", "token-1", T0.plusSeconds(2), EXPIRES, cache.stamp());

        clock.advance(Duration.ofSeconds(2));
        cache.tick();

        assertThat(cache.fresh("c", "a")).isNull();
    }

    @Test
    void putWhenAnInvalidationHappenedDuringTheLoadThenNothingIsCached() {
        long stamp = cache.stamp();
        // A report of this very token lands between the database read and the put.
        cache.invalidate("a", "c");

        cache.put("c", "a", "token-refused", REFRESH_POINT, EXPIRES, stamp);

        assertThat(cache.fresh("c", "a")).isNull();
        assertThat(cache.unexpired("c", "a")).isNull();
        assertThat(cache.size()).isZero();
    }

    @Test
    void invalidateEverywhereWhenAKeyIsCachedInSeveralScopesThenAllAreDropped() {
        cache.put("c1", "a", "token-1", REFRESH_POINT, EXPIRES, cache.stamp());
        cache.put("", "a", "token-1", REFRESH_POINT, EXPIRES, cache.stamp());
        cache.put("c1", "b", "token-b", REFRESH_POINT, EXPIRES, cache.stamp());

        cache.invalidateEverywhere("a");

        assertThat(cache.fresh("c1", "a")).isNull();
        assertThat(cache.fresh("", "a")).isNull();
        assertThat(cache.fresh("c1", "b")).isEqualTo("token-b");
    }

    @Test
    void tickWhenATokenExpiresBeforeTheNextPurgeThenItsEntryIsDropped() {
        cache.put("c", "a", "token-1", REFRESH_POINT, EXPIRES, cache.stamp());
        cache.put("c", "b", "token-2", REFRESH_POINT.plusSeconds(60), EXPIRES.plusSeconds(60), cache.stamp());
        assertThat(cache.size()).isEqualTo(2);

        clock.advance(Duration.ofSeconds(7200).minus(TokenCache.FRESHNESS));
        cache.tick();

        assertThat(cache.size()).isOne();
        assertThat(cache.unexpired("c", "a")).isNull();
        assertThat(cache.unexpired("c", "b")).isEqualTo("token-2");
        clock.advance(Duration.ofSeconds(60));
        cache.tick();
        assertThat(cache.size()).isZero();
        assertThat(cache.tick()).as("nothing left: the ticking may stop").isFalse();
    }

    @Test
    void tickingWhenTheLastEntryIsDroppedThenTheThreadEndsNothingIsServedAndTheNextPutStartsItAgain() {
        cache.put("c", "a", "token-1", REFRESH_POINT, EXPIRES, cache.stamp());
        assertThat(ticker()).as("started by the first entry").isPresent();

        cache.invalidateEverywhere("a");

        await().atMost(Duration.ofSeconds(5)).until(() -> ticker().isEmpty());
        cache.put("c", "b", "token-2", REFRESH_POINT, EXPIRES, cache.stamp());
        assertThat(ticker()).isPresent();
        assertThat(cache.fresh("c", "b")).isEqualTo("token-2");
        cache.invalidateEverywhere("b");
        await().atMost(Duration.ofSeconds(5)).until(() -> ticker().isEmpty());
    }

    @Test
    void constructorWhenTheFreshnessIsNotWellInsideWeChatsGraceThenRefused() {
        assertThatThrownBy(() -> new TokenCache(clock, Duration.ofMinutes(5)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private Optional<Thread> ticker() {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive)
                .filter(t -> t.getName().equals(cache.tickerName())).findFirst();
    }
}
