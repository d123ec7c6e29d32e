package io.wechatopen.camel.bench.tokens;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import me.chanjar.weixin.common.error.WxErrorException;
import me.chanjar.weixin.open.api.WxOpenComponentService;
import me.chanjar.weixin.open.api.impl.WxOpenInMemoryConfigStorage;
import me.chanjar.weixin.open.api.impl.WxOpenServiceImpl;

import io.wechatopen.camel.config.AuthorizeSettings;
import io.wechatopen.camel.config.ClusterSettings;
import io.wechatopen.camel.config.ComponentSettings;
import io.wechatopen.camel.config.TokenPolicy;
import io.wechatopen.camel.model.Authorization;
import io.wechatopen.camel.model.ComponentAccessToken;
import io.wechatopen.camel.store.JdbcApiBackoffStore;
import io.wechatopen.camel.store.JdbcAuthorizerStore;
import io.wechatopen.camel.store.JdbcComponentTokenStore;
import io.wechatopen.camel.store.JdbcTicketStore;
import io.wechatopen.camel.store.SecretSealer;
import io.wechatopen.camel.store.TestDatabases;
import io.wechatopen.camel.token.ApiBackoff;
import io.wechatopen.camel.token.AuthorizerTokenManager;
import io.wechatopen.camel.token.ComponentHealth;
import io.wechatopen.camel.token.ComponentTokenManager;
import io.wechatopen.camel.token.WeChatMetrics;

