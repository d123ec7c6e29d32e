package io.wechatopen.camel.intake;

import static io.wechatopen.camel.store.StoredPushes.COMPONENT_APPID;
import static io.wechatopen.camel.store.StoredPushes.T0;
import static io.wechatopen.camel.store.StoredPushes.ticketPush;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.wechatopen.camel.model.ReceivedPush;
import io.wechatopen.camel.store.JdbcPushStore;
import io.wechatopen.camel.store.PushStore;
import io.wechatopen.camel.store.PushStore.Outcome;
import io.wechatopen.camel.store.SecretSealer;
import io.wechatopen.camel.store.StoreException;
import io.wechatopen.camel.store.TestDatabases;
import io.wechatopen.camel.store.TestDatabases.Vendor;

/**
 * Issue 9: group commit. One writer is held in its first batch while pushes queue up behind it, so the next batch
 * holds all of them: each is answered only after all of them are stored, and a batch that fails answers each with
 * the failure and stores none.
 */
class PushWriterTest {

    private final DefaultCamelContext context = new DefaultCamelContext();
    private final CountDownLatch firstBatchHeld = new CountDownLatch(1);
    private final CountDownLatch releaseFirstBatch = new CountDownLatch(1);
    private final List<Integer> batchSizes = new CopyOnWriteArrayList<>();
    private TestDatabases.Db db;
    private JdbcPushStore store;
    private PushWriter writer;

