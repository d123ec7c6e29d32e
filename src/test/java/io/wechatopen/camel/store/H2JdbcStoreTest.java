package io.wechatopen.camel.store;

import io.wechatopen.camel.store.TestDatabases.Vendor;

/** The JDBC store contract on H2. */
class H2JdbcStoreTest extends JdbcStoreTestSupport {

    @Override
    Vendor vendor() {
        return Vendor.H2;
    }
}
