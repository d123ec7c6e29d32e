package io.wechatopen.camel.model;

import java.time.Instant;

/**
 * An instance on the shared database, as its heartbeat last recorded it.
 *
 * @param nodeId its {@code wechat.cluster.node-id}
 * @param host the host it runs on
 * @param startedAt when it started
 * @param lastSeen its latest heartbeat
 */
public record ClusterNode(String nodeId, String host, Instant startedAt, Instant lastSeen) {
}
