package io.wechatopen.camel.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import io.wechatopen.camel.AuthorizerUnavailableException;
import io.wechatopen.camel.api.ComponentApiClient;
import io.wechatopen.camel.api.WeChatApiException;
import io.wechatopen.camel.api.dto.AuthorizerInfoResponse;
import io.wechatopen.camel.api.dto.AuthorizerListResponse;
import io.wechatopen.camel.api.dto.AuthorizerTokenResponse;
import io.wechatopen.camel.api.dto.ComponentTokenResponse;
import io.wechatopen.camel.api.dto.PreAuthCodeResponse;
import io.wechatopen.camel.api.dto.QueryAuthResponse;
import io.wechatopen.camel.config.AuthorizeSettings;
import io.wechatopen.camel.config.ClusterSettings;
import io.wechatopen.camel.config.ComponentSettings;
import io.wechatopen.camel.config.TokenPolicy;
import io.wechatopen.camel.model.Authorization;
import io.wechatopen.camel.model.AuthorizerRecord;
import io.wechatopen.camel.model.ComponentAccessToken;
import io.wechatopen.camel.model.ComponentVerifyTicket;
import io.wechatopen.camel.model.InfoType;
import io.wechatopen.camel.store.ComponentTokenStore;
import io.wechatopen.camel.store.JdbcApiBackoffStore;
import io.wechatopen.camel.store.JdbcAuthorizationCodeStore;
import io.wechatopen.camel.store.JdbcAuthorizerStore;
import io.wechatopen.camel.store.JdbcComponentTokenStore;
import io.wechatopen.camel.store.JdbcPushStore;
import io.wechatopen.camel.store.SecretSealer;
import io.wechatopen.camel.store.StoredPushes;
import io.wechatopen.camel.store.TestDatabases;
import io.wechatopen.camel.store.TestDatabases.Vendor;
import io.wechatopen.camel.support.MutableClock;

