package io.wechatopen.camel.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

import org.apache.camel.builder.AdviceWith;
import org.apache.camel.test.junit5.TestExecutionConfiguration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.wechatopen.camel.support.LogCapture;

/** The ticket pushes: content and signatures, the push service switch, drop faults and api_start_push_ticket. */
class SandboxTicketPushRouteTest extends SandboxRouteTestSupport {

    private static final String TICK = "direct:test-tick";

    @Override
    public void configureTest(TestExecutionConfiguration testConfiguration) {
        super.configureTest(testConfiguration);
        testConfiguration.withUseAdviceWith(true);
    }

    @BeforeEach
    void replaceTimer() throws Exception {
        AdviceWith.adviceWith(context, SandboxRoutes.TICKET_PUSH, a -> a.replaceFromWith(TICK));
        context.start();
    }

    @Test
    void pushNowWhenRunningThenReceiverGetsSignedEncryptedTicketAsWeChatLaysItOut() throws Exception {
        JsonNode reply = pushNow();

        assertThat(reply.get("pushed").asBoolean()).isTrue();
        assertThat(reply.get("status").asInt()).isEqualTo(200);
        assertThat(reply.get("response").asText()).isEqualTo("success");
        assertThat(received).hasSize(1);
        ReceivedPush push = received.get(0);
        SandboxTicket ticket = state.latestTicket().orElseThrow();
        assertThat(ticket.value()).matches("ticket@@@[A-Za-z0-9_-]{86}");
        assertThat(push.contentType()).startsWith("text/xml");
        assertThat(push.encryptType()).isEqualTo("aes");
        assertThat(push.query()).matches(
                "signature=[0-9a-f]{40}&timestamp=\\d+&nonce=\\d{9,10}&encrypt_type=aes&msg_signature=[0-9a-f]{40}");
        assertThat(push.timestamp()).isEqualTo(String.valueOf(ticket.createdAt().getEpochSecond()));
        assertThat(push.envelope()).containsEntry("AppId", APPID).containsKey("Encrypt");
        assertThat(push.plaintext()).isEqualTo("<xml><AppId><![CDATA[" + APPID + "]]></AppId>\n"
                + "<CreateTime>" + ticket.createdAt().getEpochSecond() + "</CreateTime>\n"
                + "<InfoType><![CDATA[component_verify_ticket]]></InfoType>\n"
                + "<ComponentVerifyTicket><![CDATA[" + ticket.value() + "]]></ComponentVerifyTicket>\n</xml>");
        assertThat(state.pushResults()).singleElement().satisfies(r -> {
            assertThat(r.outcome()).isEqualTo(SandboxPushResult.ANSWERED);
            assertThat(r.accepted()).isTrue();
            assertThat(r.body()).isEqualTo("success");
        });
    }

    @Test
    void pushAndTokenCallWhenLoggingAtDebugThenNoTicketOrTokenValueIsLogged() throws Exception {
        String token;
        List<LogCapture.Event> logged;
        try (LogCapture logs = new LogCapture("io.wechatopen.camel.sandbox", "org.apache.camel")) {
            pushNow();
            token = componentToken(APPID, SECRET, lastReceivedTicket()).get("component_access_token").asText();
            logged = logs.events();
        }

        assertThat(logged)
                .anySatisfy(e -> assertThat(e.message()).contains("Sandbox pushed component_verify_ticket"));
        assertThat(logged).noneSatisfy(e -> assertThat(e.message()).contains(lastReceivedTicket()))
                .noneSatisfy(e -> assertThat(e.message()).contains(token))
                .noneSatisfy(e -> assertThat(e.message()).contains(SECRET));
    }

    @Test
    void timerTickWhenPushServiceStoppedThenNothingIsPushedUntilStarted() throws Exception {
        template.sendBody(TICK, null);
        assertThat(received).hasSize(1);

        assertThat(post("/sandbox/push-service/stop", "").statusCode()).isEqualTo(200);
        template.sendBody(TICK, null);
        JsonNode reply = pushNow();

        assertThat(received).hasSize(1);
        assertThat(reply.get("pushed").asBoolean()).isFalse();
        assertThat(reply.get("reason").asText()).contains("stopped");
        assertThat(state.ticketsMinted()).isEqualTo(1);

        assertThat(parse(post("/sandbox/push-service/start", "")).get("push_service_running").asBoolean()).isTrue();
        template.sendBody(TICK, null);
        assertThat(received).hasSize(2);
        assertThat(received.get(1).fields().get("ComponentVerifyTicket"))
                .isNotEqualTo(received.get(0).fields().get("ComponentVerifyTicket"));
    }

