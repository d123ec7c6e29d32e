package io.wechatopen.camel.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import io.wechatopen.camel.AuthorizerUnavailableException;
import io.wechatopen.camel.AuthorizerUnavailableException.Reason;
import io.wechatopen.camel.config.AuthorizeSettings;
import io.wechatopen.camel.config.ClusterSettings;
import io.wechatopen.camel.config.TokenPolicy;
import io.wechatopen.camel.model.Authorization;
import io.wechatopen.camel.model.AuthorizationChange;
import io.wechatopen.camel.model.AuthorizerRecord;
import io.wechatopen.camel.model.AuthorizerStatus;
import io.wechatopen.camel.model.Notice;
import io.wechatopen.camel.store.AuthorizationCodeStore;
import io.wechatopen.camel.store.JdbcAuthorizationCodeStore;
import io.wechatopen.camel.store.JdbcAuthorizerStore;
import io.wechatopen.camel.store.JdbcNoticeStore;
import io.wechatopen.camel.store.SecretSealer;
import io.wechatopen.camel.store.TestDatabases;
import io.wechatopen.camel.store.TestDatabases.Vendor;
import io.wechatopen.camel.support.MutableClock;
import io.wechatopen.camel.token.FaultyWeChat.Fault;

/**
 * Issue 6, items 1-3: the exchanger and the authorizer token manager on the JDBC stores (H2) against a stateful
 * WeChat whose faults act as WeChat's would. Each test fails on the code before issue 6.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NothingLostUnderFaultsTest {

    private static final String COMPONENT = "wx0123456789abcdef";
    private static final String ACCOUNT = "wxaccount00000001";
    private static final Instant T0 = Instant.parse("2026-03-01T08:00:00Z");
    private static final Duration STALE = Duration.ofSeconds(30);

    private TestDatabases.PerClass database;
    private MutableClock clock;
    private FaultyWeChat wechat;
    private JdbcAuthorizerStore authorizers;
    private JdbcAuthorizationCodeStore codes;
    private javax.sql.DataSource dataSource;
    private JdbcNoticeStore notices;
    private AuthorizationExchanger exchanger;
    private AuthorizerTokenManager tokens;

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
        clock = new MutableClock(T0);
        wechat = new FaultyWeChat();
        dataSource = db.dataSource();
        notices = new JdbcNoticeStore(dataSource, clock);
        authorizers = new JdbcAuthorizerStore(dataSource, SecretSealer.fromKeys(TestDatabases.TEST_KEY), clock,
                notices);
        codes = new JdbcAuthorizationCodeStore(db.dataSource());
        exchanger = new AuthorizationExchanger(wechat, authorizers, codes, STALE, clock);
        AuthorizeSettings settings = new AuthorizeSettings("page", "mobile", Duration.ofMinutes(30), 1, 10, 100,
                Duration.ofMinutes(5), Duration.ofSeconds(30), Duration.ofMinutes(5), 10, 100);
        tokens = new AuthorizerTokenManager(Set.of(COMPONENT), authorizers, wechat,
                new TokenPolicy(Duration.ofMinutes(10), Duration.ofHours(12)), settings, WeChatMetrics.NONE,
                new ClusterSettings("node-a", Duration.ofSeconds(30)), clock);
    }

    // --- item 1: a used auth code never loses its authorization

    @Test
    void exchangeWhenReplyLostThenNeverAskedAgainAndCompletedThroughTheAccountFromThePush() {
        String code = wechat.approve(ACCOUNT, T0.getEpochSecond());
        wechat.fault("api_query_auth", Fault.LOSE_REPLY, 1);
        // The immediate completion attempt fails too: the claim stays UNKNOWN for a later try.
        wechat.fault("api_get_authorizer_info", Fault.SYSTEM_ERROR, 1);

        AuthorizationFailedException first = catchThrowableOfType(AuthorizationFailedException.class,
                () -> exchanger.exchange(COMPONENT, code));
        assertThat(first).isNotNull().returns(true, AuthorizationFailedException::isOutcomeUnknown)
                .returns(true, AuthorizationFailedException::isTransient);
        assertThat(claimStatus(code)).isEqualTo(AuthorizationCodeStore.Status.UNKNOWN);

        // The authorized push's retry names the account.
        AuthorizerRecord record = exchanger.exchange(COMPONENT, code, ACCOUNT);

        assertThat(record.status()).isEqualTo(AuthorizerStatus.AUTHORIZED);
        assertThat(record.refreshToken()).isEqualTo(wechat.refreshToken(ACCOUNT));
        assertThat(record.funcInfo()).containsExactly(1, 15);
        assertThat(wechat.calls("api_query_auth")).isEqualTo(1);
        assertThat(claimStatus(code)).isEqualTo(AuthorizationCodeStore.Status.DONE);
        assertThat(changes()).containsExactly(AuthorizationChange.Kind.AUTHORIZED.notice());
    }

    @Test
    void exchangeWhenReplyLostThenCompletedAtOnceThroughTheAccount() {
        String code = wechat.approve(ACCOUNT, T0.getEpochSecond());
        wechat.fault("api_query_auth", Fault.LOSE_REPLY, 1);

        AuthorizerRecord record = exchanger.exchange(COMPONENT, code, ACCOUNT);

        assertThat(record.refreshToken()).isEqualTo(wechat.refreshToken(ACCOUNT));
        assertThat(wechat.calls("api_query_auth")).isEqualTo(1);
        assertThat(claimStatus(code)).isEqualTo(AuthorizationCodeStore.Status.DONE);
    }

    @Test
    void exchangeWhenReplyLostAndOnlyTheBrowserCameBackThenAccountFoundInTheList() {
        wechat.approve("wxother00000000001", T0.minus(Duration.ofDays(3)).getEpochSecond());
        wechat.rotate("wxother00000000001");
        authorizers.saveAuthorization(new Authorization(COMPONENT, "wxother00000000001", null, null,
                wechat.refreshToken("wxother00000000001"), List.of(1), T0.minus(Duration.ofDays(3))), null);
        String code = wechat.approve(ACCOUNT, T0.getEpochSecond());
        wechat.fault("api_query_auth", Fault.LOSE_REPLY, 1);

        AuthorizerRecord record = exchanger.exchange(COMPONENT, code);

        assertThat(record.authorizerAppid()).isEqualTo(ACCOUNT);
        assertThat(record.refreshToken()).isEqualTo(wechat.refreshToken(ACCOUNT));
        assertThat(wechat.calls("api_query_auth")).isEqualTo(1);
    }

    @Test
    void exchangeWhenConnectionRefusedThenClaimReleasedAndTheNextTryExchanges() {
        String code = wechat.approve(ACCOUNT, T0.getEpochSecond());
        wechat.fault("api_query_auth", Fault.CONNECT_REFUSED, 1);

        AuthorizationFailedException first = catchThrowableOfType(AuthorizationFailedException.class,
                () -> exchanger.exchange(COMPONENT, code, ACCOUNT));
        assertThat(first).isNotNull().returns(false, AuthorizationFailedException::isOutcomeUnknown)
                .returns(true, AuthorizationFailedException::isTransient);
        assertThat(codes.find(COMPONENT, Hashes.sha256Hex(COMPONENT, code))).isEmpty();

        assertThat(exchanger.exchange(COMPONENT, code, ACCOUNT).refreshToken()).isEqualTo(wechat.refreshToken(ACCOUNT));
        assertThat(wechat.calls("api_query_auth")).isEqualTo(2);
    }

    @Test
    void exchangeWhenHolderDiedBeforeCallingThenStaleClaimCompletedByExchangingTheUnusedCode() {
        String code = wechat.approve(ACCOUNT, T0.getEpochSecond());
        // A holder on another (now dead) instance claimed the code and never called WeChat.
        codes.claim(COMPONENT, Hashes.sha256Hex(COMPONENT, code), T0, STALE);
        clock.advance(STALE.plusSeconds(1));

        AuthorizerRecord record = exchanger.exchange(COMPONENT, code, ACCOUNT);

        assertThat(record.refreshToken()).isEqualTo(wechat.refreshToken(ACCOUNT));
        assertThat(wechat.calls("api_query_auth")).isEqualTo(1);
        assertThat(claimStatus(code)).isEqualTo(AuthorizationCodeStore.Status.DONE);
    }

    @Test
    void exchangeWhenHolderDiedAfterWeChatExchangedThenCompletedWithoutUsingTheCodeAgain() {
        String code = wechat.approve(ACCOUNT, T0.getEpochSecond());
        codes.claim(COMPONENT, Hashes.sha256Hex(COMPONENT, code), T0, STALE);
        wechat.queryAuth(COMPONENT, code); // the dead holder's call, which WeChat answered
        clock.advance(STALE.plusSeconds(1));

        AuthorizerRecord record = exchanger.exchange(COMPONENT, code, ACCOUNT);

        assertThat(record.status()).isEqualTo(AuthorizerStatus.AUTHORIZED);
        assertThat(record.refreshToken()).isEqualTo(wechat.refreshToken(ACCOUNT));
        assertThat(wechat.calls("api_query_auth")).isEqualTo(1);
    }

    @Test
    void exchangeWhenCompletionCannotReachWeChatThenStillUnknownNotFailed() {
        String code = wechat.approve(ACCOUNT, T0.getEpochSecond());
        wechat.fault("api_query_auth", Fault.LOSE_REPLY, 1);
        wechat.fault("api_get_authorizer_info", Fault.SYSTEM_ERROR, 2);
        catchThrowableOfType(AuthorizationFailedException.class, () -> exchanger.exchange(COMPONENT, code, ACCOUNT));

        AuthorizationFailedException second = catchThrowableOfType(AuthorizationFailedException.class,
                () -> exchanger.exchange(COMPONENT, code, ACCOUNT));

        assertThat(second).isNotNull().returns(true, AuthorizationFailedException::isOutcomeUnknown);
        assertThat(claimStatus(code)).isEqualTo(AuthorizationCodeStore.Status.UNKNOWN);
        assertThat(exchanger.exchange(COMPONENT, code, ACCOUNT).refreshToken())
                .isEqualTo(wechat.refreshToken(ACCOUNT));
    }

    // --- item 2: a temporary failure never becomes NEEDS_REAUTHORIZATION

    @Test
    void accessTokenWhen61023AndRecoveryOutageThenStaysAuthorizedBacksOffAndRecoversAfter() {
        authorize();
        String current = wechat.rotate(ACCOUNT);
        expireAccessToken();
        wechat.fault("api_get_authorizer_info", Fault.LOSE_REPLY, 1);
        wechat.fault("api_get_authorizer_list", Fault.SYSTEM_ERROR, 1);

        AuthorizerUnavailableException outage = catchThrowableOfType(AuthorizerUnavailableException.class,
                () -> tokens.accessToken(COMPONENT, ACCOUNT));

        assertThat(outage).isNotNull().returns(Reason.UNAVAILABLE, AuthorizerUnavailableException::getReason);
        assertThat(status()).isEqualTo(AuthorizerStatus.AUTHORIZED);
        assertThat(changes()).doesNotContain(AuthorizationChange.Kind.NEEDS_REAUTHORIZATION.notice());
        // Backing off: neither the sweep nor a caller calls WeChat again yet.
        int refreshCalls = wechat.calls("api_authorizer_token");
        assertThat(tokens.refreshIfDue(COMPONENT, ACCOUNT)).isFalse();
        assertThat(catchThrowableOfType(AuthorizerUnavailableException.class,
                () -> tokens.accessToken(COMPONENT, ACCOUNT))).hasMessageContaining("not refreshed before");
        assertThat(wechat.calls("api_authorizer_token")).isEqualTo(refreshCalls);

        clock.advance(Duration.ofSeconds(30));
        assertThat(tokens.refreshIfDue(COMPONENT, ACCOUNT)).isTrue();

        assertThat(authorizers.find(COMPONENT, ACCOUNT)).get()
                .returns(AuthorizerStatus.AUTHORIZED, AuthorizerRecord::status)
                .returns(current, AuthorizerRecord::refreshToken)
                .satisfies(r -> assertThat(r.accessTokenValidAt(clock.instant(), Duration.ZERO)).isPresent());
    }

    @Test
    void accessTokenWhen61023AndBothRecoveriesAnswerWithOnlyTheRefusedTokenThenNeedsReauthorizationOnce() {
        authorize();
        wechat.refuseEveryRefreshToken(ACCOUNT);
        expireAccessToken();
        int infoCalls = wechat.calls("api_get_authorizer_info");

        AuthorizerUnavailableException refusal = catchThrowableOfType(AuthorizerUnavailableException.class,
                () -> tokens.accessToken(COMPONENT, ACCOUNT));

        assertThat(refusal).isNotNull().returns(Reason.NEEDS_REAUTHORIZATION,
                AuthorizerUnavailableException::getReason);
        assertThat(status()).isEqualTo(AuthorizerStatus.NEEDS_REAUTHORIZATION);
        assertThat(catchThrowableOfType(AuthorizerUnavailableException.class,
                () -> tokens.accessToken(COMPONENT, ACCOUNT)).getReason()).isEqualTo(Reason.NEEDS_REAUTHORIZATION);
        assertThat(changes()).containsExactly(AuthorizationChange.Kind.NEEDS_REAUTHORIZATION.notice());
        assertThat(wechat.calls("api_get_authorizer_info")).isEqualTo(infoCalls + 1);
        assertThat(wechat.calls("api_get_authorizer_list")).isEqualTo(1);
    }

    // --- item 3: no lost update of a token row

    @Test
    void refreshWhenOwnerReauthorizesMeanwhileThenTheNewTokensAreKept() throws Exception {
        authorize();
        expireAccessToken();
        wechat.refreshWorkDone = new CountDownLatch(1);
        wechat.holdRefreshReply = new CountDownLatch(1);
        CompletableFuture<String> inFlight = CompletableFuture.supplyAsync(() -> tokens.accessToken(COMPONENT,
                ACCOUNT));
        assertThat(wechat.refreshWorkDone.await(10, TimeUnit.SECONDS)).isTrue();

        // The owner re-authorizes while WeChat's answer to the refresh is on its way.
        authorizers.saveAuthorization(new Authorization(COMPONENT, ACCOUNT, "access-reauthorized",
                clock.instant().plusSeconds(7200), "refresh-reauthorized", List.of(1, 2), clock.instant()), null);
        wechat.holdRefreshReply.countDown();

        assertThat(inFlight.get(10, TimeUnit.SECONDS)).isEqualTo("access-reauthorized");
        assertThat(authorizers.find(COMPONENT, ACCOUNT)).get()
                .returns("access-reauthorized", AuthorizerRecord::accessToken)
                .returns("refresh-reauthorized", AuthorizerRecord::refreshToken)
                .returns(List.of(1, 2), AuthorizerRecord::funcInfo);
    }

    private void authorize() {
        String code = wechat.approve(ACCOUNT, T0.getEpochSecond());
        exchanger.exchange(COMPONENT, code, ACCOUNT);
        try (java.sql.Connection connection = dataSource.getConnection();
                java.sql.Statement delete = connection.createStatement()) {
            delete.executeUpdate("DELETE FROM wechat_notice");
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The changes of the account with a notice in the outbox (written with the change), oldest first. */
    private List<String> changes() {
        return notices.findByAuthorizer(COMPONENT, ACCOUNT).stream().map(Notice::changeKind).toList();
    }

    private void expireAccessToken() {
        AuthorizerRecord record = authorizers.find(COMPONENT, ACCOUNT).orElseThrow();
        tokens.reportInvalid(COMPONENT, ACCOUNT, record.accessToken());
    }

    private AuthorizerStatus status() {
        return authorizers.find(COMPONENT, ACCOUNT).orElseThrow().status();
    }

    private AuthorizationCodeStore.Status claimStatus(String code) {
        return codes.find(COMPONENT, Hashes.sha256Hex(COMPONENT, code)).orElseThrow().status();
    }
}
