package io.wechatopen.camel.intake;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import org.apache.camel.CamelContext;
import org.apache.camel.support.service.ServiceSupport;

import io.wechatopen.camel.model.ReceivedPush;
import io.wechatopen.camel.store.PushStore;
import io.wechatopen.camel.store.StoreException;

/**
 * Group commit of accepted pushes. {@link #submit} queues a push; each of {@code writers} threads takes what has
 * queued up (at most {@value #MAX_BATCH} pushes) and records it with {@link PushStore#recordAll} in one transaction,
 * then hands every push of the batch its result. While one batch commits the next gathers, so under load many pushes
 * share one commit and its round trips; alone, a push is written at once. A push learns its result only after the
 * transaction holding it committed, or failed: then every push of the batch gets the {@link StoreException} and none
 * of them is stored.
 *
 * <p>At most {@value #BATCHES_QUEUED} full batches per writer wait: a push beyond that is refused at once with a
 * {@link StoreException} (the intake answers 500 and WeChat delivers it again later) rather than queued behind
 * seconds of work, past WeChat's 5-second wait, while memory grows.
 *
 * <p>The threads come from the context's {@link org.apache.camel.spi.ExecutorServiceManager} when this service
 * starts. Stopping it lets the batches being written finish and fails the pushes still queued.
 */
public final class PushWriter extends ServiceSupport {

    /** The most pushes written in one transaction. */
    public static final int MAX_BATCH = 64;

    /** How many full batches may wait per writer before pushes are refused. */
    public static final int BATCHES_QUEUED = 16;

    private static final long POLL_MS = 100;

    private final PushStore store;
    private final int writers;
    private final CamelContext camelContext;
    private final BlockingQueue<Pending> queue;
    private volatile boolean running;
    private ExecutorService executor;

    /**
     * How many writers a pool of {@code poolSize} connections gets: a quarter of it, 1 to 4, so the rest stays free
     * for the token upkeep, the outbox and the admin endpoints. Two writers keep one batch gathering while another
     * commits; more only make the batches smaller.
     */
    public static int writersFor(int poolSize) {
        return Math.max(1, Math.min(4, poolSize / 4));
    }

    private record Pending(ReceivedPush push, Consumer<PushStore.Recorded> done) {
    }

    /**
     * @param writers how many transactions may be under way at once (each holds one pooled connection meanwhile)
     */
    public PushWriter(PushStore store, int writers, CamelContext camelContext) {
        if (writers < 1) {
            throw new IllegalArgumentException("writers must be at least 1, was " + writers);
        }
        this.store = Objects.requireNonNull(store, "store");
        this.writers = writers;
        this.queue = new LinkedBlockingQueue<>(writers * MAX_BATCH * BATCHES_QUEUED);
        this.camelContext = Objects.requireNonNull(camelContext, "camelContext");
    }

    /**
     * Queues a push; {@code done} is called once, on a writer thread, with the push's result after its transaction
     * ended: an outcome, or the refusal ({@link io.wechatopen.camel.store.DuplicatePushException},
     * {@link StoreException}) that tells the push was not stored. A push that finds the queue full is refused on
     * the calling thread.
     */
    public void submit(ReceivedPush push, Consumer<PushStore.Recorded> done) {
        Pending pending = new Pending(Objects.requireNonNull(push, "push"), Objects.requireNonNull(done, "done"));
        if (!queue.offer(pending)) {
            done.accept(new PushStore.Recorded(null, new StoreException("the push intake is overloaded ("
                    + queue.size() + " pushes waiting for the database); nothing was stored")));
            return;
        }
        if (!running && queue.remove(pending)) {
            done.accept(stopped());
        }
    }

    @Override
    protected void doStart() {
        running = true;
        executor = camelContext.getExecutorServiceManager().newFixedThreadPool(this, "WeChatPushWriter", writers);
        for (int i = 0; i < writers; i++) {
            executor.execute(this::writeBatches);
        }
    }

    @Override
    protected void doStop() {
        running = false;
        if (executor != null) {
            camelContext.getExecutorServiceManager().shutdownGraceful(executor);
            executor = null;
        }
        for (Pending pending = queue.poll(); pending != null; pending = queue.poll()) {
            pending.done().accept(stopped());
        }
    }

    private void writeBatches() {
        List<Pending> batch = new ArrayList<>(MAX_BATCH);
        while (running) {
            try {
                Pending first = queue.poll(POLL_MS, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, MAX_BATCH - 1);
                write(batch);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } finally {
                batch.clear();
            }
        }
    }

    private void write(List<Pending> batch) {
        List<ReceivedPush> pushes = new ArrayList<>(batch.size());
        for (Pending pending : batch) {
            pushes.add(pending.push());
        }
        List<PushStore.Recorded> results;
        try {
            results = store.recordAll(pushes);
        } catch (RuntimeException e) {
            PushStore.Recorded failed = new PushStore.Recorded(null, e);
            batch.forEach(pending -> pending.done().accept(failed));
            return;
        }
        for (int i = 0; i < batch.size(); i++) {
            batch.get(i).done().accept(results.get(i));
        }
    }

    private static PushStore.Recorded stopped() {
        return new PushStore.Recorded(null, new StoreException("the push intake is stopping; nothing was stored"));
    }
}
