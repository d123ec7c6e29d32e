package io.wechatopen.camel.boot;

import io.wechatopen.camel.store.TestDatabases.Vendor;

/** {@link ClusterTestSupport} on PostgreSQL. */
class PostgresClusterIT extends ClusterTestSupport {

    @Override
    Vendor vendor() {
        return Vendor.POSTGRESQL;
    }
}
