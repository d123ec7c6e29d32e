package io.wechatopen.camel.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import io.wechatopen.camel.model.AuthorizerTicket;
import io.wechatopen.camel.store.TestDatabases.Vendor;
import io.wechatopen.camel.support.MutableClock;

/**
 * The contract of {@link JdbcAuthorizerTicketStore} (table {@code wechat_authorizer_ticket}, migration V7) on one
 * database: sealed at rest and bound to its row, the lease (one holder at a time, taken over after its deadline,
 * released), compare-and-set of the save on the lease, rows scoped by component, and deletion of an account's
 * tickets. Run once per database by a concrete subclass.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class AuthorizerTicketStoreTestSupport {

    private static final String COMPONENT = "wxcomponent00001";
    private static final String OTHER_COMPONENT = "wxcomponent00002";
    private static final String ACCOUNT = "wxaccount000001";
    private static final String JSAPI = AuthorizerTicket.JSAPI;
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private static final Duration LEASE = Duration.ofSeconds(30);

    private TestDatabases.PerClass database;
    private TestDatabases.Db db;
    private MutableClock clock;
    private JdbcAuthorizerTicketStore store;

    abstract Vendor vendor();

    @BeforeAll
    void openDatabase() {
        database = TestDatabases.perClass(vendor());
    }

    @AfterAll
    void dropDatabase() {
        database.close();
    }

    @BeforeEach
    void setUp() {
        db = database.db();
        db.deleteAllRows();
        clock = new MutableClock(T0);
        store = new JdbcAuthorizerTicketStore(db.dataSource(), SecretSealer.fromKeys(TestDatabases.TEST_KEY), clock);
    }

    @Test
    void saveUnderLeaseWhenLeaseHeldThenStoredSealedReadBackAndLeaseReleased() throws SQLException {
        assertThat(store.find(COMPONENT, ACCOUNT, JSAPI)).isEmpty();
        assertThat(store.tryLease(COMPONENT, ACCOUNT, JSAPI, "node-a", T0, T0.plus(LEASE))).isTrue();
        assertThat(store.find(COMPONENT, ACCOUNT, JSAPI)).as("a leased row without a ticket").isEmpty();

        assertThat(store.saveUnderLease(ticket(COMPONENT, "ticket-1"), "node-a")).isTrue();

        assertThat(store.find(COMPONENT, ACCOUNT, JSAPI)).get()
                .returns("ticket-1", AuthorizerTicket::ticket)
                .returns(T0.plusSeconds(7200), AuthorizerTicket::expiresAt);
        assertThat(column("ticket")).startsWith("v1:").doesNotContain("ticket-1");
        assertThat(column("lease_holder")).isNull();
        assertThat(column("version")).isEqualTo("1");
        assertThat(store.tryLease(COMPONENT, ACCOUNT, JSAPI, "node-b", T0, T0.plus(LEASE)))
                .as("released with the save").isTrue();
    }

    @Test
    void markUnauthorizedWhenTheAccountHasTicketsThenTheyAreDeletedInTheSameWrite() {
        for (String component : List.of(COMPONENT, OTHER_COMPONENT)) {
            store.tryLease(component, ACCOUNT, JSAPI, "node-a", T0, T0.plus(LEASE));
            assertThat(store.saveUnderLease(ticket(component, "ticket-" + component), "node-a")).isTrue();
        }
        JdbcAuthorizerStore authorizers = new JdbcAuthorizerStore(db.dataSource(),
                SecretSealer.fromKeys(TestDatabases.TEST_KEY), clock);

        assertThat(authorizers.markUnauthorized(COMPONENT, ACCOUNT, T0.plusSeconds(1))).isTrue();

        assertThat(store.find(COMPONENT, ACCOUNT, JSAPI)).isEmpty();
        assertThat(store.find(OTHER_COMPONENT, ACCOUNT, JSAPI)).as("another platform's authorization").isPresent();
    }

    @Test
    void tryLeaseWhenHeldByAnotherThenRefusedUntilItsDeadlineAndSaveOfTheLoserRefused() {
        assertThat(store.tryLease(COMPONENT, ACCOUNT, JSAPI, "node-a", T0, T0.plus(LEASE))).isTrue();
        assertThat(store.tryLease(COMPONENT, ACCOUNT, JSAPI, "node-b", T0.plusSeconds(1), T0.plus(LEASE)))
                .isFalse();
        assertThat(store.saveUnderLease(ticket(COMPONENT, "from-b"), "node-b")).isFalse();
        assertThat(store.find(COMPONENT, ACCOUNT, JSAPI)).isEmpty();
        assertThat(store.tryLease(COMPONENT, ACCOUNT, JSAPI, "node-a", T0.plusSeconds(2), T0.plus(LEASE)))
                .as("the holder again").isTrue();

        // once its deadline passed, another instance takes over; the first holder can no longer save
        Instant later = T0.plus(LEASE).plusSeconds(1);
        assertThat(store.tryLease(COMPONENT, ACCOUNT, JSAPI, "node-b", later, later.plus(LEASE))).isTrue();
        assertThat(store.saveUnderLease(ticket(COMPONENT, "from-a"), "node-a")).isFalse();
        assertThat(store.saveUnderLease(ticket(COMPONENT, "from-b"), "node-b")).isTrue();
        assertThat(store.find(COMPONENT, ACCOUNT, JSAPI)).get().returns("from-b", AuthorizerTicket::ticket);
    }

    @Test
    void releaseLeaseWhenHolderThenFreeAndWhenNotHolderThenNoEffect() {
        store.tryLease(COMPONENT, ACCOUNT, JSAPI, "node-a", T0, T0.plus(LEASE));
        store.releaseLease(COMPONENT, ACCOUNT, JSAPI, "node-b");
        assertThat(store.tryLease(COMPONENT, ACCOUNT, JSAPI, "node-b", T0, T0.plus(LEASE))).isFalse();

        store.releaseLease(COMPONENT, ACCOUNT, JSAPI, "node-a");

        assertThat(store.tryLease(COMPONENT, ACCOUNT, JSAPI, "node-b", T0, T0.plus(LEASE))).isTrue();
    }

    @Test
    void tryLeaseWhenManyRaceForANewRowThenExactlyOneHoldsIt() throws Exception {
        int racers = 8;
        CyclicBarrier together = new CyclicBarrier(racers);
        ExecutorService executor = Executors.newFixedThreadPool(racers);
        try {
            List<Future<Boolean>> results = new ArrayList<>();
            for (int i = 0; i < racers; i++) {
                String holder = "node-" + i;
                Callable<Boolean> race = () -> {
                    together.await();
                    return store.tryLease(COMPONENT, ACCOUNT, JSAPI, holder, T0, T0.plus(LEASE));
                };
                results.add(executor.submit(race));
            }
            int holders = 0;
            for (Future<Boolean> result : results) {
                holders += result.get(30, TimeUnit.SECONDS) ? 1 : 0;
            }
            assertThat(holders).isEqualTo(1);
        } finally {
            executor.shutdownNow();
        }
    }

    @Test
    void rowsWhenTwoComponentsThenKeptApartAndDeleteAllOnlyForTheNamedComponent() {
        for (String component : List.of(COMPONENT, OTHER_COMPONENT)) {
            store.tryLease(component, ACCOUNT, JSAPI, "node-a", T0, T0.plus(LEASE));
            store.saveUnderLease(ticket(component, "ticket-of-" + component), "node-a");
        }

        assertThat(store.find(OTHER_COMPONENT, ACCOUNT, JSAPI)).get().returns("ticket-of-" + OTHER_COMPONENT,
                AuthorizerTicket::ticket);
        assertThat(store.find(COMPONENT, ACCOUNT, "wx_card")).isEmpty();
        assertThat(store.deleteAll(COMPONENT, ACCOUNT)).isEqualTo(1);
        assertThat(store.find(COMPONENT, ACCOUNT, JSAPI)).isEmpty();
        assertThat(store.find(OTHER_COMPONENT, ACCOUNT, JSAPI)).isPresent();
        assertThat(store.deleteAll(COMPONENT, ACCOUNT)).isZero();
    }

    @Test
    void findWhenSealedValueCopiedToAnotherRowThenRefused() throws SQLException {
        for (String component : List.of(COMPONENT, OTHER_COMPONENT)) {
            store.tryLease(component, ACCOUNT, JSAPI, "node-a", T0, T0.plus(LEASE));
            store.saveUnderLease(ticket(component, "ticket-of-" + component), "node-a");
        }
        try (Connection connection = db.dataSource().getConnection();
                PreparedStatement copy = connection.prepareStatement("UPDATE wechat_authorizer_ticket SET ticket ="
                        + " ? WHERE component_appid = ?")) {
            copy.setString(1, column("ticket"));
            copy.setString(2, OTHER_COMPONENT);
            copy.executeUpdate();
        }

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> store.find(OTHER_COMPONENT, ACCOUNT, JSAPI))
                .isInstanceOf(StoreException.class).message().doesNotContain("ticket-of-");
    }

    private AuthorizerTicket ticket(String component, String value) {
        return new AuthorizerTicket(component, ACCOUNT, JSAPI, value, T0.plusSeconds(7200));
    }

    /** A column of the row of {@link #COMPONENT}'s account, as text. */
    private String column(String name) throws SQLException {
        try (Connection connection = db.dataSource().getConnection();
                PreparedStatement select = connection.prepareStatement("SELECT " + name
                        + " FROM wechat_authorizer_ticket WHERE component_appid = ? AND authorizer_appid = ?"
                        + " AND ticket_type = ?")) {
            select.setString(1, COMPONENT);
            select.setString(2, ACCOUNT);
            select.setString(3, JSAPI);
            try (ResultSet rs = select.executeQuery()) {
                assertThat(rs.next()).isTrue();
                return rs.getString(1);
            }
        }
    }
}
