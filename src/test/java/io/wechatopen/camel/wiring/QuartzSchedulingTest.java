package io.wechatopen.camel.wiring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import javax.sql.DataSource;

import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.quartz.QuartzComponent;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.quartz.Scheduler;
import org.quartz.SchedulerMetaData;
import org.quartz.simpl.RAMJobStore;

import com.zaxxer.hikari.HikariDataSource;

import io.wechatopen.camel.config.StoreSettings;
import io.wechatopen.camel.store.DataSources;
import io.wechatopen.camel.store.DatabaseVendor;
import io.wechatopen.camel.store.StoreMigrations;
import io.wechatopen.camel.store.TestDatabases;
import io.wechatopen.camel.store.TestDatabases.Db;
import io.wechatopen.camel.store.TestDatabases.Vendor;
import io.wechatopen.camel.support.LogCapture;

/**
 * {@link QuartzScheduling} on real databases: on PostgreSQL and MariaDB two contexts set up like the bundle's (each its
 * own Quartz scheduler, as two instances would have) on one migrated database form one cluster; on H2 a context keeps
 * Quartz's in-memory store. Node b starts its routes as Camel Main does (supervising route controller), node a as
 * Karaf does (with the context).
 */
class QuartzSchedulingTest {

    private static final String CONTEXT_NAME = "wechat-open-camel";
    private static final String EVERY_SECOND = "* * * * * ?";
    private static final List<String> QUARTZ_TABLES = List.of("JOB_DETAILS", "TRIGGERS", "SIMPLE_TRIGGERS",
            "CRON_TRIGGERS", "SIMPROP_TRIGGERS", "BLOB_TRIGGERS", "CALENDARS", "PAUSED_TRIGGER_GRPS", "FIRED_TRIGGERS",
            "SCHEDULER_STATE", "LOCKS");

    private final List<CamelContext> contexts = new ArrayList<>();
    private final List<AutoCloseable> resources = new ArrayList<>();
    /** Every firing of the test schedule: the node that ran it and Quartz's scheduled fire time. */
    private final List<Firing> firings = new java.util.concurrent.CopyOnWriteArrayList<>();

    @TempDir
    Path tempDir;

    record Firing(String node, Date scheduledAt) {
    }

    @AfterEach
    void stopAll() throws Exception {
        for (CamelContext context : contexts) {
            context.stop();
        }
        for (AutoCloseable resource : resources) {
            resource.close();
        }
    }

    @ParameterizedTest
    @EnumSource(Vendor.class)
    void migrateWhenDatabaseSharableThenQuartzTablesExistElseNone(Vendor vendor) throws SQLException {
        Db db = TestDatabases.migrated(vendor);
        resources.add(db);

        for (String table : QUARTZ_TABLES) {
            // the names exactly as Quartz's SQL writes them (MariaDB on Linux compares table names case-sensitively)
            String name = QuartzScheduling.TABLE_PREFIX + table;
            if (vendor == Vendor.H2) {
                assertThat(tableExists(db.dataSource(), name)).as(name).isFalse();
            } else {
                assertThat(count(db.dataSource(), "SELECT COUNT(*) FROM " + name)).as(name).isZero();
            }
        }
        assertThat(DatabaseVendor.of(db.dataSource()).clustered()).isEqualTo(vendor != Vendor.H2);
    }

    @ParameterizedTest
    @EnumSource(value = Vendor.class, names = {"POSTGRESQL", "MARIADB"})
    void twoContextsWhenClusteredThenEachFiringRunsOnceAndTheOtherGoesOnAfterAStop(Vendor vendor) throws Exception {
        Db db = TestDatabases.migrated(vendor);
        resources.add(db);
        CamelContext a = start(db.dataSource(), "node-a", EVERY_SECOND);
        CamelContext b = start(db.dataSource(), "node-b", EVERY_SECOND);

        for (CamelContext context : List.of(a, b)) {
            SchedulerMetaData meta = scheduler(context).getMetaData();
            assertThat(meta.isJobStoreClustered()).isTrue();
            assertThat(meta.getSchedulerName()).isEqualTo(QuartzScheduling.SCHEDULER_NAME);
        }
        assertThat(scheduler(a)).isNotSameAs(scheduler(b));
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(
                strings(db.dataSource(), "SELECT INSTANCE_NAME FROM wechat_qrtz_SCHEDULER_STATE WHERE SCHED_NAME = '"
                        + QuartzScheduling.SCHEDULER_NAME + "'")).containsExactlyInAnyOrder("node-a", "node-b"));
        await().atMost(Duration.ofSeconds(30)).until(() -> firings.size() >= 8);
        assertThat(duplicates()).as("fire times run on both nodes").isEmpty();

