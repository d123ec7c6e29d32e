package io.wechatopen.camel.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.time.Duration;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

/** {@code api_component_token} over real HTTP, with tickets pushed to and decrypted by the receiver. */
class SandboxComponentTokenRouteTest extends SandboxWithoutTimerTestSupport {

    private static final String PATH = "/cgi-bin/component/api_component_token";
    private static final String RID = " rid: [0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{8}";

    @Test
    void componentTokenWhenTicketWasPushedThenIssuesTokenAndRecordsWhatWasSent() throws Exception {
        pushNow();
        String ticket = lastReceivedTicket();

        JsonNode reply = componentToken(APPID, SECRET, ticket);

        assertThat(reply.has("errcode")).isFalse();
        assertThat(reply.get("component_access_token").asText()).matches("[A-Za-z0-9_-]{100,}");
        assertThat(reply.get("expires_in").isNumber()).isTrue();
        assertThat(reply.get("expires_in").asInt()).isEqualTo(7200);
        assertThat(state.checkComponentToken(reply.get("component_access_token").asText())).isZero();
        assertThat(state.tokensIssued()).isEqualTo(1);
        assertThat(state.calls(SandboxFaults.API_COMPONENT_TOKEN)).isEqualTo(1);
        assertThat(state.lastRequest(SandboxFaults.API_COMPONENT_TOKEN).orElseThrow().field("component_verify_ticket"))
                .isEqualTo(ticket);
    }

    @Test
    void componentTokenWhenCredentialsOrTicketAreWrongThenWeChatErrcodes() throws Exception {
        pushNow();
        String ticket = lastReceivedTicket();

        assertError(componentToken(APPID, "wrong-secret", ticket), 40125, "invalid appsecret");
        assertError(componentToken("wxffffffffffffffff", SECRET, ticket), 40013, "invalid appid");
        assertError(componentToken(APPID, null, ticket), 41004, "appsecret missing");
        assertError(componentToken(APPID, SECRET, "ticket@@@never-pushed"), 61006, "component ticket is invalid");
        clock.advance(Duration.ofHours(12).plusSeconds(1));
        assertError(componentToken(APPID, SECRET, ticket), 61005, "component ticket is expired");
        assertThat(state.tokensIssued()).isZero();
    }

    @Test
    void componentTokenWhenBodyIsNotJsonThenDataFormatErrorWithHttp200() throws Exception {
        HttpResponse<String> response = post(PATH, "component_appid=" + APPID);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json; encoding=utf-8");
        assertError(parse(response), 47001, "data format error");
        assertThat(state.lastRequest(SandboxFaults.API_COMPONENT_TOKEN).orElseThrow().body())
                .isEqualTo("component_appid=" + APPID);
    }

    @Test
    void errcodeFaultWhenQueuedForTwoCallsThenTwoCallsFailAndTheThirdSucceeds() throws Exception {
        pushNow();
        String ticket = lastReceivedTicket();
        HttpResponse<String> queued = addFault("{\"api\":\"api_component_token\",\"count\":2,\"errcode\":61006}");
        assertThat(queued.statusCode()).isEqualTo(200);
        assertThat(parse(queued).get("queued").get("errcode").asInt()).isEqualTo(61006);

        assertError(componentToken(APPID, SECRET, ticket), 61006, "component ticket is invalid");
        assertError(componentToken(APPID, SECRET, ticket), 61006, "component ticket is invalid");
        JsonNode third = componentToken(APPID, SECRET, ticket);

        assertThat(third.has("component_access_token")).isTrue();
        assertThat(state.tokensIssued()).isEqualTo(1);
        assertThat(state.calls(SandboxFaults.API_COMPONENT_TOKEN)).isEqualTo(3);
        assertThat(state.faults().pending()).isEmpty();
    }

    @Test
    void httpStatusFaultWhenQueuedThenPlainText503AndNextCallIsNormal() throws Exception {
        pushNow();
        String ticket = lastReceivedTicket();
        addFault("{\"api\":\"api_component_token\",\"http_status\":503}");
        String body = "{\"component_appid\":\"" + APPID + "\",\"component_appsecret\":\"" + SECRET
                + "\",\"component_verify_ticket\":\"" + ticket + "\"}";

        HttpResponse<String> failed = post(PATH, body);

        assertThat(failed.statusCode()).isEqualTo(503);
        assertThat(failed.headers().firstValue("Content-Type"))
                .hasValueSatisfying(v -> assertThat(v).startsWith("text/plain"));
        assertThat(failed.body()).isEqualTo("503 Service Unavailable");
        assertThat(state.tokensIssued()).isZero();
        assertThat(parse(post(PATH, body)).has("component_access_token")).isTrue();
    }

    @Test
    void latencyFaultWhenQueuedThenReplyIsDelayedAndNormal() throws Exception {
        pushNow();
        String ticket = lastReceivedTicket();
        addFault("{\"api\":\"api_component_token\",\"latency_ms\":500}");

        long start = System.nanoTime();
        JsonNode reply = componentToken(APPID, SECRET, ticket);

        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(500));
        assertThat(reply.has("component_access_token")).isTrue();
    }

    @Test
    void latencyWithErrcodeFaultThenDelayedErrcode() throws Exception {
        pushNow();
        String ticket = lastReceivedTicket();
        addFault("{\"api\":\"api_component_token\",\"latency_ms\":300,\"errcode\":-1}");

        long start = System.nanoTime();
        JsonNode reply = componentToken(APPID, SECRET, ticket);

        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
        assertError(reply, -1, "system error");
    }

    @Test
    void supersededTokenWhenNewOneIsIssuedThenOldOneValidForGraceOnly() throws Exception {
        pushNow();
        String ticket = lastReceivedTicket();
        String first = componentToken(APPID, SECRET, ticket).get("component_access_token").asText();
        String second = componentToken(APPID, SECRET, ticket).get("component_access_token").asText();

        assertThat(second).isNotEqualTo(first);
        clock.advance(Duration.ofSeconds(299));
        assertThat(state.checkComponentToken(first)).isZero();
        clock.advance(Duration.ofSeconds(2));
        assertThat(state.checkComponentToken(first)).isEqualTo(40001);
        assertThat(state.checkComponentToken(second)).isZero();
    }

    private static void assertError(JsonNode reply, int errcode, String errmsg) {
        assertThat(reply.get("errcode").asInt()).isEqualTo(errcode);
        assertThat(reply.get("errmsg").asText()).matches(java.util.regex.Pattern.quote(errmsg) + RID);
    }
}
