package io.wechatopen.camel.store;

import io.wechatopen.camel.store.TestDatabases.Vendor;

/** The outbox contract on PostgreSQL. */
class PostgresNoticeStoreTest extends NoticeStoreTestSupport {

    @Override
    Vendor vendor() {
        return Vendor.POSTGRESQL;
    }
}
