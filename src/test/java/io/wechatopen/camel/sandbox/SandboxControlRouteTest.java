package io.wechatopen.camel.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

/** The control API: fault validation, clearing, and the state view. */
class SandboxControlRouteTest extends SandboxWithoutTimerTestSupport {

    @Test
    void addFaultWhenBodyIsInvalidThen400WithClearMessage() throws Exception {
        assertRejected("{not json", "not valid JSON");
        assertRejected("[1]", "must be a JSON object");
        assertRejected("{\"api\":\"api_unknown\",\"errcode\":61006}", "unknown api 'api_unknown'");
        assertRejected("{\"count\":1,\"errcode\":61006}", "api is required");
        assertRejected("{\"api\":\"api_component_token\",\"drop\":true}", "drop applies only to pushes");
        assertRejected("{\"api\":\"ticket_push\",\"errcode\":61006}", "a push takes only latency_ms or drop");
        assertRejected("{\"api\":\"api_component_token\",\"errcode\":12345}", "not a known non-zero WeChat errcode");
        assertRejected("{\"api\":\"api_component_token\"}",
                "needs errcode, http_status, latency_ms, drop or lose_reply");
        assertRejected("{\"api\":\"api_component_token\",\"count\":0,\"errcode\":-1}", "count must be at least 1");
        assertRejected("{\"api\":\"api_component_token\",\"status\":503}", "unknown field 'status'");
        assertRejected("{\"api\":\"api_component_token\",\"http_status\":\"503\"}",
                "http_status must be a whole number");
        assertThat(state.faults().pending()).isEmpty();
    }

    // issue 6 item 12: lose_reply serves the call and drops its reply, so it cannot also replace the reply
    @Test
    void addFaultWhenLoseReplyDoesNotFitThen400WithClearMessage() throws Exception {
        assertRejected("{\"api\":\"api_query_auth\",\"lose_reply\":true,\"errcode\":-1}",
                "combines only with latency_ms, not with errcode, http_status or drop");
        assertRejected("{\"api\":\"api_query_auth\",\"lose_reply\":true,\"http_status\":500}",
                "combines only with latency_ms");
        assertRejected("{\"api\":\"ticket_push\",\"lose_reply\":true}", "lose_reply applies only to request APIs");
        assertRejected("{\"api\":\"authorization_push\",\"lose_reply\":true}", "not to pushes");
        assertRejected("{\"api\":\"api_query_auth\",\"lose_reply\":\"yes\"}", "lose_reply must be true or false");
        assertThat(state.faults().pending()).isEmpty();

        HttpResponse<String> queued = addFault("{\"api\":\"send\",\"count\":2,\"lose_reply\":true,\"latency_ms\":20}");

        assertThat(queued.statusCode()).isEqualTo(200);
        assertThat(parse(queued).get("queued").toString())
                .isEqualTo("{\"api\":\"send\",\"count\":2,\"latency_ms\":20,\"lose_reply\":true}");
        assertThat(parse(get("/sandbox/state")).at("/faults/send/0/lose_reply").asBoolean()).isTrue();
    }

    @Test
    void stateWhenCallsAndFaultsWereMadeThenShowsThemWithoutSecrets() throws Exception {
        pushNow();
        String ticket = lastReceivedTicket();
        componentToken(APPID, SECRET, ticket);
        componentToken(APPID, "wrong", ticket);
        post("/cgi-bin/component/api_start_push_ticket",
                "{\"component_appid\":\"" + APPID + "\",\"component_secret\":\"" + SECRET + "\"}");
        addFault("{\"api\":\"api_component_token\",\"count\":3,\"errcode\":45009}");
        addFault("{\"api\":\"ticket_push\",\"drop\":true}");

        HttpResponse<String> response = get("/sandbox/state");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type"))
                .hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
        JsonNode view = parse(response);
        assertThat(view.get("push_service_running").asBoolean()).isTrue();
        assertThat(view.get("tickets").get("count").asLong()).isGreaterThanOrEqualTo(1);
        assertThat(view.get("tickets").get("latest").asText()).isEqualTo(state.latestTicket().orElseThrow().value());
        assertThat(view.get("tickets").get("latest_create_time").asLong())
                .isEqualTo(state.latestTicket().orElseThrow().createdAt().getEpochSecond());
        assertThat(view.get("component_tokens").get("issued").asLong()).isEqualTo(1);
        assertThat(view.get("component_tokens").get("current_expires_in").asLong()).isEqualTo(7200);
        assertThat(view.get("calls").get("api_component_token").asLong()).isEqualTo(2);
        assertThat(view.get("calls").get("api_start_push_ticket").asLong()).isEqualTo(1);
        assertThat(view.get("faults").get("api_component_token").get(0).get("count").asInt()).isEqualTo(3);
        assertThat(view.get("faults").get("ticket_push").get(0).get("drop").asBoolean()).isTrue();
        assertThat(view.get("pushes").get(0).get("outcome").asText()).isEqualTo("answered");
        JsonNode firstRequest = view.get("requests").get(0);
        assertThat(firstRequest.get("api").asText()).isEqualTo("api_component_token");
        assertThat(firstRequest.get("body").get("component_verify_ticket").asText()).isEqualTo(ticket);
        assertThat(firstRequest.get("body").get("component_appsecret").asText()).isEqualTo("***");
        assertThat(response.body()).doesNotContain(SECRET);
    }

    @Test
    void clearFaultsWhenSomeAreQueuedThenAllAreRemoved() throws Exception {
        addFault("{\"api\":\"api_component_token\",\"count\":2,\"errcode\":-1}");
        addFault("{\"api\":\"api_start_push_ticket\",\"http_status\":500}");

        HttpResponse<String> response = delete("/sandbox/faults");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(parse(response).get("cleared").asInt()).isEqualTo(2);
        assertThat(state.faults().pending()).isEmpty();
        assertThat(parse(get("/sandbox/state")).get("faults").size()).isZero();
    }

    @Test
    void replyWhenRequestCarriesHeadersThenNoneIsEchoed() throws Exception {
        HttpResponse<String> response = send(HttpRequest.newBuilder(uri("/sandbox/state?probe=1"))
                .header("X-Echo-Probe", "abc").GET());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().map().keySet()).noneMatch(h -> h.equalsIgnoreCase("X-Echo-Probe")
                || h.equalsIgnoreCase("probe") || h.toLowerCase().startsWith("camel"));
    }

    @Test
    void wrongMethodOrPathThenHttpErrorsFromTheServer() throws Exception {
        assertThat(get("/cgi-bin/component/api_component_token").statusCode()).isEqualTo(405);
        assertThat(get("/cgi-bin/component/api_unknown").statusCode()).isEqualTo(404);
    }

    private void assertRejected(String body, String message) throws Exception {
        HttpResponse<String> response = addFault(body);
        assertThat(response.statusCode()).as(body).isEqualTo(400);
        assertThat(parse(response).get("error").asText()).as(body).contains(message);
    }
}
