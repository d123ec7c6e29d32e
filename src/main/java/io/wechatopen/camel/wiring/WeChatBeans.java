package io.wechatopen.camel.wiring;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

import javax.sql.DataSource;

import org.apache.camel.CamelContext;
import org.apache.camel.RoutesBuilder;
import org.apache.camel.component.micrometer.MicrometerConstants;
import org.apache.camel.health.HealthCheck;
import org.apache.camel.spi.Registry;
import org.apache.camel.support.PropertyBindingSupport;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.zaxxer.hikari.HikariDataSource;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import io.wechatopen.camel.AuthorizerTokens;
import io.wechatopen.camel.admin.AdminBackoffReset;
import io.wechatopen.camel.admin.AdminBearer;
import io.wechatopen.camel.admin.AdminEvents;
import io.wechatopen.camel.admin.AdminQuota;
import io.wechatopen.camel.admin.AdminStatus;
import io.wechatopen.camel.admin.WeChatOperations;
import io.wechatopen.camel.api.ComponentApiClient;
import io.wechatopen.camel.client.ApiTokens;
import io.wechatopen.camel.client.AuthorizerApiCalls;
import io.wechatopen.camel.client.CamelAuthorizerTicketApi;
import io.wechatopen.camel.client.CamelComponentApiClient;
import io.wechatopen.camel.client.CamelQuotaApiClient;
import io.wechatopen.camel.client.OnBehalfServices;
import io.wechatopen.camel.client.SnsApiClient;
import io.wechatopen.camel.client.WeChatApiResponses;
import io.wechatopen.camel.cluster.NodeHeartbeat;
import io.wechatopen.camel.config.AccountMessageSettings;
import io.wechatopen.camel.config.ApiSettings;
import io.wechatopen.camel.config.ComponentSettings;
import io.wechatopen.camel.config.HealthSettings;
import io.wechatopen.camel.config.OAuthSettings;
import io.wechatopen.camel.config.QuotaSettings;
import io.wechatopen.camel.config.RelaySettings;
import io.wechatopen.camel.config.SettingsSource;
import io.wechatopen.camel.config.WeChatSettings;
import io.wechatopen.camel.crypto.WeChatMessageCrypto;
import io.wechatopen.camel.health.AuthorizersHealthCheck;
import io.wechatopen.camel.health.CamelObservability;
import io.wechatopen.camel.health.ComponentTokenHealthCheck;
import io.wechatopen.camel.health.FailedEventsHealthCheck;
import io.wechatopen.camel.health.HealthEndpoints;
import io.wechatopen.camel.health.MetricsEndpoint;
import io.wechatopen.camel.health.MicrometerWeChatMetrics;
import io.wechatopen.camel.health.QuotaHealthCheck;
import io.wechatopen.camel.health.RelayedComponentTokenHealthCheck;
import io.wechatopen.camel.health.StoreHealthCheck;
import io.wechatopen.camel.health.TicketHealthCheck;
import io.wechatopen.camel.health.WeChatStoreGauges;
import io.wechatopen.camel.intake.AccountMessageIntake;
import io.wechatopen.camel.intake.ComponentPushIntake;
import io.wechatopen.camel.intake.ComponentTokenWakeups;
import io.wechatopen.camel.intake.PassiveReplies;
import io.wechatopen.camel.intake.PushWriter;
import io.wechatopen.camel.jssdk.JsSdkSigner;
import io.wechatopen.camel.notice.AccountMessageOutbox;
import io.wechatopen.camel.notice.NoticeRelay;
import io.wechatopen.camel.quota.ComponentQuota;
import io.wechatopen.camel.quota.QuotaClearance;
import io.wechatopen.camel.relay.RelayedAuthorizerTokens;
import io.wechatopen.camel.relay.RelayedComponentTokens;
import io.wechatopen.camel.relay.TokenApisRefused;
import io.wechatopen.camel.relay.TokenRelayClient;
import io.wechatopen.camel.relay.TokenRelayEndpoint;
import io.wechatopen.camel.release.ReleaseTestFollowUp;
import io.wechatopen.camel.release.ReleaseTestResponder;
import io.wechatopen.camel.routes.AccountMessageAnswerRoutes;
import io.wechatopen.camel.routes.AccountMessageRoutes;
import io.wechatopen.camel.routes.AdminEventRoutes;
import io.wechatopen.camel.routes.AdminRoutes;
import io.wechatopen.camel.routes.AuthorizationRoutes;
import io.wechatopen.camel.routes.AuthorizerTokenRoutes;
import io.wechatopen.camel.routes.ComponentEventRoutes;
import io.wechatopen.camel.routes.ComponentTokenRoutes;
import io.wechatopen.camel.routes.JsSdkRoutes;
import io.wechatopen.camel.routes.NodeRoutes;
import io.wechatopen.camel.routes.NoticeRoutes;
import io.wechatopen.camel.routes.OnBehalfRoutes;
import io.wechatopen.camel.routes.PassiveReplyRouteConfiguration;
import io.wechatopen.camel.routes.QuotaRoutes;
import io.wechatopen.camel.routes.RelayedTokenUpkeepRoutes;
import io.wechatopen.camel.routes.TokenRelayRoutes;
import io.wechatopen.camel.routes.WeChatApiRoutes;
import io.wechatopen.camel.routes.WeChatRouteConfigurations;
import io.wechatopen.camel.sandbox.SandboxRoutes;
import io.wechatopen.camel.sandbox.SandboxState;
import io.wechatopen.camel.store.DataSources;
import io.wechatopen.camel.store.DatabaseVendor;
import io.wechatopen.camel.store.JdbcApiBackoffStore;
import io.wechatopen.camel.store.JdbcAuthorizationCodeStore;
import io.wechatopen.camel.store.JdbcAuthorizationStateStore;
import io.wechatopen.camel.store.JdbcAuthorizerStore;
import io.wechatopen.camel.store.JdbcAuthorizerTicketStore;
import io.wechatopen.camel.store.JdbcComponentHealthStore;
import io.wechatopen.camel.store.JdbcComponentTokenStore;
import io.wechatopen.camel.store.JdbcNodeStore;
import io.wechatopen.camel.store.JdbcNoticeStore;
import io.wechatopen.camel.store.JdbcOAuthStateStore;
import io.wechatopen.camel.store.JdbcPushStore;
import io.wechatopen.camel.store.JdbcQuotaStore;
import io.wechatopen.camel.store.JdbcTicketStore;
import io.wechatopen.camel.store.SecretSealer;
import io.wechatopen.camel.store.StoreMigrations;
import io.wechatopen.camel.token.ApiBackoff;
import io.wechatopen.camel.token.AuthorizationEventProcessor;
import io.wechatopen.camel.token.AuthorizationExchanger;
import io.wechatopen.camel.token.AuthorizerReconciler;
import io.wechatopen.camel.token.AuthorizerTicketManager;
import io.wechatopen.camel.token.AuthorizerTokenManager;
import io.wechatopen.camel.token.AuthorizerTokenSource;
import io.wechatopen.camel.token.ComponentHealth;
import io.wechatopen.camel.token.ComponentTokenManager;
import io.wechatopen.camel.token.ComponentTokenSource;
import io.wechatopen.camel.token.WeChatMetrics;
import io.wechatopen.camel.web.AuthorizationPages;
import io.wechatopen.camel.web.NoStoreHeaderFilter;
import io.wechatopen.camel.web.OAuthPages;

