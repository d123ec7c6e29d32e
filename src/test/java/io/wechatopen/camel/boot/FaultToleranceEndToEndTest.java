package io.wechatopen.camel.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.camel.CamelContext;
import org.apache.camel.CamelExecutionException;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.NotifyBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import io.wechatopen.camel.AuthorizerTokens;
import io.wechatopen.camel.model.AuthorizerRecord;
import io.wechatopen.camel.model.AuthorizerStatus;
import io.wechatopen.camel.store.AuthorizerStore;
import io.wechatopen.camel.support.NettyLeakCheck;
import io.wechatopen.camel.support.RunningBundle;

/**
 * Issue 6 through the sandbox and real HTTP: a lost {@code api_query_auth} reply (item 1), a refused refresh token
 * during a recovery outage (item 2), WeChat not hammered by page views (item 4), and a POST on behalf of an account
 * whose reply is lost sent once (item 7).
 */
@ExtendWith(NettyLeakCheck.class)
class FaultToleranceEndToEndTest {

    private static final String ACCOUNT = "wx5a4db0c01d5a0001";

    private RunningBundle bundle;

    @AfterEach
    void stop() throws Exception {
        if (bundle != null) {
            bundle.close();
        }
    }

    private void start(Map<String, String> extra) throws Exception {
        Map<String, String> properties = new HashMap<>();
        for (String schedule : new String[] {"component-token-refresh", "authorizer-token-refresh",
                "authorizer-reconcile"}) {
            properties.put("wechat.schedule." + schedule + ".cron", "0 0 0 1 1 ? 2099");
        }
        properties.put("wechat.schedule.authorization-event-handle.cron", "0/1 * * * * ?");
        properties.put("wechat.authorizer.retry-min-backoff", "1s");
        properties.put("wechat.authorizer.retry-max-backoff", "2s");
        properties.putAll(extra);
        bundle = RunningBundle.start(properties);
        await().atMost(Duration.ofSeconds(30))
                .until(() -> bundle.status().at("/components/0/component_token/valid").asBoolean());
    }

    private void clearFaults() throws Exception {
        assertThat(bundle.send(HttpRequest.newBuilder(URI.create(bundle.sandboxUrl() + "/sandbox/faults")).DELETE()
                .build()).statusCode()).isEqualTo(200);
    }

    private long calls(String api) throws Exception {
        return bundle.sandboxState().at("/calls/" + api).asLong();
    }

    private AuthorizerRecord account() {
        return bundle.bean("authorizerStore", AuthorizerStore.class).find(bundle.componentAppid(), ACCOUNT)
                .orElseThrow(() -> new AssertionError("account not stored"));
    }

