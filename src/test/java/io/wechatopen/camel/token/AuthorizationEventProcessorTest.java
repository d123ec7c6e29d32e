package io.wechatopen.camel.token;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ConnectException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import javax.sql.DataSource;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import io.wechatopen.camel.api.ComponentApiClient;
import io.wechatopen.camel.api.WeChatApiException;
import io.wechatopen.camel.api.WeChatUnreachableException;
import io.wechatopen.camel.api.dto.AuthorizerInfoResponse;
import io.wechatopen.camel.api.dto.AuthorizerListResponse;
import io.wechatopen.camel.api.dto.AuthorizerTokenResponse;
import io.wechatopen.camel.api.dto.ComponentTokenResponse;
import io.wechatopen.camel.api.dto.PreAuthCodeResponse;
import io.wechatopen.camel.api.dto.QueryAuthResponse;
import io.wechatopen.camel.config.ClusterSettings;
import io.wechatopen.camel.model.AuthorizationChange;
import io.wechatopen.camel.model.InfoType;
import io.wechatopen.camel.model.Notice;
import io.wechatopen.camel.store.JdbcAuthorizationCodeStore;
import io.wechatopen.camel.store.JdbcAuthorizerStore;
import io.wechatopen.camel.store.JdbcNoticeStore;
import io.wechatopen.camel.store.JdbcPushStore;
import io.wechatopen.camel.store.SecretSealer;
import io.wechatopen.camel.store.TestDatabases;
import io.wechatopen.camel.store.TestDatabases.Vendor;
import io.wechatopen.camel.support.MutableClock;

