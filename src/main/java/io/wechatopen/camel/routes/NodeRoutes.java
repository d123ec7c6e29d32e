package io.wechatopen.camel.routes;

import org.apache.camel.builder.RouteBuilder;

import io.wechatopen.camel.cluster.NodeHeartbeat;

/** {@code wechat-node-heartbeat}: this instance's heartbeat in {@code wechat_node}, at start and every 10 s. */
public final class NodeRoutes extends RouteBuilder {

    private final NodeHeartbeat heartbeat;

    public NodeRoutes(NodeHeartbeat heartbeat) {
        this.heartbeat = heartbeat;
    }

    @Override
    public void configure() {
        from("timer:wechat-node-heartbeat?delay=0&period=" + NodeHeartbeat.PERIOD.toMillis())
                .routeId("wechat-node-heartbeat")
                .routeConfigurationId("wechat-schedule-errors")
                .bean(heartbeat, "beat");
    }
}
