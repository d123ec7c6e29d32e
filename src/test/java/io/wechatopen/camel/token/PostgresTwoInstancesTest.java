package io.wechatopen.camel.token;

import io.wechatopen.camel.store.TestDatabases.Vendor;

/** {@link TwoInstancesTestSupport} on one PostgreSQL database shared by both instances. */
class PostgresTwoInstancesTest extends TwoInstancesTestSupport {

    @Override
    Vendor vendor() {
        return Vendor.POSTGRESQL;
    }
}
