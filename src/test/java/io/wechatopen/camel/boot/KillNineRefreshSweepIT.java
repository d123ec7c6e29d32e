package io.wechatopen.camel.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.wechatopen.camel.model.AuthorizerRecord;
import io.wechatopen.camel.model.AuthorizerStatus;
import io.wechatopen.camel.support.DetachedSandbox;

/**
 * Issue 6 (kill -9 during a refresh sweep; items 0 and 3): 50 authorized accounts whose access tokens are due, WeChat
 * slow on {@code api_authorizer_token} so the sweep is half-way, the bundle killed with {@code kill -9} in the middle
 * of it and restarted on the same H2 file. After the next sweep every account is AUTHORIZED, holds the refresh token
 * WeChat holds, and an access token WeChat accepts: no refresh token lost, no account lost.
 */
class KillNineRefreshSweepIT extends StandaloneKillTestSupport {

    private static final int ACCOUNTS = 50;

    @Test
    void sweepWhenKilledHalfWayThenNextSweepLeavesEveryAccountAuthorizedWithWeChatsTokens() throws Exception {
        start("refresh-sweep", Database.h2File("refresh-sweep"),
                Map.of("wechat.schedule.authorizer-token-refresh.cron", "0/3 * * * * ?"));
        assertThat(pushTicket().answer().statusCode()).isEqualTo(200);
        for (int i = 0; i < ACCOUNTS; i++) {
            String preAuthCode = String.valueOf(sandbox.state().authorizations()
                    .createPreAuthCode(DetachedSandbox.COMPONENT_APPID).get("pre_auth_code"));
            // the sandbox sends the authorized push; the bundle exchanges its code
            sandbox.control("/sandbox/authorizations", "{\"pre_auth_code\":\"" + preAuthCode
                    + "\",\"authorizer_appid\":\"" + appid(i) + "\"}");
        }
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> assertThat(
                authorizers()).filteredOn(a -> a.status() == AuthorizerStatus.AUTHORIZED && a.hasRefreshToken())
                        .hasSize(ACCOUNTS));

        // WeChat answers api_authorizer_token slowly, and every token falls due: the next sweep takes seconds
        sandbox.fault("{\"api\":\"api_authorizer_token\",\"count\":" + 2 * ACCOUNTS + ",\"latency_ms\":400}");
        long before = sandbox.calls("api_authorizer_token");
        update("UPDATE wechat_authorizer SET access_token_expires_at = ? WHERE component_appid = ?",
                Instant.now().toEpochMilli(), DetachedSandbox.COMPONENT_APPID);
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(20))
                .until(() -> sandbox.calls("api_authorizer_token") - before >= 12);
        bundle.kill();
        long refreshCallsBeforeKill = sandbox.calls("api_authorizer_token") - before;
        assertThat(refreshCallsBeforeKill).as("killed half-way through the sweep").isLessThan(ACCOUNTS);
        sandbox.clearFaults();

        bundle.start();
        await().atMost(Duration.ofSeconds(40)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            List<AuthorizerRecord> accounts = authorizers();
            assertThat(accounts).hasSize(ACCOUNTS);
            for (AuthorizerRecord account : accounts) {
                assertThat(account.status()).as(account.authorizerAppid()).isEqualTo(AuthorizerStatus.AUTHORIZED);
                assertThat(account.refreshToken()).as("refresh token of %s", account.authorizerAppid())
                        .isNotBlank().isEqualTo(sandbox.refreshToken(account.authorizerAppid()));
                assertThat(account.accessTokenExpiresAt()).as(account.authorizerAppid())
                        .isAfter(Instant.now().plus(Duration.ofHours(1)));
                assertThat(sandbox.accessTokenValid(account.accessToken()))
                        .as("WeChat accepts the access token of %s", account.authorizerAppid()).isTrue();
            }
        });
    }

    private static String appid(int i) {
        return String.format("wx8%015d", i);
    }
}
