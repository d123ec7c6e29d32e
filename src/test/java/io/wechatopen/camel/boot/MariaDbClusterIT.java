package io.wechatopen.camel.boot;

import io.wechatopen.camel.store.TestDatabases.Vendor;

/** {@link ClusterTestSupport} on MariaDB. */
class MariaDbClusterIT extends ClusterTestSupport {

    @Override
    Vendor vendor() {
        return Vendor.MARIADB;
    }
}
