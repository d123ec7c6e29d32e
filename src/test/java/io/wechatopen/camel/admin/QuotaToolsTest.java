package io.wechatopen.camel.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.wechatopen.camel.quota.QuotaResetRefusedException;
import io.wechatopen.camel.support.LogCapture;
import io.wechatopen.camel.support.NettyLeakCheck;
import io.wechatopen.camel.support.RunningBundle;

/**
 * The quota tools end to end, over HTTP against the sandbox: getApiQuota figures in {@code /admin/status} (from the
 * scheduled refresh) and {@code GET /admin/quota}, the {@code wechat-quota} health check, and clear_quota/v2 as an
 * operator's action, refused once the month's 10 resets are spent, by our own counter (no call to WeChat) and by
 * WeChat's 48006.
 */
@ExtendWith(NettyLeakCheck.class)
class QuotaToolsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ACCOUNT = "wx1000000000000001";
    private static final String TOKEN_API = "/cgi-bin/component/api_component_token";

    private static RunningBundle start() throws Exception {
        // daily_limit 1: the one api_component_token call of the start uses the day's quota up.
        RunningBundle bundle = RunningBundle.start(Map.of("wechat.sandbox.quota-daily-limit", "1",
                "wechat.sandbox.first-push-delay", "200ms"));
        Awaitility.await().atMost(Duration.ofSeconds(20))
                .until(() -> bundle.status().at("/components/0/component_token/valid").asBoolean());
        return bundle;
    }

    private static HttpResponse<String> clear(RunningBundle bundle, String body, String bearer) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(bundle.baseUrl() + "/admin/quota/clear"))
                .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (bearer != null) {
            request.header("Authorization", "Bearer " + bearer);
        }
        return bundle.send(request.build());
    }

    private static HttpResponse<String> quota(RunningBundle bundle, String query) throws Exception {
        return bundle.get(bundle.baseUrl() + "/admin/quota?" + query, RunningBundle.ADMIN_TOKEN);
    }

    private static JsonNode check(RunningBundle bundle, String id) throws Exception {
        JsonNode health = JSON.readTree(bundle.get(bundle.baseUrl() + "/admin/health", RunningBundle.ADMIN_TOKEN)
                .body());
        for (JsonNode check : health.path("checks")) {
            if (id.equals(check.path("id").asText())) {
                return check;
            }
        }
        throw new AssertionError("no health check " + id + " in " + health);
    }

    private static void refresh(RunningBundle bundle) {
        bundle.context().createProducerTemplate().sendBody("direct:wechat-quota-refresh", null);
    }

    private static JsonNode watched(RunningBundle bundle, String cgiPath) throws Exception {
        for (JsonNode api : bundle.status().at("/components/0/quota/apis")) {
            if (cgiPath.equals(api.path("cgi_path").asText())) {
                return api;
            }
        }
        throw new AssertionError("no quota reading of " + cgiPath);
    }

    private static long sandboxCalls(RunningBundle bundle, String api) throws Exception {
        return bundle.sandboxState().path("calls").path(api).asLong();
    }

    @Test
    void quotaWhenReadAndClearedThenShownInStatusAndHealthAndTheResetIsCounted() throws Exception {
        try (RunningBundle bundle = start();
                LogCapture logs = new LogCapture("io.wechatopen", "org.apache.camel")) {
            assertThat(check(bundle, "wechat-quota").path("status").asText()).isEqualTo("UNKNOWN");
            assertThat(bundle.status().at("/components/0/quota/resets/resets_left").asInt()).isEqualTo(10);
            long quotaCallsBefore = sandboxCalls(bundle, "quota_get");
            bundle.status();
            assertThat(sandboxCalls(bundle, "quota_get")).as("status never calls WeChat").isEqualTo(quotaCallsBefore);

            refresh(bundle);

            JsonNode token = watched(bundle, TOKEN_API);
            assertThat(token.path("daily_limit").asLong()).isEqualTo(1);
            assertThat(token.path("used").asLong()).isEqualTo(1);
            assertThat(token.path("remain").asLong()).isZero();
            assertThat(watched(bundle, "/cgi-bin/component/api_create_preauthcode").path("remain").asLong())
                    .isEqualTo(1);
            JsonNode down = check(bundle, "wechat-quota");
            assertThat(down.path("status").asText()).isEqualTo("DOWN");
            assertThat(down.path("message").asText()).contains(TOKEN_API);

            HttpResponse<String> cleared = clear(bundle, "", RunningBundle.ADMIN_TOKEN);

            assertThat(cleared.statusCode()).as(cleared.body()).isEqualTo(200);
            JsonNode body = JSON.readTree(cleared.body());
            assertThat(body.path("cleared").asText()).isEqualTo(bundle.componentAppid());
            assertThat(body.path("resets_used").asInt()).isEqualTo(1);
            assertThat(body.path("resets_left").asInt()).isEqualTo(9);
            JsonNode request = bundle.sandboxState().path("requests");
            JsonNode last = request.get(request.size() - 1);
            assertThat(last.path("api").asText()).isEqualTo("clear_quota_v2");
            assertThat(last.path("body").path("appsecret").asText()).isEqualTo("***");
            refresh(bundle);
            assertThat(watched(bundle, TOKEN_API).path("remain").asLong()).isEqualTo(1);
            assertThat(check(bundle, "wechat-quota").path("status").asText()).isEqualTo("UP");
            assertThat(bundle.status().at("/components/0/quota/resets/resets_used").asInt()).isEqualTo(1);
            assertThat(logs.events()).extracting(LogCapture.Event::message)
                    .noneMatch(m -> m.contains("running-bundle-test-appsecret"));
        }
    }

    @Test
    void quotaWhenAskedThenWeChatsFiguresForThePlatformOrAnAccountAndItsErrcodes() throws Exception {
        try (RunningBundle bundle = start()) {
            assertThat(bundle.authorize(ACCOUNT).statusCode()).isEqualTo(200);
            String path = URLEncoder.encode(TOKEN_API, StandardCharsets.UTF_8);

            JsonNode platform = JSON.readTree(quota(bundle, "cgi_path=" + path).body());
            assertThat(platform.path("cgi_path").asText()).isEqualTo(TOKEN_API);
            assertThat(platform.at("/quota/daily_limit").asLong()).isEqualTo(1);
            assertThat(platform.at("/rate_limit/call_count").asLong()).isPositive();
            assertThat(platform.has("component_rate_limit")).isFalse();

            HttpResponse<String> account = quota(bundle, "authorizer_appid=" + ACCOUNT + "&cgi_path="
                    + URLEncoder.encode("/cgi-bin/message/custom/send", StandardCharsets.UTF_8));
            assertThat(account.statusCode()).as(account.body()).isEqualTo(200);
            JsonNode accountBody = JSON.readTree(account.body());
            assertThat(accountBody.path("authorizer_appid").asText()).isEqualTo(ACCOUNT);
            assertThat(accountBody.at("/component_rate_limit/refresh_second").asLong()).isPositive();

            HttpResponse<String> unknown = quota(bundle, "cgi_path=%2Fcgi-bin%2Fno%2Fsuch%2Fapi");
            assertThat(unknown.statusCode()).isEqualTo(502);
            assertThat(JSON.readTree(unknown.body()).path("errcode").asInt()).isEqualTo(76021);
            HttpResponse<String> notThePlatforms = quota(bundle,
                    "cgi_path=" + URLEncoder.encode("/cgi-bin/user/info", StandardCharsets.UTF_8));
            assertThat(JSON.readTree(notThePlatforms.body()).path("errcode").asInt()).isEqualTo(76022);
            assertThat(quota(bundle, "cgi_path=no-slash").statusCode()).isEqualTo(400);
            assertThat(bundle.get(bundle.baseUrl() + "/admin/quota?cgi_path=" + path, null).statusCode())
                    .isEqualTo(401);
            assertThat(clear(bundle, "", null).statusCode()).isEqualTo(401);
            assertThat(clear(bundle, "[1]", RunningBundle.ADMIN_TOKEN).statusCode()).isEqualTo(400);
        }
    }

    @Test
    void clearQuotaWhenTheMonthsTenResetsAreSpentThenRefused429WithoutCallingWeChat() throws Exception {
        try (RunningBundle bundle = start()) {
            assertThat(bundle.authorize(ACCOUNT).statusCode()).isEqualTo(200);
            String body = "{\"authorizer_appid\":\"" + ACCOUNT + "\"}";
            for (int i = 1; i <= 10; i++) {
                HttpResponse<String> cleared = clear(bundle, body, RunningBundle.ADMIN_TOKEN);
                assertThat(cleared.statusCode()).as(cleared.body()).isEqualTo(200);
                assertThat(JSON.readTree(cleared.body()).path("resets_left").asInt()).isEqualTo(10 - i);
            }
            long calls = sandboxCalls(bundle, "clear_quota_v2");

            HttpResponse<String> refused = clear(bundle, body, RunningBundle.ADMIN_TOKEN);

            assertThat(refused.statusCode()).isEqualTo(429);
            JsonNode answer = JSON.readTree(refused.body());
            assertThat(answer.path("resets_left").asInt()).isZero();
            assertThat(answer.path("error").asText()).contains("spent");
            assertThat(sandboxCalls(bundle, "clear_quota_v2")).isEqualTo(calls);
            // The platform's own budget is another account's: untouched.
            assertThat(bundle.status().at("/components/0/quota/resets/resets_used").asInt()).isZero();
            // An account that never authorized the platform: WeChat's 40013, and the reset is given back.
            HttpResponse<String> stranger = clear(bundle, "{\"authorizer_appid\":\"wx1000000000000003\"}",
                    RunningBundle.ADMIN_TOKEN);
            assertThat(stranger.statusCode()).isEqualTo(502);
            assertThat(JSON.readTree(stranger.body()).path("errcode").asInt()).isEqualTo(40013);
            assertThat(bundle.count("SELECT COALESCE(SUM(used), 0) FROM wechat_quota_reset WHERE target_appid = ?",
                    "wx1000000000000003")).isZero();
        }
    }

    @Test
    void clearQuotaWhenWeChatAnswers48006ThenTheMonthIsSpentAndLaterClearsAreRefusedWithoutACall()
            throws Exception {
        try (RunningBundle bundle = start()) {
            bundle.injectFault("{\"api\":\"clear_quota_v2\",\"count\":1,\"errcode\":48006}");

            HttpResponse<String> refused = clear(bundle, "", RunningBundle.ADMIN_TOKEN);

            assertThat(refused.statusCode()).isEqualTo(429);
            assertThat(JSON.readTree(refused.body()).path("error").asText()).contains("48006");
            long calls = sandboxCalls(bundle, "clear_quota_v2");
            assertThat(clear(bundle, "", RunningBundle.ADMIN_TOKEN).statusCode()).isEqualTo(429);
            assertThat(sandboxCalls(bundle, "clear_quota_v2")).isEqualTo(calls);
            assertThat(bundle.status().at("/components/0/quota/resets/resets_left").asInt()).isZero();
            // The operator's other way in (Karaf's wechat:quota-clear) meets the same budget.
            WeChatOperations operations = bundle.bean("wechatOperations", WeChatOperations.class);
            assertThatThrownBy(() -> operations.clearQuota(Optional.empty(), Optional.empty()))
                    .isInstanceOf(QuotaResetRefusedException.class).hasMessageContaining("spent");
            assertThat(sandboxCalls(bundle, "clear_quota_v2")).isEqualTo(calls);
        }
    }

    @Test
    void sandboxClearQuotaWhenCredentialsAreWrongThenWeChatsErrcodesAndTheEleventhResetIs48006() throws Exception {
        try (RunningBundle bundle = start()) {
            String url = bundle.sandboxUrl() + "/cgi-bin/component/clear_quota/v2";
            String appid = bundle.componentAppid();
            assertThat(errcode(bundle.post(url, "application/json", "{\"component_appid\":\"" + appid + "\"}")))
                    .isEqualTo(41004);
            assertThat(errcode(bundle.post(url, "application/json", "{\"component_appid\":\"" + appid
                    + "\",\"appsecret\":\"wrong\"}"))).isEqualTo(40125);
            assertThat(errcode(bundle.post(url, "application/json",
                    "{\"component_appid\":\"wxffffffffffffffff\",\"appsecret\":\"wrong\"}"))).isEqualTo(40013);
            String good = "{\"component_appid\":\"" + appid + "\",\"appsecret\":\"running-bundle-test-appsecret\"}";
            for (int i = 0; i < 10; i++) {
                assertThat(errcode(bundle.post(url, "application/json", good))).isZero();
            }
            assertThat(errcode(bundle.post(url, "application/json", good))).isEqualTo(48006);
            assertThat(errcode(bundle.post(bundle.sandboxUrl() + "/cgi-bin/openapi/quota/get?access_token=nope",
                    "application/json", "{\"cgi_path\":\"" + TOKEN_API + "\"}"))).isEqualTo(40014);
        }
    }

    private static int errcode(HttpResponse<String> response) throws Exception {
        return JSON.readTree(response.body()).path("errcode").asInt();
    }
}
