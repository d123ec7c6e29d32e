package io.wechatopen.camel.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;

import io.wechatopen.camel.model.AuthorizerRecord;
import io.wechatopen.camel.model.AuthorizerStatus;

/**
 * Issue 6 item 1 (kill -9 during a callback exchange): WeChat is slow on {@code api_query_auth} (3 s), the merchant's
 * browser waits on our callback, and the bundle is killed with {@code kill -9} while WeChat is still doing the
 * exchange, which uses the single-use code up. Restarted on the same H2 file, the bundle must end with the account
 * AUTHORIZED and WeChat's refresh token within a bounded time: the stored {@code authorized} push is handled again,
 * and an exchange of unknown outcome is completed through {@code api_get_authorizer_info} (not by a second
 * {@code api_query_auth}, which WeChat refuses with 61009).
 */
class KillNineCallbackExchangeIT extends StandaloneKillTestSupport {

    private static final String APPID = "wx9000000000000001";

    @Test
    void exchangeWhenKilledWhileWeChatWorksThenAuthorizedAfterRestart() throws Exception {
        start("callback-exchange", Database.h2File("callback-exchange"),
                // Short API timeouts: a claim whose holder died is taken for dead after the longest api_query_auth
                // (here about 17 s), then completed through api_get_authorizer_info.
                Map.of("wechat.schedule.authorization-event-handle.cron", "0/2 * * * * ?",
                        "wechat.api.connect-timeout", "1s", "wechat.api.read-timeout", "5s",
                        "wechat.api.maximum-redeliveries", "1", "wechat.api.redelivery-delay", "100ms"));
        assertThat(pushTicket().answer().statusCode()).isEqualTo(200);
        sandbox.fault("{\"api\":\"api_query_auth\",\"count\":10,\"latency_ms\":3000}");

        String callback = approve(APPID);
        await().atMost(Duration.ofSeconds(10)).until(() -> sandbox.acceptedPushes("authorized") == 1);
        CompletableFuture<HttpResponse<String>> browser = HttpClient.newHttpClient().sendAsync(
                HttpRequest.newBuilder(URI.create(callback)).timeout(Duration.ofSeconds(30)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(10))
                .until(() -> sandbox.calls("api_query_auth") >= 1);
        bundle.kill();
        assertThat(sandbox.refreshToken(APPID)).as("killed before WeChat finished the exchange").isEmpty();
        // WeChat finishes the exchange it was doing: the code is used up and the refresh token issued
        await().atMost(Duration.ofSeconds(10)).until(() -> !sandbox.refreshToken(APPID).isEmpty());
        assertThat(browser).failsWithin(Duration.ofSeconds(10));

        bundle.start();
        await().atMost(Duration.ofSeconds(45)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            AuthorizerRecord account = authorizer(APPID).orElseThrow(() -> new AssertionError("no row for " + APPID));
            assertThat(account.status()).isEqualTo(AuthorizerStatus.AUTHORIZED);
            assertThat(account.refreshToken()).isEqualTo(sandbox.refreshToken(APPID));
        });
    }
}
