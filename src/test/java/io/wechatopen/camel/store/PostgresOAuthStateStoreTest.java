package io.wechatopen.camel.store;

import io.wechatopen.camel.store.TestDatabases.Vendor;

/** The OAuth state store contract on Postgres. */
class PostgresOAuthStateStoreTest extends OAuthStateStoreTestSupport {

    @Override
    Vendor vendor() {
        return Vendor.POSTGRESQL;
    }
}
