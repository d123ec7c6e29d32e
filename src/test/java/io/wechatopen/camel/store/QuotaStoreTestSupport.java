package io.wechatopen.camel.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import io.wechatopen.camel.model.QuotaReading;
import io.wechatopen.camel.store.TestDatabases.Vendor;

/**
 * The quota tools' store ({@link JdbcQuotaStore}): the monthly budget of {@code clear_quota/v2} resets, counted by a
 * compare-and-set that several writers cannot overspend, and the stored {@code getApiQuota} readings. Run once per
 * database by {@link H2QuotaStoreTest}, {@link PostgresQuotaStoreTest} and {@link MariaDbQuotaStoreTest}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class QuotaStoreTestSupport {

    private static final String COMPONENT = "wx0123456789abcdef";
    private static final String OTHER_COMPONENT = "wxfedcba9876543210";
    private static final String ACCOUNT = "wx1000000000000001";
    private static final String MONTH = "2025-06";
    private static final Instant T0 = Instant.parse("2025-06-01T09:00:00Z");
    private static final String TOKEN_API = "/cgi-bin/component/api_component_token";

    private TestDatabases.PerClass database;
    private JdbcQuotaStore store;

    abstract Vendor vendor();

    @BeforeAll
    void openDatabase() {
        database = TestDatabases.perClass(vendor());
    }

    @AfterAll
    void dropDatabase() {
        if (database != null) {
            database.close();
        }
    }

    @BeforeEach
    void emptyTables() {
        database.db().deleteAllRows();
        store = new JdbcQuotaStore(database.db().dataSource());
    }

    @Test
    void reserveResetWhenBudgetLeftThenCountedUntilSpentThenRefused() {
        for (int i = 1; i <= 10; i++) {
            assertThat(store.reserveReset(COMPONENT, COMPONENT, MONTH, 10, T0)).as("reset %d", i).isTrue();
        }

        assertThat(store.reserveReset(COMPONENT, COMPONENT, MONTH, 10, T0)).isFalse();
        assertThat(store.resetsUsed(COMPONENT, COMPONENT, MONTH)).isEqualTo(10);
        // Another month, another account and another component each have their own budget.
        assertThat(store.reserveReset(COMPONENT, COMPONENT, "2025-07", 10, T0)).isTrue();
        assertThat(store.reserveReset(COMPONENT, ACCOUNT, MONTH, 10, T0)).isTrue();
        assertThat(store.reserveReset(OTHER_COMPONENT, COMPONENT, MONTH, 10, T0)).isTrue();
        assertThat(store.resetsUsed(COMPONENT, ACCOUNT, MONTH)).isEqualTo(1);
    }

    @Test
    void reserveResetWhenManyWritersMeetThenNoMoreThanTheBudgetIsCounted() throws Exception {
        int writers = 24;
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<CompletableFuture<Boolean>> attempts = new ArrayList<>();
            for (int i = 0; i < writers; i++) {
                attempts.add(CompletableFuture.supplyAsync(() -> {
                    try {
                        start.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new IllegalStateException(e);
                    }
                    return store.reserveReset(COMPONENT, COMPONENT, MONTH, 10, T0);
                }, pool));
            }
            start.countDown();
            long granted = 0;
            for (CompletableFuture<Boolean> attempt : attempts) {
                granted += attempt.get() ? 1 : 0;
            }

            assertThat(granted).isEqualTo(10);
            assertThat(store.resetsUsed(COMPONENT, COMPONENT, MONTH)).isEqualTo(10);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void releaseResetWhenWeChatDidNotResetThenTheResetIsGivenBackNeverBelowZero() {
        store.reserveReset(COMPONENT, COMPONENT, MONTH, 10, T0);

        store.releaseReset(COMPONENT, COMPONENT, MONTH, T0);
        store.releaseReset(COMPONENT, COMPONENT, MONTH, T0);

        assertThat(store.resetsUsed(COMPONENT, COMPONENT, MONTH)).isZero();
    }

    @Test
    void markResetsSpentWhenWeChatAnswers48006ThenTheMonthIsSpentWithOrWithoutARow() {
        store.reserveReset(COMPONENT, COMPONENT, MONTH, 10, T0);

        store.markResetsSpent(COMPONENT, COMPONENT, MONTH, 10, T0);
        store.markResetsSpent(COMPONENT, ACCOUNT, MONTH, 10, T0);

        assertThat(store.resetsUsed(COMPONENT, COMPONENT, MONTH)).isEqualTo(10);
        assertThat(store.resetsUsed(COMPONENT, ACCOUNT, MONTH)).isEqualTo(10);
        assertThat(store.reserveReset(COMPONENT, ACCOUNT, MONTH, 10, T0)).isFalse();
    }

    @Test
    void saveReadingWhenReadThenFailedThenTheFiguresStayWithTheFailure() {
        assertThat(store.readings(COMPONENT)).isEmpty();

        store.saveReading(COMPONENT, TOKEN_API, 2000, 12, 1988, T0);
        store.saveFailedReading(COMPONENT, TOKEN_API, 45009, "reach max api daily quota limit", T0.plusSeconds(600));
        store.saveFailedReading(COMPONENT, "/cgi-bin/component/api_query_auth", -1, "timeout", T0);

        List<QuotaReading> readings = store.readings(COMPONENT);
        assertThat(readings).extracting(QuotaReading::cgiPath).containsExactly(
                "/cgi-bin/component/api_component_token", "/cgi-bin/component/api_query_auth");
        QuotaReading token = readings.get(0);
        assertThat(token.dailyLimit()).isEqualTo(2000);
        assertThat(token.used()).isEqualTo(12);
        assertThat(token.remain()).isEqualTo(1988);
        assertThat(token.readAt()).isEqualTo(T0);
        assertThat(token.checkedAt()).isEqualTo(T0.plusSeconds(600));
        assertThat(token.errcode()).isEqualTo(45009);
        assertThat(readings.get(1).remain()).isNull();
        assertThat(readings.get(1).exhausted()).isFalse();

        store.saveReading(COMPONENT, TOKEN_API, 2000, 2000, 0, T0.plusSeconds(1200));

        QuotaReading again = store.readings(COMPONENT).get(0);
        assertThat(again.errcode()).isNull();
        assertThat(again.message()).isNull();
        assertThat(again.exhausted()).isTrue();
        assertThat(store.readings(OTHER_COMPONENT)).isEmpty();
    }
}
