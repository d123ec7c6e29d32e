package io.wechatopen.camel.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import org.apache.camel.builder.NotifyBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import com.fasterxml.jackson.databind.JsonNode;

import io.wechatopen.camel.support.NettyLeakCheck;
import io.wechatopen.camel.support.RunningBundle;

/**
 * How the component token upkeep reacts to WeChat's answers, driven through the sandbox's fault injection. The
 * sandbox's own timer push and the schedule are put off, so each test decides when the ticket arrives.
 */
@ExtendWith(NettyLeakCheck.class)
class ComponentTokenErrcodeReactionsTest {

    private RunningBundle bundle;

    @AfterEach
    void stop() throws Exception {
        if (bundle != null) {
            bundle.close();
        }
    }

    private void start(Map<String, String> extra) throws Exception {
        Map<String, String> properties = new HashMap<>();
        properties.put("wechat.sandbox.first-push-delay", "1h");
        properties.put("wechat.sandbox.ticket-interval", "1h");
        // No scheduled upkeep during a test (it would ask for tickets of its own); tests opt in.
        properties.put("wechat.schedule.component-token-refresh.cron", "0 0 0 1 1 ? 2099");
        properties.putAll(extra);
        bundle = RunningBundle.start(properties);
    }

    /**
     * A ticket push in a later second than the last: the intake wakes the token upkeep only for a newer ticket
     * (by WeChat's CreateTime, whole seconds), and the sandbox pushes with the current time.
     */
    private void pushNewerTicket() throws Exception {
        long second = java.time.Instant.now().getEpochSecond();
        await().atMost(Duration.ofSeconds(2)).pollInterval(Duration.ofMillis(20))
                .until(() -> java.time.Instant.now().getEpochSecond() > second);
        pushTicket();
    }

    private void pushTicket() throws Exception {
        assertThat(bundle.post(bundle.sandboxUrl() + "/sandbox/tickets/push", "application/json", "").body())
                .contains("\"pushed\":true");
    }

    private long calls(String api) throws Exception {
        return bundle.sandboxState().at("/calls/" + api).asLong();
    }

    private JsonNode component() throws Exception {
        return bundle.status().at("/components/0");
    }

    private void awaitValidToken() {
        await().atMost(Duration.ofSeconds(30)).until(() -> component().at("/component_token/valid").asBoolean());
    }

    @Test
    void ticketInvalid61006ThenStartsPushTicketAndUsesTheNextTicket() throws Exception {
        start(Map.of());
        bundle.injectFault("{\"api\":\"api_component_token\",\"count\":1,\"errcode\":61006}");

        pushTicket();
        await().atMost(Duration.ofSeconds(30)).until(() -> calls("api_start_push_ticket") >= 1);
        // WeChat answers api_start_push_ticket with a new ticket, which lifts the back-off.
        pushNewerTicket();
        awaitValidToken();

        assertThat(calls("api_component_token")).isEqualTo(2);
        assertThat(calls("api_start_push_ticket")).isGreaterThanOrEqualTo(1);
        assertThat(bundle.sandboxState().at("/tickets/count").asLong()).isGreaterThanOrEqualTo(2);
        assertThat(component().at("/last_error/errcode").asInt()).isEqualTo(61006);
    }

    @Test
    void ticketExpired61005ThenStartsPushTicket() throws Exception {
        start(Map.of());
        bundle.injectFault("{\"api\":\"api_component_token\",\"count\":1,\"errcode\":61005}");

        pushTicket();
        await().atMost(Duration.ofSeconds(30)).until(() -> calls("api_start_push_ticket") >= 1);
        pushNewerTicket();
        awaitValidToken();

        assertThat(calls("api_start_push_ticket")).isGreaterThanOrEqualTo(1);
        assertThat(component().at("/last_error/errcode").asInt()).isEqualTo(61005);
    }

    @Test
    void systemErrorMinusOneThenRetriedWithBackOff() throws Exception {
        start(Map.of());
        bundle.injectFault("{\"api\":\"api_component_token\",\"count\":2,\"errcode\":-1}");

        pushTicket();
        awaitValidToken();

        assertThat(calls("api_component_token")).isEqualTo(3);
    }

    @Test
    void serverError503ThenRetried() throws Exception {
        start(Map.of());
        bundle.injectFault("{\"api\":\"api_component_token\",\"count\":2,\"http_status\":503}");

        pushTicket();
        awaitValidToken();

        assertThat(calls("api_component_token")).isEqualTo(3);
    }

    @Test
    void timeoutThenRetried() throws Exception {
        start(Map.of("wechat.api.read-timeout", "500ms"));
        bundle.injectFault("{\"api\":\"api_component_token\",\"count\":1,\"latency_ms\":3000}");

        pushTicket();
        awaitValidToken();

        assertThat(calls("api_component_token")).isEqualTo(2);
    }

    @Test
    void retriesWhenExhaustedThenBoundedAndReported() throws Exception {
        start(Map.of("wechat.api.maximum-redeliveries", "2"));
        bundle.injectFault("{\"api\":\"api_component_token\",\"count\":10,\"errcode\":-1}");

        pushTicket();
        await().atMost(Duration.ofSeconds(30)).until(() -> component().at("/last_error/errcode").asInt() == -1);

        assertThat(calls("api_component_token")).isEqualTo(3);
        assertThat(component().at("/component_token/present").asBoolean()).isFalse();
    }

    @Test
    void ipNotWhitelisted61004ThenNotRetriedAndReportedWithTheWhitelist() throws Exception {
        start(Map.of());
        bundle.injectFault("{\"api\":\"api_component_token\",\"count\":1,\"errcode\":61004}");

        pushTicket();
        await().atMost(Duration.ofSeconds(30)).until(() -> component().at("/last_error/errcode").asInt() == 61004);

        assertThat(component().at("/last_error/message").asText()).contains("IP whitelist");
        assertThat(calls("api_component_token")).isEqualTo(1);
        assertThat(calls("api_start_push_ticket")).isZero();
    }

    @Test
    void noTicketThenStartsPushTicketAndFetchesTokenOnceItArrives() throws Exception {
        start(Map.of("wechat.schedule.component-token-refresh.cron", "* * * * * ?"));

        awaitValidToken();
        assertThat(calls("api_start_push_ticket")).isGreaterThanOrEqualTo(1);
        assertThat(calls("api_component_token")).isEqualTo(1);

        // Further ticks find the token valid: WeChat is not called again.
        NotifyBuilder ticks = new NotifyBuilder(bundle.context()).fromRoute("wechat-component-token-ensure")
                .whenCompleted(3).create();
        assertThat(ticks.matches(20, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        assertThat(calls("api_component_token")).isEqualTo(1);
    }

    @Test
    void newTicketWhenTokenStillValidThenNoExtraCall() throws Exception {
        start(Map.of());
        pushTicket();
        awaitValidToken();
        NotifyBuilder ensured = new NotifyBuilder(bundle.context()).fromRoute("wechat-component-token-ensure")
                .whenCompleted(1).create();

        pushNewerTicket();

        assertThat(ensured.matches(20, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        assertThat(calls("api_component_token")).isEqualTo(1);
    }
}
