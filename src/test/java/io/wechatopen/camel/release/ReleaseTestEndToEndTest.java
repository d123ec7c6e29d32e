package io.wechatopen.camel.release;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import org.apache.camel.builder.NotifyBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import com.fasterxml.jackson.databind.JsonNode;

import io.wechatopen.camel.crypto.SafeXml;
import io.wechatopen.camel.crypto.WeChatMessageCrypto;
import io.wechatopen.camel.support.IndependentWeChatCrypto;
import io.wechatopen.camel.support.NettyLeakCheck;
import io.wechatopen.camel.support.RunningBundle;

/**
 * Issue 10: WeChat's 全网发布 (full-network release) test against the bundle, played by the sandbox's release tester
 * ({@code POST /sandbox/release-test}) and by hand for the order of the code's two exchanges: the bundle answers the
 * test accounts' messages itself, exchanges each code once, and none of it reaches the integrators' routes or the
 * outbox.
 */
@ExtendWith(NettyLeakCheck.class)
class ReleaseTestEndToEndTest {

    private static RunningBundle bundle;

    @BeforeAll
    static void startBundle() throws Exception {
        bundle = RunningBundle.start(Map.of());
        await().atMost(Duration.ofSeconds(30))
                .until(() -> bundle.status().at("/components/0/component_token/valid").asBoolean());
    }

    @AfterAll
    static void stopBundle() throws Exception {
        bundle.close();
    }

    @Test
    void releaseTestWhenRunBySandboxThenBothTextCasesPassAndNothingReachesIntegratorRoutes() throws Exception {
        String account = "wx570bc396a51b8ff8";
        NotifyBuilder integrators = new NotifyBuilder(bundle.context())
                .fromRoute("wechat-account-message-reply").whenDone(1).create();
        NotifyBuilder delivered = new NotifyBuilder(bundle.context())
                .fromRoute("wechat-account-message-log").whenDone(1).create();
        long queryAuthBefore = calls("api_query_auth");

        HttpResponse<String> response = bundle.sandboxControl("/sandbox/release-test",
                "{\"authorizer_appid\":\"" + account + "\"}");

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode verdict = new com.fasterxml.jackson.databind.ObjectMapper().readTree(response.body());
        assertThat(verdict.path("authorizer_appid").asText()).isEqualTo(account);
        assertThat(caseOf(verdict, "text_reply").path("passed").asBoolean())
                .as(caseOf(verdict, "text_reply").toString()).isTrue();
        assertThat(caseOf(verdict, "query_auth_code").path("passed").asBoolean())
                .as(caseOf(verdict, "query_auth_code").toString()).isTrue();
        assertThat(verdict.path("passed").asBoolean()).as(verdict.toString()).isTrue();
        // the authorized push and the QUERY_AUTH_CODE message carry the same code: WeChat takes it once
        await().atMost(Duration.ofSeconds(10)).until(() -> bundle.count(
                "SELECT COUNT(*) FROM wechat_authorizer WHERE authorizer_appid = ? AND status = 'AUTHORIZED'",
                account) == 1);
        assertThat(calls("api_query_auth") - queryAuthBefore).isOne();
        assertThat(bundle.count("SELECT COUNT(*) FROM wechat_notice WHERE kind = 'account-message'"
                + " AND authorizer_appid = ?", account)).isZero();
        assertThat(integrators.matches(0, TimeUnit.SECONDS)).isFalse();
        assertThat(delivered.matches(0, TimeUnit.SECONDS)).isFalse();
    }

