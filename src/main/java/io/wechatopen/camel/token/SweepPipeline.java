package io.wechatopen.camel.token;

import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.IntFunction;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps up to {@code concurrency} pieces of a sweep's work in flight at all times: claims as many items as there are
 * free slots, hands each to the pool, and claims again as soon as any one finishes, so no batch waits for its
 * slowest member and no claimed item waits in a queue while its lease runs. Thread-safe; one instance may serve
 * several sweeps one after the other (each {@link #run} has its own slots).
 */
public final class SweepPipeline {

    private static final Logger LOG = LoggerFactory.getLogger(SweepPipeline.class);
    /** How often a waiting sweep re-checks whether it should stop. */
    private static final long RECHECK_MILLIS = 100;

    private final int concurrency;
    private final ExecutorService pool;

    /**
     * @param concurrency the most items worked on at once, at least 1
     * @param pool runs the work; at least {@code concurrency} threads, so that a claimed item starts at once
     */
    public SweepPipeline(int concurrency, ExecutorService pool) {
        if (concurrency < 1) {
            throw new IllegalArgumentException("concurrency must be at least 1, was " + concurrency);
        }
        this.concurrency = concurrency;
        this.pool = pool;
    }

    /**
     * Runs one sweep on the calling thread. {@code claim} is called with the number of free slots (1 to
     * {@code concurrency}) and returns at most that many items; an empty answer ends the sweep. Each item goes to
     * {@code work} on the pool; an exception there is logged and the sweep goes on. The sweep also ends once
     * {@code proceed} answers false (checked before each claim and while waiting for a slot), when the calling thread
     * is interrupted, or when the pool refuses work (it is shutting down); items claimed but not started then go to
     * {@code giveBack}. Returns once every started item has finished, or the pool has terminated.
     *
     * @return how many items were started
     * @throws RuntimeException thrown by {@code claim}, once the started items have finished
     */
    public <T> int run(IntFunction<List<T>> claim, Consumer<T> work, Consumer<T> giveBack, BooleanSupplier proceed) {
        Semaphore free = new Semaphore(concurrency);
        int started = 0;
        try {
            while (proceed.getAsBoolean()) {
                if (!free.tryAcquire(RECHECK_MILLIS, TimeUnit.MILLISECONDS)) {
                    continue;
                }
                int slots = 1 + free.drainPermits();
                List<T> items;
                try {
                    items = claim.apply(slots);
                } catch (RuntimeException | Error e) {
                    free.release(slots);
                    throw e;
                }
                if (items.size() > slots) {
                    free.release(slots);
                    items.forEach(giveBack);
                    throw new IllegalStateException("claimed " + items.size() + " items for " + slots + " slots");
                }
                free.release(slots - items.size());
                if (items.isEmpty()) {
                    break;
                }
                int handed = 0;
                try {
                    for (T item : items) {
                        pool.execute(() -> {
                            try {
                                work.accept(item);
                            } catch (RuntimeException e) {
                                LOG.warn("A sweep's work failed: {}", e.getMessage(), e);
                            } finally {
                                free.release();
                            }
                        });
                        handed++;
                        started++;
                    }
                } catch (RejectedExecutionException e) {
                    free.release(items.size() - handed);
                    items.subList(handed, items.size()).forEach(giveBack);
                    LOG.info("Sweep stopped: its thread pool takes no more work (stopping)");
                    break;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            awaitStarted(free);
        }
        return started;
    }

    /** Waits until every slot is free again, i.e. all started work has finished, or the pool has terminated. */
    private void awaitStarted(Semaphore free) {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    if (free.tryAcquire(concurrency, RECHECK_MILLIS, TimeUnit.MILLISECONDS)) {
                        free.release(concurrency);
                        return;
                    }
                } catch (InterruptedException e) {
                    interrupted = true;
                }
                if (pool.isTerminated()) {
                    return;
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
