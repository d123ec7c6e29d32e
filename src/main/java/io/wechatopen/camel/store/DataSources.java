package io.wechatopen.camel.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import javax.sql.DataSource;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

import io.wechatopen.camel.config.ConfigurationException;
import io.wechatopen.camel.config.StoreSettings;

/**
 * Builds the connection pool of the bundle from {@link StoreSettings}, so that a commit that returned is durable: an
 * answer such as {@code success} to a push or "Authorization complete" promises that what it stored survives a crash
 * of this JVM.
 */
public final class DataSources {

    /** The pool name, visible in HikariCP's logs and metrics. */
    public static final String POOL_NAME = "wechat";

    /**
     * The H2 setting that delays writing commits to the file (500 ms by default; in H2 2.x the MVStore's auto-commit
     * delay). {@code 0} makes every commit write its changes to the file before it returns.
     */
    public static final String H2_WRITE_DELAY = "WRITE_DELAY";

    private static final Logger LOG = LoggerFactory.getLogger(DataSources.class);
    private static final String URL_KEY = "{{wechat.datasource.url}}";
    private static final String H2_PREFIX = "jdbc:h2:";
    private static final String H2_FILE_PREFIX = "jdbc:h2:file:";
    private static final String H2_MEMORY_PREFIX = "jdbc:h2:mem:";
    // Hikari silently replaces a connection timeout below 250 ms with 30 s; refuse it instead.
    private static final Duration MIN_CONNECTION_TIMEOUT = Duration.ofMillis(250);

    private DataSources() {
    }

    /**
     * Opens a HikariCP pool named {@value #POOL_NAME} with the URL, credentials, maximum pool size and connection
     * timeout of {@code settings}, and checks that one connection can be made. For a {@code jdbc:h2:file:} URL the
     * directory of the database file is created first. Connections use READ COMMITTED isolation; PostgreSQL
     * connections send JDBC batches of inserts as multi-row INSERTs ({@code reWriteBatchedInserts=true} unless the
     * URL sets it).
     *
     * <p>Durability: for every H2 URL except {@code jdbc:h2:mem:} the pool connects with {@code WRITE_DELAY=0}
     * (replacing any other value the URL gives, with a warning), so a commit has reached the operating system, and
     * survives {@code kill -9}, when it returns; this needs an H2 user with admin rights, as the database's creator
     * has. On PostgreSQL ({@code synchronous_commit}, {@code fsync}) and MySQL/MariaDB
     * ({@code innodb_flush_log_at_trx_commit}) the server's settings are read once and a setting that lets the
     * server lose commits is logged as a warning that names it; the pool is opened all the same.
     *
     * @return an open pool; the caller closes it on shutdown
     * @throws ConfigurationException when the URL is empty, the pool size is below 1, the connection timeout is below
     *         250 ms, or the H2 directory cannot be created; the message names the key to fix
     * @throws StoreException when no connection can be made, or an H2 file database still delays its writes; the
     *         message names {@code {{wechat.datasource.url}}} and the URL without its parameters, never the password
     */
    public static HikariDataSource create(StoreSettings settings) {
        String url = settings.url();
        if (url == null || url.isBlank()) {
            throw new ConfigurationException("Missing setting " + URL_KEY + ": set a JDBC URL such as "
                    + "jdbc:h2:file:./data/wechat");
        }
        if (settings.maximumPoolSize() < 1) {
            throw new ConfigurationException(
                    "Invalid setting {{wechat.datasource.maximum-pool-size}}: expected a whole number of at least 1");
        }
        Duration connectionTimeout = settings.connectionTimeout();
        if (connectionTimeout == null || connectionTimeout.compareTo(MIN_CONNECTION_TIMEOUT) < 0) {
            throw new ConfigurationException(
                    "Invalid setting {{wechat.datasource.connection-timeout}}: expected at least 250ms");
        }
        createH2Directory(url.trim());

        HikariConfig config = new HikariConfig();
        config.setPoolName(POOL_NAME);
        config.setJdbcUrl(durableUrl(url.trim()));
        config.setUsername(settings.username());
        config.setPassword(settings.password());
        config.setMaximumPoolSize(settings.maximumPoolSize());
        config.setConnectionTimeout(connectionTimeout.toMillis());
        config.setTransactionIsolation("TRANSACTION_READ_COMMITTED");
        String driver = driverClassName(url.trim());
        if (driver != null) {
            // Named explicitly because DriverManager cannot see the drivers across OSGi class loaders.
            config.setDriverClassName(driver);
        }
        if (url.trim().startsWith("jdbc:postgresql:") && !url.contains("reWriteBatchedInserts")) {
            // The push intake writes pushes that arrive together as one JDBC batch: sent as multi-row INSERTs, the
            // server parses and executes one statement per batch instead of one per push.
            config.addDataSourceProperty("reWriteBatchedInserts", "true");
        }
        HikariDataSource dataSource;
        try {
            dataSource = new HikariDataSource(config);
        } catch (RuntimeException e) {
            throw new StoreException("Cannot connect to the database of " + URL_KEY + " (" + withoutParameters(url)
                    + ") as user " + settings.username() + ": check the URL, the credentials and that the database "
                    + "server is running", e);
        }
        try {
            checkDurability(dataSource, url.trim());
            return dataSource;
        } catch (RuntimeException e) {
            dataSource.close();
            throw e;
        }
    }

