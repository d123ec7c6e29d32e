package io.wechatopen.camel.token;

import io.wechatopen.camel.store.TestDatabases.Vendor;

/** {@link TwoInstancesTestSupport} on one H2 database shared by both instances. */
class H2TwoInstancesTest extends TwoInstancesTestSupport {

    @Override
    Vendor vendor() {
        return Vendor.H2;
    }
}
