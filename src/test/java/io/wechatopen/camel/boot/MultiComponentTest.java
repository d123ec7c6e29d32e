package io.wechatopen.camel.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import com.fasterxml.jackson.databind.JsonNode;

import io.wechatopen.camel.crypto.EncryptedPush;
import io.wechatopen.camel.support.NettyLeakCheck;
import io.wechatopen.camel.support.RunningBundle;
import io.wechatopen.camel.support.TestPushes;

/**
 * Two platforms in one deployment: each push is verified with its own platform's credentials and lands in that
 * platform's row; a failure of one platform does not touch the other.
 */
@ExtendWith(NettyLeakCheck.class)
class MultiComponentTest {

    private static final String SECOND = "wx00000000000000b2";

    @Test
    void pushesWhenForTwoPlatformsThenEachStoredUnderItsOwnAppid() throws Exception {
        try (RunningBundle bundle = RunningBundle.start(Map.of("wechat.components", "second",
                "wechat.component.second.appid", SECOND, "wechat.component.second.appsecret", "second-secret",
                "wechat.component.second.token", "secondtoken",
                "wechat.component.second.encoding-aes-key", "0123456789abcdefghijklmnopqrstuvwxyzABCDEFG"))) {
            String primary = bundle.context().resolvePropertyPlaceholders("{{wechat.component.appid}}");
            await().atMost(Duration.ofSeconds(30)).until(() -> component(bundle, primary)
                    .at("/component_token/valid").asBoolean());
            TestPushes second = new TestPushes(SECOND, "secondtoken", "0123456789abcdefghijklmnopqrstuvwxyzABCDEFG");

            Instant createTime = Instant.now();
            EncryptedPush push = second.ticket("ticket@@@second", createTime);
            HttpResponse<String> response = bundle.post(bundle.eventsUrl() + "?" + push.queryString(), "text/xml",
                    push.body());
            assertThat(response.body()).isEqualTo("success");

            assertThat(component(bundle, SECOND).at("/ticket/create_time").asLong())
                    .isEqualTo(createTime.getEpochSecond());
            // The sandbox only simulates the primary platform: WeChat refuses the second's appid (40013).
            await().atMost(Duration.ofSeconds(30)).until(() -> component(bundle, SECOND)
                    .at("/last_error/errcode").asInt() == 40013);
            assertThat(component(bundle, primary).at("/component_token/valid").asBoolean()).isTrue();
            assertThat(bundle.count("SELECT COUNT(*) FROM wechat_component")).isEqualTo(2);

            // The second platform's credentials cannot speak for the primary one.
            String encrypt = second.crypto().encrypt(TestPushes.ticketXml(primary, "ticket@@@forged", createTime));
            EncryptedPush forged = second.signedEnvelope(primary, encrypt,
                    String.valueOf(Instant.now().getEpochSecond()));
            assertThat(bundle.post(bundle.eventsUrl() + "?" + forged.queryString(), "text/xml", forged.body())
                    .statusCode()).isEqualTo(401);

            assertThat(bundle.startAuthorization("component=wxnotconfigured00001").statusCode()).isEqualTo(400);
            HttpResponse<String> start = bundle.startAuthorization("component=" + SECOND);
            assertThat(start.statusCode()).as("no component token for the second platform").isEqualTo(503);
        }
    }

    private static JsonNode component(RunningBundle bundle, String appid) throws Exception {
        for (JsonNode component : bundle.status().path("components")) {
            if (appid.equals(component.path("component_appid").asText())) {
                return component;
            }
        }
        throw new AssertionError("no component " + appid + " in the admin status");
    }
}
