package io.wechatopen.camel.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

import io.wechatopen.camel.config.ConfigurationException;
import io.wechatopen.camel.config.StoreSettings;

/** Builds the connection pool of the bundle from {@link StoreSettings}. */
public final class DataSources {

    /** The pool name, visible in HikariCP's logs and metrics. */
    public static final String POOL_NAME = "wechat";

    private static final String URL_KEY = "{{wechat.datasource.url}}";
    private static final String H2_FILE_PREFIX = "jdbc:h2:file:";
    // Hikari silently replaces a connection timeout below 250 ms with 30 s; refuse it instead.
    private static final Duration MIN_CONNECTION_TIMEOUT = Duration.ofMillis(250);

    private DataSources() {
    }

    /**
     * Opens a HikariCP pool named {@value #POOL_NAME} with the URL, credentials, maximum pool size and connection
     * timeout of {@code settings}, and checks that one connection can be made. For a {@code jdbc:h2:file:} URL the
     * directory of the database file is created first. Connections use READ COMMITTED isolation.
     *
     * @return an open pool; the caller closes it on shutdown
     * @throws ConfigurationException when the URL is empty, the pool size is below 1, the connection timeout is below
     *         250 ms, or the H2 directory cannot be created; the message names the key to fix
     * @throws StoreException when no connection can be made; the message names {@code {{wechat.datasource.url}}} and
     *         the URL without its parameters, never the password
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
        config.setJdbcUrl(url.trim());
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
        try {
            return new HikariDataSource(config);
        } catch (RuntimeException e) {
            throw new StoreException("Cannot connect to the database of " + URL_KEY + " (" + withoutParameters(url)
                    + ") as user " + settings.username() + ": check the URL, the credentials and that the database "
                    + "server is running", e);
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
    static String withoutParameters(String url) {
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
