package io.wechatopen.camel.store;

import io.wechatopen.camel.store.TestDatabases.Vendor;

/** The OAuth state store contract on H2. */
class H2OAuthStateStoreTest extends OAuthStateStoreTestSupport {

    @Override
    Vendor vendor() {
        return Vendor.H2;
    }
}
