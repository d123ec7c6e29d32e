package io.wechatopen.camel.store;

import io.wechatopen.camel.store.TestDatabases.Vendor;

/** The authorizer ticket store contract on MariaDb. */
class MariaDbAuthorizerTicketStoreTest extends AuthorizerTicketStoreTestSupport {

    @Override
    Vendor vendor() {
        return Vendor.MARIADB;
    }
}