/**
 * Issue 8, part 2: two instances ("nodes" with their own managers, stores and node ids) on one real database and one
 * fake WeChat. Each token is fetched once per cycle however the two meet: at the same instant, while the other is
 * calling WeChat, or sweeping the same accounts. Run once per database by a concrete subclass.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class TwoInstancesTestSupport {

    private static final String COMPONENT = "wx0123456789abcdef";
    private static final Instant T0 = Instant.parse("2026-12-01T08:00:00Z");
    private static final Duration LEASE = Duration.ofSeconds(10);
    private static final TokenPolicy POLICY = new TokenPolicy(Duration.ofMinutes(10), Duration.ofHours(12));
    private static final int CONCURRENCY = 5;
    private static final String API = "api_component_token";

    private TestDatabases.PerClass database;
    private TestDatabases.Db db;
    private MutableClock clock;
    private SecretSealer sealer;
    private ExecutorService executor;

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
        sealer = SecretSealer.fromKeys(TestDatabases.TEST_KEY);
        executor = Executors.newCachedThreadPool();
    }

    @AfterEach
    void stopExecutor() throws InterruptedException {
        executor.shutdownNow();
        assertThat(executor.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
    }

    // --- the component token

    @Test
    void componentTokenWhenBothFindItDueAtTheSameInstantThenOneWeChatCallAndBothGetThatToken() throws Exception {
        RecordingComponentApi api = new RecordingComponentApi();
        InMemoryComponentStores tickets = freshTicket();
        CountDownLatch leaseRefused = new CountDownLatch(1);
        // WeChat answers the first caller only once the other has found the lease taken: both found the token due.
        api.beforeAnswer = () -> awaitLatch(leaseRefused);
        ComponentTokenManager a = componentManager("node-a", tickets, api, leaseRefused);
        ComponentTokenManager b = componentManager("node-b", tickets, api, leaseRefused);
        CyclicBarrier together = new CyclicBarrier(2);

        Future<String> fromA = executor.submit(() -> {
            together.await();
            return a.accessToken(COMPONENT);
        });
        Future<String> fromB = executor.submit(() -> {
            together.await();
            return b.accessToken(COMPONENT);
        });

        assertThat(fromA.get(30, TimeUnit.SECONDS)).isEqualTo("token-1");
        assertThat(fromB.get(30, TimeUnit.SECONDS)).isEqualTo("token-1");
        assertThat(api.tokenCalls).hasValue(1);
        assertThat(jdbcTokens().findToken(COMPONENT)).get().returns("token-1", ComponentAccessToken::token);
    }

    @Test
    void componentTokenWhenAnotherInstanceHoldsTheLeaseThenScheduleSkipsAndTakesOverOnlyAfterItsDeadline() {
        RecordingComponentApi api = new RecordingComponentApi();
        InMemoryComponentStores tickets = freshTicket();
        ComponentTokenManager a = componentManager("node-a", tickets, api);
        // node-dead took the lease and died before calling WeChat.
        assertThat(jdbcTokens().tryLease(COMPONENT, "node-dead", T0, T0.plus(LEASE))).isTrue();

        assertThat(a.ensureFresh(COMPONENT, false)).isEqualTo(ComponentTokenManager.Outcome.HELD_ELSEWHERE);
        assertThat(api.tokenCalls).hasValue(0);

        clock.advance(LEASE.plusMillis(1));
        assertThat(a.ensureFresh(COMPONENT, false)).isEqualTo(ComponentTokenManager.Outcome.REFRESHED);
        assertThat(api.tokenCalls).hasValue(1);
    }

    @Test
    void componentTokenWhenWeChatIssuesATokenExpiringEarlierThanTheStoredOneThenTheNewOneIsCurrent() {
        // Issue 8: the token WeChat issued last is the valid one; keeping the later local expiry caused 40001.
        RecordingComponentApi api = new RecordingComponentApi();
        InMemoryComponentStores tickets = freshTicket();
        storeOldComponentToken();
        ComponentTokenManager a = componentManager("node-a", tickets, api);
        a.reportInvalid(COMPONENT, "token-old");
        api.answerNext(() -> new ComponentTokenResponse("token-new", 3600));

        assertThat(a.accessToken(COMPONENT)).isEqualTo("token-new");
        assertThat(jdbcTokens().findToken(COMPONENT)).get().returns("token-new", ComponentAccessToken::token);
    }

    @Test
    void componentTokenWhenWeChatRefusesThenBothInstancesBackOffAndWeChatIsCalledOnce() throws Exception {
        RecordingComponentApi api = new RecordingComponentApi();
        InMemoryComponentStores tickets = freshTicket();
        api.answerNext(() -> {
            throw new WeChatApiException("api_component_token", 61004,
                    "access clientip is not registered requestIP: 1.2.3.4 rid: 1-2-3");
        });
        ComponentTokenManager a = componentManager("node-a", tickets, api);
        ComponentTokenManager b = componentManager("node-b", tickets, api);
        CyclicBarrier together = new CyclicBarrier(2 * CONCURRENCY);
        List<Future<Throwable>> failures = new ArrayList<>();
        for (int i = 0; i < 2 * CONCURRENCY; i++) {
            ComponentTokenManager node = i % 2 == 0 ? a : b;
            failures.add(executor.submit(() -> {
                together.await();
                return catchThrowable(() -> node.accessToken(COMPONENT));
            }));
        }

        List<Throwable> thrown = new ArrayList<>();
        for (Future<Throwable> failure : failures) {
            thrown.add(failure.get(30, TimeUnit.SECONDS));
        }
        assertThat(thrown).filteredOn(WeChatApiException.class::isInstance).hasSize(1);
        assertThat(thrown).filteredOn(BackingOffException.class::isInstance).hasSize(2 * CONCURRENCY - 1)
                .allSatisfy(e -> assertThat(e).hasMessageContaining("61004"));
        for (ComponentTokenManager node : List.of(a, b, a, b)) {
            assertThat(node.ensureFresh(COMPONENT, false)).isEqualTo(ComponentTokenManager.Outcome.BACKING_OFF);
            assertThatThrownBy(() -> node.accessToken(COMPONENT)).isInstanceOf(BackingOffException.class);
        }
        assertThat(api.tokenCalls).hasValue(1);

        clock.advance(ApiBackoff.MIN);
        assertThat(b.accessToken(COMPONENT)).isEqualTo("token-1");
        assertThat(a.accessToken(COMPONENT)).isEqualTo("token-1");
        assertThat(api.tokenCalls).hasValue(2);
    }

    @Test
    void componentTokenWhenOneInstanceReportsItInvalidThenTheOtherStopsHandingItOutWithinTheFreshnessAndOneRefreshInAll() {
        RecordingComponentApi api = new RecordingComponentApi();
        InMemoryComponentStores tickets = freshTicket();
        storeOldComponentToken();
        ComponentTokenManager a = componentManager("node-a", tickets, api);
        ComponentTokenManager b = componentManager("node-b", tickets, api);
        assertThat(a.accessToken(COMPONENT)).isEqualTo("token-old");
        assertThat(b.accessToken(COMPONENT)).isEqualTo("token-old");

        a.reportInvalid(COMPONENT, "token-old");

        // Issue 9: node-b serves its cached copy for at most TokenCache.FRESHNESS (a call WeChat refuses meanwhile
        // reports it on node-b too, see componentTokenWhenRefusedOnOneInstanceAfterTheOtherRefreshed...).
        assertThat(b.accessToken(COMPONENT)).isEqualTo("token-old");
        clock.advance(TokenCache.FRESHNESS);
        await().atMost(Duration.ofSeconds(5)).until(() -> b.accessToken(COMPONENT).equals("token-1"));
        assertThat(a.accessToken(COMPONENT)).isEqualTo("token-1");
        // A late report of the replaced token changes nothing.
        b.reportInvalid(COMPONENT, "token-old");
        assertThat(a.accessToken(COMPONENT)).isEqualTo("token-1");
        assertThat(b.ensureFresh(COMPONENT, false)).isEqualTo(ComponentTokenManager.Outcome.STILL_VALID);
        assertThat(api.tokenCalls).hasValue(1);
    }

    @Test
    void componentTokenWhenRefusedOnOneInstanceAfterTheOtherRefreshedThenItsRetryGetsTheNewTokenAtOnce() {
        // Issue 9: node-b still serves the token it cached when node-a replaced it; WeChat refuses it on node-b (here
        // beyond the grace), whose retry path reports it and reads node-a's token without calling WeChat.
        RecordingComponentApi api = new RecordingComponentApi();
        InMemoryComponentStores tickets = freshTicket();
        storeOldComponentToken();
        ComponentTokenManager a = componentManager("node-a", tickets, api);
        ComponentTokenManager b = componentManager("node-b", tickets, api);
        assertThat(a.accessToken(COMPONENT)).isEqualTo("token-old");
        assertThat(b.accessToken(COMPONENT)).isEqualTo("token-old");
        a.reportInvalid(COMPONENT, "token-old");
        assertThat(a.accessToken(COMPONENT)).isEqualTo("token-1");
        assertThat(b.accessToken(COMPONENT)).isEqualTo("token-old");

        b.reportInvalid(COMPONENT, "token-old");

        assertThat(b.accessToken(COMPONENT)).isEqualTo("token-1");
        assertThat(api.tokenCalls).hasValue(1);
    }

    // --- the API back-off, shared

    @Test
    void backoffWhenOneInstanceRecordsFailuresThenTheOtherSeesThemAndTheDoublingContinuesAcrossBoth() {
        ApiBackoff a = backoff();
        ApiBackoff b = backoff();

        a.failed(COMPONENT, API, new WeChatApiException(API, -1, "system error"));

        assertThatThrownBy(() -> b.check(COMPONENT, API)).isInstanceOfSatisfying(BackingOffException.class, e -> {
            assertThat(e.getErrcode()).isEqualTo(-1);
            assertThat(e.getUntil()).isEqualTo(T0.plus(ApiBackoff.MIN));
            assertThat(e).hasMessageContaining("system error");
        });
        assertThat(b.state(COMPONENT, API)).get().returns(ApiBackoff.MIN, ApiBackoff.State::last);
        // A failure recorded while the back-off is in force (a call that started before it) does not double it.
        assertThat(b.failed(COMPONENT, API, new IllegalStateException("read timed out")).last())
                .isEqualTo(ApiBackoff.MIN);

        clock.advance(ApiBackoff.MIN);
        b.check(COMPONENT, API);
        assertThat(b.failed(COMPONENT, API, new IllegalStateException("read timed out")).last())
                .isEqualTo(Duration.ofMinutes(2));
        assertThat(a.state(COMPONENT, API)).get().returns(Duration.ofMinutes(2), ApiBackoff.State::last)
                .returns(null, ApiBackoff.State::errcode).returns("read timed out", ApiBackoff.State::message);
        clock.advance(Duration.ofMinutes(2));
        assertThat(a.failed(COMPONENT, API, new WeChatApiException(API, -1, "system error")).last())
                .isEqualTo(Duration.ofMinutes(4));
        assertThat(b.state(COMPONENT, API)).get().returns(Duration.ofMinutes(4), ApiBackoff.State::last);
        assertThat(a.state(COMPONENT, "api_query_auth")).as("per API").isEmpty();
        assertThat(a.state("wx00000000000other", API)).as("per component").isEmpty();
    }

    @Test
    void backoffWhenQuotaExhaustedThenBothStopUntilBeijingMidnightAndOneResetClearsItForBoth() {
        ApiBackoff a = backoff();
        ApiBackoff b = backoff();
        // T0 is 16:00 in Beijing: WeChat restores the quota at 00:00 there, 16:00 UTC.
        Instant midnightInBeijing = Instant.parse("2026-12-01T16:00:00Z");

        a.quotaExhaustedIf(COMPONENT, API, new WeChatApiException(API, 61004, "not the quota"));
        b.check(COMPONENT, API);
        a.quotaExhaustedIf(COMPONENT, API, new WeChatApiException(API, 45009, "reach max api daily quota limit"));

        assertThat(b.state(COMPONENT, API)).get().returns(true, ApiBackoff.State::quotaExhausted)
                .returns(midnightInBeijing, ApiBackoff.State::until);
        // Another failure while the breaker is open does not shorten it.
        b.failed(COMPONENT, API, new IllegalStateException("connection refused"));
        clock.advance(Duration.ofHours(7).plusMinutes(59));
        assertThatThrownBy(() -> b.check(COMPONENT, API)).isInstanceOf(BackingOffException.class)
                .hasMessageContaining("45009");
        assertThatThrownBy(() -> a.check(COMPONENT, API)).isInstanceOf(BackingOffException.class);

        a.failed(COMPONENT, "api_query_auth", new IllegalStateException("connection refused"));
        b.reset(COMPONENT, API);
        a.check(COMPONENT, API);
        b.check(COMPONENT, API);
        assertThat(b.state(COMPONENT, "api_query_auth")).isPresent();
        assertThat(b.resetAll(COMPONENT)).isEqualTo(1);
        assertThat(a.state(COMPONENT, "api_query_auth")).isEmpty();
    }

    @Test
    void backoffWhenBothInstancesFailAtOnceThenOneBackOffIsRecordedAndTheMessageIsCut() throws Exception {
        ApiBackoff a = backoff();
        ApiBackoff b = backoff();
        String longMessage = "system error " + "x".repeat(600);
        CyclicBarrier together = new CyclicBarrier(2 * CONCURRENCY);
        List<Future<ApiBackoff.State>> recorded = new ArrayList<>();
        for (int i = 0; i < 2 * CONCURRENCY; i++) {
            ApiBackoff node = i % 2 == 0 ? a : b;
            recorded.add(executor.submit(() -> {
                together.await();
                return node.failed(COMPONENT, API, new WeChatApiException(API, -1, longMessage));
            }));
        }

        for (Future<ApiBackoff.State> state : recorded) {
            assertThat(state.get(30, TimeUnit.SECONDS).last()).isEqualTo(ApiBackoff.MIN);
        }
        assertThat(b.state(COMPONENT, API)).get().returns(T0.plus(ApiBackoff.MIN), ApiBackoff.State::until)
                .satisfies(state -> assertThat(state.message()).hasSize(512)
                        .startsWith(API + " failed: errcode -1 system error"));
    }

    // --- authorizer tokens

    @Test
    void sweepWhenTwoInstancesSweepFiftyDueAccountsConcurrentlyThenEachRefreshedExactlyOnce() throws Exception {
        FaultyWeChat wechat = new FaultyWeChat();
        List<String> accounts = dueAccounts(wechat, 50);
        CountingApi counted = new CountingApi(wechat);
        AuthorizerTokenManager a = authorizerManager("node-a", counted);
        AuthorizerTokenManager b = authorizerManager("node-b", counted);
        CyclicBarrier together = new CyclicBarrier(2);

        Future<Integer> sweptByA = executor.submit(() -> {
            together.await();
            return sweep(a);
        });
        Future<Integer> sweptByB = executor.submit(() -> {
            together.await();
            return sweep(b);
        });

        assertThat(sweptByA.get(60, TimeUnit.SECONDS) + sweptByB.get(60, TimeUnit.SECONDS)).isEqualTo(50);
        assertThat(counted.refreshes).hasSize(50).allSatisfy((account, n) -> assertThat(n.get()).as(account).isOne());
        JdbcAuthorizerStore store = new JdbcAuthorizerStore(db.dataSource(), sealer, clock);
        for (String account : accounts) {
            assertThat(store.find(COMPONENT, account)).get().as(account)
                    .satisfies(
                            r -> assertThat(r.accessTokenValidAt(clock.instant(), POLICY.refreshSkew())).isPresent());
        }
        assertThat(store.findDueForRefresh(COMPONENT, clock.instant().plus(POLICY.refreshSkew()), 100)).isEmpty();
    }

    @Test
    void accessTokenWhenAnotherInstanceIsRefreshingTheAccountThenWaitsForItsTokenInsteadOfCallingWeChat()
            throws Exception {
        FaultyWeChat wechat = new FaultyWeChat();
        String account = dueAccounts(wechat, 1).get(0);
        CountingApi counted = new CountingApi(wechat);
        AuthorizerTokenManager a = authorizerManager("node-a", counted);
        AuthorizerTokenManager b = authorizerManager("node-b", counted);
        wechat.holdRefreshReply = new CountDownLatch(1);
        wechat.refreshWorkDone = new CountDownLatch(1);

        CompletableFuture<String> fromB = CompletableFuture.supplyAsync(() -> b.accessToken(COMPONENT, account),
                executor);
        assertThat(wechat.refreshWorkDone.await(10, TimeUnit.SECONDS)).isTrue();
        CompletableFuture<String> fromA = CompletableFuture.supplyAsync(() -> a.accessToken(COMPONENT, account),
                executor);
        // node-a finds the lease held and waits; WeChat then answers node-b.
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(5)).until(() -> !fromA.isDone());
        wechat.holdRefreshReply.countDown();

        String token = fromB.get(30, TimeUnit.SECONDS);
        assertThat(fromA.get(30, TimeUnit.SECONDS)).isEqualTo(token);
        assertThat(counted.refreshes.get(account)).hasValue(1);
    }

    @Test
    void accessTokenWhenAnotherInstanceRefreshedTheAccountThenTheNewTokenIsServedWithinTheFreshnessWellInsideTheGrace() {
        // Issue 9: a token cached before another instance's refresh is served for at most TokenCache.FRESHNESS
        // after it was read, well inside the 5 minutes WeChat still accepts the superseded token.
        FaultyWeChat wechat = new FaultyWeChat();
        String account = dueAccounts(wechat, 1).get(0);
        CountingApi counted = new CountingApi(wechat);
        AuthorizerTokenManager a = authorizerManager("node-a", counted);
        AuthorizerTokenManager b = authorizerManager("node-b", counted);
        String first = a.accessToken(COMPONENT, account);
        assertThat(b.accessToken(COMPONENT, account)).isEqualTo(first);
        assertThat(b.accessToken(account)).isEqualTo(first);

        clock.advance(Duration.ofSeconds(1));
        a.refreshNow(account);
        String second = a.accessToken(COMPONENT, account);
        assertThat(second).isNotEqualTo(first);

        clock.advance(TokenCache.FRESHNESS.minusSeconds(1).minusMillis(1));
        assertThat(b.accessToken(COMPONENT, account)).as("inside the freshness, the superseded token").isEqualTo(first);
        assertThat(b.accessToken(account)).isEqualTo(first);
        clock.advance(Duration.ofMillis(1));
        // Within one tick of the cache's coarse time.
        await().atMost(Duration.ofSeconds(5)).until(() -> b.accessToken(COMPONENT, account).equals(second));
        await().atMost(Duration.ofSeconds(5)).until(() -> b.accessToken(account).equals(second));
        assertThat(TokenCache.FRESHNESS).isLessThanOrEqualTo(Duration.ofMinutes(5).dividedBy(10));
        assertThat(counted.refreshes.get(account)).hasValue(2);
    }

    @Test
    void accessTokenWhenRefusedOnOneInstanceAfterTheOtherRefreshedThenItsRetryGetsTheNewTokenAtOnce() {
        // Issue 9: what a caller of node-b sees while node-b serves a token node-a replaced: should WeChat refuse it
        // (40001), the retry path reports it on node-b, which reads node-a's token at once, without calling WeChat.
        FaultyWeChat wechat = new FaultyWeChat();
        String account = dueAccounts(wechat, 1).get(0);
        CountingApi counted = new CountingApi(wechat);
        AuthorizerTokenManager a = authorizerManager("node-a", counted);
        AuthorizerTokenManager b = authorizerManager("node-b", counted);
        String first = a.accessToken(COMPONENT, account);
        assertThat(b.accessToken(COMPONENT, account)).isEqualTo(first);
        clock.advance(Duration.ofSeconds(1));
        a.refreshNow(account);
        String second = a.accessToken(COMPONENT, account);
        assertThat(b.accessToken(COMPONENT, account)).isEqualTo(first);

        b.reportInvalid(COMPONENT, account, first);

        assertThat(b.accessToken(COMPONENT, account)).isEqualTo(second);
        assertThat(b.accessToken(account)).isEqualTo(second);
        assertThat(counted.refreshes.get(account)).as("the initial refresh and node-a's").hasValue(2);
        assertThat(new JdbcAuthorizerStore(db.dataSource(), sealer, clock).find(COMPONENT, account)).get()
                .returns(second, AuthorizerRecord::accessToken);
    }

    @Test
    void accessTokenWhenAnotherInstanceReportsTheTokenInvalidThenThisOneStopsServingItWithinTheFreshness() {
        FaultyWeChat wechat = new FaultyWeChat();
        String account = dueAccounts(wechat, 1).get(0);
        CountingApi counted = new CountingApi(wechat);
        AuthorizerTokenManager a = authorizerManager("node-a", counted);
        AuthorizerTokenManager b = authorizerManager("node-b", counted);
        String first = a.accessToken(COMPONENT, account);
        assertThat(b.accessToken(COMPONENT, account)).isEqualTo(first);

        a.reportInvalid(COMPONENT, account, first);
        String second = a.accessToken(COMPONENT, account);

        assertThat(second).isNotEqualTo(first);
        assertThat(b.accessToken(COMPONENT, account)).isEqualTo(first);
        clock.advance(TokenCache.FRESHNESS);
        await().atMost(Duration.ofSeconds(5)).until(() -> b.accessToken(COMPONENT, account).equals(second));
        assertThat(counted.refreshes.get(account)).hasValue(2);
    }

    @Test
    void sweepWhenAnInstanceDiedHoldingClaimsThenTheOtherRefreshesThemAfterTheDeadlineOnly() {
        FaultyWeChat wechat = new FaultyWeChat();
        List<String> accounts = dueAccounts(wechat, 6);
        CountingApi counted = new CountingApi(wechat);
        AuthorizerTokenManager dead = authorizerManager("node-dead", counted);
        AuthorizerTokenManager b = authorizerManager("node-b", counted);
        List<AuthorizerRecord> claimedByDead = dead.claimDueForRefresh(COMPONENT, 4);
        assertThat(claimedByDead).hasSize(4);

        assertThat(sweep(b)).as("the accounts nobody holds").isEqualTo(2);
        clock.advance(LEASE.plusMillis(1));
        assertThat(sweep(b)).as("the dead instance's accounts, after its lease").isEqualTo(4);

        assertThat(counted.refreshes).hasSize(6).allSatisfy((account, n) -> assertThat(n.get()).isOne());
        assertThat(counted.refreshes).containsOnlyKeys(accounts);
    }

    @Test
    void refreshClaimedWhenNothingChangedSinceTheClaimThenOneCallStoredInOneWriteAndLeaseReleased() {
        FaultyWeChat wechat = new FaultyWeChat();
        String account = dueAccounts(wechat, 1).get(0);
        CountingApi counted = new CountingApi(wechat);
        AuthorizerTokenManager a = authorizerManager("node-a", counted);
        JdbcAuthorizerStore store = new JdbcAuthorizerStore(db.dataSource(), sealer, clock);
        AuthorizerRecord claimed = a.claimDueForRefresh(COMPONENT, 5).get(0);

        assertThat(a.refreshClaimed(claimed)).isTrue();

        AuthorizerRecord stored = store.find(COMPONENT, account).orElseThrow();
        assertThat(stored.version()).isEqualTo(claimed.version() + 1);
        assertThat(stored.accessTokenValidAt(clock.instant(), POLICY.refreshSkew())).isPresent();
        assertThat(stored.refreshToken()).isEqualTo(claimed.refreshToken());
        assertThat(counted.refreshes.get(account)).hasValue(1);
        assertThat(authorizerManager("node-b", counted).claimDueForRefresh(COMPONENT, 5)).isEmpty();
        assertThat(store.tryLease(COMPONENT, account, "node-b", clock.instant(), clock.instant().plus(LEASE)))
                .as("released in the same write").isTrue();
    }

    @Test
    void refreshClaimedWhenTheRowChangedSinceTheClaimThenStoredByTheCompareAndSetOnTheRefreshToken() {
        FaultyWeChat wechat = new FaultyWeChat();
        String account = dueAccounts(wechat, 1).get(0);
        CountingApi counted = new CountingApi(wechat);
        AuthorizerTokenManager a = authorizerManager("node-a", counted);
        JdbcAuthorizerStore store = new JdbcAuthorizerStore(db.dataSource(), sealer, clock);
        AuthorizerRecord claimed = a.claimDueForRefresh(COMPONENT, 5).get(0);
        // a harmless change meanwhile: the version moves, the tokens stay
        assertThat(store.saveInfo(COMPONENT, account, "{\"nick_name\":\"changed\"}")).isTrue();

        assertThat(a.refreshClaimed(claimed)).isTrue();

        AuthorizerRecord stored = store.find(COMPONENT, account).orElseThrow();
        assertThat(stored.accessTokenValidAt(clock.instant(), POLICY.refreshSkew())).isPresent();
        assertThat(stored.infoJson()).contains("changed");
        assertThat(counted.refreshes.get(account)).hasValue(1);
        assertThat(store.tryLease(COMPONENT, account, "node-b", clock.instant(), clock.instant().plus(LEASE)))
                .as("released").isTrue();
    }

    @Test
    void refreshClaimedWhenRefreshedOnDemandOnThisInstanceSinceTheClaimThenNoSecondWeChatCall() {
        FaultyWeChat wechat = new FaultyWeChat();
        String account = dueAccounts(wechat, 1).get(0);
        CountingApi counted = new CountingApi(wechat);
        AuthorizerTokenManager a = authorizerManager("node-a", counted);
        AuthorizerRecord claimed = a.claimDueForRefresh(COMPONENT, 5).get(0);
        // a caller of this instance needs the due token before the sweep's slot gets to it
        String onDemand = a.accessToken(COMPONENT, account);

        assertThat(a.refreshClaimed(claimed)).isFalse();

        assertThat(counted.refreshes.get(account)).hasValue(1);
        assertThat(a.accessToken(COMPONENT, account)).isEqualTo(onDemand);
    }

    @Test
    void refreshFailureWhenBackingOffThenTheOtherInstanceDoesNotCallWeChatEither() {
        FaultyWeChat wechat = new FaultyWeChat();
        String account = dueAccounts(wechat, 1).get(0);
        CountingApi counted = new CountingApi(wechat);
        AuthorizerTokenManager a = authorizerManager("node-a", counted);
        AuthorizerTokenManager b = authorizerManager("node-b", counted);
        wechat.fault("api_authorizer_token", FaultyWeChat.Fault.CONNECT_REFUSED, 1);

        assertThat(sweep(a)).isZero();
        assertThat(sweep(b)).as("backing off, cluster-wide").isZero();
        assertThat(b.refreshIfDue(COMPONENT, account)).isFalse();
        assertThat(counted.refreshes.get(account)).hasValue(1);

        clock.advance(Duration.ofMinutes(5));
        assertThat(sweep(b)).isEqualTo(1);
        assertThat(counted.refreshes.get(account)).hasValue(2);
    }

    // --- authorization pushes

    @Test
    void processPendingWhenTwoInstancesProcessFortyPushesConcurrentlyThenEachProcessedOnceAndExchangedOnce()
            throws Exception {
        FaultyWeChat wechat = new FaultyWeChat();
        JdbcPushStore intake = new JdbcPushStore(db.dataSource(), sealer, clock);
        for (int i = 0; i < 40; i++) {
            String account = String.format("wxaccount%08d", i);
            intake.record(StoredPushes.authorizationPush(COMPONENT, InfoType.AUTHORIZED, account,
                    wechat.approve(account, T0.getEpochSecond()), T0.minusSeconds(60).plusSeconds(i), T0));
        }
        AuthorizationEventProcessor a = eventProcessor("node-a", wechat);
        AuthorizationEventProcessor b = eventProcessor("node-b", wechat);
        CyclicBarrier together = new CyclicBarrier(2);

        Future<Integer> byA = executor.submit(() -> {
            together.await();
            return a.processPending(COMPONENT);
        });
        Future<Integer> byB = executor.submit(() -> {
            together.await();
            return b.processPending(COMPONENT);
        });

        // A push processed by both would count twice.
        assertThat(byA.get(60, TimeUnit.SECONDS) + byB.get(60, TimeUnit.SECONDS)).isEqualTo(40);
        assertThat(wechat.calls("api_query_auth")).isEqualTo(40);
        assertThat(intake.countEvents(COMPONENT, JdbcPushStore.STATUS_PROCESSED)).isEqualTo(40);
    }

    // --- helpers

    private AuthorizationEventProcessor eventProcessor(String node, FaultyWeChat wechat) {
        JdbcAuthorizerStore authorizers = new JdbcAuthorizerStore(db.dataSource(), sealer, clock);
        AuthorizationExchanger exchanger = new AuthorizationExchanger(wechat, authorizers,
                new JdbcAuthorizationCodeStore(db.dataSource()), Duration.ofSeconds(30), clock);
        return new AuthorizationEventProcessor(new JdbcPushStore(db.dataSource(), sealer, clock), authorizers,
                exchanger, new ClusterSettings(node, LEASE), clock);
    }

    /** Ticket storage holding a fresh ticket of {@link #COMPONENT}. */
    private static InMemoryComponentStores freshTicket() {
        InMemoryComponentStores tickets = new InMemoryComponentStores();
        tickets.putTicket(new ComponentVerifyTicket(COMPONENT, "ticket@@@fresh", T0, T0));
        return tickets;
    }

    /** Stores {@code token-old}, valid for 2 hours from T0, as the component token in the shared database. */
    private void storeOldComponentToken() {
        jdbcTokens().saveToken(new ComponentAccessToken(COMPONENT, "token-old", T0, T0.plusSeconds(7200)));
    }

    /** One instance's component token upkeep on the shared database. */
    private ComponentTokenManager componentManager(String node, InMemoryComponentStores tickets,
            RecordingComponentApi api) {
        return componentManager(node, tickets, api, new CountDownLatch(1));
    }

    private ComponentTokenManager componentManager(String node, InMemoryComponentStores tickets,
            RecordingComponentApi api, CountDownLatch leaseRefused) {
        ComponentTokenStore tokens = new LeaseWatchingTokenStore(jdbcTokens(), leaseRefused);
        return new ComponentTokenManager(List.of(new ComponentSettings(COMPONENT, "secret", "token", "a".repeat(43))),
                tickets, tokens, api, POLICY, new ComponentHealth(), backoff(),
                new ClusterSettings(node, LEASE), clock);
    }

    /** One instance's back-off, on the shared database. */
    private ApiBackoff backoff() {
        return new ApiBackoff(new JdbcApiBackoffStore(db.dataSource(), clock), clock);
    }

    private JdbcComponentTokenStore jdbcTokens() {
        return new JdbcComponentTokenStore(db.dataSource(), sealer, clock);
    }

    private AuthorizerTokenManager authorizerManager(String node, CountingApi api) {
        AuthorizeSettings settings = new AuthorizeSettings("page", "mobile", Duration.ofMinutes(30), CONCURRENCY, 100,
                100, Duration.ofMinutes(5), Duration.ofSeconds(30), Duration.ofMinutes(5), 10, 100);
        return new AuthorizerTokenManager(Set.of(COMPONENT),
                new JdbcAuthorizerStore(db.dataSource(), sealer, clock), api, POLICY, settings, WeChatMetrics.NONE,
                new ClusterSettings(node, LEASE), clock);
    }

    /** Accounts authorized with a refresh token WeChat knows and no access token yet: all due. */
    private List<String> dueAccounts(FaultyWeChat wechat, int n) {
        JdbcAuthorizerStore store = new JdbcAuthorizerStore(db.dataSource(), sealer, clock);
        List<String> accounts = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String account = String.format("wxaccount%08d", i);
            store.saveAuthorization(new Authorization(COMPONENT, account, null, null, wechat.rotate(account),
                    List.of(1), T0), null);
            accounts.add(account);
        }
        return accounts;
    }

    /**
     * One instance's sweep, as the route runs it: {@link SweepPipeline} claims an account for each free slot and hands
     * it to {@link AuthorizerTokenManager#refreshClaimed}, until none is left.
     */
    private int sweep(AuthorizerTokenManager manager) {
        ExecutorService pool = Executors.newFixedThreadPool(CONCURRENCY);
        try {
            AtomicInteger refreshed = new AtomicInteger();
            new SweepPipeline(CONCURRENCY, pool).run(free -> manager.claimDueForRefresh(COMPONENT, free), row -> {
                try {
                    if (manager.refreshClaimed(row)) {
                        refreshed.incrementAndGet();
                    }
                } catch (AuthorizerUnavailableException e) {
                    // counted as not refreshed, as the route's error handler logs it
                }
            }, manager::releaseClaim, () -> true);
            return refreshed.get();
        } finally {
            pool.shutdownNow();
        }
    }

    private static void awaitLatch(CountDownLatch latch) {
        try {
            assertThat(latch.await(10, TimeUnit.SECONDS)).as("the other instance found the lease taken").isTrue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The JDBC token store, counting down {@code leaseRefused} when a lease is refused. */
    private static final class LeaseWatchingTokenStore implements ComponentTokenStore {

        private final ComponentTokenStore delegate;
        private final CountDownLatch leaseRefused;

        LeaseWatchingTokenStore(ComponentTokenStore delegate, CountDownLatch leaseRefused) {
            this.delegate = delegate;
            this.leaseRefused = leaseRefused;
        }

        @Override
        public Optional<ComponentAccessToken> findToken(String componentAppid) {
            return delegate.findToken(componentAppid);
        }

        @Override
        public boolean saveToken(ComponentAccessToken token) {
            return delegate.saveToken(token);
        }

        @Override
        public boolean tryLease(String componentAppid, String holder, Instant now, Instant until) {
            boolean taken = delegate.tryLease(componentAppid, holder, now, until);
            if (!taken) {
                leaseRefused.countDown();
            }
            return taken;
        }

        @Override
        public boolean saveLeasedToken(ComponentAccessToken token, String holder) {
            return delegate.saveLeasedToken(token, holder);
        }

        @Override
        public void releaseLease(String componentAppid, String holder) {
            delegate.releaseLease(componentAppid, holder);
        }

        @Override
        public boolean expireToken(String componentAppid, String token, Instant at) {
            return delegate.expireToken(componentAppid, token, at);
        }
    }

    /** The fake WeChat, counting {@code api_authorizer_token} calls per account. */
    private static final class CountingApi implements ComponentApiClient {

        final Map<String, AtomicInteger> refreshes = new ConcurrentHashMap<>();
        private final FaultyWeChat wechat;

        CountingApi(FaultyWeChat wechat) {
            this.wechat = wechat;
        }

        @Override
        public AuthorizerTokenResponse authorizerToken(String componentAppid, String authorizerAppid,
                String refreshToken) {
            refreshes.computeIfAbsent(authorizerAppid, k -> new AtomicInteger()).incrementAndGet();
            return wechat.authorizerToken(componentAppid, authorizerAppid, refreshToken);
        }

        @Override
        public ComponentTokenResponse componentToken(String componentAppid, String appsecret, String verifyTicket) {
            return wechat.componentToken(componentAppid, appsecret, verifyTicket);
        }

        @Override
        public void startPushTicket(String componentAppid, String appsecret) {
            wechat.startPushTicket(componentAppid, appsecret);
        }

        @Override
        public PreAuthCodeResponse createPreAuthCode(String componentAppid) {
            return wechat.createPreAuthCode(componentAppid);
        }

        @Override
        public QueryAuthResponse queryAuth(String componentAppid, String authorizationCode) {
            return wechat.queryAuth(componentAppid, authorizationCode);
        }

        @Override
        public AuthorizerInfoResponse authorizerInfo(String componentAppid, String authorizerAppid) {
            return wechat.authorizerInfo(componentAppid, authorizerAppid);
        }

        @Override
        public AuthorizerListResponse authorizerList(String componentAppid, int offset, int count) {
            return wechat.authorizerList(componentAppid, offset, count);
        }
    }
}