    @Test
    void dropFaultWhenPushingThenThatPushIsNotSentAndTheNextIs() throws Exception {
        assertThat(addFault("{\"api\":\"ticket_push\",\"count\":1,\"drop\":true}").statusCode()).isEqualTo(200);

        JsonNode dropped = pushNow();
        assertThat(dropped.get("pushed").asBoolean()).isFalse();
        assertThat(dropped.get("reason").asText()).contains("dropped");
        assertThat(received).isEmpty();

        assertThat(pushNow().get("pushed").asBoolean()).isTrue();
        assertThat(received).hasSize(1);
        assertThat(state.pushResults()).extracting(SandboxPushResult::outcome)
                .containsExactly(SandboxPushResult.DROPPED, SandboxPushResult.ANSWERED);
    }

    @Test
    void latencyFaultWhenPushingThenPushIsDelayedAndDelivered() throws Exception {
        assertThat(addFault("{\"api\":\"ticket_push\",\"latency_ms\":400}").statusCode()).isEqualTo(200);

        long start = System.nanoTime();
        JsonNode reply = pushNow();

        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(400));
        assertThat(reply.get("pushed").asBoolean()).isTrue();
        assertThat(received).hasSize(1);
    }

    @Test
    void receiverAnswersErrorThenPushIsRecordedAsNotAccepted() throws Exception {
        receiverStatus = 500;
        receiverBody = "oops";

        JsonNode reply = pushNow();

        assertThat(reply.get("pushed").asBoolean()).isTrue();
        assertThat(reply.get("status").asInt()).isEqualTo(500);
        assertThat(reply.get("response").asText()).isEqualTo("oops");
        assertThat(reply.get("accepted").asBoolean()).isFalse();
        assertThat(state.pushResults()).singleElement().extracting(SandboxPushResult::accepted).isEqualTo(false);
    }

    @Test
    void startPushTicketWhenStoppedThenRestartsServiceAndPushesAtOnce() throws Exception {
        post("/sandbox/push-service/stop", "");
        String body = "{\"component_appid\":\"" + APPID + "\",\"component_secret\":\"" + SECRET + "\"}";

        JsonNode restarted = parse(post("/cgi-bin/component/api_start_push_ticket", body));

        assertThat(restarted.get("errcode").asInt()).isZero();
        assertThat(restarted.get("errmsg").asText()).isEqualTo("ok");
        assertThat(state.pushServiceRunning()).isTrue();
        await().atMost(Duration.ofSeconds(10)).until(() -> received.size() == 1);

        JsonNode again = parse(post("/cgi-bin/component/api_start_push_ticket", body));
        assertThat(again.get("errcode").asInt()).isZero();
        assertThat(again.get("errmsg").asText()).isEqualTo("in a normal state");
        await().atMost(Duration.ofSeconds(10)).until(() -> received.size() == 2);
    }

    @Test
    void startPushTicketWithWrongCredentialsThenErrcodeAndNoPush() throws Exception {
        post("/sandbox/push-service/stop", "");

        HttpResponse<String> wrongAppidResponse = post("/cgi-bin/component/api_start_push_ticket",
                "{\"component_appid\":\"wxffffffffffffffff\",\"component_secret\":\"" + SECRET + "\"}");
        JsonNode wrongAppid = parse(wrongAppidResponse);
        JsonNode wrongSecret = parse(post("/cgi-bin/component/api_start_push_ticket",
                "{\"component_appid\":\"" + APPID + "\",\"component_secret\":\"nope\"}"));
        JsonNode appsecretField = parse(post("/cgi-bin/component/api_start_push_ticket",
                "{\"component_appid\":\"" + APPID + "\",\"component_appsecret\":\"" + SECRET + "\"}"));

        assertThat(wrongAppidResponse.statusCode()).isEqualTo(200);
        assertThat(wrongAppidResponse.headers().firstValue("Content-Type"))
                .hasValue("application/json; encoding=utf-8");
        assertThat(wrongAppid.get("errcode").asInt()).isEqualTo(40013);
        assertThat(wrongAppid.get("errmsg").asText()).matches("invalid appid rid: [0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{8}");
        assertThat(wrongSecret.get("errcode").asInt()).isEqualTo(40125);
        assertThat(appsecretField.get("errcode").asInt()).isEqualTo(41004);
        assertThat(state.pushServiceRunning()).isFalse();
        assertThat(state.calls(SandboxFaults.API_START_PUSH_TICKET)).isEqualTo(3);
        assertThat(received).isEmpty();
    }
}
