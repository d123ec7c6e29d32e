package io.wechatopen.camel.routes;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import com.fasterxml.jackson.databind.JsonNode;

import io.wechatopen.camel.crypto.EncryptedPush;
import io.wechatopen.camel.crypto.WeChatMessageCrypto;
import io.wechatopen.camel.support.NettyLeakCheck;
import io.wechatopen.camel.support.RunningBundle;
import io.wechatopen.camel.support.TestPushes;

/**
 * The YAML route {@code wechat-component-event-receive} from {@code routes/}, over real HTTP: every accepted push is
 * answered {@code success} once stored; every refused one gets its status and leaves no row behind.
 */
@ExtendWith(NettyLeakCheck.class)
class WeChatComponentEventReceiveRouteTest {

    private static RunningBundle bundle;
    private static TestPushes pushes;
    private static String appid;

    @BeforeAll
    static void startBundle() throws Exception {
        bundle = RunningBundle.start(RunningBundle.NO_SANDBOX);
        appid = bundle.componentAppid();
        pushes = bundle.pushes();
    }

    @AfterAll
    static void stopBundle() throws Exception {
        bundle.close();
    }

    private long events;
    /** CreateTimes of tickets: each later than all before, so tests see their own ticket as the newest. */
    private static Instant lastCreateTime = Instant.now().plusSeconds(86_400);

    private static Instant laterCreateTime() {
        lastCreateTime = lastCreateTime.plusSeconds(3600);
        return lastCreateTime;
    }

    @BeforeEach
    void countEvents() throws Exception {
        events = eventRows();
    }

    private static long eventRows() throws Exception {
        return bundle.count("SELECT COUNT(*) FROM wechat_authorization_event");
    }

    private static HttpResponse<String> send(EncryptedPush push) throws Exception {
        return bundle.post(bundle.eventsUrl() + "?" + push.queryString(), "text/xml", push.body());
    }