/**
 * Issue 6, item 6 (one bad row never stops the rest): the processor on the JDBC stores (H2), with WeChat's
 * {@code api_query_auth} scripted per test.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AuthorizationEventProcessorTest {

    private static final String COMPONENT = "wx0123456789abcdef";
    private static final Instant T0 = Instant.parse("2026-01-05T08:00:00Z");

    private TestDatabases.PerClass database;
    private DataSource dataSource;
    private MutableClock clock;
    private JdbcPushStore pushes;
    private JdbcAuthorizerStore authorizers;
    private JdbcNoticeStore notices;
    private final AtomicInteger queryAuthCalls = new AtomicInteger();
    private volatile Supplier<QueryAuthResponse> queryAuth;
    private AuthorizationEventProcessor processor;
    private int nonce;

    @BeforeAll
    void openDatabase() {
        database = TestDatabases.perClass(Vendor.H2);
    }

    @AfterAll
    void dropDatabase() {
        database.close();
    }

    @BeforeEach
    void setUp() {
        TestDatabases.Db db = database.db();
        db.deleteAllRows();
        dataSource = db.dataSource();
        clock = new MutableClock(T0);
        SecretSealer sealer = SecretSealer.fromKeys(TestDatabases.TEST_KEY);
        pushes = new JdbcPushStore(dataSource, sealer, clock);
        notices = new JdbcNoticeStore(dataSource, clock);
        authorizers = new JdbcAuthorizerStore(dataSource, sealer, clock, notices);
        queryAuthCalls.set(0);
        AuthorizationExchanger exchanger = new AuthorizationExchanger(new ScriptedApi(), authorizers,
                new JdbcAuthorizationCodeStore(dataSource), Duration.ofMinutes(2), clock);
        processor = new AuthorizationEventProcessor(pushes, authorizers, exchanger,
                new ClusterSettings("node-a", Duration.ofSeconds(30)), clock);
    }

    @Test
    void processPendingWhenOnePayloadUnreadableThenItFailsWithReasonAndTheNextIsProcessed() throws SQLException {
        // Issue 6, item 6: an unreadable row used to throw for the whole batch, forever.
        for (String appid : List.of("wx1000000000000001", "wx1000000000000002")) {
            update("INSERT INTO wechat_authorizer (component_appid, authorizer_appid, status, updated_at, version)"
                    + " VALUES (?, ?, 'AUTHORIZED', 1, 0)", COMPONENT, appid);
        }
        String bad = record(unauthorized("wx1000000000000001", T0));
        String good = record(unauthorized("wx1000000000000002", T0.plusSeconds(1)));
        // Sealed with a key this instance no longer has (removed from wechat.store.encryption-key).
        SecretSealer removedKey = SecretSealer.fromKeys("old:" + "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVowMTIzNDU=");
        update("UPDATE wechat_authorization_event SET payload = ? WHERE id = ?",
                removedKey.seal("<xml/>", "wechat_authorization_event.payload:" + COMPONENT), bad);

        assertThat(processor.processPending(COMPONENT)).isEqualTo(1);

        assertThat(column("status", bad)).isEqualTo(JdbcPushStore.STATUS_FAILED);
        assertThat(column("last_error", bad)).contains("cannot be opened").contains("unknown key id old");
        assertThat(column("status", good)).isEqualTo(JdbcPushStore.STATUS_PROCESSED);
        assertThat(notices.findByAuthorizer(COMPONENT, "wx1000000000000001")).isEmpty();
        assertThat(notices.findByAuthorizer(COMPONENT, "wx1000000000000002")).singleElement()
                .returns(AuthorizationChange.Kind.UNAUTHORIZED.notice(), Notice::changeKind);
        assertThat(processor.processPending(COMPONENT)).isZero();
    }

    @Test
    void processPendingWhenWeChatUnreachableThenRetriedAfterBackOffAndNotBefore() throws SQLException {
        // Issue 6, item 6: attempts back off instead of being used up within minutes.
        queryAuth = () -> {
            throw new WeChatUnreachableException("api_query_auth", new ConnectException("Connection refused"),
                    false);
        };
        String id = record(authorized("wx1000000000000003", "code-unreachable", T0));

        assertThat(processor.processPending(COMPONENT)).isZero();
        assertThat(queryAuthCalls).hasValue(1);
        assertThat(column("status", id)).isEqualTo(JdbcPushStore.STATUS_RECEIVED);
        assertThat(column("attempts", id)).isEqualTo("1");
        assertThat(Long.parseLong(column("next_attempt_at", id))).isEqualTo(T0.plusSeconds(30).toEpochMilli());

        clock.advance(Duration.ofSeconds(29));
        processor.processPending(COMPONENT);
        assertThat(column("attempts", id)).as("not due before the back-off").isEqualTo("1");

        clock.advance(Duration.ofSeconds(1));
        processor.processPending(COMPONENT);
        assertThat(column("attempts", id)).isEqualTo("2");
        assertThat(column("status", id)).isEqualTo(JdbcPushStore.STATUS_RECEIVED);
        assertThat(Long.parseLong(column("next_attempt_at", id)))
                .as("the delay doubles").isEqualTo(T0.plusSeconds(30 + 60).toEpochMilli());
    }

    @Test
    void processPendingWhenOutageLastsAnHourThenEventStillPending() throws SQLException {
        // Issue 6, item 6: a five-minute (or one-hour) WeChat outage does not exhaust the attempts.
        queryAuth = () -> {
            throw new WeChatUnreachableException("api_query_auth", new ConnectException("Connection refused"),
                    false);
        };
        String id = record(authorized("wx1000000000000004", "code-outage", T0));
        for (int minute = 0; minute <= 60; minute++) {
            processor.processPending(COMPONENT);
            clock.advance(Duration.ofMinutes(1));
        }
        assertThat(column("status", id)).isEqualTo(JdbcPushStore.STATUS_RECEIVED);
        assertThat(Integer.parseInt(column("attempts", id))).isBetween(5, 12);
    }

    @Test
    void processPendingWhenWeChatRefusesTheCodeThenFailedAtOnce() throws SQLException {
        queryAuth = () -> {
            throw new WeChatApiException("api_query_auth", 61010, "code is expired");
        };
        String id = record(authorized("wx1000000000000005", "code-expired", T0));

        processor.processPending(COMPONENT);

        assertThat(column("status", id)).isEqualTo(JdbcPushStore.STATUS_FAILED);
        assertThat(column("last_error", id)).contains("61010").doesNotContain("code-expired");
    }

    @Test
    void retryDelayWhenAttemptsGrowThenDoublesFromThirtySecondsUpToTenMinutes() {
        assertThat(AuthorizationEventProcessor.retryDelay(0)).isEqualTo(Duration.ofSeconds(30));
        assertThat(AuthorizationEventProcessor.retryDelay(1)).isEqualTo(Duration.ofSeconds(60));
        assertThat(AuthorizationEventProcessor.retryDelay(4)).isEqualTo(Duration.ofSeconds(480));
        assertThat(AuthorizationEventProcessor.retryDelay(5)).isEqualTo(Duration.ofMinutes(10));
        assertThat(AuthorizationEventProcessor.retryDelay(40)).isEqualTo(Duration.ofMinutes(10));
    }

    private String unauthorized(String authorizerAppid, Instant createTime) {
        return "<xml><AppId>" + COMPONENT + "</AppId><CreateTime>" + createTime.getEpochSecond()
                + "</CreateTime><InfoType>" + InfoType.UNAUTHORIZED + "</InfoType><AuthorizerAppid>"
                + authorizerAppid + "</AuthorizerAppid></xml>";
    }

    private String authorized(String authorizerAppid, String code, Instant createTime) {
        return "<xml><AppId>" + COMPONENT + "</AppId><CreateTime>" + createTime.getEpochSecond()
                + "</CreateTime><InfoType>" + InfoType.AUTHORIZED + "</InfoType><AuthorizerAppid>" + authorizerAppid
                + "</AuthorizerAppid><AuthorizationCode>" + code + "</AuthorizationCode></xml>";
    }

    /** Records a push as the intake does and returns its event id. */
    private String record(String xml) throws SQLException {
        java.util.Map<String, String> fields = io.wechatopen.camel.crypto.SafeXml.parseFlat(xml);
        io.wechatopen.camel.model.ComponentPush push = new io.wechatopen.camel.model.ComponentPush(COMPONENT,
                fields.get("InfoType"), Instant.ofEpochSecond(Long.parseLong(fields.get("CreateTime"))), fields);
        String n = String.valueOf(++nonce);
        pushes.record(new io.wechatopen.camel.model.ReceivedPush(push, xml, "sig" + n, "1", n, clock.instant()));
        try (Connection connection = dataSource.getConnection();
                PreparedStatement select = connection.prepareStatement(
                        "SELECT id FROM wechat_authorization_event WHERE push_nonce = ?")) {
            select.setString(1, n);
            try (ResultSet rs = select.executeQuery()) {
                rs.next();
                return rs.getString(1);
            }
        }
    }

    private String column(String column, String id) throws SQLException {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement select = connection.prepareStatement(
                        "SELECT " + column + " FROM wechat_authorization_event WHERE id = ?")) {
            select.setString(1, id);
            try (ResultSet rs = select.executeQuery()) {
                rs.next();
                return rs.getString(1);
            }
        }
    }

    private void update(String sql, String... values) throws SQLException {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement update = connection.prepareStatement(sql)) {
            for (int i = 0; i < values.length; i++) {
                update.setString(i + 1, values[i]);
            }
            update.executeUpdate();
        }
    }

    /** WeChat as far as the processor reaches it: {@code api_query_auth} answers as the test scripts it. */
    private final class ScriptedApi implements ComponentApiClient {

        @Override
        public QueryAuthResponse queryAuth(String componentAppid, String authorizationCode) {
            queryAuthCalls.incrementAndGet();
            return queryAuth.get();
        }

        @Override
        public ComponentTokenResponse componentToken(String componentAppid, String appsecret, String verifyTicket) {
            throw new UnsupportedOperationException("not used by the processor");
        }

        @Override
        public void startPushTicket(String componentAppid, String appsecret) {
            throw new UnsupportedOperationException("not used by the processor");
        }

        @Override
        public PreAuthCodeResponse createPreAuthCode(String componentAppid) {
            throw new UnsupportedOperationException("not used by the processor");
        }

        @Override
        public AuthorizerTokenResponse authorizerToken(String componentAppid, String authorizerAppid,
                String refreshToken) {
            throw new UnsupportedOperationException("not used by the processor");
        }

        @Override
        public AuthorizerInfoResponse authorizerInfo(String componentAppid, String authorizerAppid) {
            throw new UnsupportedOperationException("not used by the processor");
        }

        @Override
        public AuthorizerListResponse authorizerList(String componentAppid, int offset, int count) {
            throw new UnsupportedOperationException("not used by the processor");
        }
    }
}
