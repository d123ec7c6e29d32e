package io.wechatopen.camel.osgi;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import javax.sql.DataSource;

import org.apache.camel.StartupSummaryLevel;
import org.apache.camel.karaf.core.OsgiCamelContextPublisher;
import org.apache.camel.karaf.core.OsgiDefaultCamelContext;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.wechatopen.camel.AuthorizerTokens;
import io.wechatopen.camel.admin.WeChatOperations;
import io.wechatopen.camel.wiring.WeChatBeans;

/**
 * Runs the bundle in Karaf: a Declarative Services component, configured by ConfigAdmin PID {@value #PID}
 * ({@code etc/io.wechatopen.camel.cfg}: the keys of {@code config/application.properties}, whose values are the
 * defaults, except that the sandbox is off), that builds an
 * {@link OsgiDefaultCamelContext} named {@value #NAME}, wires it through the same {@link WeChatBeans#install} as Camel
 * Main, loads the YAML routes (the bundle's, each replaced by a file of the same name in
 * {@code etc/wechat-open-camel/routes/}, plus that folder's own, reloaded when they change), and publishes
 * {@link AuthorizerTokens} and {@link WeChatOperations} as OSGi services and the context for {@code camel:*} commands.
 *
 * <p>A changed configuration deactivates and activates the component again: the context stops gracefully (in-flight
 * exchanges finish, everything stored is committed) and starts with the new values. The database is the pool of
 * {@code wechat.datasource.*}, or the {@code DataSource} service this component's {@code dataSource} reference is
 * pointed at (standard DS configuration: {@code dataSource.target} and {@code dataSource.cardinality.minimum = 1}).
 */
@Component(name = WeChatCamelContext.PID, configurationPolicy = ConfigurationPolicy.REQUIRE, immediate = true)
public final class WeChatCamelContext {

    /** The ConfigAdmin PID, and the name of the component. */
    public static final String PID = "io.wechatopen.camel";
    /** The Camel context's name, as {@code camel:context-list} shows it. */
    public static final String NAME = "wechat-open-camel";

    /** The standalone settings, shipped in the bundle: the defaults of every key the cfg leaves out. */
    static final String DEFAULTS = "wechat-open-camel/application.properties";

    private static final Logger LOG = LoggerFactory.getLogger(WeChatCamelContext.class);

    // Bound only when the configuration points the reference at a service (its default target matches none).
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policyOption = ReferencePolicyOption.GREEDY,
            target = "(osgi.jndi.service.name=wechat-open-camel)")
    private volatile DataSource dataSource;

    private OsgiDefaultCamelContext context;
    private final List<ServiceRegistration<?>> services = new ArrayList<>();

    @Activate
    void activate(BundleContext bundleContext, Map<String, Object> configuration) throws Exception {
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        // Hikari loads the JDBC driver by name, and Flyway its database support, through this bundle's imports.
        thread.setContextClassLoader(WeChatCamelContext.class.getClassLoader());
        try {
            context = new OsgiDefaultCamelContext(bundleContext);
            context.getCamelContextExtension().setName(NAME);
            // Karaf's default is "<bundle>-<name>"; the same name as standalone keeps metrics and JMX names alike.
            context.getManagementNameStrategy().setNamePattern("#name#");
            // the bundle logs one start-up summary (StartupSummary) instead of Camel's table of every route
            context.setStartupSummaryLevel(StartupSummaryLevel.Off);
            URL defaults = bundleContext.getBundle().getEntry(DEFAULTS);
            if (defaults == null) {
                throw new IllegalStateException("The bundle lacks " + DEFAULTS);
            }
            context.getPropertiesComponent().setInitialProperties(properties(defaults, configuration));
            context.getManagementStrategy().addEventNotifier(new OsgiCamelContextPublisher(bundleContext));
            WeChatBeans beans = WeChatBeans.install(context, dataSource, Clock.systemUTC(), "etc/" + PID + ".cfg");
            RouteFiles routes = new RouteFiles(bundleContext.getBundle(), routesDir(configuration));
            routes.load(context);
            context.start();
            Dictionary<String, Object> properties = new Hashtable<>(Map.of("camel.context.name", NAME));
            services.add(bundleContext.registerService(AuthorizerTokens.class, beans.authorizerTokens(), properties));
            services.add(bundleContext.registerService(WeChatOperations.class, beans.operations(), properties));
            LOG.info("wechat-open-camel started in Karaf: routes from the bundle and {}", routes.directory());
        } catch (Exception | LinkageError e) {
            deactivate();
            throw e;
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    @Deactivate
    void deactivate() {
        services.forEach(ServiceRegistration::unregister);
        services.clear();
        if (context != null) {
            context.stop();
            context = null;
        }
    }

    /**
     * The properties of the context: the standalone {@code application.properties} shipped in the bundle as defaults,
     * with the sandbox off (as the contract wants in Karaf), overridden by every value of the configuration.
     */
    static Properties properties(URL defaults, Map<String, Object> configuration) throws IOException {
        Properties properties = new Properties();
        try (InputStream in = defaults.openStream()) {
            properties.load(new InputStreamReader(in, StandardCharsets.UTF_8));
        }
        properties.setProperty("wechat.sandbox.enabled", "false");
        configuration.forEach((key, value) -> {
            if (value != null) {
                properties.setProperty(key, String.valueOf(value));
            }
        });
        return properties;
    }

    /** {@code wechat.routes.dir}, by default {@code etc/wechat-open-camel/routes} of this Karaf. */
    static Path routesDir(Map<String, Object> configuration) {
        Object configured = configuration.get("wechat.routes.dir");
        if (configured != null && !String.valueOf(configured).isBlank()) {
            return Path.of(String.valueOf(configured));
        }
        return Path.of(System.getProperty("karaf.etc", "etc"), "wechat-open-camel", "routes");
    }
}
