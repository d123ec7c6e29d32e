package io.wechatopen.camel.store;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import io.wechatopen.camel.store.TestDatabases.Db;
import io.wechatopen.camel.store.TestDatabases.Vendor;

class DatabaseVendorTest {

    @Test
    void fromProductNameWhenDriverNamesThenVendor() {
        assertThat(DatabaseVendor.fromProductName("H2")).isEqualTo(DatabaseVendor.H2);
        assertThat(DatabaseVendor.fromProductName("PostgreSQL")).isEqualTo(DatabaseVendor.POSTGRESQL);
        assertThat(DatabaseVendor.fromProductName("MariaDB")).isEqualTo(DatabaseVendor.MYSQL);
        assertThat(DatabaseVendor.fromProductName("MySQL")).isEqualTo(DatabaseVendor.MYSQL);
        assertThat(DatabaseVendor.fromProductName("Oracle")).isEqualTo(DatabaseVendor.OTHER);
        assertThat(DatabaseVendor.fromProductName(null)).isEqualTo(DatabaseVendor.OTHER);
    }

    @ParameterizedTest
    @EnumSource(Vendor.class)
    void ofWhenRealDatabaseThenVendorAndWhetherSharable(Vendor vendor) {
        try (Db db = TestDatabases.empty(vendor)) {
            DatabaseVendor found = DatabaseVendor.of(db.dataSource());

            assertThat(found).isEqualTo(switch (vendor) {
                case H2 -> DatabaseVendor.H2;
                case POSTGRESQL -> DatabaseVendor.POSTGRESQL;
                case MARIADB -> DatabaseVendor.MYSQL;
            });
            assertThat(found.clustered()).isEqualTo(vendor != Vendor.H2);
        }
    }
}
