package io.wechatopen.camel.store;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.MigrationVersion;

/**
 * Creates and upgrades the {@code wechat_} tables with Flyway, at start, before any store is used.
 *
 * <p>Migrations are SQL scripts in {@value #LOCATION}, one script for every database: H2 2.x, PostgreSQL and
 * MySQL/MariaDB. The type of large text columns is written {@code ${large_text}} in the scripts and chosen here from
 * the {@link DatabaseVendor} ({@code MEDIUMTEXT} on MySQL/MariaDB, {@code TEXT} on PostgreSQL, {@code CLOB}
 * elsewhere). The databases several instances can share (PostgreSQL, MySQL/MariaDB) also get the scripts of their own
 * folder under {@value #VENDOR_LOCATION}: Quartz's own tables for its clustered job store, as V4, prefixed
 * {@code wechat_qrtz_}. Versions are numbered across both locations. Applied versions are recorded in
 * {@value #HISTORY_TABLE}, so the tables can share a schema with other applications.
 */
public final class StoreMigrations {

    /** Where the migration scripts are, on the class path of this class's class loader. */
    public static final String LOCATION = "classpath:io/wechatopen/camel/store/migration";

    /** The parent of the vendors' own migration folders ({@code postgresql}, {@code mysql}), as {@link #LOCATION}. */
    public static final String VENDOR_LOCATION = "classpath:io/wechatopen/camel/store/vendor-migration";

    /** Flyway's schema history table. */
    public static final String HISTORY_TABLE = "wechat_schema_history";

    private StoreMigrations() {
    }

    /**
     * Applies every migration not yet applied to the database's current schema, each in its own transaction.
     * Validates the applied ones first: a changed, missing or failed migration stops the start. A schema that
     * already holds other tables but no {@value #HISTORY_TABLE} is accepted (baseline at version 0, then all
     * migrations run). Flyway's {@code clean} is disabled.
     *
     * @return the number of migrations applied by this call; 0 when the schema was up to date
     * @throws StoreException when validation or a migration fails, or the database cannot be reached
     */
    public static int migrate(DataSource dataSource) {
        return migrate(dataSource, MigrationVersion.LATEST);
    }

    /** As {@link #migrate(DataSource)}, but stops after {@code target} (for tests of upgrades from old versions). */
    static int migrate(DataSource dataSource, MigrationVersion target) {
        DatabaseVendor vendor;
        try {
            vendor = DatabaseVendor.of(dataSource);
        } catch (StoreException e) {
            throw new StoreException("Migrating the wechat_ tables failed: " + e.getMessage(), e.getCause());
        }
        List<String> locations = new ArrayList<>(List.of(LOCATION));
        if (vendor.migrationFolder() != null) {
            locations.add(VENDOR_LOCATION + "/" + vendor.migrationFolder());
        }
        try {
            Flyway flyway = Flyway.configure(StoreMigrations.class.getClassLoader())
                    .target(target)
                    .dataSource(dataSource)
                    .locations(locations.toArray(String[]::new))
                    .failOnMissingLocations(true)
                    .table(HISTORY_TABLE)
                    .placeholders(Map.of("large_text", vendor.largeTextType()))
                    .validateOnMigrate(true)
                    .cleanDisabled(true)
                    // Our tables are prefixed wechat_ to live next to others: a non-empty schema is no reason to stop.
                    .baselineOnMigrate(true)
                    .baselineVersion("0")
                    .load();
            int executed = flyway.migrate().migrationsExecuted;
            // An empty scan would pass silently (the applied versions count as "future") and leave the schema old.
            // Checked only when nothing ran: the second scan and history read were a fifth of a first start's Flyway time.
            if (executed == 0
                    && Arrays.stream(flyway.info().all()).noneMatch(migration -> migration.getState().isResolved())) {
                throw new StoreException("Flyway found no migration in " + locations + " (in Karaf, flyway-core must "
                        + "be started before this bundle; see the start-level in the feature)");
            }
            return executed;
        } catch (FlywayException e) {
            throw new StoreException("Migrating the wechat_ tables failed: " + e.getMessage(), e);
        }
    }
}
