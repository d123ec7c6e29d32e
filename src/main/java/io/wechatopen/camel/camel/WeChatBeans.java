package io.wechatopen.camel.camel;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.camel.CamelContext;
import org.apache.camel.RoutesBuilder;
import org.apache.camel.spi.Registry;
import org.apache.camel.support.service.ServiceSupport;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.zaxxer.hikari.HikariDataSource;

import io.wechatopen.camel.config.ComponentSettings;
import io.wechatopen.camel.config.WeChatSettings;
import io.wechatopen.camel.crypto.WeChatMessageCrypto;
import io.wechatopen.camel.routes.AccountMessageRoutes;
import io.wechatopen.camel.routes.AdminEventRoutes;
import io.wechatopen.camel.routes.AdminRoutes;
import io.wechatopen.camel.routes.AuthorizationRoutes;
import io.wechatopen.camel.routes.AuthorizerTokenRoutes;
import io.wechatopen.camel.routes.ComponentEventRoutes;
import io.wechatopen.camel.routes.ComponentTokenRoutes;
import io.wechatopen.camel.routes.WeChatApiRoutes;
import io.wechatopen.camel.routes.WeChatRouteConfigurations;
import io.wechatopen.camel.store.DataSources;
import io.wechatopen.camel.store.JdbcAuthorizationCodeStore;
import io.wechatopen.camel.store.JdbcAuthorizationStateStore;
import io.wechatopen.camel.store.JdbcAuthorizerStore;
import io.wechatopen.camel.store.JdbcComponentTokenStore;
import io.wechatopen.camel.store.JdbcPushStore;
import io.wechatopen.camel.store.JdbcTicketStore;
import io.wechatopen.camel.store.SecretSealer;
import io.wechatopen.camel.store.StoreMigrations;
import io.wechatopen.camel.token.AuthorizationEventProcessor;
import io.wechatopen.camel.token.AuthorizationExchanger;
import io.wechatopen.camel.token.AuthorizerReconciler;
import io.wechatopen.camel.token.AuthorizerTokenManager;
import io.wechatopen.camel.token.ComponentHealth;
import io.wechatopen.camel.token.ComponentTokenManager;
import io.wechatopen.camel.token.WeChatMetrics;

/**
 * The one factory that wires the bundle, used by both runtimes (Camel Main's {@code boot} and Karaf's {@code osgi}),
 * so they cannot wire things differently. {@link #create} opens the pool and migrates the schema;
 * {@link #bindTo(Registry)} publishes the beans under their registry names; {@link #routes()} lists the Java routes;
 * stopping this service closes the pool. Holds no static state.
 */
public final class WeChatBeans extends ServiceSupport {

    private final WeChatSettings settings;
    private final HikariDataSource dataSource;
    private final WeChatMessageCrypto crypto;
    private final JdbcTicketStore ticketStore;
    private final JdbcComponentTokenStore componentTokenStore;
    private final JdbcPushStore pushStore;
    private final JdbcAuthorizerStore authorizerStore;
    private final JdbcAuthorizationStateStore stateStore;
    private final ComponentHealth health;
    private final ComponentTokenManager componentTokenManager;
    private final AuthorizerTokenManager authorizerTokenManager;
    private final AuthorizerReconciler reconciler;
    private final List<RoutesBuilder> routes;