/**
 * The one factory that wires the bundle, used by both runtimes (Camel Main's {@code boot} and Karaf's {@code osgi}),
 * so they cannot wire things differently. {@link #install} does all of it; {@link #create} opens the pool and migrates
 * the schema;
 * {@link #bindTo(Registry)} publishes the beans under their registry names; {@link #routes()} lists the Java routes;
 * stopping this service closes the pool it opened. Holds no static state.
 */
public final class WeChatBeans extends ServiceSupport {

    private static final Logger LOG = LoggerFactory.getLogger(WeChatBeans.class);
    private static final int SEDA_POLL_TIMEOUT_MS = 100;

    private final WeChatSettings settings;
    private final DataSource dataSource;
    /** Read once from the database's metadata: decides the scheduling and whether instances may share it. */
    private final DatabaseVendor vendor;
    private final HikariDataSource ownPool;
    private final int migrationsApplied;
    private final WeChatMessageCrypto crypto;
    private final JdbcTicketStore ticketStore;
    private final JdbcComponentTokenStore componentTokenStore;
    private final JdbcPushStore pushStore;
    private final JdbcAuthorizerStore authorizerStore;
    private final JdbcNoticeStore noticeStore;
    private final JdbcAuthorizationStateStore stateStore;
    private final ComponentHealth health;
    private final ComponentTokenManager componentTokenManager;
    private final AuthorizerTokenManager authorizerTokenManager;
    /** The token service handed out: the manager, or the relayed tokens in relay mode (issue 10 item 8). */
    private final AuthorizerTokenSource authorizerTokens;
    private final AuthorizerReconciler reconciler;
    private final ApiBackoff apiBackoff;
    private final PrometheusMeterRegistry meterRegistry;
    private final MicrometerWeChatMetrics metrics;
    private final PushWriter pushWriter;
    private final WeChatOperations operations;
    private final QuotaClearance quotaClearance;
    private final List<RoutesBuilder> routes;
    /** JS-SDK on behalf of accounts (issue 10): jsapi tickets and wx.config signatures. */
    private final AuthorizerTicketManager authorizerTicketManager;
    private final JsSdkSigner jsSdkSigner;

