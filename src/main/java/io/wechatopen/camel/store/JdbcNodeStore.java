package io.wechatopen.camel.store;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

import javax.sql.DataSource;

import io.wechatopen.camel.model.ClusterNode;

/** {@link NodeStore} on the {@code wechat_node} table; the upsert is portable (update, else insert). Thread-safe. */
public final class JdbcNodeStore implements NodeStore {

    private static final String UPDATE = "UPDATE wechat_node SET host = ?, started_at = ?, last_seen = ?"
            + " WHERE node_id = ?";
    private static final String EXISTS = "SELECT 1 FROM wechat_node WHERE node_id = ?";
    private static final String INSERT = "INSERT INTO wechat_node (node_id, host, started_at, last_seen)"
            + " VALUES (?, ?, ?, ?)";
    private static final String SELECT_SEEN = "SELECT node_id, host, started_at, last_seen FROM wechat_node"
            + " WHERE last_seen >= ? ORDER BY node_id";

    private final DataSource dataSource;

    /** @param dataSource a pool on a database migrated by {@link StoreMigrations} */
    public JdbcNodeStore(DataSource dataSource) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    }

    @Override
    public void beat(ClusterNode node) {
        Objects.requireNonNull(node, "node");
        String host = node.host().length() > 255 ? node.host().substring(0, 255) : node.host();
        JdbcSupport.inTransaction(dataSource, "Recording a node heartbeat",
                connection -> JdbcSupport.updateOrInsert(connection, UPDATE, s -> {
                    s.setString(1, host);
                    s.setLong(2, node.startedAt().toEpochMilli());
                    s.setLong(3, node.lastSeen().toEpochMilli());
                    s.setString(4, node.nodeId());
                }, EXISTS, s -> s.setString(1, node.nodeId()), INSERT, s -> {
                    s.setString(1, node.nodeId());
                    s.setString(2, host);
                    s.setLong(3, node.startedAt().toEpochMilli());
                    s.setLong(4, node.lastSeen().toEpochMilli());
                }));
    }

    @Override
    public List<ClusterNode> seenSince(Instant since) {
        return JdbcSupport.read(dataSource, "Reading the nodes seen recently",
                connection -> JdbcSupport.queryList(connection, SELECT_SEEN, s -> s.setLong(1, since.toEpochMilli()),
                        rs -> new ClusterNode(rs.getString(1), rs.getString(2), Instant.ofEpochMilli(rs.getLong(3)),
                                Instant.ofEpochMilli(rs.getLong(4)))));
    }
}