/**
 * Issue 9, target 2: a token read on the cache-hit path, ours beside WxJava 4.7.3.B's in-memory getter.
 *
 * <p>Ours: {@link AuthorizerTokenManager} and {@link ComponentTokenManager} as the bundle wires them, on an in-memory
 * H2 database migrated by the bundle, with a seeded authorizer row and component token (sealed at rest), the cache
 * warmed by one read. WxJava: {@code WxOpenComponentServiceImpl} over {@code WxOpenInMemoryConfigStorage} holding the
 * same tokens. Neither calls WeChat (our API client fails if called; WxJava's tokens are valid for two hours).
 *
 * <p>The {@code *DatabaseRead} methods measure what every read cost before issue 9 (the row read and opened on each
 * call): the store read and validity check the managers did per call.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class TokenReadBenchmark {

    static final String COMPONENT = "wx0123456789abcdef";
    static final String ACCOUNT = "wx1000000000000001";
    /** Real tokens are about 157 characters. */
    static final String AUTHORIZER_TOKEN = "50_" + "a1B2c3D4e5".repeat(15) + "xyzw";
    static final String COMPONENT_TOKEN = "61_" + "Z9y8X7w6V5".repeat(15) + "abcd";
    private static final TokenPolicy POLICY = new TokenPolicy(Duration.ofMinutes(10), Duration.ofHours(12));

    private TestDatabases.Db db;
    private JdbcAuthorizerStore authorizerStore;
    private JdbcComponentTokenStore componentStore;
    private AuthorizerTokenManager authorizers;
    private ComponentTokenManager components;
    private WxOpenComponentService wxjava;
    private final Clock clock = Clock.systemUTC();

    @Setup(Level.Trial)
    public void setUp() throws WxErrorException {
        db = TestDatabases.migrated(TestDatabases.Vendor.H2);
        SecretSealer sealer = SecretSealer.fromKeys(TestDatabases.TEST_KEY);
        Instant now = clock.instant();
        authorizerStore = new JdbcAuthorizerStore(db.dataSource(), sealer, clock);
        authorizerStore.saveAuthorization(new Authorization(COMPONENT, ACCOUNT, AUTHORIZER_TOKEN, now.plusSeconds(7200),
                "refreshtoken@@@" + "r".repeat(40), List.of(1, 15), now), null);
        componentStore = new JdbcComponentTokenStore(db.dataSource(), sealer, clock);
        componentStore.saveToken(new ComponentAccessToken(COMPONENT, COMPONENT_TOKEN, now, now.plusSeconds(7200)));
        ClusterSettings cluster = new ClusterSettings("bench", Duration.ofSeconds(30));
        NoWeChat api = new NoWeChat();
        authorizers = new AuthorizerTokenManager(Set.of(COMPONENT), authorizerStore, api, POLICY,
                new AuthorizeSettings("page", "mobile", Duration.ofMinutes(30), 8, 50, 5000, Duration.ofMinutes(5),
                        Duration.ofSeconds(30), Duration.ofMinutes(5), 10, 300),
                WeChatMetrics.NONE, cluster, clock);
        components = new ComponentTokenManager(
                List.of(new ComponentSettings(COMPONENT, "secret", "token", "a".repeat(43))),
                new JdbcTicketStore(db.dataSource(), sealer), componentStore, api, POLICY, new ComponentHealth(),
                new ApiBackoff(new JdbcApiBackoffStore(db.dataSource(), clock), clock), cluster, clock);

        WxOpenInMemoryConfigStorage config = new WxOpenInMemoryConfigStorage();
        config.setComponentAppId(COMPONENT);
        config.setComponentAppSecret("secret");
        config.setComponentToken("token");
        config.setComponentAesKey("a".repeat(43));
        config.updateComponentAccessToken(COMPONENT_TOKEN, 7200);
        config.updateAuthorizerAccessToken(ACCOUNT, AUTHORIZER_TOKEN, 7200);
        WxOpenServiceImpl service = new WxOpenServiceImpl();
        service.setWxOpenConfigStorage(config);
        wxjava = service.getWxOpenComponentService();

        // Warm the caches, and check that every subject answers the same token.
        check(authorizers.accessToken(COMPONENT, ACCOUNT), AUTHORIZER_TOKEN);
        check(authorizers.accessToken(ACCOUNT), AUTHORIZER_TOKEN);
        check(components.accessToken(COMPONENT), COMPONENT_TOKEN);
        check(wxjava.getAuthorizerAccessToken(ACCOUNT, false), AUTHORIZER_TOKEN);
        check(wxjava.getComponentAccessToken(false), COMPONENT_TOKEN);
        check(authorizerDatabaseRead(), AUTHORIZER_TOKEN);
        check(componentDatabaseRead(), COMPONENT_TOKEN);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        db.close();
    }

    /** {@code AuthorizerTokens.accessToken(componentAppid, authorizerAppid)}: what direct:wechat-api-call uses. */
    @Benchmark
    public String authorizerOurs() {
        return authorizers.accessToken(COMPONENT, ACCOUNT);
    }

    /** {@code AuthorizerTokens.accessToken(authorizerAppid)}: the component found for the caller. */
    @Benchmark
    public String authorizerOursByAppid() {
        return authorizers.accessToken(ACCOUNT);
    }

    @Benchmark
    public String authorizerWxJava() throws WxErrorException {
        return wxjava.getAuthorizerAccessToken(ACCOUNT, false);
    }

    /** Before issue 9: every read was this row read (tokens opened) and validity check. */
    @Benchmark
    public String authorizerDatabaseRead() {
        return authorizerStore.find(COMPONENT, ACCOUNT)
                .flatMap(record -> record.accessTokenValidAt(clock.instant(), POLICY.refreshSkew())).orElseThrow();
    }

    @Benchmark
    public String componentOurs() {
        return components.accessToken(COMPONENT);
    }

    @Benchmark
    public String componentWxJava() throws WxErrorException {
        return wxjava.getComponentAccessToken(false);
    }

    /** Before issue 9: every read was this row read (token opened) and validity check. */
    @Benchmark
    public String componentDatabaseRead() {
        return componentStore.findToken(COMPONENT).filter(t -> t.isValidAt(clock.instant(), POLICY.refreshSkew()))
                .orElseThrow().token();
    }

    private static void check(String actual, String expected) {
        if (!expected.equals(actual)) {
            throw new IllegalStateException("a subject answered another token than the seeded one");
        }
    }
}
