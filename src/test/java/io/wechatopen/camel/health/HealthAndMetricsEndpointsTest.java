package io.wechatopen.camel.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.camel.health.HealthCheckRegistry;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.zaxxer.hikari.HikariDataSource;

import io.wechatopen.camel.crypto.EncryptedPush;
import io.wechatopen.camel.support.RunningBundle;

/**
 * Issue 6 item 10: health and metrics, Camel-native, over real HTTP against the whole bundle. {@code /health} (no
 * auth), {@code /admin/health} and {@code /admin/metrics} (bearer), served by our own netty-http consumer.
 */
class HealthAndMetricsEndpointsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    // Issue 6 item 10: a running bundle with the sandbox is UP, shows every check, and counts WeChat's answers.
    @Test
    void endpointsWhenBundleRunsWithSandboxThenUpChecksAndMetrics() throws Exception {
        try (RunningBundle bundle = RunningBundle.start(Map.of("wechat.sandbox.first-push-delay", "500ms"))) {
            HttpResponse<String> health = bundle.get(bundle.baseUrl() + "/health", null);
            assertThat(health.statusCode()).isEqualTo(200);
            assertThat(health.body()).isEqualTo("{\"status\":\"UP\"}");
            assertThat(health.headers().firstValue("Content-Type")).hasValueSatisfying(
                    type -> assertThat(type).startsWith("application/json"));

            for (String path : new String[] {"/admin/health", "/admin/metrics"}) {
                assertThat(bundle.get(bundle.baseUrl() + path, null).statusCode()).as(path).isEqualTo(401);
                HttpResponse<String> wrong = bundle.get(bundle.baseUrl() + path, "not-the-token");
                assertThat(wrong.statusCode()).as(path).isEqualTo(401);
                assertThat(wrong.body()).doesNotContain("not-the-token");
            }

            // The sandbox pushes a ticket shortly after start; the bundle then obtains a component token.
            await().atMost(Duration.ofSeconds(30)).until(() -> "UP".equals(check(bundle, "wechat-component-token")
                    .path("status").asText()));
            JsonNode adminHealth = adminHealth(bundle);
            assertThat(adminHealth.path("status").asText()).isEqualTo("UP");
            assertThat(check(adminHealth, "wechat-store").path("status").asText()).isEqualTo("UP");
            assertThat(check(adminHealth, "wechat-ticket").path("status").asText()).isEqualTo("UP");
            assertThat(check(adminHealth, "wechat-authorizers").path("status").asText()).isEqualTo("UP");
            assertThat(check(adminHealth, "wechat-events").path("status").asText()).isEqualTo("UP");
            // Camel's own checks come along: the context and every route.
            assertThat(check(adminHealth, "context").path("status").asText()).isEqualTo("UP");
            assertThat(check(adminHealth, "route:wechat-component-event-receive").path("status").asText())
                    .isEqualTo("UP");
            String secrets = bundle.sandboxState().at("/tickets/latest").asText();
            assertThat(adminHealth.toString()).doesNotContain(secrets).doesNotContain("sandbox-appsecret");

            String metrics = metrics(bundle);
            assertThat(value(metrics, "wechat_api_calls_total", "api=\"api_component_token\"", "errcode=\"0\""))
                    .isGreaterThanOrEqualTo(1.0);
            assertThat(value(metrics, "wechat_push_received_total", "info_type=\"component_verify_ticket\"",
                    "outcome=\"stored\"")).isGreaterThanOrEqualTo(1.0);
            assertThat(value(metrics, "wechat_component_ticket_age_seconds",
                    "component_appid=\"" + bundle.componentAppid() + "\"")).isBetween(0.0, 60.0);
            assertThat(value(metrics, "wechat_authorizers", "status=\"AUTHORIZED\"")).isZero();
            assertThat(value(metrics, "wechat_authorizer_refresh_total", "outcome=\"refreshed\"")).isZero();
            assertThat(metrics).contains("camel_exchanges_total{")
                    .contains("routeId=\"wechat-component-event-receive\"");
            assertThat(metrics).doesNotContain(secrets);

            // An HTTP error from WeChat is counted by its status.
            double before = valueOrZero(metrics, "wechat_api_calls_total", "api=\"api_create_preauthcode\"",
                    "errcode=\"http_503\"");
            bundle.injectFault("{\"api\":\"api_create_preauthcode\",\"count\":10,\"http_status\":503}");
            bundle.startAuthorization("");
            assertThat(value(metrics(bundle), "wechat_api_calls_total", "api=\"api_create_preauthcode\"",
                    "errcode=\"http_503\"")).isGreaterThan(before);
        }
    }

    // Issue 6 item 10: the checks turn DOWN for a missing ticket, an account to re-authorize and a FAILED push,
    // with counts; a call that gets no answer is counted as such.
    @Test
    void checksWhenNoTicketReauthorizationNeededAndFailedEventThenDownWithCounts() throws Exception {
        try (RunningBundle bundle = RunningBundle.start(RunningBundle.NO_SANDBOX)) {
            String appid = bundle.componentAppid();
            JsonNode ticket = check(bundle, "wechat-ticket");
            assertThat(ticket.path("status").asText()).isEqualTo("DOWN");
            assertThat(ticket.path("message").asText()).contains(appid).contains("no ticket");
            assertThat(adminHealth(bundle).path("status").asText()).isEqualTo("DOWN");
            // /health only says whether pushes can be taken: a missing ticket does not stop them.
            assertThat(bundle.get(bundle.baseUrl() + "/health", null).statusCode()).isEqualTo(200);

            long now = Instant.now().toEpochMilli();
            insertAuthorizer(bundle, appid, "wxneedsreauth0001", "NEEDS_REAUTHORIZATION", now);
            insertAuthorizer(bundle, appid, "wxneedsreauth0002", "NEEDS_REAUTHORIZATION", now);
            insertAuthorizer(bundle, appid, "wxauthorized00001", "AUTHORIZED", now);
            JsonNode authorizers = check(bundle, "wechat-authorizers");
            assertThat(authorizers.path("status").asText()).isEqualTo("DOWN");
            assertThat(authorizers.path("message").asText()).startsWith("2 account(s) need re-authorization");

            assertThat(check(bundle, "wechat-events").path("status").asText()).isEqualTo("UP");
            insertFailedEvent(bundle, appid, now);
            JsonNode events = check(bundle, "wechat-events");
            assertThat(events.path("status").asText()).isEqualTo("DOWN");
            assertThat(events.path("message").asText()).startsWith("1 authorization push(es) FAILED");

            String metrics = metrics(bundle);
            assertThat(value(metrics, "wechat_authorizers", "status=\"NEEDS_REAUTHORIZATION\"")).isEqualTo(2.0);
            assertThat(value(metrics, "wechat_authorizers", "status=\"AUTHORIZED\"")).isEqualTo(1.0);
            assertThat(value(metrics, "wechat_component_ticket_age_seconds")).isNaN();

            // A ticket arrives: the check turns UP, and the token upkeep it wakes finds nobody at the API address.
            EncryptedPush push = bundle.pushes().ticket("ticket@@@health-" + UUID.randomUUID(), Instant.now());
            assertThat(bundle.post(bundle.eventsUrl() + "?" + push.queryString(), "text/xml", push.body())
                    .statusCode()).isEqualTo(200);
            assertThat(check(bundle, "wechat-ticket").path("status").asText()).isEqualTo("UP");
            await().atMost(Duration.ofSeconds(20)).until(() -> valueOrZero(metrics(bundle),
                    "wechat_api_calls_total", "api=\"api_component_token\"", "errcode=\"connect\"") >= 1.0);
            assertThat(value(metrics(bundle), "wechat_component_ticket_age_seconds")).isBetween(0.0, 60.0);
            JsonNode token = check(bundle, "wechat-component-token");
            assertThat(token.path("status").asText()).isEqualTo("DOWN");
            assertThat(token.path("message").asText()).contains(appid + ": no token obtained yet (last failure at")
                    .contains("api_component_token").doesNotContain("ticket@@@");

            // With Camel's registry switched off the endpoints answer from the bundle's own checks.
            HealthCheckRegistry.get(bundle.context()).setEnabled(false);
            assertThat(bundle.get(bundle.baseUrl() + "/health", null).statusCode()).isEqualTo(200);
            JsonNode own = adminHealth(bundle);
            assertThat(check(own, "wechat-authorizers").path("status").asText()).isEqualTo("DOWN");
            assertThat(own.path("checks")).hasSize(6);
        }
    }

    // Issue 6 item 10: with the database gone, /health is 503 DOWN (no auth needed) and wechat-store says why.
    @Test
    void healthWhenDatabaseGoneThen503Down() throws Exception {
        Map<String, String> properties = new HashMap<>(RunningBundle.NO_SANDBOX);
        try (RunningBundle bundle = RunningBundle.start(properties)) {
            assertThat(bundle.get(bundle.baseUrl() + "/health", null).statusCode()).isEqualTo(200);

            bundle.bean("wechatDataSource", HikariDataSource.class).close();

            HttpResponse<String> health = bundle.get(bundle.baseUrl() + "/health", null);
            assertThat(health.statusCode()).isEqualTo(503);
            assertThat(health.body()).isEqualTo("{\"status\":\"DOWN\"}");
            JsonNode adminHealth = adminHealth(bundle);
            assertThat(adminHealth.path("status").asText()).isEqualTo("DOWN");
            assertThat(check(adminHealth, "wechat-store").path("status").asText()).isEqualTo("DOWN");
            assertThat(check(adminHealth, "wechat-store").path("message").asText()).startsWith("database unreachable")
                    .doesNotContain("jdbc:");
            assertThat(check(adminHealth, "wechat-authorizers").path("status").asText()).isEqualTo("UNKNOWN");
            // The scrape still answers; what the database holds is unknown.
            assertThat(value(metrics(bundle), "wechat_authorizers", "status=\"AUTHORIZED\"")).isNaN();
        }
    }

    private static JsonNode adminHealth(RunningBundle bundle) throws Exception {
        HttpResponse<String> response = bundle.get(bundle.baseUrl() + "/admin/health", RunningBundle.ADMIN_TOKEN);
        assertThat(response.statusCode()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    private static JsonNode check(RunningBundle bundle, String id) throws Exception {
        return check(adminHealth(bundle), id);
    }

    private static JsonNode check(JsonNode health, String id) {
        for (JsonNode check : health.path("checks")) {
            if (id.equals(check.path("id").asText())) {
                return check;
            }
        }
        throw new AssertionError("no check " + id + " in " + health);
    }

    private static String metrics(RunningBundle bundle) throws Exception {
        HttpResponse<String> response = bundle.get(bundle.baseUrl() + "/admin/metrics", RunningBundle.ADMIN_TOKEN);
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("text/plain"));
        return response.body();
    }

    /** The value of the first sample of {@code name} whose labels contain every one of {@code labels}. */
    private static double value(String scrape, String name, String... labels) {
        Double value = find(scrape, name, labels);
        if (value == null) {
            throw new AssertionError("no sample " + name + " " + String.join(",", labels) + " in\n" + scrape);
        }
        return value;
    }

    private static double valueOrZero(String scrape, String name, String... labels) {
        Double value = find(scrape, name, labels);
        return value == null ? 0.0 : value;
    }

    private static Double find(String scrape, String name, String... labels) {
        Matcher line = Pattern.compile("(?m)^" + Pattern.quote(name) + "(\\{[^}]*\\})? (\\S+)$").matcher(scrape);
        while (line.find()) {
            String found = line.group(1) == null ? "" : line.group(1);
            boolean all = true;
            for (String label : labels) {
                all &= found.contains(label);
            }
            if (all) {
                return Double.valueOf(line.group(2));
            }
        }
        return null;
    }

    private static void insertAuthorizer(RunningBundle bundle, String componentAppid, String authorizerAppid,
            String status, long now) throws Exception {
        try (var connection = bundle.dataSource().getConnection();
                var statement = connection.prepareStatement("INSERT INTO wechat_authorizer (component_appid,"
                        + " authorizer_appid, status, updated_at, version, status_changed_at)"
                        + " VALUES (?, ?, ?, ?, 1, ?)")) {
            statement.setString(1, componentAppid);
            statement.setString(2, authorizerAppid);
            statement.setString(3, status);
            statement.setLong(4, now);
            statement.setLong(5, now);
            statement.executeUpdate();
        }
    }

    private static void insertFailedEvent(RunningBundle bundle, String componentAppid, long now) throws Exception {
        try (var connection = bundle.dataSource().getConnection();
                var statement = connection.prepareStatement("INSERT INTO wechat_authorization_event (id,"
                        + " component_appid, info_type, create_time, received_at, msg_signature, push_timestamp,"
                        + " push_nonce, payload, status, attempts, last_error)"
                        + " VALUES (?, ?, 'authorized', ?, ?, 'sig', 'ts', 'nonce', 'unreadable', 'FAILED', 5,"
                        + " 'cannot be opened')")) {
            statement.setString(1, UUID.randomUUID().toString());
            statement.setString(2, componentAppid);
            statement.setLong(3, now / 1000);
            statement.setLong(4, now);
            statement.executeUpdate();
        }
    }
}
