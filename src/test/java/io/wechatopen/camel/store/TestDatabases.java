package io.wechatopen.camel.store;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Locale;
import java.util.Properties;
import java.util.UUID;

import javax.sql.DataSource;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.opentest4j.TestAbortedException;

import com.zaxxer.hikari.HikariDataSource;

import io.wechatopen.camel.config.StoreSettings;

/**
 * Disposable, isolated databases for JDBC tests: an in-memory H2 database, a fresh schema {@code wechat_it_<random>}
 * on PostgreSQL, or a fresh database {@code wechat_it_<random>} on MariaDB. Each is reached through
 * {@link DataSources#create(StoreSettings)} (so through the production pool) and dropped on {@link Db#close()}.
 *
 * <p>Servers default to {@code jdbc:postgresql://127.0.0.1:5432/test} as {@code postgres} and
 * {@code jdbc:mariadb://127.0.0.1:3306/test} as {@code root}, both without password; override with
 * {@code WECHAT_TEST_POSTGRES_URL/_USER/_PASSWORD} and {@code WECHAT_TEST_MARIADB_URL/_USER/_PASSWORD}. When a server
 * cannot be reached the calling test is skipped, or fails when the environment variable {@code CI} is
 * {@code true}: a CI build must not pass without its database tests.
 *
 * <p>Typical use, once per test class: {@code shared = TestDatabases.perClass(Vendor.MARIADB)} in {@code @BeforeAll},
 * {@code shared.db()} in {@code @BeforeEach} (skips each test while the server is unreachable), and
 * {@code shared.close()} in {@code @AfterAll}.
 */
public final class TestDatabases {

    /** The databases the bundle supports. */
    public enum Vendor {
        H2("H2", null, null, null),
        POSTGRESQL("PostgreSQL", "jdbc:postgresql://127.0.0.1:5432/test", "postgres", "WECHAT_TEST_POSTGRES"),
        MARIADB("MariaDB", "jdbc:mariadb://127.0.0.1:3306/test", "root", "WECHAT_TEST_MARIADB");

        private final String displayName;
        private final String defaultUrl;
        private final String defaultUser;
        private final String envPrefix;

        Vendor(String displayName, String defaultUrl, String defaultUser, String envPrefix) {
            this.displayName = displayName;
            this.defaultUrl = defaultUrl;
            this.defaultUser = defaultUser;
            this.envPrefix = envPrefix;
        }

        /** The server's admin URL: from {@code <prefix>_URL} or the default. */
        public String url() {
            return env(envPrefix + "_URL", defaultUrl);
        }

        String user() {
            return env(envPrefix + "_USER", defaultUser);
        }

        String password() {
            return env(envPrefix + "_PASSWORD", "");
        }

        @Override
        public String toString() {
            return displayName;
        }
    }

    /** A key for tests only (base64 of 32 bytes). */
    public static final String TEST_KEY = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=";

    private TestDatabases() {
    }

    /**
     * For {@code @BeforeAll}: an isolated, migrated database shared by the tests of a class. When the server is
     * unreachable (and {@code CI} is not {@code true}) the reason is kept and {@link PerClass#db()} skips each test
     * with it, because Surefire reports an abort in {@code @BeforeAll} as "0 tests run" without any message.
     */
    public static PerClass perClass(Vendor vendor) {
        try {
            return new PerClass(migrated(vendor), null);
        } catch (TestAbortedException e) {
            return new PerClass(null, e.getMessage());
        }
    }

    /** An isolated database with every migration applied; skips or fails the caller when the server is unreachable. */
    public static Db migrated(Vendor vendor) {
        Db db = empty(vendor);
        try {
            StoreMigrations.migrate(db.dataSource());
        } catch (RuntimeException e) {
            db.close();
            throw e;
        }
        return db;
    }