    /**
     * The URL the pool connects with: for an H2 database kept in files (every H2 URL but {@code jdbc:h2:mem:},
     * including server URLs, whose database is a file on the server) {@code url} with {@code WRITE_DELAY=0} in place
     * of any {@code WRITE_DELAY} it sets; any other URL unchanged.
     */
    static String durableUrl(String url) {
        if (!isH2Files(url)) {
            return url;
        }
        String[] parts = url.split(";");
        StringBuilder durable = new StringBuilder(parts[0]);
        for (int i = 1; i < parts.length; i++) {
            String part = parts[i];
            int eq = part.indexOf('=');
            String name = (eq < 0 ? part : part.substring(0, eq)).trim();
            if (name.equalsIgnoreCase(H2_WRITE_DELAY)) {
                String value = eq < 0 ? "" : part.substring(eq + 1).trim();
                if (!"0".equals(value)) {
                    LOG.warn("{} ({}) sets {}={}: replaced by {}=0, because a commit that the bundle reports as "
                            + "stored must be in the database file when it returns", URL_KEY, withoutParameters(url),
                            H2_WRITE_DELAY, value, H2_WRITE_DELAY);
                }
            } else if (!part.isEmpty()) {
                durable.append(';').append(part);
            }
        }
        return durable.append(';').append(H2_WRITE_DELAY).append("=0").toString();
    }

    private static boolean isH2Files(String url) {
        return url.regionMatches(true, 0, H2_PREFIX, 0, H2_PREFIX.length())
                && !url.regionMatches(true, 0, H2_MEMORY_PREFIX, 0, H2_MEMORY_PREFIX.length());
    }

    /**
     * Checks a data source the runtime provides (a pax-jdbc {@code DataSource} service in Karaf) as
     * {@link #create(StoreSettings)} checks its own pool: that a connection can be made and that a returned commit is
     * durable.
     *
     * @throws StoreException when no connection can be made, or an H2 file database still delays its writes
     */
    public static void checkProvided(DataSource dataSource) {
        String url;
        try (Connection connection = dataSource.getConnection()) {
            url = connection.getMetaData().getURL();
        } catch (SQLException e) {
            throw new StoreException("Cannot connect to the database of the provided DataSource service: check the "
                    + "service's configuration and that the database server is running", e);
        }
        checkDurability(dataSource, url == null ? "" : url);
    }

