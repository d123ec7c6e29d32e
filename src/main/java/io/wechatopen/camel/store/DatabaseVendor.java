package io.wechatopen.camel.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Locale;

import javax.sql.DataSource;

/**
 * The kind of database the bundle runs on, as its JDBC driver names it. It decides the few vendor differences: the
 * type of large text columns, the vendor-specific migrations, and whether several instances may share the database
 * (PostgreSQL and MySQL/MariaDB: Quartz's clustered job store; H2: one instance, schedules in memory).
 */
public enum DatabaseVendor {

    /** H2 2.x, in memory or in a file: one instance only. */
    H2("CLOB", null),
    /** PostgreSQL. */
    POSTGRESQL("TEXT", "postgresql"),
    /** MySQL or MariaDB (the same driver dialect, the same scripts). */
    MYSQL("MEDIUMTEXT", "mysql"),
    /** Anything else: the common scripts only, one instance. */
    OTHER("CLOB", null);

    private final String largeTextType;
    private final String migrationFolder;

    DatabaseVendor(String largeTextType, String migrationFolder) {
        this.largeTextType = largeTextType;
        this.migrationFolder = migrationFolder;
    }

    /**
     * The vendor of {@code dataSource}, from one connection's metadata.
     *
     * @throws StoreException when no connection can be made; the message names the SQLState, never the URL
     */
    public static DatabaseVendor of(DataSource dataSource) {
        try (Connection connection = dataSource.getConnection()) {
            return fromProductName(connection.getMetaData().getDatabaseProductName());
        } catch (SQLException e) {
            throw new StoreException("Cannot connect to the database to read its kind (SQLState " + e.getSQLState()
                    + ")", e);
        }
    }

    /** The vendor of a JDBC {@code DatabaseMetaData.getDatabaseProductName()}; {@link #OTHER} when unknown. */
    static DatabaseVendor fromProductName(String productName) {
        String product = productName == null ? "" : productName.toLowerCase(Locale.ROOT);
        if (product.contains("mariadb") || product.contains("mysql")) {
            return MYSQL;
        }
        if (product.contains("postgresql")) {
            return POSTGRESQL;
        }
        if (product.contains("h2")) {
            return H2;
        }
        return OTHER;
    }

    /** The column type of large texts in the migrations ({@code ${large_text}}). */
    String largeTextType() {
        return largeTextType;
    }

    /**
     * The folder of this vendor's own migrations under {@code io/wechatopen/camel/store/vendor-migration/}, or
     * {@code null} when it has none.
     */
    String migrationFolder() {
        return migrationFolder;
    }

    /**
     * Whether several instances of the bundle may run on one database of this kind, with Quartz's clustered job store
     * in its {@code wechat_qrtz_} tables.
     */
    public boolean clustered() {
        return migrationFolder != null;
    }
}
