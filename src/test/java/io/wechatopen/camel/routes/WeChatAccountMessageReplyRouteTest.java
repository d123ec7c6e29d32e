package io.wechatopen.camel.routes;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

import org.apache.camel.CamelContext;
import org.apache.camel.spi.Resource;
import org.apache.camel.support.PluginHelper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import io.wechatopen.camel.crypto.SafeXml;
import io.wechatopen.camel.crypto.WeChatMessageCrypto;
import io.wechatopen.camel.support.IndependentWeChatCrypto;
import io.wechatopen.camel.support.NettyLeakCheck;
import io.wechatopen.camel.support.RunningBundle;
import io.wechatopen.camel.support.TestPushes;

/**
 * Issue 10: passive replies from the integrators' route {@code wechat-account-message-reply} (here the keyword
 * auto-reply of {@code src/test/resources/wechat/routes/keyword-reply.camel.yaml}) come back encrypted and signed,
 * checked with {@link IndependentWeChatCrypto}; no reply, a late one, a failing route or an unusable reply are
 * answered {@code success}, and the message is stored either way.
 */
@ExtendWith(NettyLeakCheck.class)
class WeChatAccountMessageReplyRouteTest {

    private static final String ACCOUNT = "wx1000000000000001";
    private static final String ACCOUNT_USER = "gh_97417a04a28d";
    private static final String OPENID = "o9AgO5Kd5gg";
    private static RunningBundle bundle;
    private static TestPushes pushes;
    private static String aesKey;
    private static String token;

    @BeforeAll
    static void startBundle() throws Exception {
        Map<String, String> overrides = new HashMap<>(RunningBundle.NO_SANDBOX);
        overrides.put("wechat.callback.reply-timeout", "1s");
        bundle = RunningBundle.start(overrides);
        pushes = bundle.pushes();
        aesKey = bundle.context().resolvePropertyPlaceholders("{{wechat.component.encoding-aes-key}}");
        token = bundle.context().resolvePropertyPlaceholders("{{wechat.component.token}}");
        CamelContext context = bundle.context();
        context.getRouteController().stopRoute("wechat-account-message-reply");
        context.removeRoute("wechat-account-message-reply");
        Resource routes = PluginHelper.getResourceLoader(context)
                .resolveResource("classpath:wechat/routes/keyword-reply.camel.yaml");
        PluginHelper.getRoutesLoader(context).loadRoutes(routes);
        context.getRouteController().startRoute("wechat-account-message-reply");
    }

    @AfterAll
    static void stopBundle() throws Exception {
        bundle.close();
    }

    private static String textMessage(String content) {
        return "<xml><ToUserName><![CDATA[" + ACCOUNT_USER + "]]></ToUserName>\n<FromUserName><![CDATA[" + OPENID
                + "]]></FromUserName>\n<CreateTime>" + Instant.now().getEpochSecond() + "</CreateTime>\n<MsgType>"
                + "<![CDATA[text]]></MsgType>\n<Content>" + SafeXml.cdata(content) + "</Content>\n<MsgId>"
                + System.nanoTime() + "</MsgId>\n</xml>";
    }

    private static HttpResponse<String> post(WeChatMessageCrypto crypto, String plaintext, boolean validSignature)
            throws Exception {
        String timestamp = String.valueOf(Instant.now().getEpochSecond());
        String nonce = String.valueOf(System.nanoTime() % 1_000_000_000L);
        String encrypt = crypto.encrypt(plaintext);
        String body = "<xml><ToUserName>" + SafeXml.cdata(ACCOUNT_USER) + "</ToUserName><Encrypt>"
                + SafeXml.cdata(encrypt) + "</Encrypt></xml>";
        String msgSignature = validSignature ? crypto.msgSignature(timestamp, nonce, encrypt)
                : "0000000000000000000000000000000000000000";
        String query = "signature=" + crypto.signature(timestamp, nonce) + "&timestamp=" + timestamp + "&nonce="
                + nonce + "&openid=" + OPENID + "&encrypt_type=aes&msg_signature=" + msgSignature;
        return bundle.post(bundle.baseUrl() + "/accounts/" + ACCOUNT + "/messages?" + query, "text/xml", body);
    }

