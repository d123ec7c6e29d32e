package io.wechatopen.camel.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Issue 9: the sweep keeps its concurrency in flight, claiming as each refresh finishes. */
class SweepPipelineTest {

    private static final int CONCURRENCY = 4;

    private final ExecutorService pool = Executors.newFixedThreadPool(CONCURRENCY);
    private final ExecutorService sweeper = Executors.newSingleThreadExecutor();
    /** The due accounts not claimed yet. */
    private final Queue<Integer> due = new ConcurrentLinkedQueue<>(IntStream.range(0, 40).boxed().toList());
    private final List<Integer> claimed = Collections.synchronizedList(new ArrayList<>());
    private final List<Integer> refreshed = Collections.synchronizedList(new ArrayList<>());
    private final List<Integer> askedFor = Collections.synchronizedList(new ArrayList<>());
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger mostInFlight = new AtomicInteger();
    /** Each refresh waits for one permit: the test decides when refreshes finish. */
    private final Semaphore finish = new Semaphore(0);

    @AfterEach
    void stopPools() throws InterruptedException {
        finish.release(1000);
        pool.shutdownNow();
        sweeper.shutdownNow();
        assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        assertThat(sweeper.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }

    private List<Integer> claim(int free) {
        askedFor.add(free);
        List<Integer> batch = new ArrayList<>();
        Integer next;
        while (batch.size() < free && (next = due.poll()) != null) {
            batch.add(next);
        }
        claimed.addAll(batch);
        return batch;
    }

    private void refresh(Integer account) {
        mostInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
        try {
            finish.acquireUninterruptibly();
            refreshed.add(account);
        } finally {
            inFlight.decrementAndGet();
        }
    }

    private CompletableFuture<Integer> sweep(AtomicBoolean proceed, List<Integer> givenBack) {
        SweepPipeline pipeline = new SweepPipeline(CONCURRENCY, pool);
        return CompletableFuture.supplyAsync(() -> pipeline.run(this::claim, this::refresh, givenBack::add,
                proceed::get), sweeper);
    }

    @Test
    void runWhenARefreshFinishesThenItsSlotClaimsTheNextAtOnceAndNeverMoreThanConcurrencyRun() throws Exception {
        CompletableFuture<Integer> sweep = sweep(new AtomicBoolean(true), new ArrayList<>());
        await().atMost(Duration.ofSeconds(10)).until(() -> inFlight.get() == CONCURRENCY);

        // One finishes while the others still wait: no barrier, the free slot is refilled alone.
        finish.release(1);
        await().atMost(Duration.ofSeconds(10)).until(() -> refreshed.size() == 1 && claimed.size() == CONCURRENCY + 1);
        await().atMost(Duration.ofSeconds(10)).until(() -> inFlight.get() == CONCURRENCY);
        assertThat(askedFor).last().isEqualTo(1);

        finish.release(1000);
        assertThat(sweep.get(10, TimeUnit.SECONDS)).isEqualTo(40);
        assertThat(refreshed).hasSize(40).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(claimed);
        assertThat(mostInFlight.get()).isEqualTo(CONCURRENCY);
        assertThat(askedFor).allSatisfy(free -> assertThat(free).isBetween(1, CONCURRENCY));
        assertThat(due).isEmpty();
    }

    @Test
    void runWhenToldToStopThenClaimsNoMoreAndReturnsOnceTheRefreshesInFlightFinished() throws Exception {
        AtomicBoolean proceed = new AtomicBoolean(true);
        CompletableFuture<Integer> sweep = sweep(proceed, new ArrayList<>());
        await().atMost(Duration.ofSeconds(10)).until(() -> inFlight.get() == CONCURRENCY);

        proceed.set(false);
        // the sweeper waits for the refreshes it started, which end at their own pace
        await().during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(5)).until(() -> !sweep.isDone());
        finish.release(CONCURRENCY);

        assertThat(sweep.get(10, TimeUnit.SECONDS)).isEqualTo(CONCURRENCY);
        assertThat(claimed).hasSize(CONCURRENCY);
        assertThat(refreshed).containsExactlyInAnyOrderElementsOf(claimed);
        assertThat(due).hasSize(40 - CONCURRENCY);
    }

    @Test
    void runWhenThePoolIsShutDownThenClaimedAccountsNotStartedAreGivenBack() throws Exception {
        pool.shutdown();
        List<Integer> givenBack = Collections.synchronizedList(new ArrayList<>());

        assertThat(sweep(new AtomicBoolean(true), givenBack).get(10, TimeUnit.SECONDS)).isZero();

        assertThat(givenBack).hasSize(CONCURRENCY).containsExactlyElementsOf(claimed);
        assertThat(refreshed).isEmpty();
    }

    @Test
    void runWhenAClaimFailsThenTheFailureReachesTheCallerAfterTheRefreshesInFlight() {
        AtomicInteger claims = new AtomicInteger();
        SweepPipeline pipeline = new SweepPipeline(CONCURRENCY, pool);
        finish.release(1000);

        assertThatThrownBy(() -> pipeline.run(free -> {
            if (claims.incrementAndGet() > 1) {
                throw new IllegalStateException("database gone");
            }
            return claim(free);
        }, this::refresh, account -> {
        }, () -> true)).hasMessage("database gone");
        assertThat(refreshed).hasSize(CONCURRENCY);
        assertThat(inFlight).hasValue(0);
    }
}
