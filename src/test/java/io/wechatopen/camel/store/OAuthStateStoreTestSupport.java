package io.wechatopen.camel.store;

import static io.wechatopen.camel.store.AuthorizationStateStore.Outcome.ALREADY_USED;
import static io.wechatopen.camel.store.AuthorizationStateStore.Outcome.CONSUMED;
import static io.wechatopen.camel.store.AuthorizationStateStore.Outcome.EXPIRED;
import static io.wechatopen.camel.store.AuthorizationStateStore.Outcome.UNKNOWN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import io.wechatopen.camel.model.OAuthAttempt;
import io.wechatopen.camel.store.OAuthStateStore.Consumed;
import io.wechatopen.camel.store.TestDatabases.Db;
import io.wechatopen.camel.store.TestDatabases.Vendor;

/**
 * The contract of {@link JdbcOAuthStateStore} (migration V8), run once per database by a concrete subclass against
 * its own freshly migrated database.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class OAuthStateStoreTestSupport {

    private static final Instant T0 = Instant.parse("2025-06-01T09:00:00Z");
    private static final String COMPONENT = "wx0123456789abcdef";
    private static final String ACCOUNT = "wx1000000000000001";

    private Db db;
    private JdbcOAuthStateStore store;

    abstract Vendor vendor();

    @BeforeAll
    void openDatabase() {
        db = TestDatabases.migrated(vendor());
        store = new JdbcOAuthStateStore(db.dataSource());
    }

    @AfterAll
    void dropDatabase() {
        if (db != null) {
            db.close();
        }
    }

    @BeforeEach
    void emptyTable() throws SQLException {
        try (Connection connection = db.dataSource().getConnection();
                Statement statement = connection.createStatement()) {
            statement.executeUpdate("DELETE FROM wechat_oauth_state");
        }
    }

    private static OAuthAttempt attempt(String returnTo) {
        return new OAuthAttempt(COMPONENT, ACCOUNT, "snsapi_userinfo", returnTo, T0, T0.plusSeconds(600));
    }

    @Test
    void consumeWhenValidThenConsumedOnceThenAlreadyUsed() {
        store.save("hash-1", attempt("/shop?x=1"));

        Consumed first = store.consume("hash-1", ACCOUNT, T0.plusSeconds(30));
        Consumed second = store.consume("hash-1", ACCOUNT, T0.plusSeconds(31));

        assertThat(first).isEqualTo(new Consumed(CONSUMED, Optional.of(attempt("/shop?x=1"))));
        assertThat(second).isEqualTo(new Consumed(ALREADY_USED, Optional.empty()));
    }

    @Test
    void consumeWhenStartedForAnotherAccountThenUnknownAndStillUsable() {
        store.save("hash-1", attempt(null));

        assertThat(store.consume("hash-1", "wx1000000000000002", T0).outcome()).isEqualTo(UNKNOWN);
        assertThat(store.consume("hash-1", ACCOUNT, T0).outcome()).isEqualTo(CONSUMED);
    }

    @Test
    void consumeWhenUnknownThenUnknown() {
        assertThat(store.consume("hash-none", ACCOUNT, T0)).isEqualTo(new Consumed(UNKNOWN, Optional.empty()));
    }

    @Test
    void consumeWhenExpiredThenExpiredAndNotUsed() throws SQLException {
        store.save("hash-1", attempt(null));

        assertThat(store.consume("hash-1", ACCOUNT, T0.plusSeconds(600)))
                .isEqualTo(new Consumed(EXPIRED, Optional.empty()));
        assertThat(usedAt("hash-1")).isNull();
    }

    @Test
    void consumeWhenManyAtOnceThenExactlyOneConsumed() throws Exception {
        store.save("hash-1", attempt(null));
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Callable<Consumed>> calls = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                calls.add(() -> store.consume("hash-1", ACCOUNT, T0.plusSeconds(1)));
            }
            List<AuthorizationStateStore.Outcome> outcomes = new ArrayList<>();
            for (Future<Consumed> result : pool.invokeAll(calls)) {
                outcomes.add(result.get().outcome());
            }
            assertThat(outcomes).containsOnlyOnce(CONSUMED).filteredOn(o -> o != CONSUMED)
                    .containsOnly(ALREADY_USED);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void saveWhenReturnToTooLongThenRefusedAndNothingStored() throws SQLException {
        assertThatThrownBy(() -> store.save("hash-1", attempt("/" + "a".repeat(2048))))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(store.consume("hash-1", ACCOUNT, T0).outcome()).isEqualTo(UNKNOWN);
    }

    @Test
    void saveWhenHashStoredAlreadyThenStoreExceptionAndFirstKept() {
        store.save("hash-1", attempt("/first"));

        assertThatThrownBy(() -> store.save("hash-1", attempt("/second"))).isInstanceOf(StoreException.class);
        assertThat(store.consume("hash-1", ACCOUNT, T0).attempt()).contains(attempt("/first"));
    }

    @Test
    void deleteExpiredWhenSomeExpiredThenOnlyThoseDeleted() {
        store.save("hash-old", new OAuthAttempt(COMPONENT, ACCOUNT, "snsapi_base", null, T0, T0.plusSeconds(60)));
        store.save("hash-new", attempt(null));

        assertThat(store.deleteExpired(T0.plusSeconds(61))).isOne();
        assertThat(store.consume("hash-old", ACCOUNT, T0).outcome()).isEqualTo(UNKNOWN);
        assertThat(store.consume("hash-new", ACCOUNT, T0.plusSeconds(61)).outcome()).isEqualTo(CONSUMED);
    }

    private Long usedAt(String hash) throws SQLException {
        try (Connection connection = db.dataSource().getConnection();
                var select = connection
                        .prepareStatement("SELECT used_at FROM wechat_oauth_state WHERE state_hash = ?")) {
            select.setString(1, hash);
            try (ResultSet rs = select.executeQuery()) {
                rs.next();
                long value = rs.getLong(1);
                return rs.wasNull() ? null : value;
            }
        }
    }
}