    private WeChatBeans(WeChatSettings settings, DataSource dataSource, HikariDataSource ownPool,
            int migrationsApplied, CamelContext camelContext, Clock clock) {
        this.settings = settings;
        this.migrationsApplied = migrationsApplied;
        this.dataSource = dataSource;
        this.vendor = DatabaseVendor.of(dataSource);
        this.ownPool = ownPool;
        ComponentSettings component = settings.component();
        Set<String> componentAppids = new java.util.LinkedHashSet<>();
        Map<String, WeChatMessageCrypto> cryptoByAppid = new java.util.LinkedHashMap<>();
        for (ComponentSettings each : settings.components()) {
            componentAppids.add(each.appid());
            cryptoByAppid.put(each.appid(),
                    new WeChatMessageCrypto(each.token(), each.encodingAesKey(), each.appid()));
        }
        ObjectMapper mapper = new ObjectMapper();
        // The settings read here rather than in WeChatSettings (their features are built only here).
        SettingsSource configuration = new SettingsSource(
                key -> camelContext.getPropertiesComponent().resolveProperty(key), "the bundle's configuration");
        this.meterRegistry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        this.metrics = new MicrometerWeChatMetrics(meterRegistry);
        CamelObservability.measureRoutes(camelContext, meterRegistry);
        SecretSealer sealer = SecretSealer.fromKeys(settings.store().encryptionKeys());
        this.crypto = cryptoByAppid.get(component.appid());
        this.ticketStore = new JdbcTicketStore(dataSource, sealer);
        this.componentTokenStore = new JdbcComponentTokenStore(dataSource, sealer, clock);
        // Issue 10 (component events): pushes the bundle does not act on go to the outbox with their event row.
        this.noticeStore = new JdbcNoticeStore(dataSource, clock, settings.cluster().nodeId(),
                settings.cluster().leaseDuration(), sealer);
        this.pushStore = new JdbcPushStore(dataSource, sealer, clock, noticeStore);
        this.authorizerStore = new JdbcAuthorizerStore(dataSource, sealer, clock, noticeStore);
        this.stateStore = new JdbcAuthorizationStateStore(dataSource);
        JdbcAuthorizationCodeStore codeStore = new JdbcAuthorizationCodeStore(dataSource);
        this.health = new ComponentHealth(new JdbcComponentHealthStore(dataSource));

        ApiBackoff backoff = new ApiBackoff(new JdbcApiBackoffStore(dataSource, clock), clock);
        this.apiBackoff = backoff;
        // Issue 10 item 8, one token owner per platform: in relay mode the token APIs are never called.
        RelaySettings relaySettings = RelaySettings.from(configuration);
        CamelComponentApiClient camelApi = new CamelComponentApiClient(camelContext.createProducerTemplate(),
                backoff);
        ComponentApiClient api = relaySettings.relayed() ? new TokenApisRefused(camelApi) : camelApi;
        NodeHeartbeat heartbeat = new NodeHeartbeat(new JdbcNodeStore(dataSource), settings.cluster().nodeId(),
                !vendor.clustered(), clock);
        NoticeRelay relay = new NoticeRelay(noticeStore, camelContext.createProducerTemplate(),
                settings.cluster().nodeId(), settings.cluster().leaseDuration(), clock);
        noticeStore.onWritten(relay::wake);
        this.componentTokenManager = new ComponentTokenManager(settings.components(), ticketStore, componentTokenStore,
                api, settings.tokens(), health, backoff, settings.cluster(), clock);
        this.authorizerTokenManager = new AuthorizerTokenManager(componentAppids, authorizerStore, api,
                settings.tokens(), settings.authorize(), metrics, settings.cluster(), clock);
        AuthorizationExchanger exchanger = new AuthorizationExchanger(api, authorizerStore, codeStore,
                staleClaim(settings.api()), clock);
        this.reconciler = new AuthorizerReconciler(api, authorizerStore, exchanger, clock);
        AuthorizationEventProcessor events = new AuthorizationEventProcessor(pushStore, authorizerStore, exchanger,
                settings.cluster(), clock);
        // Issue 10 item 8: where the tokens handed out come from (wechat.component.token-source).
        ComponentTokenSource componentTokens = componentTokenManager;
        AuthorizerTokenSource authorizerTokenSource = authorizerTokenManager;
        if (relaySettings.relayed()) {
            TokenRelayClient relayClient = new TokenRelayClient(relaySettings, mapper);
            componentTokens = new RelayedComponentTokens(componentAppids, relayClient, clock);
            authorizerTokenSource = new RelayedAuthorizerTokens(componentAppids, relayClient, clock);
            LOG.info("wechat.component.token-source = relay: component and authorizer tokens come from the token"
                    + " relay {}; this instance never calls api_component_token or api_authorizer_token",
                    relayClient.baseUrl());
        }
        this.authorizerTokens = authorizerTokenSource;
        ApiTokens apiTokens = new ApiTokens(componentTokens, authorizerTokenSource);
        AuthorizationPages pages = new AuthorizationPages(List.copyOf(componentAppids), settings.http(),
                settings.authorize(), api, stateStore, exchanger, mapper, clock);
        AdminBearer adminBearer = new AdminBearer(settings.adminToken());
        // Issue 10 (quota tools): getApiQuota read on a schedule, clear_quota/v2 only as an operator's action.
        QuotaSettings quotaSettings = QuotaSettings.from(configuration);
        JdbcQuotaStore quotaStore = new JdbcQuotaStore(dataSource);
        CamelQuotaApiClient quotaApi = new CamelQuotaApiClient(camelContext.createProducerTemplate(), mapper);
        ComponentQuota componentQuota = new ComponentQuota(componentAppids, quotaSettings.watchedApis(), quotaApi,
                quotaStore, clock);
        this.quotaClearance = new QuotaClearance(settings.components(), quotaApi, quotaStore, backoff, clock);
        AdminQuota adminQuota = new AdminQuota(adminBearer, component.appid(), componentQuota, quotaClearance, mapper);
        AdminStatus adminStatus = new AdminStatus(adminBearer, componentTokenManager, ticketStore, pushStore,
                authorizerStore, reconciler, health, settings.tokens(), clock, mapper, noticeStore, heartbeat,
                List.of(new AdminStatus.ComponentSection("quota", adminQuota::quotaSection)));
        HealthSettings healthSettings = HealthSettings.from(configuration);
        List<HealthCheck> healthChecks = List.of(new StoreHealthCheck(dataSource),
                new TicketHealthCheck(componentAppids, ticketStore, healthSettings.ticketMaxAge(), clock),
                relaySettings.relayed() ? new RelayedComponentTokenHealthCheck(componentAppids, componentTokens)
                        : new ComponentTokenHealthCheck(componentTokenManager, health, clock),
                new AuthorizersHealthCheck(componentAppids, authorizerStore),
                new FailedEventsHealthCheck(componentAppids, pushStore),
                new QuotaHealthCheck(componentAppids, componentQuota));
        CamelObservability.registerHealthChecks(camelContext, healthChecks);
        new WeChatStoreGauges(componentAppids, ticketStore, authorizerStore, clock).bindTo(meterRegistry);
        AdminEvents adminEvents = new AdminEvents(adminBearer, componentAppids, pushStore, clock, mapper);
        this.operations = new WeChatOperations(List.copyOf(componentAppids), settings.http(), adminStatus,
                adminEvents, authorizerStore, authorizerTokenManager, quotaClearance);

        // Issue 10 (release test and passive replies): how account messages are answered.
        AccountMessageSettings accountMessages = AccountMessageSettings.from(configuration);
        PassiveReplies replies = new PassiveReplies(cryptoByAppid, clock);
        AccountMessageAnswerRoutes answerRoutes = new AccountMessageAnswerRoutes(accountMessages, replies,
                new ReleaseTestResponder(accountMessages, replies, clock), new ReleaseTestFollowUp(exchanger));

        // JS-SDK on behalf of accounts (issue 10): each account's jsapi_ticket and the wx.config signature.
        this.authorizerTicketManager = new AuthorizerTicketManager(componentAppids, authorizerStore,
                authorizerTokenManager::componentOf, new JdbcAuthorizerTicketStore(dataSource, sealer, clock),
                new CamelAuthorizerTicketApi(camelContext.createProducerTemplate(), mapper), backoff, settings.tokens(),
                settings.cluster(), clock);
        this.jsSdkSigner = new JsSdkSigner(authorizerTicketManager, clock);

        this.pushWriter = new PushWriter(pushStore, PushWriter.writersFor(settings.store().maximumPoolSize()),
                camelContext);
        this.routes = List.of(new WeChatRouteConfigurations(settings.api(), apiTokens, metrics),
                new WeChatApiRoutes(settings.api(), new WeChatApiResponses(mapper, metrics), apiTokens,
                        new AuthorizerApiCalls(authorizerTokenSource, mapper)),
                new ComponentEventRoutes(new ComponentPushIntake(cryptoByAppid, pushWriter, settings.callback(),
                        clock, metrics)),
                new AccountMessageRoutes(new AccountMessageIntake(List.copyOf(cryptoByAppid.values()),
                        settings.callback(), clock), new AccountMessageOutbox(noticeStore, clock)),
                relaySettings.relayed() ? new RelayedTokenUpkeepRoutes()
                        : new ComponentTokenRoutes(componentTokenManager, new ComponentTokenWakeups()),
                new AuthorizationRoutes(pages, events, authorizerTokenManager, reconciler, componentAppids,
                        settings.authorize(), clock, !relaySettings.relayed()),
                new AuthorizerTokenRoutes(authorizerTokenSource), new AdminRoutes(adminStatus,
                        new HealthEndpoints(camelContext, healthChecks, adminBearer, mapper),
                        new MetricsEndpoint(meterRegistry, adminBearer),
                        new AdminBackoffReset(adminBearer, backoff, List.copyOf(componentAppids))),
                new AdminEventRoutes(adminEvents), new NoticeRoutes(relay), new NodeRoutes(heartbeat),
                new PassiveReplyRouteConfiguration(), answerRoutes,
                // Issue 10 item 8: the token relay endpoint (answers 404 unless wechat.relay.enabled).
                new TokenRelayRoutes(new TokenRelayEndpoint(relaySettings, componentTokenManager,
                        authorizerTokenManager, authorizerStore, componentAppids, mapper, clock)),
                new QuotaRoutes(componentQuota, adminQuota),
                onBehalfRoutes(OAuthSettings.from(configuration, settings.api()), camelContext, componentAppids,
                        authorizerTokenManager, mapper, clock),
                new JsSdkRoutes(jsSdkSigner));
    }

