package io.wechatopen.camel.store;

import io.wechatopen.camel.store.TestDatabases.Vendor;

/** The quota store contract on MariaDb. */
class MariaDbQuotaStoreTest extends QuotaStoreTestSupport {

    @Override
    Vendor vendor() {
        return Vendor.MARIADB;
    }
}