    /** An isolated, empty database (no tables); skips or fails the caller when the server is unreachable. */
    public static Db empty(Vendor vendor) {
        String name = "wechat_it_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        return switch (vendor) {
            case H2 -> {
                String url = "jdbc:h2:mem:" + name + ";DB_CLOSE_DELAY=-1";
                yield new Db(vendor, name, url, "sa", "", open(url, "sa", ""), () -> shutdownH2(url));
            }
            case POSTGRESQL -> {
                admin(vendor, "CREATE SCHEMA " + name);
                String url = withParameter(vendor.url(), "currentSchema=" + name);
                yield new Db(vendor, name, url, vendor.user(), vendor.password(),
                        open(url, vendor.user(), vendor.password()),
                        () -> admin(vendor, "DROP SCHEMA " + name + " CASCADE"));
            }
            case MARIADB -> {
                admin(vendor, "CREATE DATABASE " + name + " CHARACTER SET utf8mb4");
                String url = withDatabase(vendor.url(), name);
                yield new Db(vendor, name, url, vendor.user(), vendor.password(),
                        open(url, vendor.user(), vendor.password()), () -> admin(vendor, "DROP DATABASE " + name));
            }
        };
    }

    private static void shutdownH2(String url) {
        try (Connection connection = DriverManager.getConnection(url, "sa", "");
                Statement statement = connection.createStatement()) {
            statement.execute("SHUTDOWN");
        } catch (SQLException e) {
            throw new IllegalStateException("cannot shut down " + url, e);
        }
    }

    private static HikariDataSource open(String url, String user, String password) {
        return DataSources.create(new StoreSettings(url, user, password, 10, Duration.ofSeconds(10), TEST_KEY));
    }

    /** Runs one statement on the server's admin URL; skips or fails the test when the server is unreachable. */
    private static void admin(Vendor vendor, String sql) {
        try (Connection connection = connectAdmin(vendor); Statement statement = connection.createStatement()) {
            statement.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(vendor + " at " + vendor.url() + ": " + sql + " failed", e);
        }
    }

    private static Connection connectAdmin(Vendor vendor) {
        Properties properties = new Properties();
        properties.setProperty("user", vendor.user());
        properties.setProperty("password", vendor.password());
        // PostgreSQL counts seconds, MariaDB milliseconds.
        properties.setProperty("connectTimeout", vendor == Vendor.POSTGRESQL ? "5" : "5000");
        try {
            return DriverManager.getConnection(vendor.url(), properties);
        } catch (SQLException e) {
            String reason = vendor + " at " + vendor.url() + " as " + vendor.user() + " unreachable (" + e.getMessage()
                    + ")";
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                Assertions.fail(reason + " and CI=true: database tests must not be skipped");
            }
            return Assumptions.abort(reason + ": " + vendor + " tests skipped; start the server or set "
                    + vendor.envPrefix + "_URL/_USER/_PASSWORD");
        }
    }

    /** Adds {@code parameter} to the query of a JDBC URL. */
    static String withParameter(String url, String parameter) {
        return url + (url.indexOf('?') >= 0 ? "&" : "?") + parameter;
    }

    /** Replaces the database of a {@code jdbc:<scheme>://host[:port]/database[?query]} URL. */
    static String withDatabase(String url, String database) {
        int hostStart = url.indexOf("//");
        int query = url.indexOf('?');
        String base = query >= 0 ? url.substring(0, query) : url;
        String params = query >= 0 ? url.substring(query) : "";
        int slash = base.indexOf('/', hostStart + 2);
        String hostPart = slash >= 0 ? base.substring(0, slash) : base;
        return hostPart + "/" + database + params;
    }

    private static String env(String name, String defaultValue) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? defaultValue : value;
    }

    /** The database of a test class, or why it could not be had. */
    public static final class PerClass implements AutoCloseable {

        private final Db db;
        private final String unavailable;

        private PerClass(Db db, String unavailable) {
            this.db = db;
            this.unavailable = unavailable;
        }

        /** The database; aborts the calling test (reported as skipped, with the reason) when there is none. */
        public Db db() {
            if (db == null) {
                Assumptions.abort(unavailable);
            }
            return db;
        }

        @Override
        public void close() {
            if (db != null) {
                db.close();
            }
        }
    }

    /** One isolated database; {@link #close()} closes the pool and drops it. */
    public static final class Db implements AutoCloseable {

        private final Vendor vendor;
        private final String name;
        private final String url;
        private final String user;
        private final String password;
        private final HikariDataSource dataSource;
        private final Runnable drop;

        Db(Vendor vendor, String name, String url, String user, String password, HikariDataSource dataSource,
                Runnable drop) {
            this.vendor = vendor;
            this.name = name;
            this.url = url;
            this.user = user;
            this.password = password;
            this.dataSource = dataSource;
            this.drop = drop;
        }

        /** The JDBC URL of this database, for a bundle started in another JVM ({@code wechat.datasource.url}). */
        public String url() {
            return url;
        }

        /** The user of {@link #url()}. */
        public String user() {
            return user;
        }

        /** The password of {@link #user()}. */
        public String password() {
            return password;
        }

        /** The database kind. */
        public Vendor vendor() {
            return vendor;
        }

        /** The schema (PostgreSQL), database (MariaDB) or in-memory database (H2) name. */
        public String name() {
            return name;
        }

        /** The pool on this database (pool name {@code wechat}), open until {@link #close()}. */
        public DataSource dataSource() {
            return dataSource;
        }

        /** Deletes every row of the {@code wechat_} tables, for a clean start of each test. */
        public void deleteAllRows() {
            try (Connection connection = dataSource.getConnection();
                    Statement statement = connection.createStatement()) {
                for (String table : new String[] {"wechat_authorization_event", "wechat_authorizer",
                        "wechat_component", "wechat_authorization_state", "wechat_authorization_code", "wechat_notice",
                        "wechat_node", "wechat_component_health", "wechat_api_backoff",
                        "wechat_authorizer_sweep", "wechat_quota_reset", "wechat_quota_reading",
                        "wechat_authorizer_ticket", "wechat_oauth_state"}) {
                    statement.executeUpdate("DELETE FROM " + table);
                }
            } catch (SQLException e) {
                throw new IllegalStateException("cannot empty the tables of " + this, e);
            }
        }

        @Override
        public void close() {
            dataSource.close();
            drop.run();
        }

        @Override
        public String toString() {
            return vendor + " " + name.toLowerCase(Locale.ROOT);
        }
    }
}
