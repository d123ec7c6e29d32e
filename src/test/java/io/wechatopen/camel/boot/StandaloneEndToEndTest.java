package io.wechatopen.camel.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import com.fasterxml.jackson.databind.JsonNode;

import io.wechatopen.camel.model.ComponentVerifyTicket;
import io.wechatopen.camel.store.TicketStore;
import io.wechatopen.camel.support.NettyLeakCheck;
import io.wechatopen.camel.support.RunningBundle;
import io.wechatopen.camel.token.ComponentTokenManager;

/**
 * The run command's whole flow on one machine: the sandbox pushes an encrypted ticket, the bundle stores it and
 * obtains a component token from the sandbox at once; the admin status shows ages and expiries, never values.
 */
@ExtendWith(NettyLeakCheck.class)
class StandaloneEndToEndTest {

    @Test
    void sandboxTicketWhenPushedThenStoredAndComponentTokenObtained() throws Exception {
        try (RunningBundle bundle = RunningBundle.start(Map.of())) {
            await().atMost(Duration.ofSeconds(30)).until(
                    () -> bundle.status().at("/components/0/component_token/valid").asBoolean());

            // The newest pushed ticket is the stored one (a second push may follow the first if the schedule
            // ticked before the first was stored; the token is then not fetched again).
            await().atMost(Duration.ofSeconds(30)).until(() -> bundle.sandboxState().at("/tickets/latest").asText()
                    .equals(storedTicket(bundle)));
            JsonNode sandbox = bundle.sandboxState();
            String pushedTicket = sandbox.at("/tickets/latest").asText();
            assertThat(pushedTicket).startsWith("ticket@@@");
            assertThat(sandbox.at("/calls/api_component_token").asLong()).isOne();
            JsonNode tokenRequest = lastRequest(sandbox, "api_component_token");
            assertThat(tokenRequest.at("/body/component_verify_ticket").asText()).startsWith("ticket@@@");

            JsonNode status = bundle.status().at("/components/0");
            assertThat(status.at("/ticket/create_time").asLong())
                    .isEqualTo(sandbox.at("/tickets/latest_create_time").asLong());
            assertThat(status.at("/ticket/age_seconds").asLong()).isBetween(0L, 60L);
            assertThat(status.at("/component_token/expires_in_seconds").asLong()).isBetween(7000L, 7200L);
            assertThat(status.path("authorizers").isObject()).isTrue();

            String token = bundle.context().getRegistry()
                    .lookupByNameAndType("componentTokenManager", ComponentTokenManager.class)
                    .accessToken(status.path("component_appid").asText());
            String statusText = bundle.get(bundle.baseUrl() + "/admin/status", RunningBundle.ADMIN_TOKEN).body();
            assertThat(statusText).doesNotContain(pushedTicket).doesNotContain(token);

            // Stored sealed, never in clear.
            String storedTicket = bundle.text("SELECT verify_ticket FROM wechat_component");
            String storedToken = bundle.text("SELECT access_token FROM wechat_component");
            assertThat(storedTicket).startsWith("v1:").doesNotContain(pushedTicket);
            assertThat(storedToken).startsWith("v1:").doesNotContain(token);
            assertThat(bundle.count("SELECT COUNT(*) FROM wechat_authorization_event WHERE info_type = ?",
                    "component_verify_ticket")).isGreaterThanOrEqualTo(1);
        }
    }

    @Test
    void adminStatusWhenBearerMissingOrWrongThen401() throws Exception {
        try (RunningBundle bundle = RunningBundle.start(Map.of("wechat.sandbox.enabled", "false"))) {
            assertThat(bundle.get(bundle.baseUrl() + "/admin/status", null).statusCode()).isEqualTo(401);
            assertThat(bundle.get(bundle.baseUrl() + "/admin/status", "wrong").statusCode()).isEqualTo(401);
            assertThat(bundle.get(bundle.baseUrl() + "/admin/status", RunningBundle.ADMIN_TOKEN).statusCode())
                    .isEqualTo(200);
        }
    }

    @Test
    void yamlRoutesWhenBundleStartsThenLoadedFromRoutesFolder() throws Exception {
        try (RunningBundle bundle = RunningBundle.start(Map.of("wechat.sandbox.enabled", "false"))) {
            for (String id : new String[] {"wechat-component-event-receive", "wechat-component-token-refresh",
                    "wechat-admin-status-receive"}) {
                assertThat(bundle.context().getRoute(id)).as(id).isNotNull();
                assertThat(bundle.context().getRoute(id).getSourceResource().getLocation()).as(id)
                        .contains("routes").endsWith(".camel.yaml");
            }
        }
    }

    private static String storedTicket(RunningBundle bundle) {
        return bundle.context().getRegistry().lookupByNameAndType("ticketStore", TicketStore.class)
                .findTicket(bundle.context().resolvePropertyPlaceholders("{{wechat.component.appid}}"))
                .map(ComponentVerifyTicket::ticket).orElse("");
    }

    static JsonNode lastRequest(JsonNode sandboxState, String api) {
        JsonNode last = null;
        for (JsonNode request : sandboxState.path("requests")) {
            if (api.equals(request.path("api").asText())) {
                last = request;
            }
        }
        assertThat(last).as("a recorded " + api + " request").isNotNull();
        return last;
    }
}