    /**
     * Issue 10 (web authorization and mini-program login on behalf of accounts): the {@code /sns/*} calls with the
     * component token, the OAuth pages and {@code direct:wechat-miniprogram-session}.
     */
    private OnBehalfRoutes onBehalfRoutes(OAuthSettings oauth, CamelContext camelContext,
            Set<String> componentAppids, AuthorizerTokenManager authorizers, ObjectMapper mapper, Clock clock) {
        SnsApiClient sns = new SnsApiClient(camelContext.createProducerTemplate(), mapper);
        OAuthPages pages = new OAuthPages(List.copyOf(componentAppids), settings.http(), oauth, authorizerStore,
                new JdbcOAuthStateStore(dataSource), sns, camelContext.createProducerTemplate(), clock);
        return new OnBehalfRoutes(pages, new OnBehalfServices(componentAppids, authorizers, sns));
    }

    /**
     * How long a PENDING code claim may last before its holder is taken for dead: the longest
     * {@code api_query_auth} (connect attempts with their back-off, then one read), plus a margin.
     */
    static Duration staleClaim(ApiSettings api) {
        int attempts = api.maximumRedeliveries() + 1;
        Duration backoff = api.redeliveryDelay().multipliedBy(1L << Math.min(api.maximumRedeliveries(), 4));
        return api.connectTimeout().multipliedBy(attempts).plus(backoff.multipliedBy(2)).plus(api.readTimeout())
                .plusSeconds(10);
    }

