package io.wechatopen.camel.store;

import static io.wechatopen.camel.store.AuthorizationStateStore.Outcome.ALREADY_USED;
import static io.wechatopen.camel.store.AuthorizationStateStore.Outcome.CONSUMED;
import static io.wechatopen.camel.store.AuthorizationStateStore.Outcome.EXPIRED;
import static io.wechatopen.camel.store.AuthorizationStateStore.Outcome.UNKNOWN;
import static io.wechatopen.camel.store.StoredPushes.COMPONENT_APPID;
import static io.wechatopen.camel.store.StoredPushes.T0;
import static io.wechatopen.camel.store.StoredPushes.authorizationPush;
import static io.wechatopen.camel.store.StoredPushes.authorizedPush;
import static io.wechatopen.camel.store.StoredPushes.ticketPush;
import static io.wechatopen.camel.store.StoredPushes.ticketPushWithoutTicket;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.tuple;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;

import javax.sql.DataSource;

import org.flywaydb.core.api.MigrationVersion;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import io.wechatopen.camel.model.Authorization;
import io.wechatopen.camel.model.AuthorizationState;
import io.wechatopen.camel.model.AuthorizerRecord;
import io.wechatopen.camel.model.AuthorizerStatus;
import io.wechatopen.camel.model.ComponentAccessToken;
import io.wechatopen.camel.model.ComponentPush;
import io.wechatopen.camel.model.ComponentVerifyTicket;
import io.wechatopen.camel.model.InfoType;
import io.wechatopen.camel.model.ReceivedPush;
import io.wechatopen.camel.model.StoredEvent;
import io.wechatopen.camel.store.AuthorizationCodeStore.Claim;
import io.wechatopen.camel.store.AuthorizationCodeStore.Status;
import io.wechatopen.camel.store.AuthorizationStateStore.Consumed;
import io.wechatopen.camel.store.PushStore.Outcome;
import io.wechatopen.camel.store.TestDatabases.Db;
import io.wechatopen.camel.store.TestDatabases.Vendor;
import io.wechatopen.camel.support.MutableClock;

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
    private JdbcAuthorizerStore authorizerStore;
    private JdbcAuthorizationStateStore stateStore;
    private JdbcAuthorizationCodeStore codeStore;

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
        authorizerStore = new JdbcAuthorizerStore(dataSource, sealer, CLOCK);
        stateStore = new JdbcAuthorizationStateStore(dataSource);
        codeStore = new JdbcAuthorizationCodeStore(dataSource);
    }

    // --- authorizers

    @Test
    void countByStatusWhenAuthorizersOfSeveralComponentsThenCountsOnlyTheGivenComponent() {
        update(dataSource, "INSERT INTO wechat_authorizer (component_appid, authorizer_appid, status,"
                + " updated_at, version) VALUES ('" + COMPONENT_APPID + "', 'wxa1', 'AUTHORIZED', 1, 0)");
        update(dataSource, "INSERT INTO wechat_authorizer (component_appid, authorizer_appid, status,"
                + " updated_at, version) VALUES ('" + COMPONENT_APPID + "', 'wxa2', 'AUTHORIZED', 1, 0)");
        update(dataSource, "INSERT INTO wechat_authorizer (component_appid, authorizer_appid, status,"
                + " updated_at, version) VALUES ('" + COMPONENT_APPID + "', 'wxa3', 'UNAUTHORIZED', 1, 0)");
        update(dataSource, "INSERT INTO wechat_authorizer (component_appid, authorizer_appid, status,"
                + " updated_at, version) VALUES ('" + OTHER_APPID + "', 'wxa1', 'AUTHORIZED', 1, 0)");

        assertThat(authorizerStore.countByStatus(COMPONENT_APPID))
                .containsExactly(Map.entry("AUTHORIZED", 2L), Map.entry("UNAUTHORIZED", 1L));
        assertThat(authorizerStore.countByStatus("wxnone")).isEmpty();
    }

    // --- migrations

    /**
     * Every migration: V1 to V3, V5 to V9 everywhere, plus V4 (Quartz's tables) on the databases several instances
     * share.
     */
    private int migrationCount() {
        return vendor() == Vendor.H2 ? 8 : 9;
    }

    @Test
    void migrateWhenRunTwiceThenSecondRunAppliesNothing() throws SQLException {
        try (Db fresh = TestDatabases.empty(vendor())) {
            assertThat(StoreMigrations.migrate(fresh.dataSource())).isEqualTo(migrationCount());
            assertThat(StoreMigrations.migrate(fresh.dataSource())).isZero();

            for (String table : List.of("wechat_component", "wechat_authorizer", "wechat_authorization_event",
                    "wechat_authorization_state", "wechat_authorization_code")) {
                assertThat(count(fresh.dataSource(), "SELECT COUNT(*) FROM " + table)).as(table).isZero();
            }
            for (String version : vendor() == Vendor.H2 ? List.of("1", "2", "3", "5", "6", "7", "8", "9")
                    : List.of("1", "2", "3", "4", "5", "6", "7", "8", "9")) {
                assertThat(count(fresh.dataSource(),
                        "SELECT COUNT(*) FROM " + quoted(StoreMigrations.HISTORY_TABLE) + " WHERE " + quoted("version")
                                + " = '" + version + "' AND " + quoted("success") + " = " + trueLiteral()))
                                        .as("version %s", version).isEqualTo(1);
            }
        }
    }

    @Test
    void migrateWhenSchemaHoldsOtherTablesThenAppliesAll() throws SQLException {
        try (Db fresh = TestDatabases.empty(vendor())) {
            update(fresh.dataSource(), "CREATE TABLE other_application_data (id INTEGER NOT NULL PRIMARY KEY)");

            assertThat(StoreMigrations.migrate(fresh.dataSource())).isEqualTo(migrationCount());
            assertThat(count(fresh.dataSource(), "SELECT COUNT(*) FROM wechat_component")).isZero();
            assertThat(count(fresh.dataSource(), "SELECT COUNT(*) FROM wechat_authorization_code")).isZero();
        }
    }

    @Test
    void migrateWhenDatabaseAtV1ThenLaterVersionsAppliedAndRowsKept() throws SQLException {
        try (Db fresh = TestDatabases.empty(vendor())) {
            DataSource v1 = fresh.dataSource();
            assertThat(StoreMigrations.migrate(v1, MigrationVersion.fromVersion("1"))).isEqualTo(1);
            long v1UpdatedAt = T0.plusSeconds(60).toEpochMilli();
            update(v1, "INSERT INTO wechat_authorizer (component_appid, authorizer_appid, status, refresh_token,"
                    + " func_info, info, updated_at, version) VALUES ('" + COMPONENT_APPID + "', 'wxv1', 'AUTHORIZED',"
                    + " '" + sealer.seal("refresh-v1", JdbcAuthorizerStore.refreshTokenContext(COMPONENT_APPID, "wxv1"))
                    + "', '[3]', '{}', " + v1UpdatedAt + ", 4)");
            ReceivedPush push = authorizedPush(COMPONENT_APPID, "code-v1", T0);
            update(v1, "INSERT INTO wechat_authorization_event (id, component_appid, info_type, authorizer_appid,"
                    + " create_time, received_at, msg_signature, push_timestamp, push_nonce, payload, status) VALUES"
                    + " ('v1-event', '" + COMPONENT_APPID + "', 'authorized', '" + StoredPushes.AUTHORIZER_APPID
                    + "', " + T0.toEpochMilli() + ", " + T0.plusSeconds(1).toEpochMilli() + ", '"
                    + push.msgSignature() + "', '" + push.timestamp() + "', '" + push.nonce() + "', '"
                    + sealer.seal(push.decryptedXml(), JdbcPushStore.payloadContext(COMPONENT_APPID))
                    + "', 'RECEIVED')");

            assertThat(StoreMigrations.migrate(v1)).isEqualTo(migrationCount() - 1);

            JdbcAuthorizerStore authorizers = new JdbcAuthorizerStore(v1, sealer, CLOCK);
            assertThat(authorizers.find(COMPONENT_APPID, "wxv1")).get()
                    .returns(AuthorizerStatus.AUTHORIZED, AuthorizerRecord::status)
                    .returns("refresh-v1", AuthorizerRecord::refreshToken)
                    .returns(List.of(3), AuthorizerRecord::funcInfo)
                    .returns(4L, AuthorizerRecord::version);
            // status_changed_at was filled from updated_at: a change effective before it is ignored.
            assertThat(authorizers.markUnauthorized(COMPONENT_APPID, "wxv1", T0)).isFalse();
            assertThat(authorizers.markUnauthorized(COMPONENT_APPID, "wxv1", T0.plusSeconds(60))).isTrue();
            assertThat(new JdbcPushStore(v1, sealer, CLOCK).findUnprocessed(COMPONENT_APPID, 10))
                    .singleElement().returns(0, StoredEvent::attempts)
                    .extracting(e -> e.push().field("AuthorizationCode")).isEqualTo(Optional.of("code-v1"));
            assertThat(count(v1, "SELECT COUNT(*) FROM wechat_authorization_event WHERE last_error IS NULL"))
                    .isEqualTo(1);
            assertThat(StoreMigrations.migrate(v1)).isZero();
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
    void recordAllWhenTicketsOutOfOrderInOneBatchThenLatestStoredAndEveryPushRecorded() {
        List<ReceivedPush> batch = List.of(ticketPush(COMPONENT_APPID, "ticket-old", T0),
                ticketPush(COMPONENT_APPID, "ticket-newest", T0.plusSeconds(1200)),
                ticketPush(COMPONENT_APPID, "ticket-middle", T0.plusSeconds(600)),
                ticketPush(COMPONENT_APPID, "ticket-newest-again", T0.plusSeconds(1200)));

        List<PushStore.Recorded> results = pushStore.recordAll(batch);

        assertThat(results).extracting(PushStore.Recorded::outcome).containsExactly(Outcome.TICKET_OLDER_KEPT_NEWER,
                Outcome.TICKET_STORED, Outcome.TICKET_OLDER_KEPT_NEWER, Outcome.TICKET_OLDER_KEPT_NEWER);
        assertThat(pushStore.countEvents(COMPONENT_APPID)).isEqualTo(4);
        assertThat(ticketStore.findTicket(COMPONENT_APPID)).get()
                .returns("ticket-newest", ComponentVerifyTicket::ticket);
    }

    @Test
    void recordAllWhenBatchOlderThanStoredTicketThenStoredTicketKept() {
        pushStore.record(ticketPush(COMPONENT_APPID, "ticket-stored", T0.plusSeconds(600)));

        List<PushStore.Recorded> results = pushStore.recordAll(List.of(ticketPush(COMPONENT_APPID, "ticket-a", T0),
                ticketPush(OTHER_APPID, "ticket-of-b", T0)));

        assertThat(results).extracting(PushStore.Recorded::outcome)
                .containsExactly(Outcome.TICKET_OLDER_KEPT_NEWER, Outcome.TICKET_STORED);
        assertThat(ticketStore.findTicket(COMPONENT_APPID)).get()
                .returns("ticket-stored", ComponentVerifyTicket::ticket);
        assertThat(ticketStore.findTicket(OTHER_APPID)).get().returns("ticket-of-b", ComponentVerifyTicket::ticket);
    }

    @Test
    void recordAllWhenDeliveryTwiceInOneBatchThenStoredOnceReDeliveryRecordedAndReplayRefused() {
        ReceivedPush push = withBodyHash(ticketPush(COMPONENT_APPID, "ticket-once", T0), "hash-of-the-body");
        ReceivedPush replay = withBodyHash(new ReceivedPush(
                ticketPush(COMPONENT_APPID, "ticket-forged", T0.plusSeconds(600)).push(), "<xml/>",
                push.msgSignature(), push.timestamp(), push.nonce(), push.receivedAt()), "hash-of-another-body");

        List<PushStore.Recorded> results = pushStore.recordAll(List.of(push, push, replay));

        assertThat(results.get(0).outcome()).isEqualTo(Outcome.TICKET_STORED);
        assertThat(results.get(1).outcome()).isEqualTo(Outcome.ALREADY_RECORDED);
        assertThat(results.get(2).refusal()).isInstanceOf(DuplicatePushException.class);
        assertThat(pushStore.countEvents(COMPONENT_APPID)).isEqualTo(1);
        assertThat(ticketStore.findTicket(COMPONENT_APPID)).get()
                .returns("ticket-once", ComponentVerifyTicket::ticket);
    }

    @Test
    void recordAllWhenDeliveryRecordedBeforeTheBatchThenEachPushGetsItsOwnOutcome() {
        ReceivedPush before = withBodyHash(ticketPush(COMPONENT_APPID, "ticket-before", T0), "hash-before");
        pushStore.record(before);
        ReceivedPush replay = withBodyHash(new ReceivedPush(before.push(), before.decryptedXml(),
                before.msgSignature(), before.timestamp(), before.nonce(), before.receivedAt()), "another-hash");

        List<PushStore.Recorded> results = pushStore.recordAll(
                List.of(ticketPush(COMPONENT_APPID, "ticket-new", T0.plusSeconds(600)), before, replay,
                        authorizedPush(COMPONENT_APPID, "code-1", T0)));

        assertThat(results.get(0).outcome()).isEqualTo(Outcome.TICKET_STORED);
        assertThat(results.get(1).outcome()).isEqualTo(Outcome.ALREADY_RECORDED);
        assertThat(results.get(2).refusal()).isInstanceOf(DuplicatePushException.class);
        assertThat(results.get(3).outcome()).isEqualTo(Outcome.EVENT_STORED);
        assertThat(pushStore.countEvents(COMPONENT_APPID)).isEqualTo(3);
        assertThat(ticketStore.findTicket(COMPONENT_APPID)).get()
                .returns("ticket-new", ComponentVerifyTicket::ticket);
    }

    @Test
    void recordAllWhenOnePushCannotBeWrittenThenNothingOfTheBatchIsStored() {
        ReceivedPush good = ticketPush(COMPONENT_APPID, "ticket-good", T0.plusSeconds(600));
        ReceivedPush tooLong = ticketPush(COMPONENT_APPID, "ticket-bad", T0);
        // push_nonce is VARCHAR(64): the database refuses the row, so the batch's transaction fails.
        ReceivedPush unwritable = new ReceivedPush(tooLong.push(), tooLong.decryptedXml(), tooLong.msgSignature(),
                tooLong.timestamp(), "9".repeat(65), tooLong.receivedAt());

        assertThatThrownBy(() -> pushStore.recordAll(List.of(good, unwritable, authorizedPush(COMPONENT_APPID,
                "code-1", T0)))).isInstanceOf(StoreException.class).isNotInstanceOf(DuplicatePushException.class);

        assertThat(pushStore.countEvents(COMPONENT_APPID)).isZero();
        assertThat(ticketStore.findTicket(COMPONENT_APPID)).isEmpty();
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
    void expireTokenWhenStillTheStoredTokenThenExpiredOtherwiseUnchanged() {
        ComponentAccessToken stored = token("token-1", T0.plusSeconds(7200));
        tokenStore.saveToken(stored);
        Instant reported = T0.plusSeconds(60);

        assertThat(tokenStore.expireToken(COMPONENT_APPID, "token-0", reported)).as("already replaced").isFalse();
        assertThat(tokenStore.expireToken(OTHER_APPID, "token-1", reported)).as("another component").isFalse();
        assertThat(tokenStore.findToken(COMPONENT_APPID)).contains(stored);

        assertThat(tokenStore.expireToken(COMPONENT_APPID, "token-1", reported)).isTrue();
        assertThat(tokenStore.findToken(COMPONENT_APPID))
                .contains(new ComponentAccessToken(COMPONENT_APPID, "token-1", stored.obtainedAt(), reported));
        assertThat(tokenStore.expireToken(COMPONENT_APPID, "token-1", reported.plusSeconds(1)))
                .as("expired already").isFalse();
        // A token issued afterwards is stored over the expired one.
        assertThat(tokenStore.saveToken(token("token-2", T0.plusSeconds(3600)))).isTrue();
    }

    @Test
    void findTokenWhenNoneStoredThenEmpty() {
        pushStore.record(ticketPush(COMPONENT_APPID, "ticket-only", T0));

        assertThat(tokenStore.findToken(COMPONENT_APPID)).isEmpty();
        assertThat(tokenStore.findToken(OTHER_APPID)).isEmpty();
    }

    // --- authorizer store

    @Test
    void saveAuthorizationWhenNewThenInsertedAuthorizedAndReadBack() {
        AuthorizerRecord saved = authorizerStore.saveAuthorization(
                authorization("wxa1", "access-1", "refresh-1", List.of(1, 2, 15), T0), null);

        AuthorizerRecord expected = new AuthorizerRecord(COMPONENT_APPID, "wxa1", AuthorizerStatus.AUTHORIZED,
                "access-1", T0.plusSeconds(7200), "refresh-1", List.of(1, 2, 15), "{}", T0, CLOCK.instant(), 1);
        assertThat(saved).isEqualTo(expected);
        assertThat(authorizerStore.find(COMPONENT_APPID, "wxa1")).contains(expected);
        assertThat(rawAuthorizer("func_info", "wxa1")).isEqualTo("[1,2,15]");
        assertThat(rawAuthorizer("status_changed_at", "wxa1")).isEqualTo(String.valueOf(T0.toEpochMilli()));
        assertThat(authorizerStore.find(COMPONENT_APPID, "wxnone")).isEmpty();
        assertThat(authorizerStore.find(OTHER_APPID, "wxa1")).isEmpty();
    }

    @Test
    void saveAuthorizationWhenStoredThenUpdatedFuncInfoReplacedAndVersionIncremented() {
        authorizerStore.saveAuthorization(authorization("wxa1", "access-1", "refresh-1", List.of(1, 2, 15), T0), null);
        authorizerStore.saveInfo(COMPONENT_APPID, "wxa1", "{\"nick_name\":\"Shop\"}");

        AuthorizerRecord saved = authorizerStore.saveAuthorization(
                authorization("wxa1", "access-2", "refresh-2", List.of(7), T0.plusSeconds(600)), null);

        assertThat(saved).returns("access-2", AuthorizerRecord::accessToken)
                .returns(T0.plusSeconds(7800), AuthorizerRecord::accessTokenExpiresAt)
                .returns("refresh-2", AuthorizerRecord::refreshToken)
                .returns(List.of(7), AuthorizerRecord::funcInfo)
                .returns("{\"nick_name\":\"Shop\"}", AuthorizerRecord::infoJson)
                .returns(T0.plusSeconds(600), AuthorizerRecord::authorizedAt)
                .returns(3L, AuthorizerRecord::version);
        assertThat(authorizerStore.find(COMPONENT_APPID, "wxa1")).contains(saved);
        assertThat(rowCount("wechat_authorizer")).isEqualTo(1);
    }

    @Test
    void saveAuthorizationWhenRefreshTokenEmptyOrNullThenStoredRefreshTokenKept() {
        authorizerStore.saveAuthorization(authorization("wxa1", "access-1", "refresh-kept", List.of(1), T0), null);

        assertThat(authorizerStore.saveAuthorization(
                authorization("wxa1", "access-2", "", List.of(1), T0.plusSeconds(60)), null))
                        .returns("refresh-kept", AuthorizerRecord::refreshToken)
                        .returns("access-2", AuthorizerRecord::accessToken);
        assertThat(authorizerStore.saveAuthorization(
                authorization("wxa1", "access-3", null, List.of(1), T0.plusSeconds(120)), null))
                        .returns("refresh-kept", AuthorizerRecord::refreshToken)
                        .returns("access-3", AuthorizerRecord::accessToken)
                        .returns(3L, AuthorizerRecord::version);
    }

    @Test
    void saveAuthorizationWhenNoAccessTokenThenStoredWithoutTokenAndExpiry() {
        Authorization withoutToken = new Authorization(COMPONENT_APPID, "wxa1", null, T0.plusSeconds(7200),
                "refresh-1", List.of(), T0);

        assertThat(authorizerStore.saveAuthorization(withoutToken, null))
                .returns(null, AuthorizerRecord::accessToken)
                .returns(null, AuthorizerRecord::accessTokenExpiresAt)
                .returns(List.of(), AuthorizerRecord::funcInfo)
                .returns("refresh-1", AuthorizerRecord::refreshToken);
    }

    @Test
    void saveAuthorizationWhenCodeHashThenClaimMarkedDoneWithAuthorizer() {
        assertThat(codeStore.claim(COMPONENT_APPID, "hash-1", T0, Duration.ofMinutes(5))).isEmpty();

        authorizerStore.saveAuthorization(authorization("wxa1", "access-1", "refresh-1", List.of(1), T0), "hash-1");

        assertThat(codeStore.find(COMPONENT_APPID, "hash-1")).contains(new Claim(COMPONENT_APPID, "hash-1",
                Status.DONE, "wxa1", null, T0));
        assertThat(rawCode("completed_at", "hash-1")).isEqualTo(String.valueOf(T0.toEpochMilli()));
    }

    @Test
    void saveAuthorizationWhenCodeNeverClaimedThenDoneClaimInserted() {
        authorizerStore.saveAuthorization(authorization("wxa1", "access-1", "refresh-1", List.of(1), T0), "hash-new");

        assertThat(codeStore.find(COMPONENT_APPID, "hash-new")).get().returns(Status.DONE, Claim::status)
                .returns("wxa1", Claim::authorizerAppid);
        assertThat(codeStore.claim(COMPONENT_APPID, "hash-new", T0.plusSeconds(3600), Duration.ofMinutes(5)))
                .get().returns(Status.DONE, Claim::status);
    }

    @Test
    void saveAuthorizationWhenTokenTooLongForNewRowThenNothingWrittenAndClaimStillPending() {
        codeStore.claim(COMPONENT_APPID, "hash-1", T0, Duration.ofMinutes(5));
        String oversized = "secret-access-" + "z".repeat(2000);

        StoreException failure = catchThrowableOfType(StoreException.class, () -> authorizerStore
                .saveAuthorization(authorization("wxa1", oversized, "refresh-1", List.of(1), T0), "hash-1"));

        assertThat(failure).isNotNull().hasMessageStartingWith("Saving an authorization failed");
        assertNoSecretInChain(failure, oversized);
        assertThat(rowCount("wechat_authorizer")).isZero();
        assertThat(codeStore.find(COMPONENT_APPID, "hash-1")).get().returns(Status.PENDING, Claim::status)
                .returns(null, Claim::authorizerAppid);
    }

    @Test
    void saveAuthorizationWhenTokenTooLongForStoredRowThenRowAndClaimUnchanged() {
        AuthorizerRecord stored = authorizerStore.saveAuthorization(
                authorization("wxa1", "access-1", "refresh-1", List.of(1), T0), null);
        codeStore.claim(COMPONENT_APPID, "hash-2", T0, Duration.ofMinutes(5));
        String oversized = "secret-access-" + "z".repeat(2000);

        assertThatThrownBy(() -> authorizerStore.saveAuthorization(
                authorization("wxa1", oversized, "refresh-2", List.of(9), T0.plusSeconds(60)), "hash-2"))
                        .isInstanceOf(StoreException.class);

        assertThat(authorizerStore.find(COMPONENT_APPID, "wxa1")).contains(stored);
        assertThat(codeStore.find(COMPONENT_APPID, "hash-2")).get().returns(Status.PENDING, Claim::status);
    }

    @Test
    void saveAuthorizationWhenOlderThanStoredStatusChangeThenRowUnchangedAndClaimDone() {
        authorizerStore.saveAuthorization(authorization("wxa1", "access-1", "refresh-1", List.of(1), T0), null);
        authorizerStore.markUnauthorized(COMPONENT_APPID, "wxa1", T0.plusSeconds(600));
        AuthorizerRecord unauthorized = authorizerStore.find(COMPONENT_APPID, "wxa1").orElseThrow();
        codeStore.claim(COMPONENT_APPID, "hash-old", T0, Duration.ofMinutes(5));

        AuthorizerRecord returned = authorizerStore.saveAuthorization(
                authorization("wxa1", "access-old", "refresh-old", List.of(2), T0.plusSeconds(300)), "hash-old");

        assertThat(returned).isEqualTo(unauthorized).returns(AuthorizerStatus.UNAUTHORIZED, AuthorizerRecord::status)
                .returns(null, AuthorizerRecord::refreshToken);
        assertThat(authorizerStore.find(COMPONENT_APPID, "wxa1")).contains(unauthorized);
        assertThat(codeStore.find(COMPONENT_APPID, "hash-old")).get().returns(Status.DONE, Claim::status);
    }

    @Test
    void saveAuthorizationWhenLaterThanUnauthorizedThenAuthorizedAgain() {
        authorizerStore.saveAuthorization(authorization("wxa1", "access-1", "refresh-1", List.of(1), T0), null);
        authorizerStore.markUnauthorized(COMPONENT_APPID, "wxa1", T0.plusSeconds(600));

        AuthorizerRecord saved = authorizerStore.saveAuthorization(
                authorization("wxa1", "access-2", "refresh-2", List.of(4), T0.plusSeconds(900)), null);

        assertThat(saved).returns(AuthorizerStatus.AUTHORIZED, AuthorizerRecord::status)
                .returns("access-2", AuthorizerRecord::accessToken)
                .returns("refresh-2", AuthorizerRecord::refreshToken)
                .returns(3L, AuthorizerRecord::version);
    }

    @Test
    void saveRefreshedTokenWhenStoredExpiresEarlierThenReplacedAndRefreshTokenStored() {
        authorizerStore.saveAuthorization(authorization("wxa1", "access-1", "refresh-1", List.of(1), T0), null);

        assertThat(authorizerStore.saveRefreshedToken(COMPONENT_APPID, "wxa1", "refresh-1", "access-2",
                T0.plusSeconds(9000),
                "refresh-2")).isTrue();

        assertThat(authorizerStore.find(COMPONENT_APPID, "wxa1")).get()
                .returns("access-2", AuthorizerRecord::accessToken)
                .returns(T0.plusSeconds(9000), AuthorizerRecord::accessTokenExpiresAt)
                .returns("refresh-2", AuthorizerRecord::refreshToken)
                .returns(AuthorizerStatus.AUTHORIZED, AuthorizerRecord::status)
                .returns(2L, AuthorizerRecord::version);
    }

    @Test
    void saveRefreshedTokenWhenRefreshTokenEmptyOrNullThenStoredRefreshTokenKept() {
        authorizerStore.saveAuthorization(authorization("wxa1", "access-1", "refresh-kept", List.of(1), T0), null);

        assertThat(authorizerStore.saveRefreshedToken(COMPONENT_APPID, "wxa1", "refresh-kept", "access-2",
                T0.plusSeconds(9000),
                "")).isTrue();
        assertThat(authorizerStore.saveRefreshedToken(COMPONENT_APPID, "wxa1", "refresh-kept", "access-3",
                T0.plusSeconds(9600),
                null)).isTrue();

        assertThat(authorizerStore.find(COMPONENT_APPID, "wxa1")).get()
                .returns("access-3", AuthorizerRecord::accessToken)
                .returns("refresh-kept", AuthorizerRecord::refreshToken);
    }

    @Test
    void saveRefreshedTokenWhenStoredExpiresLaterOrSameThenStoredKeptAndFalse() {
        authorizerStore.saveAuthorization(authorization("wxa1", "access-later", "refresh-1", List.of(1), T0), null);

        assertThat(authorizerStore.saveRefreshedToken(COMPONENT_APPID, "wxa1", "refresh-1", "access-earlier",
                T0.plusSeconds(3600), "refresh-2")).isFalse();
        assertThat(authorizerStore.saveRefreshedToken(COMPONENT_APPID, "wxa1", "refresh-1", "access-same",
                T0.plusSeconds(7200),
                "refresh-2")).isFalse();

        assertThat(authorizerStore.find(COMPONENT_APPID, "wxa1")).get()
                .returns("access-later", AuthorizerRecord::accessToken)
                .returns("refresh-1", AuthorizerRecord::refreshToken)
                .returns(1L, AuthorizerRecord::version);
    }

    @Test
    void saveRefreshedTokenWhenNotAuthorizedOrMissingThenFalseAndNothingWritten() {
        authorizerStore.saveAuthorization(authorization("wxun", "access-1", "refresh-1", List.of(1), T0), null);
        authorizerStore.markUnauthorized(COMPONENT_APPID, "wxun", T0.plusSeconds(60));
        authorizerStore.saveAuthorization(authorization("wxre", "access-1", "refresh-1", List.of(1), T0), null);
        authorizerStore.markNeedsReauthorization(COMPONENT_APPID, "wxre", T0.plusSeconds(60), "refresh-1");
        AuthorizerRecord unauthorized = authorizerStore.find(COMPONENT_APPID, "wxun").orElseThrow();
        AuthorizerRecord needsReauthorization = authorizerStore.find(COMPONENT_APPID, "wxre").orElseThrow();

        assertThat(authorizerStore.saveRefreshedToken(COMPONENT_APPID, "wxun", "refresh-1", "access-2",
                T0.plusSeconds(9000),
                "refresh-2")).isFalse();
        assertThat(authorizerStore.saveRefreshedToken(COMPONENT_APPID, "wxre", "refresh-1", "access-2",
                T0.plusSeconds(9000),
                "refresh-2")).isFalse();
        assertThat(authorizerStore.saveRefreshedToken(COMPONENT_APPID, "wxnone", "refresh-1", "access-2",
                T0.plusSeconds(9000),
                "refresh-2")).isFalse();

        assertThat(authorizerStore.find(COMPONENT_APPID, "wxun")).contains(unauthorized);
        assertThat(authorizerStore.find(COMPONENT_APPID, "wxre")).contains(needsReauthorization);
        assertThat(rowCount("wechat_authorizer")).isEqualTo(2);
    }

    // Issue 6, item 3: a refresh in flight while the owner re-authorized never writes the dead tokens back.
    @Test
    void saveRefreshedTokenWhenRefreshTokenChangedMeanwhileThenFalseAndNewerStateKept() {
        authorizerStore.saveAuthorization(authorization("wxa1", "access-1", "refresh-1", List.of(1), T0), null);
        authorizerStore.saveAuthorization(authorization("wxa1", "access-reauth", "refresh-reauth", List.of(1, 2),
                T0.plusSeconds(30)), null);
        AuthorizerRecord reauthorized = authorizerStore.find(COMPONENT_APPID, "wxa1").orElseThrow();

        assertThat(authorizerStore.saveRefreshedToken(COMPONENT_APPID, "wxa1", "refresh-1", "access-dead",
                T0.plusSeconds(99_000), "refresh-1")).isFalse();

        assertThat(authorizerStore.find(COMPONENT_APPID, "wxa1")).contains(reauthorized);
    }

    @Test
    void markNeedsReauthorizationWhenRefreshTokenChangedMeanwhileThenFalseAndStillAuthorized() {
        authorizerStore.saveAuthorization(authorization("wxa1", "access-1", "refresh-new", List.of(1), T0), null);

        assertThat(authorizerStore.markNeedsReauthorization(COMPONENT_APPID, "wxa1", T0.plusSeconds(60),
                "refresh-refused")).isFalse();

        assertThat(authorizerStore.find(COMPONENT_APPID, "wxa1")).get()
                .returns(AuthorizerStatus.AUTHORIZED, AuthorizerRecord::status)
                .returns("access-1", AuthorizerRecord::accessToken);
    }

    @Test
    void replaceRefreshTokenWhenStillTheRefusedOneThenReplacedAndAccessTokenPurgedElseUnchanged() {
        authorizerStore.saveAuthorization(authorization("wxa1", "access-1", "refresh-refused", List.of(1), T0), null);

        assertThat(authorizerStore.replaceRefreshToken(COMPONENT_APPID, "wxa1", "refresh-other", "refresh-x"))
                .isFalse();
        assertThat(authorizerStore.replaceRefreshToken(COMPONENT_APPID, "wxa1", "refresh-refused", "")).isFalse();
        assertThat(authorizerStore.replaceRefreshToken(COMPONENT_APPID, "wxnone", "refresh-refused", "refresh-x"))
                .isFalse();
        assertThat(authorizerStore.replaceRefreshToken(COMPONENT_APPID, "wxa1", "refresh-refused", "refresh-current"))
                .isTrue();

        assertThat(authorizerStore.find(COMPONENT_APPID, "wxa1")).get()
                .returns("refresh-current", AuthorizerRecord::refreshToken)
                .returns(null, AuthorizerRecord::accessToken)
                .returns(AuthorizerStatus.AUTHORIZED, AuthorizerRecord::status);
    }

    // Issue 6, item 2: WeChat lists only current authorizations, whatever their auth_time.
    @Test
    void restoreRefreshTokenWhenNeedsReauthorizationAndListedTimeOlderThenStillRevived() {
        authorizerStore.saveAuthorization(authorization("wxa1", "access-1", "refresh-refused", List.of(1), T0), null);
        authorizerStore.markNeedsReauthorization(COMPONENT_APPID, "wxa1", T0.plusSeconds(600), "refresh-refused");

        assertThat(authorizerStore.restoreRefreshToken(COMPONENT_APPID, "wxa1", "refresh-listed", T0)).isTrue();

        assertThat(authorizerStore.find(COMPONENT_APPID, "wxa1")).get()
                .returns(AuthorizerStatus.AUTHORIZED, AuthorizerRecord::status)
                .returns("refresh-listed", AuthorizerRecord::refreshToken);
    }

    @Test
    void expireAccessTokenWhenExactTokenThenPurgedOtherwiseKept() {
        authorizerStore.saveAuthorization(authorization("wxa1", "access-1", "refresh-1", List.of(1), T0), null);

        assertThat(authorizerStore.expireAccessToken(COMPONENT_APPID, "wxa1", "access-other")).isFalse();
        assertThat(authorizerStore.expireAccessToken(COMPONENT_APPID, "wxnone", "access-1")).isFalse();
        assertThat(authorizerStore.find(COMPONENT_APPID, "wxa1")).get()
                .returns("access-1", AuthorizerRecord::accessToken).returns(1L, AuthorizerRecord::version);

        assertThat(authorizerStore.expireAccessToken(COMPONENT_APPID, "wxa1", "access-1")).isTrue();

        assertThat(authorizerStore.find(COMPONENT_APPID, "wxa1")).get()
                .returns(null, AuthorizerRecord::accessToken)
                .returns(null, AuthorizerRecord::accessTokenExpiresAt)
                .returns("refresh-1", AuthorizerRecord::refreshToken)
                .returns(AuthorizerStatus.AUTHORIZED, AuthorizerRecord::status)
                .returns(2L, AuthorizerRecord::version);
        assertThat(authorizerStore.expireAccessToken(COMPONENT_APPID, "wxa1", "access-1")).isFalse();
        // A purged token counts as missing: any refreshed token is stored.
        assertThat(authorizerStore.saveRefreshedToken(COMPONENT_APPID, "wxa1", "refresh-1", "access-2",
                T0.plusSeconds(60), null))
                        .isTrue();
    }

    @Test
    void saveInfoWhenRowExistsThenStoredElseFalse() {
        authorizerStore.saveAuthorization(authorization("wxa1", "access-1", "refresh-1", List.of(1), T0), null);
        String info = "{\"nick_name\":\"店铺\",\"service_type_info\":{\"id\":2}}";

        assertThat(authorizerStore.saveInfo(COMPONENT_APPID, "wxa1", info)).isTrue();
        assertThat(authorizerStore.saveInfo(COMPONENT_APPID, "wxnone", info)).isFalse();

        assertThat(authorizerStore.find(COMPONENT_APPID, "wxa1")).get().returns(info, AuthorizerRecord::infoJson)
                .returns(2L, AuthorizerRecord::version);
        assertThat(rowCount("wechat_authorizer")).isEqualTo(1);
    }

    @Test
    void markUnauthorizedWhenAuthorizedThenBothTokensPurged() {
        authorizerStore.saveAuthorization(authorization("wxa1", "access-1", "refresh-1", List.of(1), T0), null);

        assertThat(authorizerStore.markUnauthorized(COMPONENT_APPID, "wxa1", T0.plusSeconds(60))).isTrue();

        assertThat(authorizerStore.find(COMPONENT_APPID, "wxa1")).get()
                .returns(AuthorizerStatus.UNAUTHORIZED, AuthorizerRecord::status)
                .returns(null, AuthorizerRecord::accessToken)
                .returns(null, AuthorizerRecord::accessTokenExpiresAt)
                .returns(null, AuthorizerRecord::refreshToken)
                .returns(List.of(1), AuthorizerRecord::funcInfo)
                .returns(2L, AuthorizerRecord::version);
        assertThat(rawAuthorizer("refresh_token", "wxa1")).isNull();
        assertThat(rawAuthorizer("access_token", "wxa1")).isNull();
    }

    @Test
    void markUnauthorizedWhenOlderThanStoredAuthorizationThenIgnored() {
        AuthorizerRecord stored = authorizerStore.saveAuthorization(
                authorization("wxa1", "access-1", "refresh-1", List.of(1), T0.plusSeconds(600)), null);

        assertThat(authorizerStore.markUnauthorized(COMPONENT_APPID, "wxa1", T0.plusSeconds(300))).isFalse();

        assertThat(authorizerStore.find(COMPONENT_APPID, "wxa1")).contains(stored);
    }

    @Test
    void markUnauthorizedWhenNoRowThenRowInsertedAndOlderAuthorizationIgnored() {
        assertThat(authorizerStore.markUnauthorized(COMPONENT_APPID, "wxa1", T0.plusSeconds(600))).isTrue();

        assertThat(authorizerStore.find(COMPONENT_APPID, "wxa1")).contains(new AuthorizerRecord(COMPONENT_APPID,
                "wxa1", AuthorizerStatus.UNAUTHORIZED, null, null, null, List.of(), "{}", null, CLOCK.instant(), 1));
        assertThat(authorizerStore.saveAuthorization(
                authorization("wxa1", "access-1", "refresh-1", List.of(1), T0.plusSeconds(300)), null))
                        .returns(AuthorizerStatus.UNAUTHORIZED, AuthorizerRecord::status);
        assertThat(authorizerStore.countByStatus(COMPONENT_APPID)).containsExactly(Map.entry("UNAUTHORIZED", 1L));
    }

    @Test
    void markUnauthorizedWhenSameEffectiveTimeAsAuthorizationThenApplied() {
        authorizerStore.saveAuthorization(authorization("wxa1", "access-1", "refresh-1", List.of(1), T0), null);

        assertThat(authorizerStore.markUnauthorized(COMPONENT_APPID, "wxa1", T0)).isTrue();

        assertThat(authorizerStore.find(COMPONENT_APPID, "wxa1")).get()
                .returns(AuthorizerStatus.UNAUTHORIZED, AuthorizerRecord::status);
    }

    @Test
    void markNeedsReauthorizationWhenAuthorizedThenAccessTokenPurgedRefreshTokenKept() {
        authorizerStore.saveAuthorization(authorization("wxa1", "access-1", "refresh-refused", List.of(1), T0), null);

        assertThat(authorizerStore.markNeedsReauthorization(COMPONENT_APPID, "wxa1", T0.plusSeconds(60),
                "refresh-refused")).isTrue();

        assertThat(authorizerStore.find(COMPONENT_APPID, "wxa1")).get()
                .returns(AuthorizerStatus.NEEDS_REAUTHORIZATION, AuthorizerRecord::status)
                .returns(null, AuthorizerRecord::accessToken)
                .returns(null, AuthorizerRecord::accessTokenExpiresAt)
                .returns("refresh-refused", AuthorizerRecord::refreshToken)
                .returns(2L, AuthorizerRecord::version);
        assertThat(authorizerStore.markNeedsReauthorization(COMPONENT_APPID, "wxa1", T0.plusSeconds(120),
                "refresh-refused")).isFalse();
    }

    @Test
    void markNeedsReauthorizationWhenUnauthorizedOrMissingOrOlderThenFalse() {
        authorizerStore.saveAuthorization(authorization("wxun", "access-1", "refresh-1", List.of(1), T0), null);
        authorizerStore.markUnauthorized(COMPONENT_APPID, "wxun", T0.plusSeconds(60));
        AuthorizerRecord newer = authorizerStore.saveAuthorization(
                authorization("wxnew", "access-1", "refresh-1", List.of(1), T0.plusSeconds(600)), null);

        assertThat(authorizerStore.markNeedsReauthorization(COMPONENT_APPID, "wxun", T0.plusSeconds(120),
                "refresh-1")).isFalse();
        assertThat(authorizerStore.markNeedsReauthorization(COMPONENT_APPID, "wxnone", T0, "refresh-1")).isFalse();
        assertThat(authorizerStore.markNeedsReauthorization(COMPONENT_APPID, "wxnew", T0.plusSeconds(300), "refresh-1"))
                .isFalse();

        assertThat(authorizerStore.find(COMPONENT_APPID, "wxun")).get()
                .returns(AuthorizerStatus.UNAUTHORIZED, AuthorizerRecord::status);
        assertThat(authorizerStore.find(COMPONENT_APPID, "wxnew")).contains(newer);
        assertThat(rowCount("wechat_authorizer")).isEqualTo(2);
    }

    @Test
    void restoreRefreshTokenWhenAccountMissingThenInsertedAuthorized() {
        assertThat(authorizerStore.restoreRefreshToken(COMPONENT_APPID, "wxa1", "refresh-listed", T0)).isTrue();

        assertThat(authorizerStore.find(COMPONENT_APPID, "wxa1")).contains(new AuthorizerRecord(COMPONENT_APPID,
                "wxa1", AuthorizerStatus.AUTHORIZED, null, null, "refresh-listed", List.of(), "{}", null,
                CLOCK.instant(), 1));
        assertThat(authorizerStore.findDueForRefresh(COMPONENT_APPID, T0, 10)).extracting(
                AuthorizerRecord::authorizerAppid).containsExactly("wxa1");
    }

    @Test
    void restoreRefreshTokenWhenNeedsReauthorizationAndTokenDiffersThenRevived() {
        authorizerStore.saveAuthorization(authorization("wxa1", "access-1", "refresh-refused", List.of(1), T0), null);
        authorizerStore.markNeedsReauthorization(COMPONENT_APPID, "wxa1", T0.plusSeconds(60), "refresh-refused");

        assertThat(authorizerStore.restoreRefreshToken(COMPONENT_APPID, "wxa1", "refresh-refused",
                T0.plusSeconds(120))).isFalse();
        assertThat(authorizerStore.restoreRefreshToken(COMPONENT_APPID, "wxa1", "refresh-new", T0.plusSeconds(120)))
                .isTrue();

        assertThat(authorizerStore.find(COMPONENT_APPID, "wxa1")).get()
                .returns(AuthorizerStatus.AUTHORIZED, AuthorizerRecord::status)
                .returns("refresh-new", AuthorizerRecord::refreshToken)
                .returns(null, AuthorizerRecord::accessToken)
                .returns(List.of(1), AuthorizerRecord::funcInfo)
                .returns(3L, AuthorizerRecord::version);
    }

    @Test
    void restoreRefreshTokenWhenAuthorizedThenChangedOnlyForAnotherToken() {
        authorizerStore.saveAuthorization(authorization("wxa1", "access-1", "refresh-1", List.of(1), T0), null);

        assertThat(authorizerStore.restoreRefreshToken(COMPONENT_APPID, "wxa1", "refresh-1", T0.plusSeconds(60)))
                .isFalse();
        assertThat(authorizerStore.find(COMPONENT_APPID, "wxa1")).get()
                .returns("access-1", AuthorizerRecord::accessToken).returns(1L, AuthorizerRecord::version);

        assertThat(authorizerStore.restoreRefreshToken(COMPONENT_APPID, "wxa1", "refresh-2", T0.plusSeconds(60)))
                .isTrue();
        assertThat(authorizerStore.find(COMPONENT_APPID, "wxa1")).get()
                .returns("refresh-2", AuthorizerRecord::refreshToken)
                .returns(null, AuthorizerRecord::accessToken)
                .returns(2L, AuthorizerRecord::version);
    }

    @Test
    void restoreRefreshTokenWhenUnauthorizedThenRevivedUnlessWithdrawnLater() {
        authorizerStore.markUnauthorized(COMPONENT_APPID, "wxearly", T0);
        authorizerStore.markUnauthorized(COMPONENT_APPID, "wxlate", T0.plusSeconds(600));

        assertThat(authorizerStore.restoreRefreshToken(COMPONENT_APPID, "wxearly", "refresh-e", T0.plusSeconds(300)))
                .isTrue();
        assertThat(authorizerStore.restoreRefreshToken(COMPONENT_APPID, "wxlate", "refresh-l", T0.plusSeconds(300)))
                .isFalse();

        assertThat(authorizerStore.find(COMPONENT_APPID, "wxearly")).get()
                .returns(AuthorizerStatus.AUTHORIZED, AuthorizerRecord::status)
                .returns("refresh-e", AuthorizerRecord::refreshToken);
        assertThat(authorizerStore.find(COMPONENT_APPID, "wxlate")).get()
                .returns(AuthorizerStatus.UNAUTHORIZED, AuthorizerRecord::status)
                .returns(null, AuthorizerRecord::refreshToken);
    }

    @Test
    void restoreRefreshTokenWhenAuthorizedWithoutRefreshTokenThenStoredWhateverTheTime() {
        authorizerStore.saveAuthorization(authorization("wxa1", "access-1", null, List.of(1), T0.plusSeconds(600)),
                null);

        assertThat(authorizerStore.restoreRefreshToken(COMPONENT_APPID, "wxa1", "refresh-listed", T0)).isTrue();

        assertThat(authorizerStore.find(COMPONENT_APPID, "wxa1")).get()
                .returns(AuthorizerStatus.AUTHORIZED, AuthorizerRecord::status)
                .returns("refresh-listed", AuthorizerRecord::refreshToken);
        // The effective time stayed at the authorization's.
        assertThat(authorizerStore.markUnauthorized(COMPONENT_APPID, "wxa1", T0.plusSeconds(300))).isFalse();
        assertThat(authorizerStore.restoreRefreshToken(COMPONENT_APPID, "wxa1", "refresh-other", T0)).isFalse();
    }

    @Test
    void restoreRefreshTokenWhenTokenEmptyOrNullThenIgnored() {
        authorizerStore.saveAuthorization(authorization("wxa1", "access-1", "refresh-1", List.of(1), T0), null);

        assertThat(authorizerStore.restoreRefreshToken(COMPONENT_APPID, "wxa1", "", T0.plusSeconds(60))).isFalse();
        assertThat(authorizerStore.restoreRefreshToken(COMPONENT_APPID, "wxa1", null, T0.plusSeconds(60))).isFalse();
        assertThat(authorizerStore.restoreRefreshToken(COMPONENT_APPID, "wxnone", "", T0)).isFalse();

        assertThat(authorizerStore.find(COMPONENT_APPID, "wxa1")).get()
                .returns("refresh-1", AuthorizerRecord::refreshToken).returns(1L, AuthorizerRecord::version);
        assertThat(rowCount("wechat_authorizer")).isEqualTo(1);
    }

    @Test
    void restoreRefreshTokenWhenTwentyConcurrentForMissingAccountThenOneRowAndOneInsert() throws Exception {
        List<Boolean> changed = concurrently(20,
                i -> authorizerStore.restoreRefreshToken(COMPONENT_APPID, "wxa1", "refresh-listed", T0));

        assertThat(changed).containsOnlyOnce(true);
        assertThat(authorizerStore.find(COMPONENT_APPID, "wxa1")).get()
                .returns("refresh-listed", AuthorizerRecord::refreshToken).returns(1L, AuthorizerRecord::version);
    }

    @Test
    void findDueForRefreshWhenFiftyRowsThenExactlyDueAuthorizedRowsWithRefreshTokenOrderedAndLimited() {
        Instant expiringBefore = T0.plusSeconds(35 * 60);
        List<String> missing = new ArrayList<>();
        Map<String, Instant> expiring = new TreeMap<>();
        for (int i = 0; i < 50; i++) {
            String appid = String.format("wxdue%02d", i);
            // Expiries run backwards, so that appid order and expiry order differ.
            Instant expiresAt = T0.plusSeconds(60L * (60 - i));
            switch (i % 10) {
                case 0 -> {
                    saveAuthorization(appid, "access", expiresAt, "refresh");
                    authorizerStore.markUnauthorized(COMPONENT_APPID, appid, T0.plusSeconds(1));
                }
                case 1 -> {
                    saveAuthorization(appid, "access", expiresAt, "refresh");
                    authorizerStore.markNeedsReauthorization(COMPONENT_APPID, appid, T0.plusSeconds(1), "refresh");
                }
                case 2 -> saveAuthorization(appid, "access", expiresAt, null);
                case 3 -> {
                    saveAuthorization(appid, null, null, "refresh");
                    missing.add(appid);
                }
                case 4 -> {
                    saveAuthorization(appid, "access-" + appid, expiresAt, "refresh");
                    authorizerStore.expireAccessToken(COMPONENT_APPID, appid, "access-" + appid);
                    missing.add(appid);
                }
                default -> {
                    saveAuthorization(appid, "access", expiresAt, "refresh");
                    if (!expiresAt.isAfter(expiringBefore)) {
                        expiring.put(appid, expiresAt);
                    }
                }
            }
        }
        authorizerStore.saveAuthorization(new Authorization(OTHER_APPID, "wxdue03", null, null, "refresh",
                List.of(), T0), null);
        List<String> expected = new ArrayList<>(missing);
        expiring.entrySet().stream().sorted(Map.Entry.<String, Instant> comparingByValue()
                .thenComparing(Map.Entry.comparingByKey())).forEach(e -> expected.add(e.getKey()));
        // 10 without access token; 15 expiring at or before expiringBefore, wxdue25 exactly at it.
        assertThat(expected).hasSize(25).contains("wxdue25").doesNotContain("wxdue15", "wxdue00", "wxdue01",
                "wxdue02");

        assertThat(authorizerStore.findDueForRefresh(COMPONENT_APPID, expiringBefore, 100))
                .extracting(AuthorizerRecord::authorizerAppid).containsExactlyElementsOf(expected);
        assertThat(authorizerStore.findDueForRefresh(COMPONENT_APPID, expiringBefore, 12))
                .extracting(AuthorizerRecord::authorizerAppid).containsExactlyElementsOf(expected.subList(0, 12));
        assertThat(authorizerStore.findDueForRefresh(COMPONENT_APPID, expiringBefore, 100))
                .allSatisfy(r -> assertThat(r.hasRefreshToken()).isTrue())
                .allSatisfy(r -> assertThat(r.status()).isEqualTo(AuthorizerStatus.AUTHORIZED));
    }

    @Test
    void countWithValidTokenWhenMixedRowsThenCountsAuthorizedRowsWhoseTokenExpiresAfterNow() {
        saveAuthorization("wxvalid", "access", T0.plusSeconds(600), "refresh");
        saveAuthorization("wxedge", "access", T0.plusSeconds(300), "refresh");
        saveAuthorization("wxnotoken", null, null, "refresh");
        saveAuthorization("wxgone", "access", T0.plusSeconds(600), "refresh");
        authorizerStore.markUnauthorized(COMPONENT_APPID, "wxgone", T0.plusSeconds(1));
        authorizerStore.saveAuthorization(new Authorization(OTHER_APPID, "wxvalid", "access", T0.plusSeconds(600),
                "refresh", List.of(), T0), null);

        assertThat(authorizerStore.countWithValidToken(COMPONENT_APPID, T0.plusSeconds(299))).isEqualTo(2);
        assertThat(authorizerStore.countWithValidToken(COMPONENT_APPID, T0.plusSeconds(300))).isEqualTo(1);
        assertThat(authorizerStore.countWithValidToken(COMPONENT_APPID, T0.plusSeconds(600))).isZero();
        assertThat(authorizerStore.countWithValidToken("wxnone", T0)).isZero();
    }

    @Test
    void streamAllAndFindByAuthorizerWhenSeveralComponentsThenRowsOrdered() {
        saveAuthorization("wxb", "access", T0.plusSeconds(60), "refresh");
        saveAuthorization("wxa", "access", T0.plusSeconds(60), "refresh");
        authorizerStore.saveAuthorization(new Authorization(OTHER_APPID, "wxa", "other-access", T0.plusSeconds(60),
                "other-refresh", List.of(), T0), null);

        assertThat(authorizerStore.streamAll(COMPONENT_APPID)).extracting(AuthorizerRecord::authorizerAppid)
                .containsExactly("wxa", "wxb");
        assertThat(authorizerStore.findByAuthorizer("wxa")).extracting(AuthorizerRecord::componentAppid,
                AuthorizerRecord::accessToken).containsExactly(tuple(COMPONENT_APPID, "access"),
                        tuple(OTHER_APPID, "other-access"));
        assertThat(authorizerStore.findByAuthorizer("wxnone")).isEmpty();
        assertThat(authorizerStore.streamAll("wxnone")).isEmpty();
    }

    @Test
    void findPageWhenRowsSpanPagesThenEachRowOnceInAppidOrder() {
        List<String> appids = new ArrayList<>();
        for (int i = 0; i < AuthorizerStore.PAGE * 2 + 1; i++) {
            appids.add(String.format("wx%05d", i));
        }
        Collections.shuffle(appids, new Random(7));
        appids.forEach(appid -> saveAuthorization(appid, "access", T0.plusSeconds(60), "refresh"));
        authorizerStore.saveAuthorization(new Authorization(OTHER_APPID, "wx00000", "other-access",
                T0.plusSeconds(60), "other-refresh", List.of(), T0), null);

        assertThat(authorizerStore.findPage(COMPONENT_APPID, null, 2)).extracting(AuthorizerRecord::authorizerAppid)
                .containsExactly("wx00000", "wx00001");
        assertThat(authorizerStore.findPage(COMPONENT_APPID, "wx00001", 2))
                .extracting(AuthorizerRecord::authorizerAppid).containsExactly("wx00002", "wx00003");
        assertThat(authorizerStore.findPage(COMPONENT_APPID, String.format("wx%05d", AuthorizerStore.PAGE * 2), 2))
                .isEmpty();
        assertThat(authorizerStore.streamAll(COMPONENT_APPID)).extracting(AuthorizerRecord::authorizerAppid)
                .containsExactlyElementsOf(appids.stream().sorted().toList());
        assertThatThrownBy(() -> authorizerStore.findPage(COMPONENT_APPID, null, 0))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void saveAuthorizationWhenSavedThenTokensSealedAtRestAndBoundToTheirRow() {
        authorizerStore.saveAuthorization(authorization("wxa1", "access@@@plain", "refresh@@@plain", List.of(1), T0),
                null);
        authorizerStore.saveAuthorization(authorization("wxa2", "access-2", "refresh-2", List.of(1), T0), null);

        assertThat(rawAuthorizer("access_token", "wxa1")).startsWith("v1:k1:").doesNotContain("access@@@plain");
        assertThat(rawAuthorizer("refresh_token", "wxa1")).startsWith("v1:k1:").doesNotContain("refresh@@@plain");
        update(dataSource, "UPDATE wechat_authorizer SET refresh_token = '" + rawAuthorizer("refresh_token", "wxa1")
                + "' WHERE authorizer_appid = 'wxa2'");
        assertThatThrownBy(() -> authorizerStore.find(COMPONENT_APPID, "wxa2")).isInstanceOf(StoreException.class)
                .hasMessageContaining("authentication failed").hasMessageNotContaining("plain");
    }

    // --- authorization states

    @Test
    void consumeWhenValidThenConsumedOnceThenAlreadyUsed() {
        AuthorizationState state = new AuthorizationState(COMPONENT_APPID, "preauthcode@@@1",
                "https://shop.example/after?x=1", T0, T0.plusSeconds(600));
        stateStore.save("state-hash-1", state);

        Consumed first = stateStore.consume("state-hash-1", T0.plusSeconds(30));
        Consumed second = stateStore.consume("state-hash-1", T0.plusSeconds(31));

        assertThat(first).isEqualTo(new Consumed(CONSUMED, Optional.of(state)));
        assertThat(second).isEqualTo(new Consumed(ALREADY_USED, Optional.empty()));
        assertThat(rawLongOrNull("SELECT used_at FROM wechat_authorization_state WHERE state_hash = ?",
                "state-hash-1")).isEqualTo(T0.plusSeconds(30).toEpochMilli());
    }

    @Test
    void consumeWhenReturnToNullThenConsumedWithNull() {
        AuthorizationState state = new AuthorizationState(COMPONENT_APPID, "preauthcode@@@1", null, T0,
                T0.plusSeconds(600));
        stateStore.save("state-hash-1", state);

        assertThat(stateStore.consume("state-hash-1", T0).state()).contains(state);
    }

    @Test
    void consumeWhenUnknownThenUnknown() {
        assertThat(stateStore.consume("state-hash-none", T0))
                .isEqualTo(new Consumed(UNKNOWN, Optional.empty()));
    }

    @Test
    void consumeWhenExpiredThenExpiredAndNotUsed() {
        stateStore.save("state-hash-1", new AuthorizationState(COMPONENT_APPID, "preauthcode@@@1", null, T0,
                T0.plusSeconds(600)));

        assertThat(stateStore.consume("state-hash-1", T0.plusSeconds(600)))
                .isEqualTo(new Consumed(EXPIRED, Optional.empty()));
        assertThat(stateStore.consume("state-hash-1", T0.plusSeconds(601)).outcome()).isEqualTo(EXPIRED);
        assertThat(rawLongOrNull("SELECT used_at FROM wechat_authorization_state WHERE state_hash = ?",
                "state-hash-1")).isNull();
    }

    @Test
    void consumeWhenUsedAndExpiredThenAlreadyUsed() {
        stateStore.save("state-hash-1", new AuthorizationState(COMPONENT_APPID, "preauthcode@@@1", null, T0,
                T0.plusSeconds(600)));
        stateStore.consume("state-hash-1", T0);

        assertThat(stateStore.consume("state-hash-1", T0.plusSeconds(900)).outcome())
                .isEqualTo(ALREADY_USED);
    }

    @Test
    void consumeWhenTwentyConcurrentConsumersThenExactlyOneConsumed() throws Exception {
        stateStore.save("state-hash-1", new AuthorizationState(COMPONENT_APPID, "preauthcode@@@1", null, T0,
                T0.plusSeconds(600)));

        List<AuthorizationStateStore.Outcome> outcomes = concurrently(20,
                i -> stateStore.consume("state-hash-1", T0.plusSeconds(1 + i)).outcome());

        assertThat(outcomes).containsOnlyOnce(CONSUMED).containsOnly(CONSUMED, ALREADY_USED);
    }

    @Test
    void saveWhenStateHashRepeatedThenStoreExceptionAndFirstKept() {
        AuthorizationState first = new AuthorizationState(COMPONENT_APPID, "preauthcode@@@1", null, T0,
                T0.plusSeconds(600));
        stateStore.save("state-hash-1", first);

        assertThatThrownBy(() -> stateStore.save("state-hash-1", new AuthorizationState(COMPONENT_APPID,
                "preauthcode@@@2", null, T0, T0.plusSeconds(600)))).isInstanceOf(StoreException.class);

        assertThat(stateStore.consume("state-hash-1", T0).state()).contains(first);
    }

    @Test
    void saveWhenReturnToTooLongThenIllegalArgumentAndNothingWritten() {
        String returnTo = "https://shop.example/" + "p".repeat(2048);

        assertThatThrownBy(() -> stateStore.save("state-hash-1", new AuthorizationState(COMPONENT_APPID,
                "preauthcode@@@1", returnTo, T0, T0.plusSeconds(600)))).isInstanceOf(IllegalArgumentException.class);

        assertThat(rowCount("wechat_authorization_state")).isZero();
    }

    @Test
    void deleteExpiredWhenSomeExpiredThenOnlyThoseDeleted() {
        stateStore.save("state-old", new AuthorizationState(COMPONENT_APPID, "c1", null, T0, T0.plusSeconds(60)));
        stateStore.save("state-old-used", new AuthorizationState(COMPONENT_APPID, "c2", null, T0,
                T0.plusSeconds(120)));
        stateStore.consume("state-old-used", T0);
        stateStore.save("state-edge", new AuthorizationState(COMPONENT_APPID, "c3", null, T0, T0.plusSeconds(300)));
        stateStore.save("state-new", new AuthorizationState(COMPONENT_APPID, "c4", null, T0, T0.plusSeconds(600)));

        assertThat(stateStore.deleteExpired(T0.plusSeconds(300))).isEqualTo(2);

        assertThat(stateStore.consume("state-old", T0).outcome()).isEqualTo(UNKNOWN);
        assertThat(stateStore.consume("state-edge", T0).outcome()).isEqualTo(CONSUMED);
        assertThat(stateStore.consume("state-new", T0).outcome()).isEqualTo(CONSUMED);
    }

    // --- authorization code claims

    @Test
    void claimWhenFirstThenEmptyAndSecondSeesPending() {
        assertThat(codeStore.claim(COMPONENT_APPID, "hash-1", T0, Duration.ofMinutes(5))).isEmpty();

        assertThat(codeStore.claim(COMPONENT_APPID, "hash-1", T0.plusSeconds(10), Duration.ofMinutes(5)))
                .contains(new Claim(COMPONENT_APPID, "hash-1", Status.PENDING, null, null, T0));
        assertThat(codeStore.claim(OTHER_APPID, "hash-1", T0, Duration.ofMinutes(5))).isEmpty();
        assertThat(codeStore.find(COMPONENT_APPID, "hash-none")).isEmpty();
    }

    @Test
    void claimWhenTwentyConcurrentClaimersThenExactlyOneEmptyOthersSeePending() throws Exception {
        List<Optional<Claim>> results = concurrently(20,
                i -> codeStore.claim(COMPONENT_APPID, "hash-1", T0, Duration.ofMinutes(5)));

        assertThat(results).filteredOn(Optional::isEmpty).hasSize(1);
        assertThat(results).filteredOn(Optional::isPresent).hasSize(19)
                .allSatisfy(r -> assertThat(r).get().returns(Status.PENDING, Claim::status));
    }

    // Issue 6, item 1: a stale PENDING claim's holder may have used the code; it is never exchanged blindly again.
    @Test
    void claimWhenPendingIsStaleThenUnknownElseExistingReturned() {
        codeStore.claim(COMPONENT_APPID, "hash-1", T0, Duration.ofMinutes(5));

        assertThat(codeStore.claim(COMPONENT_APPID, "hash-1", T0.plusSeconds(300), Duration.ofMinutes(5)))
                .get().returns(T0, Claim::claimedAt).returns(Status.PENDING, Claim::status);
        assertThat(codeStore.claim(COMPONENT_APPID, "hash-1", T0.plusSeconds(301), Duration.ofMinutes(5)))
                .contains(new Claim(COMPONENT_APPID, "hash-1", Status.UNKNOWN, null, null, T0.plusSeconds(301)));

        assertThat(codeStore.find(COMPONENT_APPID, "hash-1")).get().returns(Status.UNKNOWN, Claim::status)
                .returns(T0.plusSeconds(301), Claim::claimedAt);
        assertThat(codeStore.claim(COMPONENT_APPID, "hash-1", T0.plusSeconds(3600), Duration.ofMinutes(5)))
                .get().returns(Status.UNKNOWN, Claim::status).returns(T0.plusSeconds(301), Claim::claimedAt);
    }

    @Test
    void claimWhenTwentyConcurrentClaimersOfStalePendingThenAllSeeUnknownAndNoneMayExchange() throws Exception {
        codeStore.claim(COMPONENT_APPID, "hash-1", T0, Duration.ofMinutes(5));
        Instant later = T0.plusSeconds(600);

        List<Optional<Claim>> results = concurrently(20,
                i -> codeStore.claim(COMPONENT_APPID, "hash-1", later, Duration.ofMinutes(5)));

        assertThat(results).hasSize(20).allSatisfy(r -> assertThat(r).contains(
                new Claim(COMPONENT_APPID, "hash-1", Status.UNKNOWN, null, null, later)));
    }

    @Test
    void markUnknownWhenPendingThenUnknownAndDoneOrFailedUnchanged() {
        codeStore.claim(COMPONENT_APPID, "hash-1", T0, Duration.ofMinutes(5));
        codeStore.claim(COMPONENT_APPID, "hash-2", T0, Duration.ofMinutes(5));
        codeStore.fail(COMPONENT_APPID, "hash-2", 61010, T0);

        codeStore.markUnknown(COMPONENT_APPID, "hash-1", T0.plusSeconds(1));
        codeStore.markUnknown(COMPONENT_APPID, "hash-2", T0.plusSeconds(1));

        assertThat(codeStore.find(COMPONENT_APPID, "hash-1")).get().returns(Status.UNKNOWN, Claim::status);
        assertThat(codeStore.find(COMPONENT_APPID, "hash-2")).get().returns(Status.FAILED, Claim::status);
        authorizerStore.saveAuthorization(authorization("wxa1", "access-1", "refresh-1", List.of(1), T0), "hash-1");
        assertThat(codeStore.find(COMPONENT_APPID, "hash-1")).get().returns(Status.DONE, Claim::status)
                .returns("wxa1", Claim::authorizerAppid);
    }

    @Test
    void releaseWhenPendingOfThatClaimThenDeletedAndClaimableAgain() {
        codeStore.claim(COMPONENT_APPID, "hash-1", T0, Duration.ofMinutes(5));

        codeStore.release(COMPONENT_APPID, "hash-1", T0.plusSeconds(1));
        assertThat(codeStore.find(COMPONENT_APPID, "hash-1")).isPresent();
        codeStore.release(COMPONENT_APPID, "hash-1", T0);

        assertThat(codeStore.find(COMPONENT_APPID, "hash-1")).isEmpty();
        assertThat(codeStore.claim(COMPONENT_APPID, "hash-1", T0.plusSeconds(2), Duration.ofMinutes(5))).isEmpty();
    }

    @Test
    void failWhenPendingThenFailedWithErrcodeAndNeverTakenOver() {
        codeStore.claim(COMPONENT_APPID, "hash-1", T0, Duration.ofMinutes(5));
        codeStore.claim(COMPONENT_APPID, "hash-2", T0, Duration.ofMinutes(5));

        codeStore.fail(COMPONENT_APPID, "hash-1", 61010, T0.plusSeconds(5));
        codeStore.markUnknown(COMPONENT_APPID, "hash-2", T0.plusSeconds(4));
        codeStore.fail(COMPONENT_APPID, "hash-2", null, T0.plusSeconds(5));

        Claim failed = new Claim(COMPONENT_APPID, "hash-1", Status.FAILED, null, 61010, T0);
        assertThat(codeStore.find(COMPONENT_APPID, "hash-1")).contains(failed);
        assertThat(codeStore.find(COMPONENT_APPID, "hash-2")).contains(
                new Claim(COMPONENT_APPID, "hash-2", Status.FAILED, null, null, T0));
        assertThat(rawCode("completed_at", "hash-1")).isEqualTo(String.valueOf(T0.plusSeconds(5).toEpochMilli()));
        assertThat(codeStore.claim(COMPONENT_APPID, "hash-1", T0.plusSeconds(3600), Duration.ofMinutes(5)))
                .contains(failed);
    }

    @Test
    void failWhenDoneOrMissingThenNothingChanged() {
        codeStore.claim(COMPONENT_APPID, "hash-1", T0, Duration.ofMinutes(5));
        authorizerStore.saveAuthorization(authorization("wxa1", "access-1", "refresh-1", List.of(1), T0), "hash-1");

        codeStore.fail(COMPONENT_APPID, "hash-1", 61010, T0.plusSeconds(5));
        codeStore.fail(COMPONENT_APPID, "hash-none", 61010, T0.plusSeconds(5));

        assertThat(codeStore.find(COMPONENT_APPID, "hash-1")).get().returns(Status.DONE, Claim::status)
                .returns(null, Claim::errcode);
        assertThat(codeStore.find(COMPONENT_APPID, "hash-none")).isEmpty();
    }

    // --- push processing

    @Test
    void countEventsWhenStatusGivenThenOnlyThatStatusOfThatComponentCounted() {
        pushStore.record(authorizationPush(COMPONENT_APPID, InfoType.AUTHORIZED, "wxa1", "code-1", T0, T0));
        pushStore.record(authorizationPush(COMPONENT_APPID, InfoType.AUTHORIZED, "wxa2", "code-2", T0, T0));
        pushStore.record(authorizationPush(OTHER_APPID, InfoType.AUTHORIZED, "wxa3", "code-3", T0, T0));
        String failed = pushStore.findUnprocessed(COMPONENT_APPID, 10).get(0).id();
        pushStore.markFailed(failed, T0, "refused", 1, T0);

        assertThat(pushStore.countEvents(COMPONENT_APPID, JdbcPushStore.STATUS_FAILED)).isOne();
        assertThat(pushStore.countEvents(COMPONENT_APPID, JdbcPushStore.STATUS_RECEIVED)).isOne();
        assertThat(pushStore.countEvents(OTHER_APPID, JdbcPushStore.STATUS_FAILED)).isZero();
        assertThat(pushStore.countEvents(COMPONENT_APPID)).isEqualTo(2);
    }

    @Test
    void findUnprocessedWhenPushesOfAllKindsThenAuthorizationPushesOldestFirstWithOpenedPayload() {
        pushStore.record(ticketPush(COMPONENT_APPID, "ticket-1", T0));
        pushStore.record(authorizationPush(COMPONENT_APPID, InfoType.UNAUTHORIZED, "wxa1", null,
                T0.plusSeconds(300), T0.plusSeconds(302)));
        pushStore.record(authorizationPush(COMPONENT_APPID, InfoType.UPDATE_AUTHORIZED, "wxa2", "code-2",
                T0.plusSeconds(300), T0.plusSeconds(301)));
        pushStore.record(authorizationPush(COMPONENT_APPID, InfoType.AUTHORIZED, "wxa1", "code-1",
                T0.plusSeconds(60), T0.plusSeconds(900)));
        pushStore.record(authorizationPush(COMPONENT_APPID, "notify_third_fasteregister", "wxa3", null,
                T0.plusSeconds(10), T0.plusSeconds(11)));
        pushStore.record(authorizationPush(OTHER_APPID, InfoType.AUTHORIZED, "wxa1", "code-other", T0,
                T0.plusSeconds(1)));

        List<StoredEvent> events = pushStore.findUnprocessed(COMPONENT_APPID, 10);

        assertThat(events).extracting(e -> e.push().infoType()).containsExactly(InfoType.AUTHORIZED,
                InfoType.UPDATE_AUTHORIZED, InfoType.UNAUTHORIZED);
        StoredEvent authorized = events.get(0);
        assertThat(authorized.attempts()).isZero();
        assertThat(authorized.push()).returns(COMPONENT_APPID, ComponentPush::componentAppid)
                .returns(T0.plusSeconds(60), ComponentPush::createTime);
        assertThat(authorized.push().authorizerAppid()).contains("wxa1");
        assertThat(authorized.push().field("AuthorizationCode")).contains("code-1");
        assertThat(authorized.push().field("AuthorizationCodeExpiredTime"))
                .contains(String.valueOf(T0.plusSeconds(60 + 3600).getEpochSecond()));
        assertThat(events.get(1).push().field("AuthorizationCode")).contains("code-2");
        assertThat(pushStore.findUnprocessed(COMPONENT_APPID, 2)).extracting(StoredEvent::id)
                .containsExactly(events.get(0).id(), events.get(1).id());
        assertThat(pushStore.findUnprocessed(OTHER_APPID, 10)).singleElement()
                .satisfies(e -> assertThat(e.push().field("AuthorizationCode")).contains("code-other"));
    }

    @Test
    void markProcessedWhenCalledTwiceThenSecondFalseAndEventNoLongerReturned() {
        pushStore.record(authorizationPush(COMPONENT_APPID, InfoType.AUTHORIZED, "wxa1", "code-1", T0,
                T0.plusSeconds(1)));
        String id = pushStore.findUnprocessed(COMPONENT_APPID, 10).get(0).id();

        assertThat(pushStore.markProcessed(id, T0.plusSeconds(5))).isTrue();
        assertThat(pushStore.markProcessed(id, T0.plusSeconds(6))).isFalse();
        assertThat(pushStore.markProcessed("no-such-event", T0)).isFalse();

        assertThat(pushStore.findUnprocessed(COMPONENT_APPID, 10)).isEmpty();
        assertThat(rawString("SELECT status FROM wechat_authorization_event WHERE id = ?", id))
                .isEqualTo(JdbcPushStore.STATUS_PROCESSED);
        assertThat(rawLong("SELECT processed_at FROM wechat_authorization_event WHERE id = ?", id))
                .isEqualTo(T0.plusSeconds(5).toEpochMilli());
    }

    @Test
    void markFailedWhenAttemptsReachMaximumThenFailedAndNoLongerReturned() {
        pushStore.record(authorizationPush(COMPONENT_APPID, InfoType.AUTHORIZED, "wxa1", "code-1", T0,
                T0.plusSeconds(1)));
        String id = pushStore.findUnprocessed(COMPONENT_APPID, 10).get(0).id();

        pushStore.markFailed(id, T0.plusSeconds(10), "errcode 61010", 3, T0.plusSeconds(10));
        assertThat(pushStore.findUnprocessed(COMPONENT_APPID, 10)).singleElement()
                .returns(1, StoredEvent::attempts);
        pushStore.markFailed(id, T0.plusSeconds(20), "e".repeat(600), 3, T0.plusSeconds(20));
        assertThat(pushStore.findUnprocessed(COMPONENT_APPID, 10)).singleElement()
                .returns(2, StoredEvent::attempts);
        assertThat(rawString("SELECT last_error FROM wechat_authorization_event WHERE id = ?", id))
                .isEqualTo("e".repeat(JdbcPushStore.MAX_ERROR_LENGTH));
        assertThat(rawLongOrNull("SELECT processed_at FROM wechat_authorization_event WHERE id = ?", id)).isNull();

        pushStore.markFailed(id, T0.plusSeconds(30), "timeout", 3, T0.plusSeconds(30));

        assertThat(pushStore.findUnprocessed(COMPONENT_APPID, 10)).isEmpty();
        assertThat(rawString("SELECT status FROM wechat_authorization_event WHERE id = ?", id))
                .isEqualTo(JdbcPushStore.STATUS_FAILED);
        assertThat(rawString("SELECT last_error FROM wechat_authorization_event WHERE id = ?", id))
                .isEqualTo("timeout");
        assertThat(rawLong("SELECT attempts FROM wechat_authorization_event WHERE id = ?", id)).isEqualTo(3);
        assertThat(rawLong("SELECT processed_at FROM wechat_authorization_event WHERE id = ?", id))
                .isEqualTo(T0.plusSeconds(30).toEpochMilli());
        pushStore.markFailed(id, T0.plusSeconds(40), "again", 3, T0.plusSeconds(40));
        assertThat(rawLong("SELECT attempts FROM wechat_authorization_event WHERE id = ?", id)).isEqualTo(3);
        assertThat(pushStore.markProcessed(id, T0.plusSeconds(50))).isFalse();
    }

    @Test
    void markFailedWhenProcessedThenNothingChanged() {
        pushStore.record(authorizationPush(COMPONENT_APPID, InfoType.UNAUTHORIZED, "wxa1", null, T0,
                T0.plusSeconds(1)));
        String id = pushStore.findUnprocessed(COMPONENT_APPID, 10).get(0).id();
        pushStore.markProcessed(id, T0.plusSeconds(5));

        pushStore.markFailed(id, T0.plusSeconds(10), "late failure", 1, T0.plusSeconds(10));

        assertThat(rawString("SELECT status FROM wechat_authorization_event WHERE id = ?", id))
                .isEqualTo(JdbcPushStore.STATUS_PROCESSED);
        assertThat(rawLong("SELECT attempts FROM wechat_authorization_event WHERE id = ?", id)).isZero();
    }

    @Test
    void recordWhenSameDeliveryAndSameBodyAgainThenAlreadyRecordedAndOneEvent() {
        // Issue 6, item 8: WeChat re-delivers a push whose answer was lost; it is answered success, stored once.
        ReceivedPush push = withBodyHash(authorizedPush(COMPONENT_APPID, "code-once", T0), "a".repeat(64));
        assertThat(pushStore.record(push)).isEqualTo(Outcome.EVENT_STORED);

        assertThat(pushStore.record(push)).isEqualTo(Outcome.ALREADY_RECORDED);

        assertThat(pushStore.countEvents(COMPONENT_APPID)).isEqualTo(1);
        assertThat(rawString("SELECT body_hash FROM wechat_authorization_event WHERE component_appid = ?",
                COMPONENT_APPID)).isEqualTo("a".repeat(64));
    }

    @Test
    void recordWhenSameDeliveryWithAnotherBodyThenDuplicatePushExceptionAndTicketKept() {
        // Issue 6, item 8: a replay of the delivery key with another body is still refused.
        ReceivedPush original = withBodyHash(ticketPush(COMPONENT_APPID, "ticket-original", T0), "a".repeat(64));
        pushStore.record(original);
        ReceivedPush forged = new ReceivedPush(
                ticketPush(COMPONENT_APPID, "ticket-forged", T0.plusSeconds(600)).push(), "<xml/>",
                original.msgSignature(), original.timestamp(), original.nonce(), T0.plusSeconds(601),
                "b".repeat(64));

        assertThatThrownBy(() -> pushStore.record(forged)).isInstanceOf(DuplicatePushException.class);

        assertThat(pushStore.countEvents(COMPONENT_APPID)).isEqualTo(1);
        assertThat(ticketStore.findTicket(COMPONENT_APPID)).get().returns("ticket-original",
                ComponentVerifyTicket::ticket);
    }

    @Test
    void findUnprocessedWhenPayloadsUnreadableThenThoseFailedWithReasonAndOthersReturned() {
        // Issue 6, item 6: one unreadable row used to make every later read throw, so nothing was processed again.
        pushStore.record(authorizationPush(COMPONENT_APPID, InfoType.AUTHORIZED, "wxa1", "code-1", T0,
                T0.plusSeconds(1)));
        pushStore.record(authorizationPush(COMPONENT_APPID, InfoType.UNAUTHORIZED, "wxa2", null, T0.plusSeconds(1),
                T0.plusSeconds(2)));
        pushStore.record(authorizationPush(COMPONENT_APPID, InfoType.UNAUTHORIZED, "wxa3", null, T0.plusSeconds(2),
                T0.plusSeconds(3)));
        List<StoredEvent> all = pushStore.findUnprocessed(COMPONENT_APPID, 10);
        String removedKey = all.get(0).id();
        String notXml = all.get(1).id();
        String context = JdbcPushStore.payloadContext(COMPONENT_APPID);
        updateEvent("payload", SecretSealer.fromKeys("gone:QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVowMTIzNDU=")
                .seal("<xml><AuthorizationCode>secret-code</AuthorizationCode></xml>", context), removedKey);
        updateEvent("payload", sealer.seal("secret-code, not XML", context), notXml);

        assertThat(pushStore.findUnprocessed(COMPONENT_APPID, 10)).singleElement()
                .returns(all.get(2).id(), StoredEvent::id);

        assertThat(rawString("SELECT status FROM wechat_authorization_event WHERE id = ?", removedKey))
                .isEqualTo(JdbcPushStore.STATUS_FAILED);
        assertThat(rawString("SELECT last_error FROM wechat_authorization_event WHERE id = ?", removedKey))
                .contains("cannot be opened").contains("unknown key id gone").doesNotContain("secret-code");
        assertThat(rawString("SELECT status FROM wechat_authorization_event WHERE id = ?", notXml))
                .isEqualTo(JdbcPushStore.STATUS_FAILED);
        assertThat(rawString("SELECT last_error FROM wechat_authorization_event WHERE id = ?", notXml))
                .contains("not a flat WeChat XML message").doesNotContain("secret-code");
        assertThat(pushStore.findByStatus(COMPONENT_APPID, JdbcPushStore.STATUS_FAILED, 10))
                .extracting(PushStore.EventSummary::id).containsExactly(removedKey, notXml);
    }

    @Test
    void findUnprocessedWhenNextAttemptLaterThenNotReturnedUntilDue() {
        // Issue 6, item 6: a failed attempt is retried after its back-off, not at every run.
        MutableClock clock = new MutableClock(T0.plusSeconds(10));
        JdbcPushStore store = new JdbcPushStore(dataSource, sealer, clock);
        store.record(authorizationPush(COMPONENT_APPID, InfoType.AUTHORIZED, "wxa1", "code-1", T0,
                T0.plusSeconds(1)));
        String id = store.findUnprocessed(COMPONENT_APPID, 10).get(0).id();

        store.markFailed(id, T0.plusSeconds(10), "WeChat unreachable", 24, T0.plusSeconds(40));

        assertThat(store.findUnprocessed(COMPONENT_APPID, 10)).isEmpty();
        clock.advance(Duration.ofSeconds(29));
        assertThat(store.findUnprocessed(COMPONENT_APPID, 10)).isEmpty();
        clock.advance(Duration.ofSeconds(1));
        assertThat(store.findUnprocessed(COMPONENT_APPID, 10)).singleElement().returns(1, StoredEvent::attempts);
    }

    @Test
    void retryFailedWhenFailedThenReceivedDueNowWithAttemptsResetElseNotFailedOrUnknown() {
        pushStore.record(authorizationPush(COMPONENT_APPID, InfoType.AUTHORIZED, "wxa1", "code-1", T0,
                T0.plusSeconds(1)));
        pushStore.record(authorizationPush(COMPONENT_APPID, InfoType.UNAUTHORIZED, "wxa2", null, T0.plusSeconds(1),
                T0.plusSeconds(2)));
        List<StoredEvent> events = pushStore.findUnprocessed(COMPONENT_APPID, 10);
        String failed = events.get(0).id();
        String received = events.get(1).id();
        pushStore.markFailed(failed, T0.plusSeconds(10), "errcode 61010", 1, T0.plusSeconds(40));
        assertThat(pushStore.findByStatus(COMPONENT_APPID, JdbcPushStore.STATUS_FAILED, 10)).singleElement()
                .returns(failed, PushStore.EventSummary::id)
                .returns(InfoType.AUTHORIZED, PushStore.EventSummary::infoType)
                .returns("wxa1", PushStore.EventSummary::authorizerAppid)
                .returns(T0, PushStore.EventSummary::createTime)
                .returns(1, PushStore.EventSummary::attempts)
                .returns("errcode 61010", PushStore.EventSummary::lastError);

        assertThat(pushStore.retryFailed(OTHER_APPID, failed, T0.plusSeconds(60)))
                .isEqualTo(PushStore.RetryOutcome.UNKNOWN);
        assertThat(pushStore.retryFailed(COMPONENT_APPID, "no-such-event", T0.plusSeconds(60)))
                .isEqualTo(PushStore.RetryOutcome.UNKNOWN);
        assertThat(pushStore.retryFailed(COMPONENT_APPID, received, T0.plusSeconds(60)))
                .isEqualTo(PushStore.RetryOutcome.NOT_FAILED);
        assertThat(pushStore.retryFailed(COMPONENT_APPID, failed, T0.plusSeconds(60)))
                .isEqualTo(PushStore.RetryOutcome.RETRIED);

        assertThat(pushStore.findByStatus(COMPONENT_APPID, JdbcPushStore.STATUS_FAILED, 10)).isEmpty();
        assertThat(pushStore.findUnprocessed(COMPONENT_APPID, 10)).extracting(StoredEvent::id, StoredEvent::attempts)
                .containsExactly(tuple(failed, 0), tuple(received, 0));
        assertThat(rawLongOrNull("SELECT processed_at FROM wechat_authorization_event WHERE id = ?", failed))
                .isNull();
    }

    @Test
    void findUnprocessedWhenOnlyTicketPushesThenEmpty() {
        pushStore.record(ticketPush(COMPONENT_APPID, "ticket-1", T0));
        pushStore.record(ticketPush(COMPONENT_APPID, "ticket-2", T0.plusSeconds(600)));

        assertThat(pushStore.findUnprocessed(COMPONENT_APPID, 10)).isEmpty();
    }

    // --- leases of several instances on one database (issue 8)

    @Test
    void tryLeaseWhenAnotherHolderLeasesUntilLaterThenRefusedUntilDeadlinePassedThenTakenOver() {
        Instant now = T0;

        assertThat(tokenStore.tryLease(COMPONENT_APPID, "node-a", now, now.plusSeconds(30))).isTrue();
        assertThat(tokenStore.tryLease(COMPONENT_APPID, "node-b", now.plusSeconds(30), now.plusSeconds(60)))
                .as("a lease runs up to and including its deadline").isFalse();
        assertThat(tokenStore.tryLease(COMPONENT_APPID, "node-a", now.plusSeconds(10), now.plusSeconds(40)))
                .as("renewed by its holder").isTrue();
        assertThat(tokenStore.tryLease(COMPONENT_APPID, "node-b", now.plusSeconds(41), now.plusSeconds(71)))
                .as("taken over after the deadline").isTrue();
        assertThat(rawString("SELECT token_lease_holder FROM wechat_component WHERE component_appid = ?",
                COMPONENT_APPID)).isEqualTo("node-b");
    }

    @Test
    void saveLeasedTokenWhenHeldThenStoredEvenIfItExpiresEarlierAndLeaseReleased() {
        tokenStore.saveToken(token("token-old", T0.plusSeconds(7200)));
        assertThat(tokenStore.tryLease(COMPONENT_APPID, "node-a", T0, T0.plusSeconds(30))).isTrue();

        // The token WeChat issued last is the valid one, whatever the local expiries (issue 8: the 40001 bug).
        assertThat(tokenStore.saveLeasedToken(token("token-new", T0.plusSeconds(3600)), "node-a")).isTrue();

        assertThat(tokenStore.findToken(COMPONENT_APPID)).get().returns("token-new", ComponentAccessToken::token);
        assertThat(tokenStore.tryLease(COMPONENT_APPID, "node-b", T0, T0.plusSeconds(30))).isTrue();
    }

    @Test
    void saveLeasedTokenWhenLeaseTakenOverThenRefusedAndNothingChanged() {
        tokenStore.saveToken(token("token-held", T0.plusSeconds(7200)));
        assertThat(tokenStore.tryLease(COMPONENT_APPID, "node-a", T0, T0.plusSeconds(30))).isTrue();
        assertThat(tokenStore.tryLease(COMPONENT_APPID, "node-b", T0.plusSeconds(31), T0.plusSeconds(61))).isTrue();

        assertThat(tokenStore.saveLeasedToken(token("token-late", T0.plusSeconds(9000)), "node-a")).isFalse();
        tokenStore.releaseLease(COMPONENT_APPID, "node-a");

        assertThat(tokenStore.findToken(COMPONENT_APPID)).get().returns("token-held", ComponentAccessToken::token);
        assertThat(tokenStore.tryLease(COMPONENT_APPID, "node-c", T0.plusSeconds(40), T0.plusSeconds(70)))
                .as("node-a's release left node-b's lease").isFalse();
    }

    @Test
    void tryLeaseWhenNoComponentRowThenRowCreatedWithLease() {
        assertThat(tokenStore.tryLease(OTHER_APPID, "node-a", T0, T0.plusSeconds(30))).isTrue();

        assertThat(tokenStore.findToken(OTHER_APPID)).isEmpty();
        assertThat(tokenStore.tryLease(OTHER_APPID, "node-b", T0, T0.plusSeconds(30))).isFalse();
    }

    @Test
    void announceSweepWhenAnnouncedThenUnderWayUntilItsDeadlineOrItsEnd() {
        authorizerStore.announceSweep(COMPONENT_APPID, "node-a", T0.plusSeconds(60));
        authorizerStore.announceSweep(OTHER_APPID, "node-a", T0.plusSeconds(10));

        assertThat(authorizerStore.sweepsUnderway(T0)).containsExactly(COMPONENT_APPID, OTHER_APPID);
        assertThat(authorizerStore.sweepsUnderway(T0.plusSeconds(10))).containsExactly(COMPONENT_APPID);
        // the next firing, on another instance, announces again
        authorizerStore.announceSweep(OTHER_APPID, "node-b", T0.plusSeconds(90));
        assertThat(authorizerStore.sweepsUnderway(T0.plusSeconds(60))).containsExactly(OTHER_APPID);

        authorizerStore.endSweep(OTHER_APPID);
        authorizerStore.endSweep(OTHER_APPID);
        assertThat(authorizerStore.sweepsUnderway(T0)).containsExactly(COMPONENT_APPID);
    }

    @Test
    void claimDueForRefreshWhenClaimedThenLeasedAndNotClaimedByOthersUntilDeadline() {
        for (int i = 0; i < 6; i++) {
            saveAuthorization("wxlease" + i, "access", T0.plusSeconds(60L * i), "refresh");
        }
        saveAuthorization("wxlater", "access", T0.plusSeconds(7200), "refresh");
        Instant expiringBefore = T0.plusSeconds(600);

        List<AuthorizerRecord> first = authorizerStore.claimDueForRefresh(COMPONENT_APPID, expiringBefore, "node-a",
                T0, T0.plusSeconds(30), 4);
        List<AuthorizerRecord> second = authorizerStore.claimDueForRefresh(COMPONENT_APPID, expiringBefore, "node-b",
                T0, T0.plusSeconds(30), 4);

        assertThat(first).extracting(AuthorizerRecord::authorizerAppid).containsExactly("wxlease0", "wxlease1",
                "wxlease2", "wxlease3");
        assertThat(first.get(0).refreshToken()).isEqualTo("refresh");
        assertThat(second).extracting(AuthorizerRecord::authorizerAppid).containsExactly("wxlease4", "wxlease5");
        assertThat(rawAuthorizer("lease_holder", "wxlease0")).isEqualTo("node-a");
        assertThat(rawAuthorizer("lease_until", "wxlease0")).isEqualTo(String.valueOf(T0.plusSeconds(30)
                .toEpochMilli()));
        assertThat(authorizerStore.claimDueForRefresh(COMPONENT_APPID, expiringBefore, "node-b", T0.plusSeconds(30),
                T0.plusSeconds(60), 10)).as("leases run up to their deadline").isEmpty();
        // node-a died: its accounts are claimed by another instance once the deadline has passed.
        assertThat(authorizerStore.claimDueForRefresh(COMPONENT_APPID, expiringBefore, "node-c", T0.plusSeconds(31),
                T0.plusSeconds(61), 10)).extracting(AuthorizerRecord::authorizerAppid)
                        .containsExactly("wxlease0", "wxlease1", "wxlease2", "wxlease3", "wxlease4", "wxlease5");
        assertThat(authorizerStore.find(COMPONENT_APPID, "wxlease0")).get().returns(1L, AuthorizerRecord::version);
    }

    @Test
    void claimDueForRefreshWhenManyConcurrentClaimersThenEveryDueAccountClaimedExactlyOnce() throws Exception {
        for (int i = 0; i < 50; i++) {
            saveAuthorization(String.format("wxrace%02d", i), null, null, "refresh");
        }

        List<List<String>> claims = concurrently(4, n -> {
            List<String> mine = new ArrayList<>();
            List<AuthorizerRecord> batch;
            while (!(batch = authorizerStore.claimDueForRefresh(COMPONENT_APPID, T0, "node-" + n, T0,
                    T0.plusSeconds(30), 3)).isEmpty()) {
                batch.forEach(r -> mine.add(r.authorizerAppid()));
            }
            return mine;
        });

        List<String> all = claims.stream().flatMap(List::stream).toList();
        assertThat(all).hasSize(50).doesNotHaveDuplicates();
    }

    @Test
    void claimDueForRefreshWhenBackingOffThenSkippedUntilRetryAt() {
        saveAuthorization("wxfail", null, null, "refresh");
        assertThat(authorizerStore.findRefreshBackoff(COMPONENT_APPID, "wxfail")).isEmpty();
        assertThat(authorizerStore.claimDueForRefresh(COMPONENT_APPID, T0, "node-a", T0, T0.plusSeconds(30), 10))
                .hasSize(1);

        assertThat(authorizerStore.recordRefreshFailure(COMPONENT_APPID, "wxfail", "node-a", T0.plusSeconds(60),
                "api_authorizer_token for wxfail failed: timeout")).isTrue();
        assertThat(authorizerStore.recordRefreshFailure(COMPONENT_APPID, "wxfail", "node-a", T0.plusSeconds(120),
                "again")).isTrue();

        assertThat(authorizerStore.findRefreshBackoff(COMPONENT_APPID, "wxfail"))
                .contains(new AuthorizerStore.RefreshBackoff(2, T0.plusSeconds(120), "again"));
        assertThat(rawAuthorizer("lease_holder", "wxfail")).as("released").isNull();
        assertThat(authorizerStore.claimDueForRefresh(COMPONENT_APPID, T0, "node-b", T0.plusSeconds(119),
                T0.plusSeconds(149), 10)).isEmpty();
        assertThat(authorizerStore.claimDueForRefresh(COMPONENT_APPID, T0, "node-b", T0.plusSeconds(121),
                T0.plusSeconds(151), 10)).hasSize(1);
        assertThat(authorizerStore.saveRefreshedToken(COMPONENT_APPID, "wxfail", "refresh", "access-new",
                T0.plusSeconds(7200), null, "node-b")).isTrue();
        assertThat(authorizerStore.findRefreshBackoff(COMPONENT_APPID, "wxfail")).as("reset by a success").isEmpty();
    }

    @Test
    void saveRefreshedTokenWhenLeaseHeldThenStoredAndReleasedWhenLostThenRefused() {
        saveAuthorization("wxheld", "access-1", T0, "refresh");
        saveAuthorization("wxlost", "access-1", T0, "refresh");
        assertThat(authorizerStore.tryLease(COMPONENT_APPID, "wxheld", "node-a", T0, T0.plusSeconds(30))).isTrue();
        assertThat(authorizerStore.tryLease(COMPONENT_APPID, "wxlost", "node-a", T0, T0.plusSeconds(30))).isTrue();
        assertThat(authorizerStore.tryLease(COMPONENT_APPID, "wxlost", "node-b", T0.plusSeconds(10),
                T0.plusSeconds(40))).isFalse();
        assertThat(authorizerStore.tryLease(COMPONENT_APPID, "wxlost", "node-b", T0.plusSeconds(31),
                T0.plusSeconds(61))).isTrue();

        assertThat(authorizerStore.saveRefreshedToken(COMPONENT_APPID, "wxheld", "refresh", "access-2",
                T0.plusSeconds(7200), null, "node-a")).isTrue();
        assertThat(authorizerStore.saveRefreshedToken(COMPONENT_APPID, "wxlost", "refresh", "access-2",
                T0.plusSeconds(7200), null, "node-a")).isFalse();

        assertThat(authorizerStore.find(COMPONENT_APPID, "wxheld")).get()
                .returns("access-2", AuthorizerRecord::accessToken);
        assertThat(rawAuthorizer("lease_holder", "wxheld")).isNull();
        assertThat(authorizerStore.find(COMPONENT_APPID, "wxlost")).get()
                .returns("access-1", AuthorizerRecord::accessToken);
        assertThat(rawAuthorizer("lease_holder", "wxlost")).isEqualTo("node-b");
        authorizerStore.releaseLease(COMPONENT_APPID, "wxlost", "node-a");
        assertThat(rawAuthorizer("lease_holder", "wxlost")).isEqualTo("node-b");
        authorizerStore.releaseLease(COMPONENT_APPID, "wxlost", "node-b");
        assertThat(rawAuthorizer("lease_holder", "wxlost")).isNull();
    }

    @Test
    void claimUnprocessedWhenClaimedThenOthersGetTheRestAndDeadLeasesAreTakenOver() {
        for (int i = 0; i < 3; i++) {
            pushStore.record(authorizationPush(COMPONENT_APPID, InfoType.AUTHORIZED, "wxa" + i, "code-" + i,
                    T0.plusSeconds(i), T0.plusSeconds(i)));
        }
        Instant now = CLOCK.instant();

        List<StoredEvent> first = pushStore.claimUnprocessed(COMPONENT_APPID, "node-a", now.plusSeconds(30), 2);
        List<StoredEvent> second = pushStore.claimUnprocessed(COMPONENT_APPID, "node-b", now.plusSeconds(30), 10);

        assertThat(first).extracting(e -> e.push().field("AuthorizationCode").orElseThrow()).containsExactly("code-0",
                "code-1");
        assertThat(second).extracting(e -> e.push().field("AuthorizationCode").orElseThrow())
                .containsExactly("code-2");
        assertThat(pushStore.claimUnprocessed(COMPONENT_APPID, "node-c", now.plusSeconds(30), 10)).isEmpty();
        assertThat(pushStore.markProcessed(second.get(0).id(), now)).isTrue();
        pushStore.markFailed(first.get(1).id(), now, "timeout", 24, now);
        assertThat(pushStore.claimUnprocessed(COMPONENT_APPID, "node-c", now.plusSeconds(30), 10))
                .as("a failed attempt ends the lease").extracting(StoredEvent::id).containsExactly(first.get(1).id());
    }

    @Test
    void claimUnprocessedWhenLeaseDeadlinePassedThenTakenOver() {
        pushStore.record(authorizationPush(COMPONENT_APPID, InfoType.AUTHORIZED, "wxa1", "code-1", T0, T0));
        Instant now = CLOCK.instant();
        // The instance that claimed it died; its lease ended a millisecond ago.
        assertThat(pushStore.claimUnprocessed(COMPONENT_APPID, "node-dead", now.minusMillis(1), 10)).hasSize(1);

        assertThat(pushStore.claimUnprocessed(COMPONENT_APPID, "node-b", now.plusSeconds(30), 10)).hasSize(1);
        assertThat(pushStore.claimUnprocessed(COMPONENT_APPID, "node-c", now.plusSeconds(30), 10)).isEmpty();
    }

    // --- helpers

    private static ReceivedPush withBodyHash(ReceivedPush push, String bodyHash) {
        return new ReceivedPush(push.push(), push.decryptedXml(), push.msgSignature(), push.timestamp(),
                push.nonce(), push.receivedAt(), bodyHash);
    }

    private void updateEvent(String column, String value, String id) {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement update = connection.prepareStatement(
                        "UPDATE wechat_authorization_event SET " + column + " = ? WHERE id = ?")) {
            update.setString(1, value);
            update.setString(2, id);
            assertThat(update.executeUpdate()).isEqualTo(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private void saveAuthorization(String authorizerAppid, String accessToken, Instant expiresAt,
            String refreshToken) {
        authorizerStore.saveAuthorization(new Authorization(COMPONENT_APPID, authorizerAppid, accessToken, expiresAt,
                refreshToken, List.of(1), T0), null);
    }

    /** An authorization of {@link StoredPushes#COMPONENT_APPID} whose access token lives 2 hours from T0. */
    private static Authorization authorization(String authorizerAppid, String accessToken, String refreshToken,
            List<Integer> funcInfo, Instant authorizedAt) {
        return new Authorization(COMPONENT_APPID, authorizerAppid, accessToken,
                authorizedAt.plusSeconds(7200), refreshToken, funcInfo, authorizedAt);
    }

    /** Runs {@code task} for 0 to n-1 on n threads released together. */
    private static <T> List<T> concurrently(int n, IntFunction<T> task) throws Exception {
        ExecutorService executor = Executors.newFixedThreadPool(n);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<T>> futures = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int index = i;
                futures.add(executor.submit(() -> {
                    start.await();
                    return task.apply(index);
                }));
            }
            start.countDown();
            List<T> results = new ArrayList<>();
            for (Future<T> future : futures) {
                results.add(future.get(60, TimeUnit.SECONDS));
            }
            return results;
        } finally {
            executor.shutdownNow();
            assertThat(executor.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
        }
    }

    private String rawAuthorizer(String column, String authorizerAppid) {
        Object value = rawValue("SELECT " + column + " FROM wechat_authorizer WHERE component_appid = ?"
                + " AND authorizer_appid = ?", COMPONENT_APPID, authorizerAppid);
        return value == null ? null : value.toString();
    }

    private String rawCode(String column, String codeHash) {
        Object value = rawValue("SELECT " + column + " FROM wechat_authorization_code WHERE component_appid = ?"
                + " AND code_hash = ?", COMPONENT_APPID, codeHash);
        return value == null ? null : value.toString();
    }

    private Long rawLongOrNull(String sql, String key) {
        Object value = rawValue(sql, key);
        return value == null ? null : ((Number) value).longValue();
    }

    /** The single value of a single-row query with string parameters. */
    private Object rawValue(String sql, String... parameters) {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                statement.setString(i + 1, parameters[i]);
            }
            try (ResultSet rs = statement.executeQuery()) {
                assertThat(rs.next()).as("a row for %s", sql).isTrue();
                Object value = rs.getObject(1);
                if (value instanceof java.sql.Clob clob) {
                    value = clob.getSubString(1, (int) clob.length());
                }
                assertThat(rs.next()).as("a single row for %s", sql).isFalse();
                return value;
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

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
