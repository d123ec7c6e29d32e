package io.wechatopen.camel.store;

import io.wechatopen.camel.store.TestDatabases.Vendor;

/** The quota store contract on Postgres. */
class PostgresQuotaStoreTest extends QuotaStoreTestSupport {

    @Override
    Vendor vendor() {
        return Vendor.POSTGRESQL;
    }
}