    private WeChatBeans(WeChatSettings settings, HikariDataSource dataSource, CamelContext camelContext,
            Clock clock) {
        this.settings = settings;
        this.dataSource = dataSource;
        ComponentSettings component = settings.component();
        Set<String> componentAppids = new java.util.LinkedHashSet<>();
        Map<String, WeChatMessageCrypto> cryptoByAppid = new java.util.LinkedHashMap<>();
        for (ComponentSettings each : settings.components()) {
            componentAppids.add(each.appid());
            cryptoByAppid.put(each.appid(),
                    new WeChatMessageCrypto(each.token(), each.encodingAesKey(), each.appid()));
        }
        ObjectMapper mapper = new ObjectMapper();
        SecretSealer sealer = SecretSealer.fromKeys(settings.store().encryptionKeys());
        this.crypto = cryptoByAppid.get(component.appid());
        this.ticketStore = new JdbcTicketStore(dataSource, sealer);
        this.componentTokenStore = new JdbcComponentTokenStore(dataSource, sealer, clock);
        this.pushStore = new JdbcPushStore(dataSource, sealer, clock);
        this.authorizerStore = new JdbcAuthorizerStore(dataSource, sealer, clock);
        this.stateStore = new JdbcAuthorizationStateStore(dataSource);
        JdbcAuthorizationCodeStore codeStore = new JdbcAuthorizationCodeStore(dataSource);
        this.health = new ComponentHealth();

        CamelComponentApiClient api = new CamelComponentApiClient(camelContext.createProducerTemplate());
        SedaAuthorizationListener listener = new SedaAuthorizationListener(camelContext.createProducerTemplate(),
                mapper);
        this.componentTokenManager = new ComponentTokenManager(settings.components(), ticketStore, componentTokenStore,
                api, settings.tokens(), health, clock);
        this.authorizerTokenManager = new AuthorizerTokenManager(componentAppids, authorizerStore, api,
                settings.tokens(), listener, clock);
        AuthorizationExchanger exchanger = new AuthorizationExchanger(api, authorizerStore, codeStore, listener,
                clock);
        this.reconciler = new AuthorizerReconciler(api, authorizerStore, exchanger, listener, clock);
        AuthorizationEventProcessor events = new AuthorizationEventProcessor(pushStore, authorizerStore, exchanger,
                listener, clock);
        ApiTokens apiTokens = new ApiTokens(componentTokenManager, authorizerTokenManager);
        AuthorizationPages pages = new AuthorizationPages(List.copyOf(componentAppids), settings.http(),
                settings.authorize(), api, stateStore, exchanger, mapper, clock);
        AdminStatus adminStatus = new AdminStatus(settings.adminToken(), componentTokenManager, ticketStore,
                pushStore, authorizerStore, reconciler, health, settings.tokens(), clock, mapper);

        // The lead wires the Micrometer implementation.
        WeChatMetrics metrics = WeChatMetrics.NONE;
        AdminEvents adminEvents = new AdminEvents(settings.adminToken(), componentAppids, pushStore, clock, mapper);

        this.routes = List.of(new WeChatRouteConfigurations(settings.api(), apiTokens, metrics),
                new WeChatApiRoutes(settings.api(), new WeChatApiResponses(mapper), apiTokens,
                        new AuthorizerApiCalls(authorizerTokenManager, mapper)),
                new ComponentEventRoutes(new ComponentPushIntake(cryptoByAppid, pushStore, settings.callback(),
                        clock, metrics)),
                new AccountMessageRoutes(new AccountMessageIntake(List.copyOf(cryptoByAppid.values()),
                        settings.callback(), clock)),
                new ComponentTokenRoutes(componentTokenManager, new ComponentTokenWakeups()),
                new AuthorizationRoutes(pages, events, authorizerTokenManager, reconciler, componentAppids,
                        settings.authorize()),
                new AuthorizerTokenRoutes(authorizerTokenManager), new AdminRoutes(adminStatus),
                new AdminEventRoutes(adminEvents));
    }

    /**
     * Opens the connection pool, applies pending migrations and builds every bean.
     *
     * @throws io.wechatopen.camel.store.StoreException when the database cannot be reached or migrated
     */
    public static WeChatBeans create(WeChatSettings settings, CamelContext camelContext, Clock clock) {
        HikariDataSource dataSource = DataSources.create(settings.store());
        try {
            StoreMigrations.migrate(dataSource);
            return new WeChatBeans(settings, dataSource, camelContext, clock);
        } catch (RuntimeException e) {
            dataSource.close();
            throw e;
        }
    }

    /** Binds the beans under the names routes and integrators use. */
    public void bindTo(Registry registry) {
        registry.bind("wechatSettings", settings);
        registry.bind("wechatDataSource", dataSource);
        registry.bind("wechatCrypto", crypto);
        registry.bind("ticketStore", ticketStore);
        registry.bind("componentTokenStore", componentTokenStore);
        registry.bind("pushStore", pushStore);
        registry.bind("authorizerStore", authorizerStore);
        registry.bind("authorizationStateStore", stateStore);
        registry.bind("componentHealth", health);
        registry.bind("componentTokenManager", componentTokenManager);
        registry.bind("authorizerTokenManager", authorizerTokenManager);
        registry.bind("authorizerTokens", authorizerTokenManager);
        registry.bind("authorizerReconciler", reconciler);
    }

    /** The Java routes and route configurations the YAML routes call into. */
    public List<RoutesBuilder> routes() {
        return routes;
    }

    public WeChatSettings settings() {
        return settings;
    }

    /** The message crypto of the primary platform (the one the sandbox simulates). */
    public WeChatMessageCrypto crypto() {
        return crypto;
    }

    public HikariDataSource dataSource() {
        return dataSource;
    }

    @Override
    protected void doStop() {
        dataSource.close();
    }
}
