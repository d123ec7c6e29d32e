package io.wechatopen.camel.store;

import io.wechatopen.camel.store.TestDatabases.Vendor;

/** The outbox contract on MariaDB. */
class MariaDbNoticeStoreTest extends NoticeStoreTestSupport {

    @Override
    Vendor vendor() {
        return Vendor.MARIADB;
    }
}
