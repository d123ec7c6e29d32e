package io.wechatopen.camel.store;

import java.time.Instant;
import java.util.List;

import io.wechatopen.camel.model.ClusterNode;

/** The instances on the database ({@code wechat_node}), one row per node id, kept fresh by their heartbeats. */
public interface NodeStore {

    /**
     * Records a heartbeat: inserts the node's row or updates its host, start time and last seen time.
     *
     * @throws StoreException when the database cannot be written
     */
    void beat(ClusterNode node);

    /**
     * @return the nodes whose last heartbeat is at or after {@code since}, by node id
     * @throws StoreException when the database cannot be read
     */
    List<ClusterNode> seenSince(Instant since);
}
