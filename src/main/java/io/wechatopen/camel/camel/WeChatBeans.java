package io.wechatopen.camel.camel;

import java.time.Clock;
import java.util.List;
import java.util.Map;

import org.apache.camel.CamelContext;
import org.apache.camel.RoutesBuilder;
import org.apache.camel.spi.Registry;
import org.apache.camel.support.service.ServiceSupport;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.zaxxer.hikari.HikariDataSource;

import io.wechatopen.camel.config.ComponentSettings;
import io.wechatopen.camel.config.WeChatSettings;
import io.wechatopen.camel.crypto.WeChatMessageCrypto;
import io.wechatopen.camel.routes.AdminRoutes;
import io.wechatopen.camel.routes.ComponentEventRoutes;
import io.wechatopen.camel.routes.ComponentTokenRoutes;
import io.wechatopen.camel.routes.WeChatApiRoutes;
import io.wechatopen.camel.routes.WeChatRouteConfigurations;
import io.wechatopen.camel.store.DataSources;
import io.wechatopen.camel.store.JdbcAuthorizerStore;
import io.wechatopen.camel.store.JdbcComponentTokenStore;
import io.wechatopen.camel.store.JdbcPushStore;
import io.wechatopen.camel.store.JdbcTicketStore;
import io.wechatopen.camel.store.SecretSealer;
import io.wechatopen.camel.store.StoreMigrations;
import io.wechatopen.camel.token.ComponentHealth;
import io.wechatopen.camel.token.ComponentTokenManager;

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
    private final ComponentHealth health;
    private final ComponentTokenManager componentTokenManager;
    private final ComponentPushIntake pushIntake;
    private final AdminStatus adminStatus;
    private final WeChatApiResponses apiResponses;

    private WeChatBeans(WeChatSettings settings, HikariDataSource dataSource, CamelContext camelContext,
            Clock clock) {
        this.settings = settings;
        this.dataSource = dataSource;
        ComponentSettings component = settings.component();
        ObjectMapper mapper = new ObjectMapper();
        SecretSealer sealer = SecretSealer.fromKeys(settings.store().encryptionKeys());
        this.crypto = new WeChatMessageCrypto(component.token(), component.encodingAesKey(), component.appid());
        this.ticketStore = new JdbcTicketStore(dataSource, sealer);
        this.componentTokenStore = new JdbcComponentTokenStore(dataSource, sealer, clock);
        this.pushStore = new JdbcPushStore(dataSource, sealer, clock);
        this.authorizerStore = new JdbcAuthorizerStore(dataSource);
        this.health = new ComponentHealth();
        this.apiResponses = new WeChatApiResponses(mapper);
        this.componentTokenManager = new ComponentTokenManager(List.of(component), ticketStore, componentTokenStore,
                new CamelComponentApiClient(camelContext.createProducerTemplate()), settings.tokens(), health, clock);
        this.pushIntake = new ComponentPushIntake(Map.of(component.appid(), crypto), pushStore, settings.callback(),
                clock);
        this.adminStatus = new AdminStatus(settings.adminToken(), componentTokenManager, ticketStore, pushStore,
                authorizerStore, health, settings.tokens(), clock, mapper);
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
        registry.bind("componentHealth", health);
        registry.bind("componentTokenManager", componentTokenManager);
    }

    /** The Java routes and route configurations the YAML routes call into. */
    public List<RoutesBuilder> routes() {
        return List.of(new WeChatRouteConfigurations(settings.api()), new WeChatApiRoutes(settings.api(), apiResponses),
                new ComponentEventRoutes(pushIntake), new ComponentTokenRoutes(componentTokenManager),
                new AdminRoutes(adminStatus));
    }

    public WeChatSettings settings() {
        return settings;
    }

    public HikariDataSource dataSource() {
        return dataSource;
    }

    public ComponentTokenManager componentTokenManager() {
        return componentTokenManager;
    }

    @Override
    protected void doStop() {
        dataSource.close();
    }
}
