package io.wechatopen.camel.store;

import io.wechatopen.camel.store.TestDatabases.Vendor;

/** The JDBC store contract on MariaDB. */
class MariaDbJdbcStoreTest extends JdbcStoreTestSupport {

    @Override
    Vendor vendor() {
        return Vendor.MARIADB;
    }
}
