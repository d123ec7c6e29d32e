package io.wechatopen.camel.token;

import io.wechatopen.camel.store.TestDatabases.Vendor;

/** {@link TwoInstancesTestSupport} on one MariaDB database shared by both instances. */
class MariaDbTwoInstancesTest extends TwoInstancesTestSupport {

    @Override
    Vendor vendor() {
        return Vendor.MARIADB;
    }
}