        Scheduler schedulerOfA = scheduler(a);
        a.stop();
        assertThat(schedulerOfA.isShutdown()).as("node-a's scheduler after its context stopped").isTrue();
        int beforeStop = firings.size();
        await().atMost(Duration.ofSeconds(30)).until(() -> firings.stream().skip(beforeStop)
                .filter(f -> f.node().equals("node-b")).count() >= 4);
        assertThat(duplicates()).as("fire times run on both nodes").isEmpty();
    }

    // A rolling restart with a new cron expression: the instance that starts with it reschedules the stored trigger.
    // (While instances with different expressions run together, each firing may store its own again.)
    @ParameterizedTest
    @EnumSource(value = Vendor.class, names = {"POSTGRESQL", "MARIADB"})
    void contextWhenScheduleStoredWithOtherCronThenReusesAndReschedules(Vendor vendor) throws Exception {
        Db db = TestDatabases.migrated(vendor);
        resources.add(db);
        CamelContext a = start(db.dataSource(), "node-a", EVERY_SECOND);
        assertThat(cronOfTestTrigger(db.dataSource())).containsExactly(EVERY_SECOND);
        await().atMost(Duration.ofSeconds(10)).until(() -> firings.size() >= 1);
        a.stop();

        start(db.dataSource(), "node-b", "0/2 * * * * ?");
        Date rescheduled = new Date();

        assertThat(cronOfTestTrigger(db.dataSource())).containsExactly("0/2 * * * * ?");
        await().atMost(Duration.ofSeconds(20)).until(() -> after(rescheduled).size() >= 3);
        assertThat(after(rescheduled)).allSatisfy(f -> assertThat(f.scheduledAt().getTime() / 1000 % 2).isZero());
        // node-a's last firing of the old schedule may fall in the second of node-b's first one; the new schedule's
        // own fire times each run once
        assertThat(after(rescheduled)).filteredOn(f -> f.node().equals("node-b")).extracting(Firing::scheduledAt)
                .doesNotHaveDuplicates();
    }

    @Test
    void h2WhenInFilesThenInMemorySchedulesSaidOnceAtStart() throws Exception {
        HikariDataSource dataSource = DataSources.create(new StoreSettings("jdbc:h2:file:" + tempDir.resolve("wechat"),
                "sa", "", 2, Duration.ofSeconds(5), TestDatabases.TEST_KEY));
        resources.add(dataSource);
        StoreMigrations.migrate(dataSource);
        CamelContext context;
        try (LogCapture log = new LogCapture(QuartzScheduling.class.getName())) {
            context = start(dataSource, "node-a", EVERY_SECOND);
            assertThat(log.events()).singleElement().extracting(LogCapture.Event::message).asString()
                    .contains("H2 keeps schedules in memory").contains("PostgreSQL or MariaDB");
        }
        assertThat(scheduler(context).getMetaData().getJobStoreClass()).isEqualTo(RAMJobStore.class);
        await().atMost(Duration.ofSeconds(10)).until(() -> firings.size() >= 2);
    }

    @Test
    void h2WhenInMemoryThenNothingSaid() throws Exception {
        Db db = TestDatabases.migrated(Vendor.H2);
        resources.add(db);
        try (LogCapture log = new LogCapture(QuartzScheduling.class.getName())) {
            CamelContext context = start(db.dataSource(), "node-a", EVERY_SECOND);
            assertThat(log.events()).isEmpty();
            assertThat(scheduler(context).getMetaData().isJobStoreClustered()).isFalse();
        }
    }

    /** A context set up as the bundle's, with one route on a quartz schedule that records its firings. */
    private CamelContext start(DataSource dataSource, String node, String cron) throws Exception {
        DefaultCamelContext context = new DefaultCamelContext();
        context.getCamelContextExtension().setName(CONTEXT_NAME);
        // both contexts live in one JVM: without JMX their equal names do not clash
        context.disableJMX();
        if (node.equals("node-b")) {
            // as Camel Main with camel.routecontroller.enabled: the routes start after the context, one by one
            context.getRouteController().supervising();
        }
        QuartzScheduling.configure(context, dataSource, DatabaseVendor.of(dataSource), node);
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("quartz:wechat-test/tick?cron=" + cron.replace(' ', '+')).routeId("wechat-test-tick")
                        .process(exchange -> firings.add(new Firing(node,
                                exchange.getMessage().getHeader("scheduledFireTime", Date.class))));
            }
        });
        contexts.add(context);
        context.start();
        return context;
    }

    private static Scheduler scheduler(CamelContext context) {
        return context.getComponent("quartz", QuartzComponent.class).getScheduler();
    }

    private List<Firing> after(Date time) {
        return firings.stream().filter(f -> f.scheduledAt().after(time)).toList();
    }

    /** The scheduled fire times that ran more than once, with the nodes that ran them. */
    private Map<Date, List<String>> duplicates() {
        return firings.stream()
                .collect(Collectors.groupingBy(Firing::scheduledAt,
                        Collectors.mapping(Firing::node, Collectors.toList())))
                .entrySet().stream().filter(e -> e.getValue().size() > 1)
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
    }

    private static List<String> cronOfTestTrigger(DataSource dataSource) throws SQLException {
        return strings(dataSource, "SELECT CRON_EXPRESSION FROM wechat_qrtz_CRON_TRIGGERS WHERE TRIGGER_GROUP ="
                + " 'wechat-test' AND TRIGGER_NAME = 'tick'");
    }

    private static boolean tableExists(DataSource dataSource, String name) throws SQLException {
        try (Connection connection = dataSource.getConnection();
                ResultSet tables = connection.getMetaData().getTables(null, null, "%", new String[] {"TABLE"})) {
            while (tables.next()) {
                if (tables.getString("TABLE_NAME").equalsIgnoreCase(name)) {
                    return true;
                }
            }
            return false;
        }
    }

    private static long count(DataSource dataSource, String sql) throws SQLException {
        return Long.parseLong(strings(dataSource, sql).get(0));
    }

    private static List<String> strings(DataSource dataSource, String sql) throws SQLException {
        return query(dataSource, sql, rs -> {
            try {
                return rs.getString(1);
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    private static <T> List<T> query(DataSource dataSource, String sql, Function<ResultSet, T> row)
            throws SQLException {
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement();
                ResultSet rs = statement.executeQuery(sql)) {
            List<T> rows = new ArrayList<>();
            while (rs.next()) {
                rows.add(row.apply(rs));
            }
            return rows;
        }
    }
}
