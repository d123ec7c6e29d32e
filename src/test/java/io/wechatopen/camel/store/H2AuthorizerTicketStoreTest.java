package io.wechatopen.camel.store;

import io.wechatopen.camel.store.TestDatabases.Vendor;

/** The authorizer ticket store contract on H2. */
class H2AuthorizerTicketStoreTest extends AuthorizerTicketStoreTestSupport {

    @Override
    Vendor vendor() {
        return Vendor.H2;
    }
}