    /**
     * Wires the bundle into {@code camelContext}, the same way in every runtime: reads {@link WeChatSettings} from the
     * context's properties component, opens the pool (or uses {@code dataSource}), migrates the schema, builds every
     * bean, adds this object as a service of the context (stopping the context closes the pool), sets up the
     * {@code quartz} component ({@link QuartzScheduling}: clustered on PostgreSQL and MariaDB), binds the beans in
     * the context's registry and adds the Java routes; adds the sandbox's routes when {@code wechat.sandbox.enabled}
     * is true and {@code wechat.api.base-url} points at it (so pointing the base URL at WeChat switches it off); logs
     * one {@link StartupSummary} line once the routes have started, in place of a line per route.
     *
     * @param dataSource a data source the runtime provides and keeps open (Karaf's pax-jdbc), or {@code null} for a
     *        pool the bundle opens from {@code wechat.datasource.*}
     * @param settingsOrigin where the properties come from, named in configuration errors
     * @throws io.wechatopen.camel.config.ConfigurationException when a setting is missing or invalid
     * @throws io.wechatopen.camel.store.StoreException when the database cannot be reached or migrated
     */
    public static WeChatBeans install(CamelContext camelContext, DataSource dataSource, Clock clock,
            String settingsOrigin) throws Exception {
        long wiringStarted = System.nanoTime();
        WeChatSettings settings = WeChatSettings.load(new SettingsSource(
                key -> camelContext.getPropertiesComponent().resolveProperty(key), settingsOrigin));
        // A seda consumer stops only when its poll returns: with Camel's 1 s default, each of ours added a second to
        // every stop (a cfg change in Karaf restarts the context).
        PropertyBindingSupport.build().withMandatory(true).bind(camelContext, camelContext.getComponent("seda"),
                "defaultPollTimeout", SEDA_POLL_TIMEOUT_MS);
        WeChatBeans beans = create(settings, dataSource, camelContext, clock);
        camelContext.addService(beans, true, true);
        QuartzScheduling.configure(camelContext, beans.dataSource(), beans.vendor, settings.cluster().nodeId());
        beans.bindTo(camelContext.getRegistry());
        for (RoutesBuilder routes : beans.routes()) {
            camelContext.addRoutes(routes);
        }
        if (settings.sandbox().enabled()) {
            if (settings.api().baseUrl().equals(settings.sandbox().baseUrl())) {
                SandboxState state = new SandboxState(settings.component(), clock, settings.sandbox().tokenLifetime());
                camelContext.getRegistry().bind("wechatSandboxState", state);
                camelContext.addRoutes(new SandboxRoutes(settings, state, beans.crypto()));
                LOG.debug("WeChat sandbox on {} (wechat.api.base-url points at it)", settings.sandbox().baseUrl());
            } else {
                LOG.warn("wechat.sandbox.enabled is true but wechat.api.base-url ({}) is not the sandbox ({}):"
                        + " the sandbox stays off", settings.api().baseUrl(), settings.sandbox().baseUrl());
            }
        }
        camelContext.addStartupListener(new StartupSummary(settings, beans.dataSource(), beans.vendor,
                beans.migrationsApplied, wiringStarted));
        return beans;
    }

