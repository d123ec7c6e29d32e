package io.wechatopen.camel.boot;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import com.zaxxer.hikari.HikariDataSource;

import io.wechatopen.camel.crypto.EncryptedPush;
import io.wechatopen.camel.crypto.WeChatMessageCrypto;
import io.wechatopen.camel.support.NettyLeakCheck;
import io.wechatopen.camel.support.RunningBundle;

/**
 * The database goes away: a push is answered 500 (so WeChat pushes it again) and nothing is half-written; the
 * admin status answers 500 too instead of hanging or showing stale data.
 */
@ExtendWith(NettyLeakCheck.class)
class DatabaseOutageTest {

    @Test
    void pushWhenDatabaseUnavailableThen500AndNothingStored() throws Exception {
        String url = "jdbc:h2:mem:outage-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
        Map<String, String> properties = new HashMap<>(RunningBundle.NO_SANDBOX);
        properties.put("wechat.datasource.url", url);
        try (RunningBundle bundle = RunningBundle.start(properties);
                Connection outside = DriverManager.getConnection(url, "sa", "")) {
            EncryptedPush push = bundle.pushes().ticket("ticket@@@during-outage", Instant.now());

            bundle.bean("wechatDataSource", HikariDataSource.class).close();

            HttpResponse<String> response = bundle.post(bundle.eventsUrl() + "?" + push.queryString(), "text/xml",
                    push.body());
            assertThat(response.statusCode()).isEqualTo(500);
            assertThat(response.body()).isEqualTo("temporarily unavailable; nothing was stored")
                    .doesNotContain("ticket@@@");
            try (ResultSet rs = outside.createStatement().executeQuery(
                    "SELECT COUNT(*) FROM wechat_authorization_event")) {
                rs.next();
                assertThat(rs.getLong(1)).isZero();
            }
            assertThat(bundle.get(bundle.baseUrl() + "/admin/status", RunningBundle.ADMIN_TOKEN).statusCode())
                    .isEqualTo(500);
        }
    }

    /** Issue 9: pushes arriving together share one transaction (group commit); when it fails, each gets 500. */
    @Test
    void pushesArrivingTogetherWhenDatabaseUnavailableThenEach500AndNoneStored() throws Exception {
        String url = "jdbc:h2:mem:outage-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
        Map<String, String> properties = new HashMap<>(RunningBundle.NO_SANDBOX);
        properties.put("wechat.datasource.url", url);
        try (RunningBundle bundle = RunningBundle.start(properties);
                Connection outside = DriverManager.getConnection(url, "sa", "")) {
            List<EncryptedPush> pushes = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                pushes.add(bundle.pushes().ticket("ticket@@@together-" + i, Instant.now()));
            }

            bundle.bean("wechatDataSource", HikariDataSource.class).close();

            List<CompletableFuture<HttpResponse<String>>> answers = pushes.stream()
                    .map(push -> CompletableFuture.supplyAsync(() -> {
                        try {
                            return bundle.post(bundle.eventsUrl() + "?" + push.queryString(), "text/xml",
                                    push.body());
                        } catch (IOException | InterruptedException e) {
                            throw new IllegalStateException(e);
                        }
                    })).toList();
            for (CompletableFuture<HttpResponse<String>> answer : answers) {
                assertThat(answer.get(30, TimeUnit.SECONDS)).satisfies(response -> {
                    assertThat(response.statusCode()).isEqualTo(500);
                    assertThat(response.body()).isEqualTo("temporarily unavailable; nothing was stored");
                });
            }
            try (ResultSet rs = outside.createStatement().executeQuery(
                    "SELECT COUNT(*) FROM wechat_authorization_event")) {
                rs.next();
                assertThat(rs.getLong(1)).isZero();
            }
        }
    }

    @Test
    void accountMessageWhenDatabaseUnavailableThen500SoWeChatPushesItAgain() throws Exception {
        try (RunningBundle bundle = RunningBundle.start(RunningBundle.NO_SANDBOX)) {
            WeChatMessageCrypto crypto = bundle.pushes().crypto();
            String timestamp = String.valueOf(Instant.now().getEpochSecond());
            String nonce = "outage";
            String encrypt = crypto.encrypt("<xml><ToUserName><![CDATA[gh_97417a04a28d]]></ToUserName><FromUserName>"
                    + "<![CDATA[o9AgO5Kd5gg]]></FromUserName><CreateTime>" + timestamp + "</CreateTime><MsgType>"
                    + "<![CDATA[text]]></MsgType><Content><![CDATA[hello]]></Content><MsgId>1</MsgId></xml>");
            String query = "signature=" + crypto.signature(timestamp, nonce) + "&timestamp=" + timestamp + "&nonce="
                    + nonce + "&openid=o9AgO5Kd5gg&encrypt_type=aes&msg_signature="
                    + crypto.msgSignature(timestamp, nonce, encrypt);

            bundle.bean("wechatDataSource", HikariDataSource.class).close();

            HttpResponse<String> response = bundle.post(bundle.baseUrl() + "/accounts/wx1000000000000001/messages?"
                    + query, "text/xml", "<xml><Encrypt><![CDATA[" + encrypt + "]]></Encrypt></xml>");
            assertThat(response.statusCode()).isEqualTo(500);
            assertThat(response.body()).isNotEqualTo("success").doesNotContain("hello");
        }
    }
}
