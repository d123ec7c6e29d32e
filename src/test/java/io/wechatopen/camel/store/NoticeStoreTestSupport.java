package io.wechatopen.camel.store;

import static io.wechatopen.camel.store.StoredPushes.COMPONENT_APPID;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.wechatopen.camel.model.Authorization;
import io.wechatopen.camel.model.AuthorizationChange;
import io.wechatopen.camel.model.AuthorizerStatus;
import io.wechatopen.camel.model.Notice;
import io.wechatopen.camel.store.TestDatabases.Vendor;
import io.wechatopen.camel.support.MutableClock;

/**
 * The outbox contract ({@link JdbcNoticeStore}, and the notices {@link JdbcAuthorizerStore} writes with its changes),
 * run once per database by {@link H2NoticeStoreTest}, {@link PostgresNoticeStoreTest} and
 * {@link MariaDbNoticeStoreTest}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class NoticeStoreTestSupport {

    private static final Instant T0 = Instant.parse("2025-06-01T09:00:00Z");
    private static final Duration LEASE = Duration.ofSeconds(30);
    private static final String ACCOUNT = "wxnotice000000001";

    private TestDatabases.PerClass database;
    private MutableClock clock;
    private JdbcNoticeStore notices;
    private JdbcAuthorizerStore authorizers;

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
        TestDatabases.Db db = database.db();
        db.deleteAllRows();
        clock = new MutableClock(T0);
        notices = new JdbcNoticeStore(db.dataSource(), clock);
        authorizers = new JdbcAuthorizerStore(db.dataSource(), SecretSealer.fromKeys(TestDatabases.TEST_KEY), clock,
                notices);
    }

    @Test
    void recordWhenAPushIsRoutedToTheIntegratorThenItsNoticeIsWrittenWithItsEventSealedAtRest() throws Exception {
        SecretSealer sealer = SecretSealer.fromKeys(TestDatabases.TEST_KEY);
        javax.sql.DataSource dataSource = database.db().dataSource();
        JdbcNoticeStore sealing = new JdbcNoticeStore(dataSource, clock, null, Duration.ZERO, sealer);
        List<String> wakeUps = new ArrayList<>();
        sealing.onWritten(() -> wakeUps.add("woken"));
        JdbcPushStore pushes = new JdbcPushStore(dataSource, sealer, clock, sealing);

        List<PushStore.Recorded> batch = pushes.recordAll(List.of(StoredPushes.ticketPush(COMPONENT_APPID, "t1", T0),
                StoredPushes.authorizationPush(COMPONENT_APPID, "notify_some_future_thing", ACCOUNT, "code-secret-1",
                        T0, T0),
                StoredPushes.authorizationPush(COMPONENT_APPID, "unauthorized", ACCOUNT, null, T0, T0)));
        pushes.record(StoredPushes.authorizationPush(COMPONENT_APPID, "notify_3rd_wxa_auth", ACCOUNT, null, T0, T0));

        assertThat(batch).allSatisfy(recorded -> assertThat(recorded.refusal()).isNull());
        List<Notice> stored = sealing.findByAuthorizer(COMPONENT_APPID, ACCOUNT);
        assertThat(stored).extracting(Notice::changeKind).containsExactlyInAnyOrder("notify_some_future_thing",
                "notify_3rd_wxa_auth");
        Notice future = stored.stream().filter(n -> n.changeKind().equals("notify_some_future_thing")).findFirst()
                .orElseThrow();
        assertThat(future.kind()).isEqualTo(Notice.COMPONENT_EVENT);
        assertThat(future.body()).contains("<AuthorizationCode><![CDATA[code-secret-1]]>");
        assertThat(future.headers()).containsEntry(Notice.NOTICE_ID, future.noticeId())
                .containsEntry(Notice.INFO_TYPE, "notify_some_future_thing")
                .containsEntry(Notice.COMPONENT_APPID, COMPONENT_APPID).containsEntry(Notice.AUTHORIZER_APPID, ACCOUNT);
        assertThat(wakeUps).hasSize(2);
        try (java.sql.Connection connection = dataSource.getConnection();
                java.sql.Statement statement = connection.createStatement()) {
            java.sql.ResultSet rs = statement.executeQuery("SELECT COUNT(*) FROM wechat_notice n"
                    + " JOIN wechat_authorization_event e ON e.id = n.notice_id"
                    + " WHERE e.info_type = 'notify_some_future_thing'");
            rs.next();
            // the notice has its event's id, and its body is sealed (the code is not in clear)
            assertThat(rs.getLong(1)).isEqualTo(1);
            rs = statement.executeQuery("SELECT COUNT(*) FROM wechat_notice WHERE body LIKE '%code-secret-1%'");
            rs.next();
            assertThat(rs.getLong(1)).isZero();
        }
    }

    @Test
    void markUnauthorizedWhenAppliedThenItsNoticeIsStoredWithIdHeadersAndBody() throws Exception {
        List<String> wakeUps = new ArrayList<>();
        notices.onWritten(() -> wakeUps.add("woken"));

        assertThat(authorizers.markUnauthorized(COMPONENT_APPID, ACCOUNT, T0, unauthorized(T0))).isTrue();

        Notice notice = notices.findByAuthorizer(COMPONENT_APPID, ACCOUNT).get(0);
        assertThat(notices.findByAuthorizer(COMPONENT_APPID, ACCOUNT)).hasSize(1);
        assertThat(notice.kind()).isEqualTo(Notice.AUTHORIZATION);
        assertThat(notice.changeKind()).isEqualTo("unauthorized");
        assertThat(notice.attempts()).isZero();
        assertThat(notice.headers()).containsExactlyInAnyOrderEntriesOf(Map.of(Notice.NOTICE_ID, notice.noticeId(),
                Notice.COMPONENT_APPID, COMPONENT_APPID, Notice.AUTHORIZER_APPID, ACCOUNT, Notice.CHANGE,
                "unauthorized"));
        JsonNode body = new ObjectMapper().readTree(notice.body());
        assertThat(body.path("notice_id").asText()).isEqualTo(notice.noticeId());
        assertThat(body.path("change").asText()).isEqualTo("unauthorized");
        assertThat(body.path("authorizer_appid").asText()).isEqualTo(ACCOUNT);
        assertThat(body.path("at").asText()).isEqualTo(T0.toString());
        assertThat(body.path("detail").asText()).isEqualTo("unauthorized push");
        assertThat(wakeUps).containsExactly("woken");
        assertThat(notices.countPending(COMPONENT_APPID)).isEqualTo(1);
    }

    @Test
    void statusChangeWhenIgnoredAsOlderThenNoNotice() {
        authorizers.saveAuthorization(authorization(T0.plusSeconds(10), "refresh-1"), null, change(
                AuthorizationChange.Kind.AUTHORIZED, T0.plusSeconds(10)));

        assertThat(authorizers.markUnauthorized(COMPONENT_APPID, ACCOUNT, T0, unauthorized(T0))).isFalse();
        assertThat(authorizers.markNeedsReauthorization(COMPONENT_APPID, ACCOUNT, T0.plusSeconds(20), "other-token",
                change(AuthorizationChange.Kind.NEEDS_REAUTHORIZATION, T0.plusSeconds(20)))).isFalse();

        assertThat(notices.findByAuthorizer(COMPONENT_APPID, ACCOUNT)).extracting(Notice::changeKind)
                .containsExactly("authorized");
    }

    @Test
    void saveAuthorizationWhenTheTransactionFailsThenNeitherTheChangeNorItsNoticeIsStored() {
        // A sealed access token longer than its column fails the insert after the notice was built.
        Authorization tooLong = new Authorization(COMPONENT_APPID, ACCOUNT, "a".repeat(3000), T0.plusSeconds(7200),
                "refresh-1", List.of(1), T0);

        assertThatThrownBy(() -> authorizers.saveAuthorization(tooLong, null,
                change(AuthorizationChange.Kind.AUTHORIZED, T0))).isInstanceOf(StoreException.class);

        assertThat(authorizers.find(COMPONENT_APPID, ACCOUNT)).isEmpty();
        assertThat(notices.findByAuthorizer(COMPONENT_APPID, ACCOUNT)).isEmpty();
        assertThat(notices.countPending(COMPONENT_APPID)).isZero();
    }

    @Test
    void restoreRefreshTokenWhenChangedThenRecoveredNoticeAndNoneWhenTheSameTokenAgain() {
        assertThat(authorizers.restoreRefreshToken(COMPONENT_APPID, ACCOUNT, "refresh-1", T0,
                change(AuthorizationChange.Kind.RECOVERED, T0))).isTrue();
        assertThat(authorizers.restoreRefreshToken(COMPONENT_APPID, ACCOUNT, "refresh-1", T0,
                change(AuthorizationChange.Kind.RECOVERED, T0))).isFalse();

        assertThat(notices.findByAuthorizer(COMPONENT_APPID, ACCOUNT)).extracting(Notice::changeKind)
                .containsExactly("recovered");
        assertThat(authorizers.find(COMPONENT_APPID, ACCOUNT)).get().extracting(r -> r.status())
                .isEqualTo(AuthorizerStatus.AUTHORIZED);
    }

    @Test
    void claimWhenHeldThenOthersGetNothingUntilTheLeaseEndsAndTheFormerHolderCannotMarkItDelivered() {
        authorizers.markUnauthorized(COMPONENT_APPID, ACCOUNT, T0, unauthorized(T0));

        List<Notice> first = notices.claim("node-a", T0, T0.plus(LEASE), 10);
        assertThat(first).hasSize(1);
        assertThat(notices.claim("node-b", T0.plusSeconds(29), T0.plusSeconds(29).plus(LEASE), 10)).isEmpty();

        // node-a died: its lease ends and node-b takes the notice, with the same id
        Instant later = T0.plus(LEASE);
        List<Notice> retaken = notices.claim("node-b", later, later.plus(LEASE), 10);
        assertThat(retaken).extracting(Notice::noticeId).containsExactly(first.get(0).noticeId());
        assertThat(notices.markDelivered(first.get(0).noticeId(), "node-a", later)).isFalse();
        assertThat(notices.markDelivered(first.get(0).noticeId(), "node-b", later)).isTrue();
        assertThat(notices.markDelivered(first.get(0).noticeId(), "node-b", later)).isFalse();

        // delivered: never claimed again
        Instant muchLater = later.plus(Duration.ofHours(1));
        assertThat(notices.claim("node-a", muchLater, muchLater.plus(LEASE), 10)).isEmpty();
        assertThat(notices.countPending(COMPONENT_APPID)).isZero();
    }

    @Test
    void claimWhenTheWriterHoldsTheNewNoticeThenOnlyTheWriterTakesItUntilItsLeaseEnds() {
        JdbcNoticeStore writer = new JdbcNoticeStore(database.db().dataSource(), clock, "node-writer", LEASE);
        JdbcAuthorizerStore writing = new JdbcAuthorizerStore(database.db().dataSource(),
                SecretSealer.fromKeys(TestDatabases.TEST_KEY), clock, writer);
        writing.markUnauthorized(COMPONENT_APPID, ACCOUNT, T0, unauthorized(T0));

        assertThat(notices.claim("node-other", T0.plusSeconds(1), T0.plusSeconds(1).plus(LEASE), 10)).isEmpty();
        Notice taken = notices.claim("node-writer", T0.plusSeconds(1), T0.plusSeconds(1).plus(LEASE), 10).get(0);
        // the writer failed once: from now on its back-off applies to it as to anyone
        assertThat(notices.markFailed(taken.noticeId(), "node-writer", T0.plusSeconds(3), "integrator down")).isTrue();
        assertThat(notices.claim("node-writer", T0.plusSeconds(2), T0.plusSeconds(2).plus(LEASE), 10)).isEmpty();
        assertThat(notices.claim("node-other", T0.plusSeconds(3), T0.plusSeconds(3).plus(LEASE), 10))
                .extracting(Notice::noticeId).containsExactly(taken.noticeId());
    }

    @Test
    void claimWhenTheWriterDiedThenAnotherTakesItsNoticeAtTheEndOfItsLease() {
        JdbcNoticeStore writer = new JdbcNoticeStore(database.db().dataSource(), clock, "node-writer", LEASE);
        writer.add(message("n-1", T0));

        assertThat(notices.claim("node-other", T0.plus(LEASE).minusMillis(1), T0.plus(LEASE.multipliedBy(2)), 10))
                .isEmpty();
        assertThat(notices.claim("node-other", T0.plus(LEASE), T0.plus(LEASE.multipliedBy(2)), 10))
                .extracting(Notice::noticeId).containsExactly("n-1");
    }

    @Test
    void markFailedWhenHolderThenAttemptCountedAndRetriedOnlyFromRetryAt() {
        authorizers.markUnauthorized(COMPONENT_APPID, ACCOUNT, T0, unauthorized(T0));
        Notice notice = notices.claim("node-a", T0, T0.plus(LEASE), 10).get(0);

        assertThat(notices.markFailed(notice.noticeId(), "node-b", T0.plusSeconds(1), "not the holder")).isFalse();
        assertThat(notices.markFailed(notice.noticeId(), "node-a", T0.plusSeconds(2), "x".repeat(600))).isTrue();

        assertThat(notices.claim("node-b", T0.plusSeconds(1), T0.plusSeconds(1).plus(LEASE), 10)).isEmpty();
        assertThat(notices.claim("node-b", T0.plusSeconds(2), T0.plusSeconds(2).plus(LEASE), 10))
                .singleElement().returns(2, Notice::attempts);
    }

    @Test
    void claimWhenManyDueThenOldestFirstAndLimited() {
        for (int i = 0; i < 3; i++) {
            clock.advance(Duration.ofSeconds(1));
            notices.add(message("n-" + i, clock.instant()));
        }

        Instant now = clock.instant();
        assertThat(notices.claim("node-a", now, now.plus(LEASE), 2)).extracting(Notice::noticeId)
                .containsExactly("n-0", "n-1");
        assertThat(notices.claim("node-a", now, now.plus(LEASE), 2)).extracting(Notice::noticeId)
                .containsExactly("n-2");
    }

    @Test
    void addWhenTheIdExistsThenNotStoredAgain() {
        assertThat(notices.add(message("n-1", T0))).isTrue();
        Notice claimed = notices.claim("node-a", T0, T0.plus(LEASE), 10).get(0);
        notices.markDelivered(claimed.noticeId(), "node-a", T0);

        assertThat(notices.add(message("n-1", T0.plusSeconds(5)))).isFalse();
        assertThat(notices.countPending(COMPONENT_APPID)).isZero();
        assertThat(notices.findByAuthorizer(COMPONENT_APPID, ACCOUNT)).singleElement()
                .returns("<xml/>", Notice::body).returns(Map.of("WeChatMsgType", "text"), Notice::headers);
    }

    @Test
    void claimWhenTwoInstancesRaceThenEachNoticeIsTakenOnce() throws Exception {
        for (int i = 0; i < 40; i++) {
            notices.add(message(String.format("n-%02d", i), T0));
        }
        CountDownLatch start = new CountDownLatch(1);
        List<CompletableFuture<List<String>>> claims = new ArrayList<>();
        for (String node : List.of("node-a", "node-b")) {
            claims.add(CompletableFuture.supplyAsync(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
                List<String> taken = new ArrayList<>();
                List<Notice> batch;
                int rounds = 0;
                do {
                    batch = notices.claim(node, T0, T0.plus(LEASE), 5);
                    batch.forEach(n -> taken.add(n.noticeId()));
                } while (!batch.isEmpty() && ++rounds < 40);
                return taken;
            }));
        }
        start.countDown();

        List<String> all = new ArrayList<>();
        for (CompletableFuture<List<String>> claim : claims) {
            all.addAll(claim.get());
        }
        Set<String> distinct = new HashSet<>(all);
        assertThat(all).hasSize(40);
        assertThat(distinct).hasSize(40);
    }

    @Test
    void purgeDeliveredWhenOlderThanTheCutThenDeletedAndPendingKept() {
        notices.add(message("delivered-old", T0));
        notices.add(message("delivered-new", T0));
        notices.add(message("pending", T0));
        notices.claim("node-a", T0, T0.plus(LEASE), 10);
        notices.markDelivered("delivered-old", "node-a", T0);
        notices.markDelivered("delivered-new", "node-a", T0.plus(Duration.ofDays(7)));

        assertThat(notices.purgeDelivered(T0.plus(Duration.ofDays(1)))).isEqualTo(1);

        assertThat(notices.findByAuthorizer(COMPONENT_APPID, ACCOUNT)).extracting(Notice::noticeId)
                .containsExactlyInAnyOrder("delivered-new", "pending");
        assertThat(notices.countPending(COMPONENT_APPID)).isEqualTo(1);
    }

    private static Notice message(String id, Instant at) {
        return new Notice(id, COMPONENT_APPID, ACCOUNT, Notice.ACCOUNT_MESSAGE, "text", Map.of("WeChatMsgType", "text"),
                "<xml/>", at, 0);
    }

    private static Authorization authorization(Instant at, String refreshToken) {
        return new Authorization(COMPONENT_APPID, ACCOUNT, "access-1", at.plusSeconds(7200), refreshToken, List.of(1),
                at);
    }

    private static AuthorizationChange unauthorized(Instant at) {
        return new AuthorizationChange(COMPONENT_APPID, ACCOUNT, AuthorizationChange.Kind.UNAUTHORIZED, at, List.of(),
                "unauthorized push");
    }

    private static AuthorizationChange change(AuthorizationChange.Kind kind, Instant at) {
        return new AuthorizationChange(COMPONENT_APPID, ACCOUNT, kind, at, List.of(1), "");
    }
}
