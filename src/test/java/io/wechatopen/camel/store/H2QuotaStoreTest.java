package io.wechatopen.camel.store;

import io.wechatopen.camel.store.TestDatabases.Vendor;

/** The quota store contract on H2. */
class H2QuotaStoreTest extends QuotaStoreTestSupport {

    @Override
    Vendor vendor() {
        return Vendor.H2;
    }
}
