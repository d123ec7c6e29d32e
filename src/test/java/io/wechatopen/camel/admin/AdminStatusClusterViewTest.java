package io.wechatopen.camel.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.wechatopen.camel.support.RunningBundle;

/**
 * {@code GET /admin/status} reads the shared state from the database: the instances that beat recently (this one
 * included), the undelivered notices, and another instance's last error of the token upkeep.
 */
class AdminStatusClusterViewTest {

    @Test
    void statusWhenOtherInstancesAndAPendingNoticeAreInTheDatabaseThenShowsThem() throws Exception {
        Map<String, String> overrides = new LinkedHashMap<>(RunningBundle.NO_SANDBOX);
        overrides.put("wechat.cluster.node-id", "node-here");
        try (RunningBundle bundle = RunningBundle.start(overrides)) {
            String component = bundle.componentAppid();
            long now = Instant.now().toEpochMilli();
            update(bundle, "INSERT INTO wechat_node (node_id, host, started_at, last_seen) VALUES (?, ?, ?, ?)",
                    "node-other", "host-2", now - 60_000, now - 5_000);
            update(bundle, "INSERT INTO wechat_node (node_id, host, started_at, last_seen) VALUES (?, ?, ?, ?)",
                    "node-gone", "host-3", now - 3_600_000, now - 600_000);
            // another instance's error, later than any this one can record meanwhile
            update(bundle, "INSERT INTO wechat_component_health (component_appid, outcome, at, operation, errcode,"
                    + " message) VALUES (?, ?, ?, ?, ?, ?)", component, "error", now + 60_000, "api_component_token",
                    40013, "invalid appid");
            // a notice another instance holds: leased for an hour
            update(bundle, "INSERT INTO wechat_notice (notice_id, component_appid, authorizer_appid, kind,"
                    + " change_kind, headers, body, created_at, attempts, lease_holder, lease_until)"
                    + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", "n-1", component, "wxa1", "authorization",
                    "unauthorized", "{}", "{}", now, 0, "node-other", now + 3_600_000);

            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                JsonNode status = bundle.status();
                assertThat(status.path("instances").findValuesAsText("node_id")).containsExactly("node-here",
                        "node-other");
            });
            JsonNode status = bundle.status();
            JsonNode other = status.path("instances").get(1);
            assertThat(other.path("host").asText()).isEqualTo("host-2");
            assertThat(other.path("started_at").asText()).isEqualTo(Instant.ofEpochMilli(now - 60_000).toString());
            assertThat(other.path("last_seen").asText()).isEqualTo(Instant.ofEpochMilli(now - 5_000).toString());
            JsonNode view = status.path("components").get(0);
            assertThat(view.path("notices_pending").asLong()).isEqualTo(1);
            assertThat(view.path("last_error").path("errcode").asInt()).isEqualTo(40013);
            assertThat(view.path("last_error").path("at").asText())
                    .isEqualTo(Instant.ofEpochMilli(now + 60_000).toString());
        }
    }

    private static void update(RunningBundle bundle, String sql, Object... parameters) throws SQLException {
        try (Connection connection = bundle.dataSource().getConnection();
                PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                statement.setObject(i + 1, parameters[i]);
            }
            statement.executeUpdate();
        }
    }
}
