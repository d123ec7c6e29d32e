package io.wechatopen.camel.routes;

import static org.apache.camel.builder.Builder.body;
import static org.apache.camel.builder.Builder.header;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

import org.apache.camel.builder.NotifyBuilder;
import org.apache.camel.support.builder.PredicateBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import io.wechatopen.camel.crypto.SafeXml;
import io.wechatopen.camel.crypto.WeChatMessageCrypto;
import io.wechatopen.camel.support.NettyLeakCheck;
import io.wechatopen.camel.support.RunningBundle;
import io.wechatopen.camel.support.TestPushes;

/**
 * The YAML route {@code wechat-account-message-receive}: an authorized account's messages are verified, decrypted
 * stored in the outbox and delivered to {@code seda:wechat-account-message-received}; bad ones are refused with their status.
 */
@ExtendWith(NettyLeakCheck.class)
class WeChatAccountMessageReceiveRouteTest {

    private static final String ACCOUNT = "wx1000000000000001";
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

    private static String userMessage() {
        return "<xml><ToUserName><![CDATA[gh_97417a04a28d]]></ToUserName>\n<FromUserName><![CDATA[o9AgO5Kd5gg]]>"
                + "</FromUserName>\n<CreateTime>" + Instant.now().getEpochSecond() + "</CreateTime>\n<MsgType>"
                + "<![CDATA[event]]></MsgType>\n<Event><![CDATA[subscribe]]></Event>\n</xml>";
    }

    private static HttpResponse<String> post(String path, WeChatMessageCrypto crypto, String plaintext)
            throws Exception {
        String timestamp = String.valueOf(Instant.now().getEpochSecond());
        String nonce = String.valueOf(System.nanoTime() % 1_000_000_000L);
        String encrypt = crypto.encrypt(plaintext);
        String body = "<xml><ToUserName>" + SafeXml.cdata("gh_97417a04a28d") + "</ToUserName><Encrypt>"
                + SafeXml.cdata(encrypt) + "</Encrypt></xml>";
        String query = "signature=" + crypto.signature(timestamp, nonce) + "&timestamp=" + timestamp + "&nonce="
                + nonce + "&openid=o9AgO5Kd5gg&encrypt_type=aes&msg_signature="
                + crypto.msgSignature(timestamp, nonce, encrypt);
        return bundle.post(bundle.baseUrl() + path + "?" + query, "text/xml", body);
    }

    @Test
    void messageWhenValidThenSuccessAndHandedOverDecrypted() throws Exception {
        NotifyBuilder received = new NotifyBuilder(bundle.context()).fromRoute("wechat-account-message-log")
                .whenAnyDoneMatches(PredicateBuilder.and(body().contains("<Event><![CDATA[subscribe]]></Event>"),
                        header("WeChatAuthorizerAppid").isEqualTo(ACCOUNT),
                        header("WeChatComponentAppid").isEqualTo(appid), header("WeChatMsgType").isEqualTo("event"),
                        header("WeChatEvent").isEqualTo("subscribe"), header("WeChatOpenid").isEqualTo("o9AgO5Kd5gg")))
                .create();

        HttpResponse<String> response = post("/accounts/" + ACCOUNT + "/messages", pushes.crypto(), userMessage());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("success");
        assertThat(received.matches(10, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void messageWhenWeChatPushesItAgainThenStoredAndDeliveredOnceWithANoticeId() throws Exception {
        String message = userMessage().replace("subscribe", "unsubscribe");
        NotifyBuilder delivered = new NotifyBuilder(bundle.context()).fromRoute("wechat-account-message-log")
                .whenAnyDoneMatches(PredicateBuilder.and(body().contains("unsubscribe"),
                        header("WeChatNoticeId").isNotNull()))
                .create();

        // WeChat pushes again when our answer took over 5 s or was lost
        assertThat(post("/accounts/" + ACCOUNT + "/messages", pushes.crypto(), message).body()).isEqualTo("success");
        assertThat(post("/accounts/" + ACCOUNT + "/messages", pushes.crypto(), message).body()).isEqualTo("success");

        assertThat(delivered.matches(10, TimeUnit.SECONDS)).isTrue();
        assertThat(bundle.count("SELECT COUNT(*) FROM wechat_notice WHERE kind = 'account-message'"
                + " AND body LIKE '%unsubscribe%'")).isEqualTo(1);
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10))
                .until(() -> bundle.count("SELECT COUNT(*) FROM wechat_notice WHERE delivered_at IS NULL") == 0);
    }

    @Test
    void messageWhenSignedWithAnotherTokenThen401() throws Exception {
        WeChatMessageCrypto other = new WeChatMessageCrypto("othertoken",
                bundle.context().resolvePropertyPlaceholders("{{wechat.component.encoding-aes-key}}"), appid);
        assertThat(post("/accounts/" + ACCOUNT + "/messages", other, userMessage()).statusCode()).isEqualTo(401);
    }

    @Test
    void messageWhenEncryptedForAnotherComponentThen401() throws Exception {
        WeChatMessageCrypto other = new WeChatMessageCrypto(pushes.token(),
                bundle.context().resolvePropertyPlaceholders("{{wechat.component.encoding-aes-key}}"),
                "wxffffffffffffffff");
        assertThat(post("/accounts/" + ACCOUNT + "/messages", other, userMessage()).statusCode()).isEqualTo(401);
    }

    @Test
    void messageWhenPathHasNoAccountThen404() throws Exception {
        assertThat(post("/accounts/" + ACCOUNT + "/other", pushes.crypto(), userMessage()).statusCode())
                .isEqualTo(404);
    }

    @Test
    void messageWhenDecryptedXmlDeclaresDtdThen400() throws Exception {
        assertThat(post("/accounts/" + ACCOUNT + "/messages", pushes.crypto(),
                "<!DOCTYPE xml [<!ENTITY e SYSTEM \"file:///etc/passwd\">]><xml><MsgType>&e;</MsgType></xml>")
                        .statusCode()).isEqualTo(400);
    }
}
