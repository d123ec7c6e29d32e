package io.wechatopen.camel.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import io.wechatopen.camel.config.AuthorizeSettings;
import io.wechatopen.camel.config.ClusterSettings;
import io.wechatopen.camel.config.ComponentSettings;
import io.wechatopen.camel.config.TokenPolicy;
import io.wechatopen.camel.model.Authorization;
import io.wechatopen.camel.model.ComponentAccessToken;
import io.wechatopen.camel.model.ComponentVerifyTicket;
import io.wechatopen.camel.store.JdbcApiBackoffStore;
import io.wechatopen.camel.store.JdbcAuthorizerStore;
import io.wechatopen.camel.store.JdbcComponentTokenStore;
import io.wechatopen.camel.store.SecretSealer;
import io.wechatopen.camel.store.StoreException;
import io.wechatopen.camel.store.TestDatabases;
import io.wechatopen.camel.store.TestDatabases.Vendor;
import io.wechatopen.camel.support.CountingDataSource;
import io.wechatopen.camel.support.MutableClock;

/**
 * Issue 9: token reads are served from the managers' {@link TokenCache} (H2; the cluster cases are in
 * {@link TwoInstancesTestSupport}). A hit reads nothing from the database; local refreshes and reports invalidate at
 * once; an outage of the database leaves a cached token usable until it expires. What happens once a bound has
 * passed is awaited: the cache sees time pass through its coarse time, one {@link TokenCache#TICK} behind the clock.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TokenCacheReadsTest {

    private static final String COMPONENT = "wx0123456789abcdef";
    private static final String ACCOUNT = "wxaccount00000001";
    private static final Instant T0 = Instant.parse("2026-12-01T08:00:00Z");
    private static final TokenPolicy POLICY = new TokenPolicy(Duration.ofMinutes(10), Duration.ofHours(12));

    private TestDatabases.PerClass database;
    private CountingDataSource dataSource;
    private MutableClock clock;
    private SecretSealer sealer;
    private FaultyWeChat wechat;
    private RecordingComponentApi componentApi;

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
        database.db().deleteAllRows();
        dataSource = new CountingDataSource(database.db().dataSource());
        clock = new MutableClock(T0);
        sealer = SecretSealer.fromKeys(TestDatabases.TEST_KEY);
        wechat = new FaultyWeChat();
        componentApi = new RecordingComponentApi();
        authorizers().saveAuthorization(new Authorization(COMPONENT, ACCOUNT, "access-stored", T0.plusSeconds(7200),
                wechat.rotate(ACCOUNT), List.of(1), T0), null);
    }

    // --- authorizer tokens

    @Test
    void accessTokenWhenCachedThenTheDatabaseIsNotReadUntilTheFreshnessEnds() {
        AuthorizerTokenManager manager = authorizerManager();
        assertThat(manager.accessToken(COMPONENT, ACCOUNT)).isEqualTo("access-stored");
        assertThat(manager.accessToken(ACCOUNT)).isEqualTo("access-stored");
        int afterLoad = dataSource.connections();

        for (int i = 0; i < 1000; i++) {
            assertThat(manager.accessToken(COMPONENT, ACCOUNT)).isEqualTo("access-stored");
            assertThat(manager.accessToken(ACCOUNT)).isEqualTo("access-stored");
        }
        clock.advance(TokenCache.FRESHNESS.minusMillis(1));
        assertThat(manager.accessToken(COMPONENT, ACCOUNT)).isEqualTo("access-stored");
        assertThat(dataSource.connections()).isEqualTo(afterLoad);

        clock.advance(Duration.ofMillis(1));
        // Within one tick of the cache's coarse time.
        await().atMost(Duration.ofSeconds(5)).until(() -> {
            assertThat(manager.accessToken(COMPONENT, ACCOUNT)).isEqualTo("access-stored");
            return dataSource.connections() > afterLoad;
        });
    }

    @Test
    void accessTokenWhenDueForRefreshThenNotServedFromTheCacheBeyondTheRefreshPoint() {
        AuthorizerTokenManager manager = authorizerManager();
        // The stored token reaches its refresh point (expiry - skew) 2 s from now: inside the freshness.
        clock.advance(Duration.ofSeconds(7200).minus(POLICY.refreshSkew()).minusSeconds(2));
        assertThat(manager.accessToken(COMPONENT, ACCOUNT)).isEqualTo("access-stored");

        clock.advance(Duration.ofSeconds(2));

        await().atMost(Duration.ofSeconds(5))
                .until(() -> !manager.accessToken(COMPONENT, ACCOUNT).equals("access-stored"));
        assertThat(manager.accessToken(COMPONENT, ACCOUNT)).startsWith("access-");
        assertThat(wechat.calls("api_authorizer_token")).isEqualTo(1);
    }

    @Test
    void refreshNowWhenATokenIsCachedThenTheNewTokenIsServedAtOnce() {
        AuthorizerTokenManager manager = authorizerManager();
        assertThat(manager.accessToken(COMPONENT, ACCOUNT)).isEqualTo("access-stored");
        assertThat(manager.accessToken(ACCOUNT)).isEqualTo("access-stored");

        // A second later, so that the new token expires after the stored one (the store keeps the later expiry).
        clock.advance(Duration.ofSeconds(1));
        manager.refreshNow(ACCOUNT);

        String refreshed = authorizers().find(COMPONENT, ACCOUNT).orElseThrow().accessToken();
        assertThat(refreshed).isNotEqualTo("access-stored");
        assertThat(manager.accessToken(COMPONENT, ACCOUNT)).isEqualTo(refreshed);
        assertThat(manager.accessToken(ACCOUNT)).isEqualTo(refreshed);
    }

    @Test
    void refreshIfDueWhenTheSweepRefreshesACachedTokenThenTheNewTokenIsServedAtOnce() {
        AuthorizerTokenManager manager = authorizerManager();
        clock.advance(Duration.ofSeconds(7200).minus(POLICY.refreshSkew()).minusSeconds(2));
        assertThat(manager.accessToken(COMPONENT, ACCOUNT)).isEqualTo("access-stored");
        clock.advance(Duration.ofSeconds(2));

        assertThat(manager.refreshIfDue(COMPONENT, ACCOUNT)).isTrue();

        assertThat(manager.accessToken(COMPONENT, ACCOUNT))
                .isEqualTo(authorizers().find(COMPONENT, ACCOUNT).orElseThrow().accessToken())
                .isNotEqualTo("access-stored");
        assertThat(wechat.calls("api_authorizer_token")).isEqualTo(1);
    }

    @Test
    void reportInvalidWhenATokenIsCachedThenItIsNotServedAgainAndTheNextReadRefreshes() {
        AuthorizerTokenManager manager = authorizerManager();
        assertThat(manager.accessToken(COMPONENT, ACCOUNT)).isEqualTo("access-stored");
        assertThat(manager.accessToken(ACCOUNT)).isEqualTo("access-stored");

        manager.reportInvalid(COMPONENT, ACCOUNT, "access-stored");

        String next = manager.accessToken(ACCOUNT);
        assertThat(next).isNotEqualTo("access-stored").startsWith("access-");
        assertThat(manager.accessToken(COMPONENT, ACCOUNT)).isEqualTo(next);
        assertThat(wechat.calls("api_authorizer_token")).isEqualTo(1);
    }

    @Test
    void reportInvalidWhenTheDatabaseIsDownThenTheCachedTokenIsDroppedAnyway() {
        AuthorizerTokenManager manager = authorizerManager();
        assertThat(manager.accessToken(COMPONENT, ACCOUNT)).isEqualTo("access-stored");
        assertThat(manager.accessToken(ACCOUNT)).isEqualTo("access-stored");
        dataSource.down(true);

        assertThatThrownBy(() -> manager.reportInvalid(ACCOUNT, "access-stored")).isInstanceOf(StoreException.class);

        assertThatThrownBy(() -> manager.accessToken(COMPONENT, ACCOUNT)).isInstanceOf(StoreException.class);
        assertThatThrownBy(() -> manager.accessToken(ACCOUNT)).isInstanceOf(StoreException.class);
    }

    @Test
    void accessTokenWhenTheDatabaseIsDownThenACachedTokenIsServedUntilItExpires() {
        AuthorizerTokenManager manager = authorizerManager();
        assertThat(manager.accessToken(COMPONENT, ACCOUNT)).isEqualTo("access-stored");
        assertThat(manager.accessToken(ACCOUNT)).isEqualTo("access-stored");
        dataSource.down(true);

        clock.advance(Duration.ofMinutes(30));
        assertThat(manager.accessToken(COMPONENT, ACCOUNT)).isEqualTo("access-stored");
        assertThat(manager.accessToken(ACCOUNT)).isEqualTo("access-stored");

        clock.advance(Duration.ofSeconds(7200).minus(Duration.ofMinutes(30)));
        await().atMost(Duration.ofSeconds(5))
                .until(() -> catchThrowable(() -> manager.accessToken(COMPONENT, ACCOUNT)) instanceof StoreException);
        assertThatThrownBy(() -> manager.accessToken(ACCOUNT)).isInstanceOf(StoreException.class);
    }

    // --- the component token

    @Test
    void componentAccessTokenWhenCachedThenTheDatabaseIsNotReadUntilTheFreshnessEnds() {
        componentTokens().saveToken(new ComponentAccessToken(COMPONENT, "component-stored", T0, T0.plusSeconds(7200)));
        ComponentTokenManager manager = componentManager();
        assertThat(manager.accessToken(COMPONENT)).isEqualTo("component-stored");
        int afterLoad = dataSource.connections();

        for (int i = 0; i < 1000; i++) {
            assertThat(manager.accessToken(COMPONENT)).isEqualTo("component-stored");
        }
        assertThat(dataSource.connections()).isEqualTo(afterLoad);

        clock.advance(TokenCache.FRESHNESS);
        await().atMost(Duration.ofSeconds(5)).until(() -> {
            assertThat(manager.accessToken(COMPONENT)).isEqualTo("component-stored");
            return dataSource.connections() > afterLoad;
        });
    }

    @Test
    void componentReportInvalidWhenCachedThenTheNextReadRefreshesAtOnce() {
        componentTokens().saveToken(new ComponentAccessToken(COMPONENT, "component-stored", T0, T0.plusSeconds(7200)));
        ComponentTokenManager manager = componentManager();
        assertThat(manager.accessToken(COMPONENT)).isEqualTo("component-stored");

        manager.reportInvalid(COMPONENT, "component-stored");

        assertThat(manager.accessToken(COMPONENT)).isNotEqualTo("component-stored");
        assertThat(componentApi.tokenCalls).hasValue(1);
    }

    @Test
    void componentEnsureFreshWhenItRefreshesACachedTokenThenTheNewTokenIsServedAtOnce() {
        componentTokens().saveToken(new ComponentAccessToken(COMPONENT, "component-stored", T0, T0.plusSeconds(7200)));
        ComponentTokenManager manager = componentManager();
        clock.advance(Duration.ofSeconds(7200).minus(POLICY.refreshSkew()).minusSeconds(2));
        assertThat(manager.accessToken(COMPONENT)).isEqualTo("component-stored");
        clock.advance(Duration.ofSeconds(2));

        assertThat(manager.ensureFresh(COMPONENT, false)).isEqualTo(ComponentTokenManager.Outcome.REFRESHED);

        assertThat(manager.accessToken(COMPONENT))
                .isEqualTo(componentTokens().findToken(COMPONENT).orElseThrow().token())
                .isNotEqualTo("component-stored");
    }

    @Test
    void componentAccessTokenWhenTheDatabaseIsDownThenACachedTokenIsServedUntilItExpires() {
        componentTokens().saveToken(new ComponentAccessToken(COMPONENT, "component-stored", T0, T0.plusSeconds(7200)));
        ComponentTokenManager manager = componentManager();
        assertThat(manager.accessToken(COMPONENT)).isEqualTo("component-stored");
        dataSource.down(true);

        clock.advance(Duration.ofMinutes(30));
        assertThat(manager.accessToken(COMPONENT)).isEqualTo("component-stored");

        clock.advance(Duration.ofSeconds(7200).minus(Duration.ofMinutes(30)));
        await().atMost(Duration.ofSeconds(5))
                .until(() -> catchThrowable(() -> manager.accessToken(COMPONENT)) instanceof StoreException);
    }

    // --- helpers

    private JdbcAuthorizerStore authorizers() {
        return new JdbcAuthorizerStore(dataSource, sealer, clock);
    }

    private JdbcComponentTokenStore componentTokens() {
        return new JdbcComponentTokenStore(dataSource, sealer, clock);
    }

    private AuthorizerTokenManager authorizerManager() {
        AuthorizeSettings settings = new AuthorizeSettings("page", "mobile", Duration.ofMinutes(30), 5, 100, 100,
                Duration.ofMinutes(5), Duration.ofSeconds(30), Duration.ofMinutes(5), 10, 100);
        return new AuthorizerTokenManager(Set.of(COMPONENT), authorizers(), wechat, POLICY, settings,
                WeChatMetrics.NONE, new ClusterSettings("node-a", Duration.ofSeconds(10)), clock);
    }

    private ComponentTokenManager componentManager() {
        InMemoryComponentStores tickets = new InMemoryComponentStores();
        tickets.putTicket(new ComponentVerifyTicket(COMPONENT, "ticket@@@fresh", T0, T0));
        return new ComponentTokenManager(List.of(new ComponentSettings(COMPONENT, "secret", "token", "a".repeat(43))),
                tickets, componentTokens(), componentApi, POLICY, new ComponentHealth(),
                new ApiBackoff(new JdbcApiBackoffStore(dataSource, clock), clock),
                new ClusterSettings("node-a", Duration.ofSeconds(10)), clock);
    }
}
