package io.wechatopen.camel.store;

import io.wechatopen.camel.store.TestDatabases.Vendor;

/** The OAuth state store contract on MariaDb. */
class MariaDbOAuthStateStoreTest extends OAuthStateStoreTestSupport {

    @Override
    Vendor vendor() {
        return Vendor.MARIADB;
    }
}
