package io.wechatopen.camel.wiring;

import java.lang.management.ManagementFactory;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import org.apache.camel.CamelContext;
import org.apache.camel.ExtendedStartupListener;
import org.apache.camel.Route;
import org.apache.camel.spi.RouteController;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.wechatopen.camel.config.WeChatSettings;
import io.wechatopen.camel.store.DataSources;
import io.wechatopen.camel.store.DatabaseVendor;

/**
 * The start-up log of the bundle, the same in both runtimes: one INFO line once the context and its routes have
 * started, naming what runs where (HTTP address and paths, database vendor and URL without parameters or credentials,
 * schema version, instance id, clustered or not, routes started, sandbox on or off, time to ready), instead of
 * Camel's line per route. Camel Main's supervising route controller logs every route it starts at INFO whatever its
 * logging level (it calls {@code CamelContext.startRoute(String)}, which logs at INFO), so the shipped
 * {@code log4j2.properties} filters those lines out; a route that fails to start is still logged at WARN or ERROR.
 */
final class StartupSummary implements ExtendedStartupListener {

    private static final Logger LOG = LoggerFactory.getLogger(StartupSummary.class);

    private final WeChatSettings settings;
    private final DataSource dataSource;
    private final DatabaseVendor vendor;
    private final int migrationsApplied;
    private final long wiringStarted;
    private boolean logged;

    /**
     * @param migrationsApplied how many schema migrations this start applied
     * @param wiringStarted {@link System#nanoTime()} when the bundle's wiring began
     */
    StartupSummary(WeChatSettings settings, DataSource dataSource, DatabaseVendor vendor, int migrationsApplied,
            long wiringStarted) {
        this.settings = settings;
        this.dataSource = dataSource;
        this.vendor = vendor;
        this.migrationsApplied = migrationsApplied;
        this.wiringStarted = wiringStarted;
    }

    @Override
    public void onCamelContextStarted(CamelContext context, boolean alreadyStarted) {
        // the routes may still be starting (supervised); the summary waits for onCamelContextFullyStarted
    }

    @Override
    public synchronized void onCamelContextFullyStarted(CamelContext context, boolean alreadyStarted) {
        if (logged) {
            return;
        }
        logged = true;
        LOG.info(line(context));
    }

    /** The summary as logged. */
    String line(CamelContext context) {
        long readyMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - wiringStarted);
        StringBuilder line = new StringBuilder("wechat-open-camel ready in ").append(readyMs).append(" ms (JVM up ")
                .append(ManagementFactory.getRuntimeMXBean().getUptime()).append(" ms)");
        String base = "http://" + settings.http().host() + ":" + settings.http().port() + settings.http().contextPath();
        line.append(" | HTTP ").append(base).append(' ').append(paths(context, base));
        String url = url();
        line.append(" | database ").append(vendor).append(' ').append(url);
        if (vendor == DatabaseVendor.H2 && !url.startsWith("jdbc:h2:mem:")) {
            line.append(" (WRITE_DELAY=0)");
        }
        line.append(", ")
                .append(migrationsApplied == 0 ? "schema up to date" : migrationsApplied + " migrations applied");
        line.append(" | instance ").append(settings.cluster().nodeId()).append(vendor.clustered()
                ? ", clustered (Quartz JDBC store, leases on the database)"
                : ", single instance (schedules in memory; several instances need PostgreSQL or MariaDB)");
        RouteController routes = context.getRouteController();
        long started = context.getRoutes().stream()
                .filter(route -> routes.getRouteStatus(route.getId()) != null
                        && routes.getRouteStatus(route.getId()).isStarted())
                .count();
        line.append(" | routes ").append(started).append('/').append(context.getRoutes().size()).append(" started");
        boolean sandbox = settings.sandbox().enabled() && settings.sandbox().serves(settings.api());
        line.append(" | sandbox ").append(sandbox ? "on " + settings.sandbox().baseUrl() : "off")
                .append(", WeChat API ").append(settings.api().baseUrl());
        return line.toString();
    }

    /** The paths under {@code base} that the routes consume, e.g. {@code [/component/events, /health]}. */
    private static Set<String> paths(CamelContext context, String base) {
        Set<String> paths = new LinkedHashSet<>();
        for (Route route : context.getRoutes()) {
            String uri = route.getEndpoint().getEndpointBaseUri();
            if (uri.startsWith(base)) {
                paths.add(uri.substring(base.length()));
            }
        }
        return paths;
    }

    private String url() {
        try (Connection connection = dataSource.getConnection()) {
            String url = connection.getMetaData().getURL();
            return url == null ? "(URL unknown)" : DataSources.withoutParameters(url);
        } catch (SQLException e) {
            return "(unreachable: SQLState " + e.getSQLState() + ")";
        }
    }
}