    private static long stored(String content) throws Exception {
        return bundle.count("SELECT COUNT(*) FROM wechat_notice WHERE kind = 'account-message' AND body LIKE ?",
                "%" + content + "%");
    }

    @Test
    void keywordWhenReplyRouteAnswersThenEncryptedSignedReplyToTheSender() throws Exception {
        HttpResponse<String> response = post(pushes.crypto(), textMessage("营业时间"), true);

        assertThat(response.statusCode()).isEqualTo(200);
        Map<String, String> envelope = SafeXml.parseFlat(response.body());
        assertThat(envelope).containsOnlyKeys("Encrypt", "MsgSignature", "TimeStamp", "Nonce");
        assertThat(Math.abs(Long.parseLong(envelope.get("TimeStamp")) - Instant.now().getEpochSecond()))
                .isLessThan(60);
        assertThat(envelope.get("MsgSignature")).isEqualTo(IndependentWeChatCrypto.signature(token,
                envelope.get("TimeStamp"), envelope.get("Nonce"), envelope.get("Encrypt")));
        IndependentWeChatCrypto.Opened opened = IndependentWeChatCrypto.decrypt(aesKey, envelope.get("Encrypt"));
        assertThat(opened.receiveId()).isEqualTo(bundle.componentAppid());
        Map<String, String> reply = SafeXml.parseFlat(opened.message());
        assertThat(reply).containsEntry("ToUserName", OPENID).containsEntry("FromUserName", ACCOUNT_USER)
                .containsEntry("MsgType", "text").containsEntry("Content", "We are open 9:00-18:00 (营业)");
        assertThat(Long.parseLong(reply.get("CreateTime"))).isCloseTo(Instant.now().getEpochSecond(),
                org.assertj.core.data.Offset.offset(60L));
        assertThat(stored("营业时间")).isOne();
    }

    @Test
    void otherTextWhenReplyRouteAnswersNothingThenSuccessAndStored() throws Exception {
        HttpResponse<String> response = post(pushes.crypto(), textMessage("hello there"), true);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("success");
        assertThat(stored("hello there")).isOne();
    }

    @Test
    void replyWhenLaterThanTheReplyTimeoutThenSuccessWithinItAndStored() throws Exception {
        long started = System.nanoTime();
        HttpResponse<String> response = post(pushes.crypto(), textMessage("slow"), true);
        long millis = (System.nanoTime() - started) / 1_000_000;

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("success");
        // wechat.callback.reply-timeout is 1s here; the route takes 3s
        assertThat(millis).isLessThan(2500);
        assertThat(stored("slow")).isOne();
    }

    @Test
    void replyWhenRouteFailsOrAnswersBrokenXmlThenSuccessAndStored() throws Exception {
        assertThat(post(pushes.crypto(), textMessage("boom"), true).body()).isEqualTo("success");
        assertThat(post(pushes.crypto(), textMessage("broken"), true).body()).isEqualTo("success");
        assertThat(stored("boom")).isOne();
        assertThat(stored("broken")).isOne();
    }

    @Test
    void messageWhenSignatureIsWrongOrXmlMalformedThenRefusedAsBeforeAndNothingStored() throws Exception {
        HttpResponse<String> badSignature = post(pushes.crypto(), textMessage("营业时间 forged"), false);
        HttpResponse<String> malformed = post(pushes.crypto(), "<xml><MsgType>text</MsgType><Content>x", true);

        assertThat(badSignature.statusCode()).isEqualTo(401);
        assertThat(badSignature.body()).doesNotContain("Encrypt");
        assertThat(malformed.statusCode()).isEqualTo(400);
        assertThat(stored("营业时间 forged")).isZero();
    }
}
