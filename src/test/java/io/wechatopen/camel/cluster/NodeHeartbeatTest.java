package io.wechatopen.camel.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;

import org.junit.jupiter.api.Test;

import io.wechatopen.camel.model.ClusterNode;
import io.wechatopen.camel.store.JdbcNodeStore;
import io.wechatopen.camel.store.TestDatabases;
import io.wechatopen.camel.store.TestDatabases.Db;
import io.wechatopen.camel.store.TestDatabases.Vendor;
import io.wechatopen.camel.support.LogCapture;
import io.wechatopen.camel.support.MutableClock;

class NodeHeartbeatTest {

    private static final Instant T0 = Instant.parse("2026-12-05T10:00:00Z");

    @Test
    void beatWhenAnotherInstanceUsesTheSameH2DatabaseThenWarnsOnce() {
        MutableClock clock = new MutableClock(T0);
        try (Db db = TestDatabases.migrated(Vendor.H2);
                LogCapture log = new LogCapture(NodeHeartbeat.class.getName())) {
            NodeHeartbeat a = new NodeHeartbeat(new JdbcNodeStore(db.dataSource()), "node-a", true, clock);
            NodeHeartbeat b = new NodeHeartbeat(new JdbcNodeStore(db.dataSource()), "node-b", true, clock);
            a.beat();
            assertThat(log.events()).as("alone on the database").isEmpty();

            b.beat();
            clock.advance(NodeHeartbeat.PERIOD);
            a.beat();
            a.beat();

            assertThat(log.events()).extracting(LogCapture.Event::message).filteredOn(m -> m.contains("[node-b]"))
                    .hasSize(1).allMatch(m -> m.contains("H2 keeps schedules in memory"));
            assertThat(a.instances()).extracting(ClusterNode::nodeId).containsExactlyInAnyOrder("node-a", "node-b");
        }
    }

    @Test
    void beatWhenTheDatabaseIsSharedByDesignThenSaysNothing() {
        MutableClock clock = new MutableClock(T0);
        try (Db db = TestDatabases.migrated(Vendor.H2);
                LogCapture log = new LogCapture(NodeHeartbeat.class.getName())) {
            new NodeHeartbeat(new JdbcNodeStore(db.dataSource()), "node-a", false, clock).beat();
            new NodeHeartbeat(new JdbcNodeStore(db.dataSource()), "node-b", false, clock).beat();
            new NodeHeartbeat(new JdbcNodeStore(db.dataSource()), "node-a", false, clock).beat();

            assertThat(log.events()).isEmpty();
        }
    }
}
