package io.wechatopen.camel.bench.intake;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A fresh database for one bundle: an H2 file in a new directory, or a new schema on the PostgreSQL server of
 * {@code WECHAT_TEST_POSTGRES_URL/_USER/_PASSWORD} (default {@code jdbc:postgresql://127.0.0.1:5432/test} as
 * {@code postgres}), dropped on {@link #close()}. The bench reads it beside the bundle to count what was stored.
 */
final class Database implements AutoCloseable {

    private static final Pattern PG_URL = Pattern.compile("jdbc:postgresql://([^:/]+)(?::(\\d+))?/([^?]+).*");

    private final String name;
    private final String url;
    private final String user;
    private final String password;
    private final String schema;
    private final String adminUrl;

    private Database(String name, String url, String user, String password, String schema, String adminUrl) {
        this.name = name;
        this.url = url;
        this.user = user;
        this.password = password;
        this.schema = schema;
        this.adminUrl = adminUrl;
    }

    /**
     * An H2 file database under {@code dir}, opened by the bundle in auto-server mode so the bench can read it;
     * {@code urlSuffix} adds settings ({@code ;NAME=value}).
     */
    static Database h2(Path dir, String urlSuffix) {
        return new Database("h2", "jdbc:h2:file:" + dir.resolve("data/wechat").toAbsolutePath() + ";AUTO_SERVER=TRUE"
                + urlSuffix, "sa", "", null, null);
    }

    /** A new schema on the PostgreSQL server; throws when the server cannot be reached. */
    static Database postgres() throws SQLException {
        String admin = env("WECHAT_TEST_POSTGRES_URL", "jdbc:postgresql://127.0.0.1:5432/test");
        String user = env("WECHAT_TEST_POSTGRES_USER", "postgres");
        String password = env("WECHAT_TEST_POSTGRES_PASSWORD", "");
        String schema = "bench_intake_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        try (Connection connection = DriverManager.getConnection(admin, user, password);
                Statement statement = connection.createStatement()) {
            statement.execute("CREATE SCHEMA " + schema);
        }
        String url = admin + (admin.contains("?") ? "&" : "?") + "currentSchema=" + schema;
        return new Database("postgresql", url, user, password, schema, admin);
    }

    /** Whether the PostgreSQL server answers. */
    static boolean postgresReachable() {
        try (Connection connection = DriverManager.getConnection(
                env("WECHAT_TEST_POSTGRES_URL", "jdbc:postgresql://127.0.0.1:5432/test"),
                env("WECHAT_TEST_POSTGRES_USER", "postgres"), env("WECHAT_TEST_POSTGRES_PASSWORD", ""))) {
            return connection.isValid(5);
        } catch (SQLException e) {
            return false;
        }
    }

    String name() {
        return name;
    }

    String url() {
        return url;
    }

    String user() {
        return user;
    }

    String password() {
        return password;
    }

    boolean isPostgres() {
        return schema != null;
    }

    /** How many of {@code nonces} (pushes answered success) have no event row: must be 0. */
    long unstored(String componentAppid, List<String> nonces) throws SQLException {
        Set<String> stored = new HashSet<>();
        try (Connection connection = connect(); PreparedStatement select = connection.prepareStatement(
                "SELECT push_nonce FROM wechat_authorization_event WHERE component_appid = ?")) {
            select.setString(1, componentAppid);
            try (ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    stored.add(rs.getString(1));
                }
            }
        }
        return nonces.stream().filter(nonce -> !stored.contains(nonce)).count();
    }

    /** The average length of the stored (sealed) payloads, so pgbench inserts rows of the same size. */
    int averagePayloadLength() throws SQLException {
        try (Connection connection = connect(); Statement statement = connection.createStatement();
                ResultSet rs = statement.executeQuery("SELECT AVG(LENGTH(payload)) FROM wechat_authorization_event")) {
            rs.next();
            return Math.max(1, (int) Math.round(rs.getDouble(1)));
        }
    }

    /** Runs DDL on this database (PostgreSQL: in its schema). */
    void execute(String sql) throws SQLException {
        try (Connection connection = connect(); Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    /** {@code pgbench} connection options and the schema to put in {@code PGOPTIONS}. */
    List<String> pgbenchConnection() {
        Matcher m = PG_URL.matcher(adminUrl);
        if (!m.matches()) {
            throw new IllegalStateException("cannot read host, port and database from " + adminUrl);
        }
        return List.of("-h", m.group(1), "-p", m.group(2) == null ? "5432" : m.group(2), "-U", user, m.group(3));
    }

    String schema() {
        return schema;
    }

    private Connection connect() throws SQLException {
        return DriverManager.getConnection(url, user, password);
    }

    @Override
    public void close() throws SQLException {
        if (schema != null) {
            try (Connection connection = DriverManager.getConnection(adminUrl, user, password);
                    Statement statement = connection.createStatement()) {
                statement.execute("DROP SCHEMA " + schema + " CASCADE");
            }
        }
    }

    private static String env(String key, String defaultValue) {
        String value = System.getenv(key);
        return value == null || value.isBlank() ? defaultValue : value;
    }

    @Override
    public String toString() {
        return name.toUpperCase(Locale.ROOT) + (schema == null ? "" : " schema " + schema);
    }
}
