package io.wechatopen.camel.store;

import io.wechatopen.camel.store.TestDatabases.Vendor;

/** The outbox contract on H2. */
class H2NoticeStoreTest extends NoticeStoreTestSupport {

    @Override
    Vendor vendor() {
        return Vendor.H2;
    }
}
