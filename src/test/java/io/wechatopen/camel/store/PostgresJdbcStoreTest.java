package io.wechatopen.camel.store;

import io.wechatopen.camel.store.TestDatabases.Vendor;

/** The JDBC store contract on PostgreSQL. */
class PostgresJdbcStoreTest extends JdbcStoreTestSupport {

    @Override
    Vendor vendor() {
        return Vendor.POSTGRESQL;
    }
}