    private void assertRefused(HttpResponse<String> response, int status) throws Exception {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.body()).isNotEqualTo("success");
        assertThat(eventRows()).isEqualTo(events);
    }

    @Test
    void ticketPushWhenValidThenSuccessAndStored() throws Exception {
        Instant createTime = laterCreateTime();
        HttpResponse<String> response = send(pushes.ticket("ticket@@@valid-" + System.nanoTime(), createTime));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("success");
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v)
                .startsWith("text/plain"));
        assertThat(eventRows()).isEqualTo(events + 1);
        JsonNode ticket = bundle.status().at("/components/0/ticket");
        assertThat(ticket.path("create_time").asLong()).isEqualTo(createTime.getEpochSecond());
    }

    @Test
    void ticketPushWhenOlderThanStoredThenRecordedButNewerTicketKept() throws Exception {
        Instant newer = laterCreateTime();
        assertThat(send(pushes.ticket("ticket@@@newer", newer)).body()).isEqualTo("success");
        assertThat(send(pushes.ticket("ticket@@@older", newer.minusSeconds(600))).body()).isEqualTo("success");

        assertThat(eventRows()).isEqualTo(events + 2);
        assertThat(bundle.status().at("/components/0/ticket/create_time").asLong()).isEqualTo(newer.getEpochSecond());
    }

    @Test
    void authorizationPushWhenValidThenStoredAndProcessedAfterTheAnswer() throws Exception {
        HttpResponse<String> response = send(pushes.push(TestPushes.unauthorizedXml(appid, "wxauthorizer0001",
                Instant.now())));

        assertThat(response.body()).isEqualTo("success");
        assertThat(bundle.count("SELECT COUNT(*) FROM wechat_authorization_event WHERE info_type = ?"
                + " AND authorizer_appid = ?", "unauthorized", "wxauthorizer0001")).isOne();
        // Processed after the answer, off the HTTP thread.
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(() -> bundle.count(
                "SELECT COUNT(*) FROM wechat_authorization_event WHERE authorizer_appid = ? AND status = 'PROCESSED'",
                "wxauthorizer0001") == 1);
    }

    @Test
    void pushWhenMsgSignatureWrongThen401() throws Exception {
        EncryptedPush good = pushes.ticket("ticket@@@x", Instant.now());
        EncryptedPush bad = new EncryptedPush(good.timestamp(), good.nonce(), good.signature(),
                "0".repeat(40), good.body());
        assertRefused(send(bad), 401);
    }

    @Test
    void pushWhenMsgSignatureMissingThen401() throws Exception {
        EncryptedPush good = pushes.ticket("ticket@@@x", Instant.now());
        HttpResponse<String> response = bundle.post(bundle.eventsUrl() + "?timestamp=" + good.timestamp() + "&nonce="
                + good.nonce(), "text/xml", good.body());
        assertRefused(response, 401);
    }

    @Test
    void pushWhenPlainSignatureWrongThen401() throws Exception {
        EncryptedPush good = pushes.ticket("ticket@@@x", Instant.now());
        assertRefused(send(new EncryptedPush(good.timestamp(), good.nonce(), "1".repeat(40), good.msgSignature(),
                good.body())), 401);
    }

    @Test
    void pushWhenEnvelopeAppidIsAnotherComponentThen401() throws Exception {
        String encrypt = pushes.crypto().encrypt(TestPushes.ticketXml(appid, "ticket@@@x", Instant.now()));
        assertRefused(send(pushes.signedEnvelope("wxffffffffffffffff", encrypt,
                String.valueOf(Instant.now().getEpochSecond()))), 401);
    }

    @Test
    void pushWhenEncryptedForAnotherAppidThen401() throws Exception {
        WeChatMessageCrypto other = new WeChatMessageCrypto(pushes.token(),
                bundle.context().resolvePropertyPlaceholders("{{wechat.component.encoding-aes-key}}"),
                "wxffffffffffffffff");
        String encrypt = other.encrypt(TestPushes.ticketXml(appid, "ticket@@@x", Instant.now()));
        assertRefused(send(pushes.signedEnvelope(encrypt)), 401);
    }

    @Test
    void pushWhenDeliveredAgainWithSameBodyThenSuccessAndStoredOnce() throws Exception {
        // Issue 6, item 8: WeChat pushes again when our answer was lost; a 401 would make it retry in vain.
        EncryptedPush push = pushes.ticket("ticket@@@delivered-twice", Instant.now());
        assertThat(send(push).body()).isEqualTo("success");

        HttpResponse<String> again = send(push);

        assertThat(again.statusCode()).isEqualTo(200);
        assertThat(again.body()).isEqualTo("success");
        assertThat(eventRows()).isEqualTo(events + 1);
    }

    @Test
    void pushWhenReplayedWithAnotherBodyThen401AndStoredOnce() throws Exception {
        EncryptedPush push = pushes.ticket("ticket@@@replayed", Instant.now());
        assertThat(send(push).body()).isEqualTo("success");
        events = eventRows();
        // Same query and Encrypt (so the signature still verifies), another body.
        EncryptedPush altered = new EncryptedPush(push.timestamp(), push.nonce(), push.signature(),
                push.msgSignature(), push.body().replace("</xml>", "<ToUserName>gh_other</ToUserName></xml>"));

        assertRefused(send(altered), 401);
    }

    @Test
    void pushWhenTimestampOutsideReplayWindowThen401() throws Exception {
        String encrypt = pushes.crypto().encrypt(TestPushes.ticketXml(appid, "ticket@@@x", Instant.now()));
        String anHourAgo = String.valueOf(Instant.now().minusSeconds(3600).getEpochSecond());
        assertRefused(send(pushes.signedEnvelope(appid, encrypt, anHourAgo)), 401);
    }

    @Test
    void pushWhenDoctypeOrExternalEntityThen400() throws Exception {
        EncryptedPush good = pushes.ticket("ticket@@@x", Instant.now());
        String xxe = "<?xml version=\"1.0\"?><!DOCTYPE xml [<!ENTITY e SYSTEM \"file:///etc/passwd\">]>"
                + good.body().replace("<AppId>", "<AppId>&e;");
        HttpResponse<String> response = bundle.post(bundle.eventsUrl() + "?" + good.queryString(), "text/xml", xxe);
        assertRefused(response, 400);
        assertThat(response.body()).doesNotContain("root:");
    }

    @Test
    void pushWhenBodyOver64KiBThen413() throws Exception {
        EncryptedPush good = pushes.ticket("ticket@@@x", Instant.now());
        String padded = good.body().replace("</xml>", "<Pad>" + "x".repeat(70 * 1024) + "</Pad></xml>");
        assertThat(padded.getBytes(StandardCharsets.UTF_8).length).isGreaterThan(64 * 1024);
        assertRefused(bundle.post(bundle.eventsUrl() + "?" + good.queryString(), "text/xml", padded), 413);
    }

    @Test
    void pushWhenEncryptIsNotBase64Then400() throws Exception {
        assertRefused(send(pushes.signedEnvelope("not*base64!")), 400);
    }

    @Test
    void pushWhenPaddingIsBadThen400() throws Exception {
        assertRefused(send(pushes.signedEnvelope(pushes.encryptRaw(pushes.badPaddingPlaintext()))), 400);
    }

    @Test
    void pushWhenLengthFieldIsAbsurdThen400() throws Exception {
        assertRefused(send(pushes.signedEnvelope(pushes.encryptRaw(pushes.absurdLengthPlaintext()))), 400);
    }

    @Test
    void pushWhenNotXmlThen400() throws Exception {
        EncryptedPush good = pushes.ticket("ticket@@@x", Instant.now());
        assertRefused(bundle.post(bundle.eventsUrl() + "?" + good.queryString(), "text/xml", "{\"json\":true}"), 400);
    }

    @Test
    void pushWhenDecryptedMessageLacksTicketThen400() throws Exception {
        String xml = "<xml><AppId><![CDATA[" + appid + "]]></AppId><CreateTime>" + Instant.now().getEpochSecond()
                + "</CreateTime><InfoType><![CDATA[component_verify_ticket]]></InfoType></xml>";
        assertRefused(send(pushes.push(xml)), 400);
    }

    @Test
    void getWhenMethodIsNotPostThenRefused() throws Exception {
        HttpResponse<String> response = bundle.get(bundle.eventsUrl(), null);
        assertThat(response.statusCode()).isEqualTo(405);
        assertThat(eventRows()).isEqualTo(events);
    }
}