    // Issue 6, item 1: WeChat exchanged the code but its answer was lost: the owner is told the truth, the code is
    // not sent again, and the account ends AUTHORIZED with its refresh token.
    @Test
    void callbackWhenQueryAuthReplyLostThenReceivedPageAndAuthorizedWithoutASecondExchange() throws Exception {
        start(Map.of());
        bundle.injectFault("{\"api\":\"api_query_auth\",\"count\":1,\"lose_reply\":true}");

        HttpResponse<String> page = bundle.authorize(ACCOUNT);

        assertThat(page.statusCode()).isIn(200, 202);
        if (page.statusCode() == 202) {
            assertThat(page.body()).contains("received").doesNotContain("failed");
        }
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(account())
                .returns(AuthorizerStatus.AUTHORIZED, AuthorizerRecord::status)
                .satisfies(r -> assertThat(r.refreshToken()).isNotEmpty())
                .satisfies(r -> assertThat(r.funcInfo()).isNotEmpty()));
        assertThat(calls("api_query_auth")).isEqualTo(1);
        assertThat(bundle.count("SELECT COUNT(*) FROM wechat_authorization_event WHERE status = 'FAILED'")).isZero();
        assertThat(bundle.bean("authorizerTokens", AuthorizerTokens.class).accessToken(ACCOUNT)).isNotEmpty();
    }

    // Issue 6, item 2: 61023, then WeChat's recovery APIs fail for a while: the account stays AUTHORIZED and
    // recovers once WeChat is back.
    @Test
    void accessTokenWhen61023DuringRecoveryOutageThenAuthorizedAfterIt() throws Exception {
        start(Map.of("wechat.api.maximum-redeliveries", "0"));
        assertThat(bundle.authorize(ACCOUNT).statusCode()).isEqualTo(200);
        AuthorizerTokens tokens = bundle.bean("authorizerTokens", AuthorizerTokens.class);
        String first = tokens.accessToken(ACCOUNT);
        String rotated = account().refreshToken();
        assertThat(bundle.sandboxControl("/sandbox/authorizers/" + ACCOUNT + "/rotate-refresh-token", null)
                .statusCode()).isEqualTo(200);
        bundle.injectFault("{\"api\":\"api_get_authorizer_info\",\"count\":3,\"http_status\":503}");
        bundle.injectFault("{\"api\":\"api_get_authorizer_list\",\"count\":3,\"errcode\":-1}");
        tokens.reportInvalid(ACCOUNT, first);

        Throwable outage = catchThrowable(() -> tokens.accessToken(ACCOUNT));

        assertThat(outage).isNotNull();
        assertThat(account().status()).isEqualTo(AuthorizerStatus.AUTHORIZED);
        clearFaults();
        bundle.context().createProducerTemplate().sendBody("direct:wechat-authorizer-token-refresh-due", null);
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            // A token was refreshed with the recovered refresh token (the rotated one gets 61023).
            assertThat(catchThrowable(() -> tokens.accessToken(ACCOUNT))).isNull();
            assertThat(account().refreshToken()).isNotEmpty().isNotEqualTo(rotated);
        });
        assertThat(account().status()).isEqualTo(AuthorizerStatus.AUTHORIZED);
        assertThat(bundle.count("SELECT COUNT(*) FROM wechat_authorizer WHERE status = 'NEEDS_REAUTHORIZATION'"))
                .isZero();
    }

    // Issue 6, item 4: with the whitelist refusing us (61004), 40 page views cost a handful of token calls.
    @Test
    void startWhen61004Then40PageViewsCostAHandfulOfComponentTokenCalls() throws Exception {
        start(Map.of("wechat.api.maximum-redeliveries", "0"));
        bundle.injectFault("{\"api\":\"api_component_token\",\"count\":1000,\"errcode\":61004}");
        try (var connection = bundle.dataSource().getConnection();
                var statement = connection.createStatement()) {
            statement.executeUpdate("UPDATE wechat_component SET access_token = NULL, access_token_expires_at = NULL");
        }
        long before = calls("api_component_token");

        for (int i = 0; i < 40; i++) {
            HttpResponse<String> page = bundle.startAuthorization("");
            assertThat(page.statusCode()).isEqualTo(503);
            assertThat(page.body()).contains("61004");
        }

        assertThat(calls("api_component_token") - before).isBetween(1L, 3L);
        assertThat(calls("api_create_preauthcode")).isZero();

        // The operator fixed the whitelist: the back-off is reset at once instead of waiting it out.
        clearFaults();
        assertThat(bundle.post(bundle.baseUrl() + "/admin/backoffs/reset", "application/json", "").statusCode())
                .isEqualTo(401);
        HttpResponse<String> reset = bundle.send(HttpRequest.newBuilder(URI.create(bundle.baseUrl()
                + "/admin/backoffs/reset")).header("Authorization", "Bearer " + RunningBundle.ADMIN_TOKEN)
                .POST(HttpRequest.BodyPublishers.noBody()).build());
        assertThat(reset.statusCode()).isEqualTo(200);
        assertThat(reset.body()).isEqualTo("{\"reset\":1}");
        assertThat(bundle.startAuthorization("").statusCode()).isEqualTo(302);
    }

    // Issue 6, item 4: each start costs an api_create_preauthcode, so starts are rate-limited per client address.
    @Test
    void startWhenOneClientStartsTooOftenThenClear429AndNoPreAuthCode() throws Exception {
        start(Map.of("wechat.authorize.start-rate-per-client", "5", "wechat.authorize.start-rate", "300"));

        List<Integer> statuses = new java.util.ArrayList<>();
        for (int i = 0; i < 8; i++) {
            statuses.add(bundle.startAuthorization("").statusCode());
        }

        assertThat(statuses.subList(0, 5)).containsOnly(302);
        assertThat(statuses.subList(5, 8)).containsOnly(429);
        HttpResponse<String> refused = bundle.startAuthorization("");
        assertThat(refused.body()).contains("Too many authorization attempts");
        assertThat(refused.headers().firstValue("Retry-After")).contains("60");
        assertThat(calls("api_create_preauthcode")).isEqualTo(5);
    }

    // Issue 6, item 7: a message sent on an account's behalf whose reply is lost is not sent again by our retry;
    // a caller that marks its call idempotent gets it repeated.
    @Test
    void apiCallWhenPostReplyLostThenSentOnceUnlessMarkedIdempotent() throws Exception {
        start(Map.of());
        assertThat(bundle.authorize(ACCOUNT).statusCode()).isEqualTo(200);
        ProducerTemplate producer = bundle.context().createProducerTemplate();
        Map<String, Object> headers = new HashMap<>(Map.of("WeChatAuthorizerAppid", ACCOUNT, "WeChatApiPath",
                "/cgi-bin/message/custom/send"));
        String message = "{\"touser\":\"o6_bmjrPTlm6_2sgVt7hMZOPfL2M\",\"msgtype\":\"text\",\"text\":{\"content\":\"hi\"}}";
        bundle.injectFault("{\"api\":\"send\",\"count\":1,\"lose_reply\":true}");

        Throwable lost = catchThrowable(() -> producer.requestBodyAndHeaders("direct:wechat-api-call", message,
                headers, String.class));

        assertThat(lost).isInstanceOf(CamelExecutionException.class);
        assertThat(calls("send")).isEqualTo(1);

        bundle.injectFault("{\"api\":\"send\",\"count\":1,\"lose_reply\":true}");
        headers.put("WeChatApiIdempotent", "true");
        String answer = producer.requestBodyAndHeaders("direct:wechat-api-call", message, headers, String.class);

        assertThat(answer).contains("\"errcode\":0");
        assertThat(calls("send")).isEqualTo(3);
    }

    // Issue 6, item 5: a sweep still running when the schedule fires again is skipped (no Quartz thread waits behind
    // it), and the component-token job keeps firing meanwhile.
    @Test
    void sweepWhenStillRunningAtTheNextFiringThenSkippedAndTheComponentTokenJobStillFires() throws Exception {
        start(Map.of("wechat.authorizer.refresh-concurrency", "1",
                "wechat.schedule.authorizer-token-refresh.cron", "0/1 * * * * ?",
                "wechat.schedule.component-token-refresh.cron", "0/1 * * * * ?"));
        List<String> accounts = List.of(ACCOUNT, "wx5a4db0c01d5a0002", "wx5a4db0c01d5a0003");
        for (String appid : accounts) {
            assertThat(bundle.authorize(appid).statusCode()).isEqualTo(200);
        }
        long refreshesBefore = calls("api_authorizer_token");
        bundle.injectFault("{\"api\":\"api_authorizer_token\",\"count\":3,\"latency_ms\":2000}");
        CamelContext context = bundle.context();
        NotifyBuilder tokenJob = new NotifyBuilder(context).fromRoute("wechat-component-token-refresh")
                .whenCompleted(3).create();
        try (var connection = bundle.dataSource().getConnection();
                var statement = connection.createStatement()) {
            statement.executeUpdate("UPDATE wechat_authorizer SET access_token_expires_at = 1");
        }

        int[] maxWaiting = {0};
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50)).until(() -> {
            maxWaiting[0] = Math.max(maxWaiting[0],
                    context.getInflightRepository().size("wechat-authorizer-token-refresh-schedule"));
            return calls("api_authorizer_token") - refreshesBefore >= 3;
        });

        assertThat(tokenJob.matches(10, TimeUnit.SECONDS)).as("component-token job fired during the sweep").isTrue();
        assertThat(maxWaiting[0]).as("Quartz firings of the sweep in flight at once").isLessThanOrEqualTo(1);
        assertThat(calls("api_authorizer_token") - refreshesBefore).isEqualTo(3);
        // Let the slow refreshes get their answers, so stopping the bundle does not cut their HTTP exchanges midway
        // (an answer arriving after the stop is never released, which the leak check reports).
        await().atMost(Duration.ofSeconds(15)).until(
                () -> context.getInflightRepository().size("wechat-authorizer-token-refresh-schedule") == 0);
    }
}
