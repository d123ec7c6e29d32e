package io.wechatopen.camel.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;

/**
 * How this instance takes part in a cluster: several instances on one PostgreSQL or MariaDB database form one
 * platform with no further setting.
 *
 * @param nodeId {@code wechat.cluster.node-id} (default: host name and process id, e.g. {@code web-1-4711}): this
 *        instance's name in leases, Quartz's instance id and the admin status; at most 64 characters of
 *        {@code [A-Za-z0-9._-]}
 * @param leaseDuration {@code wechat.cluster.lease-duration} (default {@code 30s}): how long a lease taken in the
 *        database (a token refresh, a claimed batch of the sweep, a notice being delivered) is held before other
 *        instances may take the work over, i.e. how long the work of an instance that died waits at most
 */
public record ClusterSettings(String nodeId, Duration leaseDuration) {

    /** The default of {@code wechat.cluster.lease-duration}. */
    public static final Duration DEFAULT_LEASE_DURATION = Duration.ofSeconds(30);

    /** @throws ConfigurationException when the node id or the lease duration is invalid */
    public static ClusterSettings from(SettingsSource source) {
        String nodeId = source.string("wechat.cluster.node-id", defaultNodeId());
        if (!nodeId.matches("[A-Za-z0-9._-]{1,64}")) {
            throw source.invalid("wechat.cluster.node-id", "1 to 64 characters of letters, digits, '.', '_' or '-'");
        }
        Duration lease = source.duration("wechat.cluster.lease-duration", DEFAULT_LEASE_DURATION);
        if (lease.compareTo(Duration.ofSeconds(5)) < 0) {
            throw source.invalid("wechat.cluster.lease-duration", "a duration of at least 5s, such as 30s");
        }
        return new ClusterSettings(nodeId, lease);
    }

    /** The host name and the process id, cut to a valid node id. */
    static String defaultNodeId() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            host = "node";
        }
        String id = host.replaceAll("[^A-Za-z0-9._-]", "-");
        String pid = "-" + ProcessHandle.current().pid();
        if (id.length() + pid.length() > 64) {
            id = id.substring(0, 64 - pid.length());
        }
        return id + pid;
    }
}