    @BeforeEach
    void start() {
        db = TestDatabases.migrated(Vendor.H2);
        store = new JdbcPushStore(db.dataSource(), SecretSealer.fromKeys(TestDatabases.TEST_KEY));
        PushStore gated = (PushStore) Proxy.newProxyInstance(PushStore.class.getClassLoader(),
                new Class<?>[] {PushStore.class}, (proxy, method, args) -> {
                    if (method.getName().equals("recordAll")) {
                        batchSizes.add(((List<?>) args[0]).size());
                        if (batchSizes.size() == 1) {
                            firstBatchHeld.countDown();
                            releaseFirstBatch.await(10, TimeUnit.SECONDS);
                        }
                    }
                    try {
                        return method.invoke(store, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        context.start();
        writer = new PushWriter(gated, 1, context);
        writer.start();
    }

    @AfterEach
    void stop() {
        releaseFirstBatch.countDown();
        writer.stop();
        context.stop();
        db.close();
    }

    @Test
    void submitWhenPushesQueueBehindACommitThenOneBatchAndEachAnsweredAfterAllAreStored() throws Exception {
        Map<String, Long> storedWhenAnswered = new ConcurrentHashMap<>();
        Map<String, Outcome> outcomes = new ConcurrentHashMap<>();
        holdFirstBatch();
        List<ReceivedPush> queued = new ArrayList<>();
        for (int i = 1; i <= 10; i++) {
            queued.add(ticketPush(COMPONENT_APPID, "ticket-" + i, T0.plusSeconds(i)));
        }
        for (ReceivedPush push : queued) {
            writer.submit(push, recorded -> {
                storedWhenAnswered.put(push.nonce(), store.countEvents(COMPONENT_APPID));
                outcomes.put(push.nonce(), recorded.outcomeOrThrow());
            });
        }

        releaseFirstBatch.countDown();

        await().atMost(Duration.ofSeconds(10)).until(() -> outcomes.size() == 10);
        assertThat(batchSizes).containsExactly(1, 10);
        // 1 push of the held batch + the 10 of this one, committed before the first of them was answered
        assertThat(storedWhenAnswered.values()).containsOnly(11L);
        assertThat(outcomes.get(queued.get(9).nonce())).isEqualTo(Outcome.TICKET_STORED);
        assertThat(queued.subList(0, 9)).extracting(push -> outcomes.get(push.nonce()))
                .containsOnly(Outcome.TICKET_OLDER_KEPT_NEWER);
    }

    @Test
    void submitWhenTheBatchCannotBeWrittenThenEveryPushGetsTheFailureAndNoneIsStored() throws Exception {
        List<PushStore.Recorded> results = new CopyOnWriteArrayList<>();
        holdFirstBatch();
        for (int i = 1; i <= 10; i++) {
            ReceivedPush push = ticketPush(COMPONENT_APPID, "ticket-" + i, T0.plusSeconds(i));
            // push_nonce is VARCHAR(64): the fifth row is refused by the database, failing the transaction
            String nonce = i == 5 ? "9".repeat(65) : push.nonce();
            writer.submit(new ReceivedPush(push.push(), push.decryptedXml(), push.msgSignature(), push.timestamp(),
                    nonce, push.receivedAt()), results::add);
        }

        releaseFirstBatch.countDown();

        await().atMost(Duration.ofSeconds(10)).until(() -> results.size() == 10);
        assertThat(batchSizes).containsExactly(1, 10);
        assertThat(results).allSatisfy(recorded -> {
            assertThat(recorded.outcome()).isNull();
            assertThat(recorded.refusal()).isInstanceOf(StoreException.class);
        });
        assertThat(store.countEvents(COMPONENT_APPID)).isEqualTo(1);
    }

    @Test
    void submitWhenSameDeliveryTwiceInOneBatchThenStoredOnceAndBothAnsweredAsRecorded() throws Exception {
        Map<Integer, Outcome> outcomes = new ConcurrentHashMap<>();
        holdFirstBatch();
        ReceivedPush push = ticketPush(COMPONENT_APPID, "ticket-twice", T0.plusSeconds(1));
        ReceivedPush delivery = new ReceivedPush(push.push(), push.decryptedXml(), push.msgSignature(),
                push.timestamp(), push.nonce(), push.receivedAt(), "hash-of-the-body");
        writer.submit(delivery, recorded -> outcomes.put(1, recorded.outcomeOrThrow()));
        writer.submit(delivery, recorded -> outcomes.put(2, recorded.outcomeOrThrow()));

        releaseFirstBatch.countDown();

        await().atMost(Duration.ofSeconds(10)).until(() -> outcomes.size() == 2);
        assertThat(batchSizes).containsExactly(1, 2);
        assertThat(outcomes).containsEntry(1, Outcome.TICKET_STORED).containsEntry(2, Outcome.ALREADY_RECORDED);
        assertThat(store.countEvents(COMPONENT_APPID)).isEqualTo(2);
    }

    @Test
    void submitWhenStoppedThenRefusedAndNothingStored() {
        writer.stop();
        List<PushStore.Recorded> results = new CopyOnWriteArrayList<>();

        writer.submit(ticketPush(COMPONENT_APPID, "ticket-late", T0), results::add);

        assertThat(results).singleElement().satisfies(recorded -> assertThat(recorded.refusal())
                .isInstanceOf(StoreException.class).hasMessageContaining("nothing was stored"));
        assertThat(store.countEvents(COMPONENT_APPID)).isZero();
    }

    @Test
    void submitWhenTheQueueIsFullThenRefusedAtOnceAndTheQueuedOnesStored() throws Exception {
        Map<String, PushStore.Recorded> results = new ConcurrentHashMap<>();
        holdFirstBatch();
        int capacity = PushWriter.MAX_BATCH * PushWriter.BATCHES_QUEUED;
        for (int i = 0; i <= capacity; i++) {
            ReceivedPush push = ticketPush(COMPONENT_APPID, "ticket-" + i, T0.plusSeconds(i));
            writer.submit(push, recorded -> results.put(push.nonce(), recorded));
        }

        assertThat(results.values()).singleElement().satisfies(refused -> {
            assertThat(refused.outcome()).isNull();
            assertThat(refused.refusal()).isInstanceOf(StoreException.class)
                    .hasMessageContaining("overloaded").hasMessageContaining("nothing was stored");
        });
        releaseFirstBatch.countDown();
        await().atMost(Duration.ofSeconds(30)).until(() -> results.size() == capacity + 1);
        assertThat(results.values()).filteredOn(recorded -> recorded.outcome() != null).hasSize(capacity);
        assertThat(store.countEvents(COMPONENT_APPID)).isEqualTo(capacity + 1);
    }

    /** Puts one push in the writer's first batch and waits until the writer is held in it. */
    private void holdFirstBatch() throws InterruptedException {
        writer.submit(ticketPush(COMPONENT_APPID, "ticket-held", T0), recorded -> {
        });
        assertThat(firstBatchHeld.await(10, TimeUnit.SECONDS)).isTrue();
    }
}
