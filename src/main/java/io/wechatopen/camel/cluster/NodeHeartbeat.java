package io.wechatopen.camel.cluster;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.wechatopen.camel.model.ClusterNode;
import io.wechatopen.camel.store.NodeStore;

/**
 * This instance's row in {@code wechat_node}, beaten every {@link #PERIOD} by the route {@code wechat-node-heartbeat},
 * and the instances seen within {@link #SEEN_WITHIN} for the admin status.
 */
public final class NodeHeartbeat {

    private static final Logger LOG = LoggerFactory.getLogger(NodeHeartbeat.class);

    /** How often an instance records that it is alive. */
    public static final Duration PERIOD = Duration.ofSeconds(10);
    /** An instance whose last heartbeat is older is not listed. */
    public static final Duration SEEN_WITHIN = Duration.ofMinutes(2);

    private final NodeStore store;
    private final String nodeId;
    private final String host;
    private final Instant startedAt;
    private final Clock clock;
    private final boolean singleInstanceDatabase;
    private final AtomicBoolean warnedShared = new AtomicBoolean();

    /**
     * @param store the node table
     * @param nodeId this instance's {@code wechat.cluster.node-id}
     * @param singleInstanceDatabase whether the database serves one instance only (H2): another instance seen there
     *        is warned about
     * @param clock gives the start and heartbeat times; the start time is taken now
     */
    public NodeHeartbeat(NodeStore store, String nodeId, boolean singleInstanceDatabase, Clock clock) {
        this.store = Objects.requireNonNull(store, "store");
        this.nodeId = Objects.requireNonNull(nodeId, "nodeId");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.singleInstanceDatabase = singleInstanceDatabase;
        this.host = hostName();
        this.startedAt = clock.instant();
    }

    /**
     * Records that this instance is alive now. On a single-instance database, warns once when another instance has
     * been seen there recently.
     *
     * @throws io.wechatopen.camel.store.StoreException when the database cannot be written (the next beat retries)
     */
    public void beat() {
        store.beat(new ClusterNode(nodeId, host, startedAt, clock.instant()));
        if (singleInstanceDatabase && !warnedShared.get()) {
            List<String> others = instances().stream().map(ClusterNode::nodeId).filter(id -> !id.equals(nodeId))
                    .toList();
            if (!others.isEmpty() && warnedShared.compareAndSet(false, true)) {
                LOG.warn("Instances {} use this H2 database too: H2 keeps schedules in memory, so every scheduled job"
                        + " runs on each of them; run several instances on PostgreSQL or MariaDB", others);
            }
        }
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
