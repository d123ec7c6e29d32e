package io.wechatopen.camel.store;

import static io.wechatopen.camel.store.StoredPushes.COMPONENT_APPID;
import static io.wechatopen.camel.store.StoredPushes.T0;
import static io.wechatopen.camel.store.StoredPushes.authorizedPush;
import static io.wechatopen.camel.store.StoredPushes.ticketPush;
import static io.wechatopen.camel.store.StoredPushes.ticketPushWithoutTicket;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import io.wechatopen.camel.model.ComponentAccessToken;
import io.wechatopen.camel.model.ComponentVerifyTicket;
import io.wechatopen.camel.model.ReceivedPush;
import io.wechatopen.camel.store.PushStore.Outcome;
import io.wechatopen.camel.store.TestDatabases.Db;
import io.wechatopen.camel.store.TestDatabases.Vendor;

/**
 * The contract of the {@code Jdbc*} stores and of {@link StoreMigrations}, run once per database by a concrete
 * subclass ({@link H2JdbcStoreTest}, {@link PostgresJdbcStoreTest}, {@link MariaDbJdbcStoreTest}) against its own
 * freshly migrated database.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class JdbcStoreTestSupport {

    private static final String OTHER_APPID = "wx99999999999999aa";
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2025-06-01T09:00:00Z"), ZoneOffset.UTC);

    private TestDatabases.PerClass database;
    private Db db;
    private DataSource dataSource;
    private SecretSealer sealer;
    private JdbcPushStore pushStore;
    private JdbcTicketStore ticketStore;
    private JdbcComponentTokenStore tokenStore;

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
        db = database.db();
        db.deleteAllRows();
        dataSource = db.dataSource();
        sealer = SecretSealer.fromKeys(TestDatabases.TEST_KEY);
        pushStore = new JdbcPushStore(dataSource, sealer, CLOCK);
        ticketStore = new JdbcTicketStore(dataSource, sealer);
        tokenStore = new JdbcComponentTokenStore(dataSource, sealer, CLOCK);
    }

    // --- authorizers

    @Test
    void countByStatusWhenAuthorizersOfSeveralComponentsThenCountsOnlyTheGivenComponent() {
        update(dataSource, "INSERT INTO wechat_authorizer (component_appid, authorizer_appid, status, updated_at, version)"
                + " VALUES ('" + COMPONENT_APPID + "', 'wxa1', 'AUTHORIZED', 1, 0)");
        update(dataSource, "INSERT INTO wechat_authorizer (component_appid, authorizer_appid, status, updated_at, version)"
                + " VALUES ('" + COMPONENT_APPID + "', 'wxa2', 'AUTHORIZED', 1, 0)");
        update(dataSource, "INSERT INTO wechat_authorizer (component_appid, authorizer_appid, status, updated_at, version)"
                + " VALUES ('" + COMPONENT_APPID + "', 'wxa3', 'UNAUTHORIZED', 1, 0)");
        update(dataSource, "INSERT INTO wechat_authorizer (component_appid, authorizer_appid, status, updated_at, version)"
                + " VALUES ('" + OTHER_APPID + "', 'wxa1', 'AUTHORIZED', 1, 0)");

        assertThat(new JdbcAuthorizerStore(dataSource).countByStatus(COMPONENT_APPID))
                .containsExactly(Map.entry("AUTHORIZED", 2L), Map.entry("UNAUTHORIZED", 1L));
        assertThat(new JdbcAuthorizerStore(dataSource).countByStatus("wxnone")).isEmpty();
    }

    // --- migrations

    @Test
    void migrateWhenRunTwiceThenSecondRunAppliesNothing() throws SQLException {
        try (Db fresh = TestDatabases.empty(vendor())) {
            assertThat(StoreMigrations.migrate(fresh.dataSource())).isEqualTo(1);
            assertThat(StoreMigrations.migrate(fresh.dataSource())).isZero();

            for (String table : List.of("wechat_component", "wechat_authorizer", "wechat_authorization_event")) {
                assertThat(count(fresh.dataSource(), "SELECT COUNT(*) FROM " + table)).as(table).isZero();
            }
            assertThat(count(fresh.dataSource(),
                    "SELECT COUNT(*) FROM " + quoted(StoreMigrations.HISTORY_TABLE) + " WHERE " + quoted("version")
                            + " = '1' AND " + quoted("success") + " = " + trueLiteral()))
                    .isEqualTo(1);
        }
    }

    @Test
    void migrateWhenSchemaHoldsOtherTablesThenAppliesAll() throws SQLException {
        try (Db fresh = TestDatabases.empty(vendor())) {
            update(fresh.dataSource(), "CREATE TABLE other_application_data (id INTEGER NOT NULL PRIMARY KEY)");

            assertThat(StoreMigrations.migrate(fresh.dataSource())).isEqualTo(1);
            assertThat(count(fresh.dataSource(), "SELECT COUNT(*) FROM wechat_component")).isZero();
        }
    }

    // --- pushes and tickets

    @Test
    void recordWhenTicketPushThenTicketReadBackWithTimes() {
        ReceivedPush push = ticketPush(COMPONENT_APPID, "ticket@@@first", T0);

        assertThat(pushStore.record(push)).isEqualTo(Outcome.TICKET_STORED);

        assertThat(ticketStore.findTicket(COMPONENT_APPID)).contains(
                new ComponentVerifyTicket(COMPONENT_APPID, "ticket@@@first", T0, push.receivedAt()));
        assertThat(pushStore.countEvents(COMPONENT_APPID)).isEqualTo(1);
        assertThat(rawLong("SELECT updated_at FROM wechat_component WHERE component_appid = ?", COMPONENT_APPID))
                .isEqualTo(CLOCK.millis());
    }

    @Test
    void recordWhenNewerTicketPushThenTicketReplaced() {
        pushStore.record(ticketPush(COMPONENT_APPID, "ticket-old", T0));

        assertThat(pushStore.record(ticketPush(COMPONENT_APPID, "ticket-new", T0.plusSeconds(600))))
                .isEqualTo(Outcome.TICKET_STORED);

        assertThat(ticketStore.findTicket(COMPONENT_APPID)).get()
                .returns("ticket-new", ComponentVerifyTicket::ticket)
                .returns(T0.plusSeconds(600), ComponentVerifyTicket::createTime);
    }

    @Test
    void recordWhenOlderTicketPushThenNewerKeptAndEventRecorded() {
        pushStore.record(ticketPush(COMPONENT_APPID, "ticket-new", T0.plusSeconds(600)));

        assertThat(pushStore.record(ticketPush(COMPONENT_APPID, "ticket-old", T0)))
                .isEqualTo(Outcome.TICKET_OLDER_KEPT_NEWER);

        assertThat(ticketStore.findTicket(COMPONENT_APPID)).get()
                .returns("ticket-new", ComponentVerifyTicket::ticket)
                .returns(T0.plusSeconds(600), ComponentVerifyTicket::createTime);
        assertThat(pushStore.countEvents(COMPONENT_APPID)).isEqualTo(2);
    }

    @Test
    void recordWhenSameCreateTimeThenFirstTicketKept() {
        pushStore.record(ticketPush(COMPONENT_APPID, "ticket-first", T0));

        assertThat(pushStore.record(ticketPush(COMPONENT_APPID, "ticket-second", T0)))
                .isEqualTo(Outcome.TICKET_OLDER_KEPT_NEWER);

        assertThat(ticketStore.findTicket(COMPONENT_APPID)).get()
                .returns("ticket-first", ComponentVerifyTicket::ticket);
    }

    @Test
    void recordWhenSameDeliveryTwiceThenDuplicatePushExceptionAndOneEvent() {
        ReceivedPush push = ticketPush(COMPONENT_APPID, "ticket-once", T0);
        pushStore.record(push);

        assertThatThrownBy(() -> pushStore.record(push)).isInstanceOf(DuplicatePushException.class)
                .hasMessageContaining(push.msgSignature()).hasMessageNotContaining("ticket-once");

        assertThat(pushStore.countEvents(COMPONENT_APPID)).isEqualTo(1);
        assertThat(ticketStore.findTicket(COMPONENT_APPID)).get()
                .returns("ticket-once", ComponentVerifyTicket::ticket);
    }

    @Test
    void recordWhenReplayedDeliveryCarriesNewerTicketThenNothingWritten() {
        ReceivedPush original = ticketPush(COMPONENT_APPID, "ticket-original", T0);
        pushStore.record(original);
        ReceivedPush forged = new ReceivedPush(
                ticketPush(COMPONENT_APPID, "ticket-forged", T0.plusSeconds(600)).push(), "<xml/>",
                original.msgSignature(), original.timestamp(), original.nonce(), original.receivedAt());

        assertThatThrownBy(() -> pushStore.record(forged)).isInstanceOf(DuplicatePushException.class);

        assertThat(ticketStore.findTicket(COMPONENT_APPID)).get()
                .returns("ticket-original", ComponentVerifyTicket::ticket);
        assertThat(pushStore.countEvents(COMPONENT_APPID)).isEqualTo(1);
    }

    @Test
    void recordWhenTwentyTicketPushesConcurrentlyThenGreatestCreateTimeKept() throws Exception {
        List<ReceivedPush> pushes = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            pushes.add(ticketPush(COMPONENT_APPID, "ticket-" + i, T0.plusSeconds(600L * i)));
        }
        ReceivedPush newest = pushes.get(19);
        Collections.shuffle(pushes, new Random(20250601));
        ExecutorService executor = Executors.newFixedThreadPool(8);
        try {
            CountDownLatch start = new CountDownLatch(1);
            Map<ReceivedPush, Future<Outcome>> outcomes = new LinkedHashMap<>();
            for (ReceivedPush push : pushes) {
                outcomes.put(push, executor.submit(() -> {
                    start.await();
                    return pushStore.record(push);
                }));
            }
            start.countDown();

            for (Future<Outcome> outcome : outcomes.values()) {
                assertThat(outcome.get(30, TimeUnit.SECONDS)).isIn(Outcome.TICKET_STORED,
                        Outcome.TICKET_OLDER_KEPT_NEWER);
            }
            assertThat(outcomes.get(newest).get()).isEqualTo(Outcome.TICKET_STORED);
        } finally {
            executor.shutdownNow();
            assertThat(executor.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
        }

        assertThat(ticketStore.findTicket(COMPONENT_APPID)).get()
                .returns("ticket-19", ComponentVerifyTicket::ticket)
                .returns(newest.push().createTime(), ComponentVerifyTicket::createTime);
        assertThat(pushStore.countEvents(COMPONENT_APPID)).isEqualTo(20);
    }

    @Test
    void recordWhenAuthorizedPushThenEventStoredWithoutTicket() {
        ReceivedPush push = authorizedPush(COMPONENT_APPID, "queryauthcode@@@secret", T0);

        assertThat(pushStore.record(push)).isEqualTo(Outcome.EVENT_STORED);

        assertThat(rawString("SELECT authorizer_appid FROM wechat_authorization_event WHERE component_appid = ?",
                COMPONENT_APPID)).isEqualTo(StoredPushes.AUTHORIZER_APPID);
        assertThat(rawString("SELECT info_type FROM wechat_authorization_event WHERE component_appid = ?",
                COMPONENT_APPID)).isEqualTo("authorized");
        assertThat(rawString("SELECT status FROM wechat_authorization_event WHERE component_appid = ?",
                COMPONENT_APPID)).isEqualTo(JdbcPushStore.STATUS_RECEIVED);
        assertThat(rawLong("SELECT create_time FROM wechat_authorization_event WHERE component_appid = ?",
                COMPONENT_APPID)).isEqualTo(T0.toEpochMilli());
        assertThat(rowCount("wechat_component")).isZero();
    }

    @Test
    void recordWhenTicketFieldMissingThenIllegalArgumentAndNothingWritten() {
        assertThatThrownBy(() -> pushStore.record(ticketPushWithoutTicket(COMPONENT_APPID, T0)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ComponentVerifyTicket");

        assertThat(rowCount("wechat_authorization_event")).isZero();
        assertThat(rowCount("wechat_component")).isZero();
    }

    @Test
    void recordWhenTicketTooLongForColumnThenEventRolledBackAndStoredTicketKept() {
        ReceivedPush first = ticketPush(COMPONENT_APPID, "ticket-first", T0);
        pushStore.record(first);
        String oversized = "secret-ticket-" + "x".repeat(2000);

        StoreException failure = catchThrowableOfType(StoreException.class,
                () -> pushStore.record(ticketPush(COMPONENT_APPID, oversized, T0.plusSeconds(600))));

        assertThat(failure).isNotNull().isNotInstanceOf(DuplicatePushException.class)
                .hasMessageContaining("Recording a component_verify_ticket push failed");
        assertNoSecretInChain(failure, oversized);
        assertThat(pushStore.countEvents(COMPONENT_APPID)).isEqualTo(1);
        assertThat(ticketStore.findTicket(COMPONENT_APPID)).contains(
                new ComponentVerifyTicket(COMPONENT_APPID, "ticket-first", T0, first.receivedAt()));
    }

    @Test
    void recordWhenTicketTooLongForNewComponentThenNoRowWritten() {
        String oversized = "secret-ticket-" + "x".repeat(2000);

        assertThatThrownBy(() -> pushStore.record(ticketPush(COMPONENT_APPID, oversized, T0)))
                .isInstanceOf(StoreException.class);

        assertThat(rowCount("wechat_authorization_event")).isZero();
        assertThat(rowCount("wechat_component")).isZero();
    }

    @Test
    void recordWhenPayloadIs64KibThenStoredSealedAndOpens() {
        String xml = "<xml>" + "a".repeat(64 * 1024 - 11) + "</xml>";
        ReceivedPush large = ticketPush(COMPONENT_APPID, "ticket-large", T0);
        ReceivedPush push = new ReceivedPush(large.push(), xml, large.msgSignature(), large.timestamp(),
                large.nonce(), large.receivedAt());

        pushStore.record(push);

        String raw = rawString("SELECT payload FROM wechat_authorization_event WHERE component_appid = ?",
                COMPONENT_APPID);
        assertThat(raw.length()).isGreaterThan(64 * 1024);
        assertThat(sealer.open(raw, JdbcPushStore.payloadContext(COMPONENT_APPID))).isEqualTo(xml);
    }

    @Test
    void recordWhenStoredThenTicketAndPayloadSealedAtRest() {
        ReceivedPush push = ticketPush(COMPONENT_APPID, "ticket@@@plain", T0);

        pushStore.record(push);

        String ticket = rawString("SELECT verify_ticket FROM wechat_component WHERE component_appid = ?",
                COMPONENT_APPID);
        String payload = rawString("SELECT payload FROM wechat_authorization_event WHERE component_appid = ?",
                COMPONENT_APPID);
        assertThat(ticket).startsWith("v1:k1:").doesNotContain("ticket@@@plain");
        assertThat(payload).startsWith("v1:k1:").doesNotContain("ticket@@@plain").doesNotContain("<xml>");
        assertThat(sealer.open(payload, "wechat_authorization_event.payload:" + COMPONENT_APPID))
                .isEqualTo(push.decryptedXml());
    }

    @Test
    void findTicketWhenNoneStoredThenEmpty() {
        tokenStore.saveToken(token("token-only", T0.plusSeconds(7200)));

        assertThat(ticketStore.findTicket(COMPONENT_APPID)).isEmpty();
        assertThat(ticketStore.findTicket(OTHER_APPID)).isEmpty();
    }

    @Test
    void findTicketWhenSealedValueCopiedFromOtherComponentThenStoreExceptionWithoutSecret() {
        pushStore.record(ticketPush(COMPONENT_APPID, "ticket-of-a", T0));
        pushStore.record(ticketPush(OTHER_APPID, "ticket-of-b", T0));
        String sealedOfA = rawString("SELECT verify_ticket FROM wechat_component WHERE component_appid = ?",
                COMPONENT_APPID);
        update(dataSource, "UPDATE wechat_component SET verify_ticket = '" + sealedOfA + "' WHERE component_appid = '"
                + OTHER_APPID + "'");

        assertThatThrownBy(() -> ticketStore.findTicket(OTHER_APPID)).isInstanceOf(StoreException.class)
                .hasMessageContaining("authentication failed").hasMessageNotContaining("ticket-of");
        assertThat(ticketStore.findTicket(COMPONENT_APPID)).get().returns("ticket-of-a",
                ComponentVerifyTicket::ticket);
    }

    @Test
    void findTicketWhenKeyRotatedThenValueSealedWithOldKeyOpens() {
        pushStore.record(ticketPush(COMPONENT_APPID, "ticket-before-rotation", T0));
        String newKey = "k2:" + SecretSealer.generateKey();
        SecretSealer rotated = SecretSealer.fromKeys(newKey + ",k1:" + TestDatabases.TEST_KEY);
        SecretSealer oldKeyDropped = SecretSealer.fromKeys(newKey);

        assertThat(new JdbcTicketStore(dataSource, rotated).findTicket(COMPONENT_APPID)).get()
                .returns("ticket-before-rotation", ComponentVerifyTicket::ticket);
        assertThatThrownBy(() -> new JdbcTicketStore(dataSource, oldKeyDropped).findTicket(COMPONENT_APPID))
                .isInstanceOf(StoreException.class).hasMessageContaining("unknown key id k1");
    }

    // --- component token

    @Test
    void saveTokenWhenNoneStoredThenStoredAndReadBack() {
        ComponentAccessToken token = token("token-1", T0.plusSeconds(7200));

        assertThat(tokenStore.saveToken(token)).isTrue();

        assertThat(tokenStore.findToken(COMPONENT_APPID)).contains(token);
        assertThat(rawLong("SELECT updated_at FROM wechat_component WHERE component_appid = ?", COMPONENT_APPID))
                .isEqualTo(CLOCK.millis());
    }

    @Test
    void saveTokenWhenStoredExpiresLaterThenStoredKeptAndFalse() {
        ComponentAccessToken later = token("token-later", T0.plusSeconds(7200));
        tokenStore.saveToken(later);

        assertThat(tokenStore.saveToken(token("token-earlier", T0.plusSeconds(3600)))).isFalse();

        assertThat(tokenStore.findToken(COMPONENT_APPID)).contains(later);
    }

    @Test
    void saveTokenWhenStoredExpiresEarlierThenReplacedAndTrue() {
        tokenStore.saveToken(token("token-earlier", T0.plusSeconds(3600)));
        ComponentAccessToken later = token("token-later", T0.plusSeconds(7200));

        assertThat(tokenStore.saveToken(later)).isTrue();

        assertThat(tokenStore.findToken(COMPONENT_APPID)).contains(later);
    }

    @Test
    void saveTokenWhenTicketStoredThenTicketColumnsUntouched() {
        pushStore.record(ticketPush(COMPONENT_APPID, "ticket-kept", T0));
        String ticketColumns = rawTicketColumns();

        assertThat(tokenStore.saveToken(token("token-1", T0.plusSeconds(7200)))).isTrue();
        assertThat(tokenStore.saveToken(token("token-2", T0.plusSeconds(7800)))).isTrue();

        assertThat(rawTicketColumns()).isEqualTo(ticketColumns);
        assertThat(ticketStore.findTicket(COMPONENT_APPID)).get().returns("ticket-kept", ComponentVerifyTicket::ticket);
        assertThat(rowCount("wechat_component")).isEqualTo(1);
    }

    @Test
    void recordWhenTokenStoredThenTokenColumnsUntouched() {
        ComponentAccessToken token = token("token-kept", T0.plusSeconds(7200));
        tokenStore.saveToken(token);
        String sealedToken = rawString("SELECT access_token FROM wechat_component WHERE component_appid = ?",
                COMPONENT_APPID);

        pushStore.record(ticketPush(COMPONENT_APPID, "ticket-1", T0));

        assertThat(rawString("SELECT access_token FROM wechat_component WHERE component_appid = ?", COMPONENT_APPID))
                .isEqualTo(sealedToken);
        assertThat(tokenStore.findToken(COMPONENT_APPID)).contains(token);
    }

    @Test
    void saveTokenWhenSavedThenTokenSealedAtRest() {
        tokenStore.saveToken(token("token@@@plain", T0.plusSeconds(7200)));

        assertThat(rawString("SELECT access_token FROM wechat_component WHERE component_appid = ?", COMPONENT_APPID))
                .startsWith("v1:k1:").doesNotContain("token@@@plain");
    }

    @Test
    void saveTokenWhenTokenTooLongThenStoreExceptionWithoutSecretAndNothingWritten() {
        String oversized = "secret-token-" + "y".repeat(2000);

        StoreException failure = catchThrowableOfType(StoreException.class,
                () -> tokenStore.saveToken(token(oversized, T0.plusSeconds(7200))));

        assertThat(failure).isNotNull().hasMessageStartingWith("Saving the component_access_token failed");
        assertNoSecretInChain(failure, oversized);
        assertThat(rowCount("wechat_component")).isZero();
    }

    @Test
    void findTokenWhenNoneStoredThenEmpty() {
        pushStore.record(ticketPush(COMPONENT_APPID, "ticket-only", T0));

        assertThat(tokenStore.findToken(COMPONENT_APPID)).isEmpty();
        assertThat(tokenStore.findToken(OTHER_APPID)).isEmpty();
    }

    // --- helpers

    private String rawTicketColumns() {
        return rawString("SELECT verify_ticket FROM wechat_component WHERE component_appid = ?", COMPONENT_APPID) + "|"
                + rawLong("SELECT ticket_create_time FROM wechat_component WHERE component_appid = ?", COMPONENT_APPID)
                + "|" + rawLong("SELECT ticket_received_at FROM wechat_component WHERE component_appid = ?",
                        COMPONENT_APPID);
    }

    private static ComponentAccessToken token(String value, Instant expiresAt) {
        return new ComponentAccessToken(COMPONENT_APPID, value, expiresAt.minusSeconds(7200), expiresAt);
    }

    /** Flyway quotes the names it creates, so on H2 (which folds unquoted names to upper case) they must be quoted. */
    private String quoted(String flywayName) {
        return vendor() == Vendor.MARIADB ? flywayName : '"' + flywayName + '"';
    }

    private String trueLiteral() {
        return vendor() == Vendor.MARIADB ? "1" : "TRUE";
    }

    private static void assertNoSecretInChain(Throwable failure, String secret) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            assertThat(String.valueOf(t.getMessage())).as("message of %s", t.getClass().getName())
                    .doesNotContain(secret).doesNotContain(secret.substring(0, 13));
        }
    }

    private long rowCount(String table) {
        try {
            return count(dataSource, "SELECT COUNT(*) FROM " + table);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static long count(DataSource dataSource, String sql) throws SQLException {
        try (Connection connection = dataSource.getConnection();
                Statement statement = connection.createStatement();
                ResultSet rs = statement.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static void update(DataSource dataSource, String sql) {
        try (Connection connection = dataSource.getConnection();
                Statement statement = connection.createStatement()) {
            statement.executeUpdate(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private String rawString(String sql, String appid) {
        return (String) raw(sql, appid, false);
    }

    private long rawLong(String sql, String appid) {
        return (Long) raw(sql, appid, true);
    }

    private Object raw(String sql, String appid, boolean asLong) {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setString(1, appid);
            try (ResultSet rs = statement.executeQuery()) {
                assertThat(rs.next()).as("a row for %s", sql).isTrue();
                Object value = asLong ? (Object) rs.getLong(1) : rs.getString(1);
                assertThat(rs.next()).as("a single row for %s", sql).isFalse();
                return value;
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