    @Test
    void releaseTestWhenBodyNamesAnotherAccountThen400() throws Exception {
        HttpResponse<String> response = bundle.sandboxControl("/sandbox/release-test",
                "{\"authorizer_appid\":\"wx1000000000000001\"}");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).contains("release-test accounts");
    }

    @Test
    void queryAuthCodeWhenAuthorizedPushExchangedItFirstThenStoredTokenServesAndNoSecondExchange() throws Exception {
        String account = "wx9252c5e0bb1836fc";
        long queryAuthBefore = calls("api_query_auth");
        String code = approve(account);
        // the authorized push is processed first: the code is exchanged, the authorization stored
        await().atMost(Duration.ofSeconds(15)).until(() -> bundle.count(
                "SELECT COUNT(*) FROM wechat_authorizer WHERE authorizer_appid = ? AND status = 'AUTHORIZED'",
                account) == 1);
        assertThat(calls("api_query_auth") - queryAuthBefore).isOne();

        String openid = "oRelease" + System.nanoTime();
        HttpResponse<String> answer = postText(account, "gh_c0f28a78b318", openid, "QUERY_AUTH_CODE:" + code);

        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(answer.body()).isEmpty();
        JsonNode send = awaitCustomMessage(openid, code + "_from_api");
        assertThat(send.path("query").asText()).contains("access_token=");
        assertThat(calls("api_query_auth") - queryAuthBefore).isOne();
    }

    @Test
    void queryAuthCodeWhenAuthorizedPushWasLostThenTheMessageExchangesTheCodeOnce() throws Exception {
        String account = "wxd101a85aa106f53e";
        bundle.injectFault("{\"api\":\"authorization_push\",\"count\":1,\"drop\":true}");
        long queryAuthBefore = calls("api_query_auth");
        String code = approve(account);

        String openid = "oRelease" + System.nanoTime();
        HttpResponse<String> answer = postText(account, "gh_8dad206e9538", openid, "QUERY_AUTH_CODE:" + code);

        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(answer.body()).isEmpty();
        awaitCustomMessage(openid, code + "_from_api");
        assertThat(calls("api_query_auth") - queryAuthBefore).isOne();
        assertThat(bundle.count("SELECT COUNT(*) FROM wechat_authorizer WHERE authorizer_appid = ?"
                + " AND status = 'AUTHORIZED'", account)).isOne();
    }

    @Test
    void eventWhenFromTestAccountThenEncryptedTextEventFromCallback() throws Exception {
        String account = "wx8e1097c5bc82cde9";
        String openid = "oRelease" + System.nanoTime();
        String plaintext = "<xml><ToUserName><![CDATA[gh_3f222ed8d140]]></ToUserName><FromUserName>"
                + SafeXml.cdata(openid) + "</FromUserName><CreateTime>" + Instant.now().getEpochSecond()
                + "</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[LOCATION]]></Event>"
                + "<Latitude>23.137466</Latitude><Longitude>113.352425</Longitude><Precision>119.385040</Precision>"
                + "</xml>";

        HttpResponse<String> answer = post(account, openid, plaintext);

        assertThat(answer.statusCode()).isEqualTo(200);
        Map<String, String> envelope = SafeXml.parseFlat(answer.body());
        Map<String, String> reply = SafeXml.parseFlat(IndependentWeChatCrypto.decrypt(
                bundle.context().resolvePropertyPlaceholders("{{wechat.component.encoding-aes-key}}"),
                envelope.get("Encrypt")).message());
        assertThat(reply).containsEntry("MsgType", "text").containsEntry("Content", "LOCATIONfrom_callback")
                .containsEntry("ToUserName", openid).containsEntry("FromUserName", "gh_3f222ed8d140");
        assertThat(bundle.count("SELECT COUNT(*) FROM wechat_notice WHERE kind = 'account-message'"
                + " AND authorizer_appid = ?", account)).isZero();
    }

    /** The test account approves through the sandbox (which sends the authorized push); returns the code. */
    private static String approve(String account) throws Exception {
        HttpResponse<String> start = bundle.startAuthorization("");
        return bundle.approve(start.headers().firstValue("Location").orElseThrow(), account).path("auth_code")
                .asText();
    }

    private static HttpResponse<String> postText(String account, String userName, String openid, String content)
            throws Exception {
        return post(account, openid, "<xml><ToUserName>" + SafeXml.cdata(userName) + "</ToUserName><FromUserName>"
                + SafeXml.cdata(openid) + "</FromUserName><CreateTime>" + Instant.now().getEpochSecond()
                + "</CreateTime><MsgType><![CDATA[text]]></MsgType><Content>" + SafeXml.cdata(content)
                + "</Content><MsgId>" + System.nanoTime() + "</MsgId></xml>");
    }

    private static HttpResponse<String> post(String account, String openid, String plaintext) throws Exception {
        WeChatMessageCrypto crypto = bundle.pushes().crypto();
        String timestamp = String.valueOf(Instant.now().getEpochSecond());
        String nonce = String.valueOf(System.nanoTime() % 1_000_000_000L);
        String encrypt = crypto.encrypt(plaintext);
        String body = "<xml><ToUserName><![CDATA[gh_test]]></ToUserName><Encrypt>" + SafeXml.cdata(encrypt)
                + "</Encrypt></xml>";
        String query = "signature=" + crypto.signature(timestamp, nonce) + "&timestamp=" + timestamp + "&nonce="
                + nonce + "&openid=" + openid + "&encrypt_type=aes&msg_signature="
                + crypto.msgSignature(timestamp, nonce, encrypt);
        return bundle.post(bundle.baseUrl() + "/accounts/" + account + "/messages?" + query, "text/xml", body);
    }

    private static JsonNode awaitCustomMessage(String openid, String content) {
        return await().atMost(Duration.ofSeconds(15)).until(() -> customMessage(openid, content),
                Optional::isPresent).orElseThrow();
    }

    private static Optional<JsonNode> customMessage(String openid, String content) throws Exception {
        for (JsonNode request : bundle.sandboxState().path("requests")) {
            if ("send".equals(request.path("api").asText()) && openid.equals(request.at("/body/touser").asText())
                    && content.equals(request.at("/body/text/content").asText())) {
                return Optional.of(request);
            }
        }
        return Optional.empty();
    }

    private static long calls(String api) throws Exception {
        return bundle.sandboxState().path("calls").path(api).asLong();
    }

    private static JsonNode caseOf(JsonNode verdict, String name) {
        for (JsonNode entry : verdict.path("cases")) {
            if (name.equals(entry.path("name").asText())) {
                return entry;
            }
        }
        throw new AssertionError("no case " + name + " in " + verdict);
    }
}
