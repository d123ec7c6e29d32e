package io.wechatopen.camel.wiring;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.UUID;

import javax.sql.DataSource;

import org.apache.camel.CamelContext;
import org.apache.camel.DelegateEndpoint;
import org.apache.camel.Endpoint;
import org.apache.camel.Route;
import org.apache.camel.component.quartz.QuartzComponent;
import org.apache.camel.component.quartz.QuartzEndpoint;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.spi.CamelEvent.RouteStartedEvent;
import org.apache.camel.spi.RouteController;
import org.apache.camel.support.EventNotifierSupport;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.quartz.SchedulerFactory;
import org.quartz.impl.SchedulerRepository;
import org.quartz.impl.StdSchedulerFactory;
import org.quartz.impl.jdbcjobstore.JobStoreTX;
import org.quartz.impl.jdbcjobstore.PostgreSQLDelegate;
import org.quartz.impl.jdbcjobstore.StdJDBCDelegate;
import org.quartz.simpl.SimpleThreadPool;
import org.quartz.utils.ConnectionProvider;
import org.quartz.utils.DBConnectionManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.wechatopen.camel.store.DatabaseVendor;

/**
 * Where the {@code quartz:} schedules of the routes keep their state, so that several instances on one database fire
 * each schedule once per firing.
 *
 * <p>On PostgreSQL and MySQL/MariaDB the context's {@code quartz} component gets Quartz's clustered JDBC job store
 * ({@link JobStoreTX}, {@code isClustered=true}, check-in every {@value #CLUSTER_CHECKIN_MS} ms) in the
 * {@code wechat_qrtz_} tables that {@code StoreMigrations} creates, on the bundle's own pool. Every instance, Camel
 * Main or Karaf, uses the scheduler name {@value #SCHEDULER_NAME} (not suffixed with the context's name), so they form
 * one cluster; {@code wechat.cluster.node-id} is Quartz's instance id. A firing runs on one instance; when an instance
 * stops or dies, the others fire its schedules from their next check-in on, and a schedule whose cron expression
 * changed in the configuration is rescheduled by the first instance that starts with the new one (camel-quartz's
 * rule). The scheduler starts once every {@code quartz:} route of the context has started, not when the context has
 * (Camel Main's supervising route controller starts the routes after the context): a scheduler started earlier would
 * take stored triggers before this instance's routes exist and have updated them, and camel-quartz would then lose the
 * firing and re-create the schedule from the stored, possibly outdated, endpoint URI. camel-quartz finds the context
 * of a firing by the context's management name stored with the job, so every instance must keep the same context
 * name ({@code camel.main.name}; Karaf's context has the same name).
 *
 * <p>On H2 (or any other database) the component keeps its default in-memory store: H2 is for one instance (the start-up
 * summary says so; a DEBUG line here too when H2 keeps its data in files).
 */
public final class QuartzScheduling {

    /** Quartz's scheduler name, the same on every instance of the cluster ({@code SCHED_NAME} in the tables). */
    public static final String SCHEDULER_NAME = "wechat-open-camel";
    /** The prefix of Quartz's tables. */
    public static final String TABLE_PREFIX = "wechat_qrtz_";
    /** How often an instance records in the database that it is alive; the others recover its work after it stops. */
    public static final long CLUSTER_CHECKIN_MS = 5000;

    private static final Logger LOG = LoggerFactory.getLogger(QuartzScheduling.class);
    private static final int THREAD_COUNT = 4;
    // A firing late by more than this (database down, every thread busy) is a misfire: fired once, then on schedule.
    private static final long MISFIRE_THRESHOLD_MS = 60_000;

    private QuartzScheduling() {
    }

    /**
     * Sets up the {@code quartz} component of {@code camelContext} for the database of {@code dataSource}; call it
     * before the context starts. On a clustered vendor the component's scheduler is created from
     * {@link #clusteredProperties}, with {@code dataSource} lent to Quartz as a {@link ConnectionProvider} under a name
     * unique to this call (Quartz never closes it); the scheduler starts when the context's last {@code quartz:} route
     * has started, and the component shuts it down when the context stops.
     *
     * @param vendor the database's vendor ({@link DatabaseVendor#of}), which decides the setup
     * @param nodeId this instance's {@code wechat.cluster.node-id}
     */
    public static void configure(CamelContext camelContext, DataSource dataSource, DatabaseVendor vendor,
            String nodeId) {
        if (!vendor.clustered()) {
            if (vendor == DatabaseVendor.H2 && h2InFiles(dataSource)) {
                LOG.debug("H2 keeps schedules in memory and serves one instance; run several instances on PostgreSQL"
                        + " or MariaDB");
            }
            return;
        }
        String dataSourceName = "wechat-" + UUID.randomUUID();
        Properties properties = clusteredProperties(vendor, nodeId, dataSourceName);
        QuartzComponent quartz = camelContext.getComponent("quartz", QuartzComponent.class);
        quartz.setSchedulerFactory(new ClusteredSchedulerFactory(properties, dataSourceName, dataSource));
        quartz.setAutoStartScheduler(false);
        camelContext.getManagementStrategy().addEventNotifier(new StartWhenScheduledRoutesStarted(quartz));
        LOG.debug("Quartz schedules clustered on the database ({}): scheduler {}, instance {}", vendor,
                SCHEDULER_NAME, nodeId);
    }

