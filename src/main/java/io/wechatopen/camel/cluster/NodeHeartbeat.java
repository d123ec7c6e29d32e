package io.wechatopen.camel.cluster;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

import io.wechatopen.camel.model.ClusterNode;
import io.wechatopen.camel.store.NodeStore;

/**
 * This instance's row in {@code wechat_node}, beaten every {@link #PERIOD} by the route {@code wechat-node-heartbeat},
 * and the instances seen within {@link #SEEN_WITHIN} for the admin status.
 */
public final class NodeHeartbeat {

    /** How often an instance records that it is alive. */
    public static final Duration PERIOD = Duration.ofSeconds(10);
    /** An instance whose last heartbeat is older is not listed. */
    public static final Duration SEEN_WITHIN = Duration.ofMinutes(2);

    private final NodeStore store;
    private final String nodeId;
    private final String host;
    private final Instant startedAt;
    private final Clock clock;

    /**
     * @param store the node table
     * @param nodeId this instance's {@code wechat.cluster.node-id}
     * @param clock gives the start and heartbeat times; the start time is taken now
     */
    public NodeHeartbeat(NodeStore store, String nodeId, Clock clock) {
        this.store = Objects.requireNonNull(store, "store");
        this.nodeId = Objects.requireNonNull(nodeId, "nodeId");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.host = hostName();
        this.startedAt = clock.instant();
    }

    /**
     * Records that this instance is alive now.
     *
     * @throws io.wechatopen.camel.store.StoreException when the database cannot be written (the next beat retries)
     */
    public void beat() {
        store.beat(new ClusterNode(nodeId, host, startedAt, clock.instant()));
    }

    /** @return the instances seen within {@link #SEEN_WITHIN}, by node id */
    public List<ClusterNode> instances() {
        return store.seenSince(clock.instant().minus(SEEN_WITHIN));
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "unknown";
        }
    }
}