    /**
     * Opens the connection pool (unless {@code dataSource} is given), applies pending migrations and builds every
     * bean.
     *
     * @param dataSource a data source kept open by its provider, or {@code null} to open a pool from the settings
     * @throws io.wechatopen.camel.store.StoreException when the database cannot be reached or migrated
     */
    public static WeChatBeans create(WeChatSettings settings, DataSource dataSource, CamelContext camelContext,
            Clock clock) {
        HikariDataSource ownPool = null;
        if (dataSource == null) {
            ownPool = DataSources.create(settings.store());
            dataSource = ownPool;
        } else {
            DataSources.checkProvided(dataSource);
        }
        try {
            int migrationsApplied = StoreMigrations.migrate(dataSource);
            return new WeChatBeans(settings, dataSource, ownPool, migrationsApplied, camelContext, clock);
        } catch (RuntimeException e) {
            if (ownPool != null) {
                ownPool.close();
            }
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
        registry.bind("noticeStore", noticeStore);
        registry.bind("authorizationStateStore", stateStore);
        registry.bind("componentHealth", health);
        registry.bind("componentTokenManager", componentTokenManager);
        registry.bind("authorizerTokenManager", authorizerTokenManager);
        registry.bind("authorizerTokens", authorizerTokens);
        registry.bind("authorizerReconciler", reconciler);
        registry.bind("wechatApiBackoff", apiBackoff);
        registry.bind("wechatMetrics", metrics);
        registry.bind("wechatOperations", operations);
        registry.bind("quotaClearance", quotaClearance);
        // JS-SDK on behalf of accounts (issue 10)
        registry.bind("authorizerTicketManager", authorizerTicketManager);
        registry.bind("wechatJsSdk", jsSdkSigner);
        // camel-micrometer's endpoints (micrometer:counter:...) in integrators' routes report to the same registry.
        registry.bind(MicrometerConstants.METRICS_REGISTRY_NAME, meterRegistry);
        // The relay's answers and the authorization pages keep their Cache-Control: no-store.
        registry.bind(NoStoreHeaderFilter.BEAN_NAME, new NoStoreHeaderFilter());
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

    public DataSource dataSource() {
        return dataSource;
    }

    /** The operator's view and actions (Karaf's shell commands). */
    public WeChatOperations operations() {
        return operations;
    }

    /** The tokens of the authorized accounts, for other routes and bundles. */
    public AuthorizerTokens authorizerTokens() {
        return authorizerTokens;
    }

    /** Where intake, API calls and refreshes report what they do ({@code GET /admin/metrics}). */
    public WeChatMetrics metrics() {
        return metrics;
    }

    @Override
    protected void doStart() {
        pushWriter.start();
    }

    @Override
    protected void doStop() {
        // Before the pool closes: the batches being written finish, queued pushes are answered 500.
        pushWriter.stop();
        meterRegistry.close();
        if (ownPool != null) {
            ownPool.close();
        }
    }
}