    /** Checks once, on a fresh pool, that a returned commit is durable; see {@link #create(StoreSettings)}. */
    private static void checkDurability(DataSource dataSource, String url) {
        String shown = withoutParameters(url);
        try (Connection connection = dataSource.getConnection()) {
            String product = connection.getMetaData().getDatabaseProductName().toLowerCase(Locale.ROOT);
            if (product.contains("h2")) {
                if (isH2Files(url)) {
                    String writeDelay = h2Setting(connection, H2_WRITE_DELAY);
                    if (!"0".equals(writeDelay)) {
                        throw new StoreException("The H2 database of " + URL_KEY + " (" + shown + ") still has "
                                + H2_WRITE_DELAY + "=" + writeDelay + ": commits could be lost on a crash; connect "
                                + "as a user with admin rights");
                    }
                    LOG.debug("H2 database {} runs with {}=0: every commit is in the database file when it returns",
                            shown, H2_WRITE_DELAY);
                }
            } else {
                for (String lossy : lossySettings(connection, product)) {
                    LOG.warn("The database of {} ({}) is configured to lose commits on a server crash ({}): a push "
                            + "answered 'success' or an authorization reported complete could be lost. Set it to the "
                            + "server's durable default", URL_KEY, shown, lossy);
                }
            }
        } catch (SQLException e) {
            LOG.warn("Could not check whether the database of {} ({}) keeps every commit on disk: {}", URL_KEY, shown,
                    e.getClass().getSimpleName());
        }
    }

    private static String h2Setting(Connection connection, String name) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(
                "SELECT SETTING_VALUE FROM INFORMATION_SCHEMA.SETTINGS WHERE SETTING_NAME = ?")) {
            statement.setString(1, name);
            try (ResultSet rs = statement.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    /**
     * The server settings, as {@code name=value}, that let a committed transaction be lost when the database server
     * (or its machine) crashes: PostgreSQL {@code synchronous_commit=off} or {@code fsync=off}; MySQL/MariaDB
     * {@code innodb_flush_log_at_trx_commit} other than 1. Empty for other databases.
     */
    static List<String> lossySettings(Connection connection, String product) throws SQLException {
        List<String> lossy = new ArrayList<>();
        if (product.contains("postgres")) {
            for (String name : new String[] {"synchronous_commit", "fsync"}) {
                String value = single(connection, "SHOW " + name);
                if ("off".equalsIgnoreCase(value)) {
                    lossy.add(name + "=" + value);
                }
            }
        } else if (product.contains("mariadb") || product.contains("mysql")) {
            String value = single(connection, "SELECT @@GLOBAL.innodb_flush_log_at_trx_commit");
            if (value != null && !"1".equals(value.trim())) {
                lossy.add("innodb_flush_log_at_trx_commit=" + value.trim());
            }
        }
        return lossy;
    }

    private static String single(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement(); ResultSet rs = statement.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    private static void createH2Directory(String url) {
        if (!url.regionMatches(true, 0, H2_FILE_PREFIX, 0, H2_FILE_PREFIX.length())) {
            return;
        }
        String location = url.substring(H2_FILE_PREFIX.length());
        int semicolon = location.indexOf(';');
        if (semicolon >= 0) {
            location = location.substring(0, semicolon);
        }
        if (location.startsWith("~")) {
            location = System.getProperty("user.home") + location.substring(1);
        }
        Path parent = Paths.get(location).toAbsolutePath().getParent();
        if (parent == null) {
            return;
        }
        try {
            Files.createDirectories(parent);
        } catch (IOException e) {
            throw new ConfigurationException("Cannot create the directory " + parent + " of the H2 database of "
                    + URL_KEY + ": " + e.getClass().getSimpleName());
        }
    }

    private static String driverClassName(String url) {
        if (url.startsWith("jdbc:h2:")) {
            return "org.h2.Driver";
        }
        if (url.startsWith("jdbc:postgresql:")) {
            return "org.postgresql.Driver";
        }
        if (url.startsWith("jdbc:mariadb:")) {
            return "org.mariadb.jdbc.Driver";
        }
        return null;
    }

    /**
     * The URL for messages: query ({@code ?...}) and H2 settings ({@code ;...}) removed, as are credentials in an
     * authority part, because any of these may carry a password.
     */
    public static String withoutParameters(String url) {
        String shown = url.trim();
        int cut = shown.length();
        for (char c : new char[] {'?', ';'}) {
            int i = shown.indexOf(c);
            if (i >= 0 && i < cut) {
                cut = i;
            }
        }
        shown = shown.substring(0, cut);
        int authority = shown.indexOf("//");
        int at = shown.lastIndexOf('@');
        if (authority >= 0 && at > authority) {
            shown = shown.substring(0, authority + 2) + shown.substring(at + 1);
        }
        return shown;
    }
}