    /** Quartz's properties of the clustered scheduler on {@code vendor}, whose connections come from {@code dataSourceName}. */
    static Properties clusteredProperties(DatabaseVendor vendor, String nodeId, String dataSourceName) {
        Properties properties = new Properties();
        properties.setProperty(StdSchedulerFactory.PROP_SCHED_INSTANCE_NAME, SCHEDULER_NAME);
        properties.setProperty(StdSchedulerFactory.PROP_SCHED_INSTANCE_ID, nodeId);
        properties.setProperty("org.quartz.scheduler.skipUpdateCheck", "true");
        properties.setProperty(StdSchedulerFactory.PROP_THREAD_POOL_CLASS, SimpleThreadPool.class.getName());
        properties.setProperty("org.quartz.threadPool.threadCount", String.valueOf(THREAD_COUNT));
        properties.setProperty(StdSchedulerFactory.PROP_JOB_STORE_CLASS, JobStoreTX.class.getName());
        properties.setProperty("org.quartz.jobStore.driverDelegateClass",
                (vendor == DatabaseVendor.POSTGRESQL ? PostgreSQLDelegate.class : StdJDBCDelegate.class).getName());
        properties.setProperty("org.quartz.jobStore.dataSource", dataSourceName);
        properties.setProperty("org.quartz.jobStore.tablePrefix", TABLE_PREFIX);
        properties.setProperty("org.quartz.jobStore.isClustered", "true");
        properties.setProperty("org.quartz.jobStore.clusterCheckinInterval", String.valueOf(CLUSTER_CHECKIN_MS));
        properties.setProperty("org.quartz.jobStore.misfireThreshold", String.valueOf(MISFIRE_THRESHOLD_MS));
        return properties;
    }

    private static boolean h2InFiles(DataSource dataSource) {
        try (Connection connection = dataSource.getConnection()) {
            String url = connection.getMetaData().getURL();
            return url != null && !url.toLowerCase(Locale.ROOT).startsWith("jdbc:h2:mem:");
        } catch (SQLException e) {
            return false;
        }
    }

    /**
     * Creates the clustered scheduler when camel-quartz asks for it: registers the pool with Quartz first, and keeps
     * the scheduler out of Quartz's JVM-wide registry of schedulers by name, where a second context in the same JVM
     * (Karaf restarting the bundle, tests) would otherwise be handed this one instead of its own.
     */
    private static final class ClusteredSchedulerFactory implements SchedulerFactory {

        private final Properties properties;
        private final String dataSourceName;
        private final DataSource dataSource;
        private Scheduler scheduler;

        ClusteredSchedulerFactory(Properties properties, String dataSourceName, DataSource dataSource) {
            this.properties = properties;
            this.dataSourceName = dataSourceName;
            this.dataSource = dataSource;
        }

        @Override
        public synchronized Scheduler getScheduler() throws SchedulerException {
            if (scheduler == null || scheduler.isShutdown()) {
                DBConnectionManager.getInstance().addConnectionProvider(dataSourceName,
                        new PoolConnections(dataSource));
                SchedulerRepository repository = SchedulerRepository.getInstance();
                // Held while the new scheduler is in the registry, so no other factory in this JVM can look it up.
                synchronized (repository) {
                    scheduler = new StdSchedulerFactory(properties).getScheduler();
                    repository.remove(SCHEDULER_NAME);
                }
            }
            return scheduler;
        }

        @Override
        public Scheduler getScheduler(String schedName) throws SchedulerException {
            return SCHEDULER_NAME.equals(schedName) ? getScheduler() : null;
        }

        @Override
        public Collection<Scheduler> getAllSchedulers() throws SchedulerException {
            return List.of(getScheduler());
        }
    }

    /**
     * Starts the component's scheduler when the last {@code quartz:} route of the context has started (for each route
     * start: are all of them started now?); routes started later find it running.
     */
    private static final class StartWhenScheduledRoutesStarted extends EventNotifierSupport {

        private final QuartzComponent quartz;

        StartWhenScheduledRoutesStarted(QuartzComponent quartz) {
            this.quartz = quartz;
        }

        @Override
        public boolean isEnabled(CamelEvent event) {
            return event instanceof RouteStartedEvent;
        }

        @Override
        public void notify(CamelEvent event) throws Exception {
            Scheduler scheduler = quartz.getScheduler();
            if (scheduler == null || scheduler.isStarted() || scheduler.isShutdown()) {
                return;
            }
            Route started = ((RouteStartedEvent) event).getRoute();
            RouteController routes = quartz.getCamelContext().getRouteController();
            for (Route route : routes.getControlledRoutes()) {
                Endpoint endpoint = route.getEndpoint();
                if (endpoint instanceof DelegateEndpoint delegate) {
                    endpoint = delegate.getEndpoint();
                }
                // the event comes before the route's own status says Started
                if (endpoint instanceof QuartzEndpoint && !route.getId().equals(started.getId())
                        && !routes.getRouteStatus(route.getId()).isStarted()) {
                    return;
                }
            }
            LOG.debug("Starting the clustered Quartz scheduler: every quartz route has started");
            scheduler.start();
        }
    }

    /** The bundle's pool as Quartz's connection source; the pool belongs to the bundle, so Quartz does not close it. */
    private record PoolConnections(DataSource dataSource) implements ConnectionProvider {

        @Override
        public Connection getConnection() throws SQLException {
            return dataSource.getConnection();
        }

        @Override
        public void shutdown() {
            // the bundle closes its pool when the context stops
        }

        @Override
        public void initialize() {
            // the pool is open already
        }
    }
}
