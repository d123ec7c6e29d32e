package io.wechatopen.camel.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.apache.camel.CamelExecutionException;
import org.apache.camel.builder.NotifyBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import com.fasterxml.jackson.databind.JsonNode;

import io.wechatopen.camel.AuthorizerTokens;
import io.wechatopen.camel.AuthorizerUnavailableException;
import io.wechatopen.camel.api.WeChatApiException;
import io.wechatopen.camel.model.Authorization;
import io.wechatopen.camel.model.AuthorizationState;
import io.wechatopen.camel.model.AuthorizerRecord;
import io.wechatopen.camel.model.AuthorizerStatus;
import io.wechatopen.camel.sandbox.SandboxState;
import io.wechatopen.camel.store.AuthorizationStateStore;
import io.wechatopen.camel.store.AuthorizerStore;
import io.wechatopen.camel.support.LogCapture;
import io.wechatopen.camel.support.NettyLeakCheck;
import io.wechatopen.camel.support.RunningBundle;
import io.wechatopen.camel.token.Hashes;

/**
 * The authorization flow and the authorizer token upkeep against the sandbox, without a browser: the merchant
 * approves through the sandbox's control API, which also sends the {@code authorized} push.
 */
@ExtendWith(NettyLeakCheck.class)
class AuthorizationFlowTest {

    private RunningBundle bundle;
    private String component;
    private ExecutorService executor;

    @AfterEach
    void stop() throws Exception {
        if (executor != null) {
            executor.shutdownNow();
        }
        if (bundle != null) {
            bundle.close();
        }
    }

    private void start(Map<String, String> extra) throws Exception {
        Map<String, String> properties = new HashMap<>();
        // Schedules only when a test asks for them.
        for (String schedule : new String[] {"component-token-refresh", "authorizer-token-refresh",
                "authorization-event-handle", "authorizer-reconcile"}) {
            properties.put("wechat.schedule." + schedule + ".cron", "0 0 0 1 1 ? 2099");
        }
        properties.putAll(extra);
        bundle = RunningBundle.start(properties);
        component = bundle.context().resolvePropertyPlaceholders("{{wechat.component.appid}}");
        await().atMost(Duration.ofSeconds(30))
                .until(() -> bundle.status().at("/components/0/component_token/valid").asBoolean());
    }

    private long calls(String api) throws Exception {
        return bundle.sandboxState().at("/calls/" + api).asLong();
    }

    private AuthorizerStore store() {
        return bundle.bean("authorizerStore", AuthorizerStore.class);
    }

    private AuthorizerTokens tokens() {
        return bundle.bean("authorizerTokens", AuthorizerTokens.class);
    }

    private AuthorizerRecord record(String appid) {
        return store().find(component, appid).orElseThrow();
    }

    private void authorized(String appid) throws Exception {
        HttpResponse<String> callback = bundle.authorize(appid);
        assertThat(callback.statusCode()).as(callback.body()).isEqualTo(200);
        assertThat(callback.body()).contains(appid);
        // The authorized push is processed too (and finds the code already exchanged).
        await().atMost(Duration.ofSeconds(20)).until(() -> bundle.count("SELECT COUNT(*) FROM"
                + " wechat_authorization_event WHERE authorizer_appid = ? AND status = 'RECEIVED'", appid) == 0);
    }

    /** Makes the stored access token look about to expire, so the next request or sweep refreshes it. */
    private void expireSoon(String appid) throws Exception {
        try (var connection = bundle.dataSource().getConnection();
                var statement = connection.prepareStatement("UPDATE wechat_authorizer SET access_token_expires_at = ?"
                        + " WHERE component_appid = ? AND authorizer_appid = ?")) {
            statement.setLong(1, Instant.now().plusSeconds(60).toEpochMilli());
            statement.setString(2, component);
            statement.setString(3, appid);
            assertThat(statement.executeUpdate()).isOne();
        }
    }

    @Test
    void startWhenCalledThenFreshPreAuthCodeAndOneTimeStateInRedirect() throws Exception {
        start(Map.of());
        HttpResponse<String> first = bundle.startAuthorization("auth_type=1&biz_appid=wx1000000000000002"
                + "&category_id_list=1%7C2");
        HttpResponse<String> second = bundle.startAuthorization("");

        assertThat(first.statusCode()).as(first.body()).isEqualTo(302);
        Map<String, String> one = RunningBundle.queryOf(first.headers().firstValue("Location").orElseThrow());
        Map<String, String> two = RunningBundle.queryOf(second.headers().firstValue("Location").orElseThrow());
        assertThat(first.headers().firstValue("Location").orElseThrow())
                .startsWith(bundle.sandboxUrl() + "/cgi-bin/componentloginpage?");
        assertThat(one).containsEntry("component_appid", component).containsEntry("auth_type", "1")
                .containsEntry("biz_appid", "wx1000000000000002").containsEntry("category_id_list", "1|2");
        assertThat(one.get("pre_auth_code")).startsWith("preauthcode@@@").isNotEqualTo(two.get("pre_auth_code"));
        String redirect = one.get("redirect_uri");
        assertThat(redirect).startsWith(bundle.baseUrl() + "/authorize/callback?state=");
        assertThat(RunningBundle.queryOf(redirect).get("state")).hasSizeGreaterThanOrEqualTo(43)
                .isNotEqualTo(RunningBundle.queryOf(two.get("redirect_uri")).get("state"));
        assertThat(calls("api_create_preauthcode")).isEqualTo(2);
    }

    @Test
    void startWhenMobileThenH5PageWithWechatRedirect() throws Exception {
        start(Map.of());
        String location = bundle.startAuthorization("mobile=1").headers().firstValue("Location").orElseThrow();
        assertThat(location).startsWith(bundle.sandboxUrl() + "/safe/bindcomponent?action=bindcomponent&no_scan=1")
                .endsWith("#wechat_redirect");
    }

    @Test
    void startWhenReturnToIsAnotherSiteThen400() throws Exception {
        start(Map.of());
        assertThat(bundle.startAuthorization("return_to=https%3A%2F%2Fevil.example%2F").statusCode()).isEqualTo(400);
        assertThat(bundle.startAuthorization("auth_type=9").statusCode()).isEqualTo(400);
        assertThat(calls("api_create_preauthcode")).isZero();
    }

    @Test
    void callbackWhenApprovedThenAuthorizationStoredWithFactsAndTokenServed() throws Exception {
        start(Map.of());
        NotifyBuilder notice = new NotifyBuilder(bundle.context()).fromRoute("wechat-authorization-changed-log")
                .whenCompleted(1).create();
        authorized("wx1000000000000002");

        AuthorizerRecord record = record("wx1000000000000002");
        assertThat(record.status()).isEqualTo(AuthorizerStatus.AUTHORIZED);
        assertThat(record.refreshToken()).startsWith("refreshtoken@@@");
        assertThat(record.funcInfo()).isNotEmpty();
        assertThat(record.infoJson()).contains("nick_name").contains("user_name");
        assertThat(tokens().accessToken("wx1000000000000002")).isEqualTo(record.accessToken());
        assertThat(bundle.context().createProducerTemplate().requestBodyAndHeader("direct:wechat-authorizer-token",
                null, "WeChatAuthorizerAppid", "wx1000000000000002", String.class)).isEqualTo(record.accessToken());
        assertThat(notice.matches(10, TimeUnit.SECONDS)).isTrue();
        assertThat(calls("api_query_auth")).isOne();
    }

    @Test
    void callbackAndPushWhenRacingFiftyTimesThenOneAuthorizationAndOneExchangeEach() throws Exception {
        start(Map.of());
        executor = Executors.newFixedThreadPool(8);
        List<CompletableFuture<Integer>> callbacks = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            String appid = String.format("wx20000000000%05d", i);
            HttpResponse<String> start = bundle.startAuthorization("");
            String location = start.headers().firstValue("Location").orElseThrow();
            // The sandbox sends the authorized push while we follow the redirect: both paths race for the code.
            JsonNode approval = bundle.approve(location, appid);
            callbacks.add(CompletableFuture.supplyAsync(() -> {
                try {
                    return bundle.get(approval.path("redirect_url").asText(), null).statusCode();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }, executor));
        }
        for (CompletableFuture<Integer> callback : callbacks) {
            assertThat(callback.get(60, TimeUnit.SECONDS)).isEqualTo(200);
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> bundle.count("SELECT COUNT(*) FROM"
                + " wechat_authorization_event WHERE info_type = 'authorized' AND status = 'PROCESSED'") == 50);

        assertThat(calls("api_query_auth")).isEqualTo(50);
        assertThat(bundle.count("SELECT COUNT(*) FROM wechat_authorizer WHERE status = 'AUTHORIZED'")).isEqualTo(50);
        assertThat(bundle.count("SELECT COUNT(*) FROM wechat_authorization_code WHERE status = 'DONE'")).isEqualTo(50);
    }

    @Test
    void callbackWhenStateTamperedThen400AndNothingExchanged() throws Exception {
        start(Map.of());
        String location = bundle.startAuthorization("").headers().firstValue("Location").orElseThrow();
        bundle.injectFault("{\"api\":\"authorization_push\",\"count\":1,\"drop\":true}");
        JsonNode approval = bundle.approve(location, "wx1000000000000003");
        String redirect = approval.path("redirect_url").asText();
        String state = RunningBundle.queryOf(redirect).get("state");
        String tampered = redirect.replace(state, state.substring(0, state.length() - 2) + "xx");

        HttpResponse<String> response = bundle.get(tampered, null);
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).contains("unknown state");
        assertThat(bundle.count("SELECT COUNT(*) FROM wechat_authorizer WHERE authorizer_appid = ?",
                "wx1000000000000003")).isZero();
        assertThat(calls("api_query_auth")).isZero();
    }

    @Test
    void callbackWhenStateReusedThen409() throws Exception {
        start(Map.of());
        String location = bundle.startAuthorization("").headers().firstValue("Location").orElseThrow();
        JsonNode approval = bundle.approve(location, "wx1000000000000001");
        HttpResponse<String> first = bundle.get(approval.path("redirect_url").asText(), null);
        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(first.headers().firstValue("Cache-Control")).hasValue("no-store");

        HttpResponse<String> again = bundle.get(approval.path("redirect_url").asText(), null);
        assertThat(again.statusCode()).isEqualTo(409);
        assertThat(calls("api_query_auth")).isOne();
    }

    @Test
    void callbackWhenStateExpiredThen410() throws Exception {
        start(Map.of());
        String state = "expired-state-0123456789-0123456789-0123456789";
        Instant past = Instant.now().minus(Duration.ofHours(1));
        bundle.bean("authorizationStateStore", AuthorizationStateStore.class).save(Hashes.sha256Hex(state),
                new AuthorizationState(component, "preauthcode@@@x", null, past, past.plusSeconds(60)));

        HttpResponse<String> response = bundle.get(bundle.baseUrl() + "/authorize/callback?state=" + state
                + "&auth_code=queryauthcode@@@x&expires_in=3600", null);
        assertThat(response.statusCode()).isEqualTo(410);
        assertThat(calls("api_query_auth")).isZero();

        // Housekeeping deletes expired states with the hourly reconciliation.
        bundle.context().createProducerTemplate().sendBody("direct:wechat-authorizer-list-reconcile", null);
        assertThat(bundle.count("SELECT COUNT(*) FROM wechat_authorization_state")).isZero();
    }

    @Test
    void callbackWhenCodeMissingOrExpiredOrInvalidThen400AndNothingStored() throws Exception {
        start(Map.of());
        assertThat(bundle.get(bundle.baseUrl() + "/authorize/callback?state=abc", null).statusCode()).isEqualTo(400);

        for (int errcode : new int[] {61010, 61009}) {
            String location = bundle.startAuthorization("").headers().firstValue("Location").orElseThrow();
            bundle.injectFault("{\"api\":\"api_query_auth\",\"count\":1,\"errcode\":" + errcode + "}");
            bundle.injectFault("{\"api\":\"authorization_push\",\"count\":1,\"drop\":true}");
            JsonNode approval = bundle.approve(location, "wx30000000000000" + (errcode % 100));
            HttpResponse<String> response = bundle.get(approval.path("redirect_url").asText(), null);
            assertThat(response.statusCode()).isEqualTo(400);
            assertThat(response.body()).contains(String.valueOf(errcode));
            assertThat(bundle.count("SELECT COUNT(*) FROM wechat_authorizer WHERE authorizer_appid = ?",
                    "wx30000000000000" + (errcode % 100))).isZero();
        }
    }

    @Test
    void reusedAuthCodeWhenAlreadyExchangedThenNoSecondQueryAuth() throws Exception {
        start(Map.of());
        String location = bundle.startAuthorization("").headers().firstValue("Location").orElseThrow();
        JsonNode approval = bundle.approve(location, "wx1000000000000001");
        assertThat(bundle.get(approval.path("redirect_url").asText(), null).statusCode()).isEqualTo(200);

        // A second attempt whose callback presents the code that was already exchanged.
        String second = bundle.startAuthorization("").headers().firstValue("Location").orElseThrow();
        String redirect = RunningBundle.queryOf(second).get("redirect_uri") + "&auth_code="
                + java.net.URLEncoder.encode(approval.path("auth_code").asText(),
                        java.nio.charset.StandardCharsets.UTF_8)
                + "&expires_in=3600";
        HttpResponse<String> response = bundle.get(redirect, null);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(calls("api_query_auth")).isOne();
    }

    @Test
    void unauthorizedPushThenStatusUnauthorizedTokensPurgedAndConsumersGetTypedError() throws Exception {
        start(Map.of());
        authorized("wx1000000000000002");
        NotifyBuilder notice = new NotifyBuilder(bundle.context()).fromRoute("wechat-authorization-changed-log")
                .whenCompleted(1).create();

        assertThat(bundle.sandboxControl("/sandbox/authorizers/wx1000000000000002/unauthorize", "{}").statusCode())
                .isEqualTo(200);

        await().atMost(Duration.ofSeconds(10))
                .until(() -> record("wx1000000000000002").status() == AuthorizerStatus.UNAUTHORIZED);
        AuthorizerRecord record = record("wx1000000000000002");
        assertThat(record.accessToken()).isNull();
        assertThat(record.refreshToken()).isNull();
        assertThat(notice.matches(10, TimeUnit.SECONDS)).isTrue();
        assertThatThrownBy(() -> tokens().accessToken("wx1000000000000002"))
                .isInstanceOfSatisfying(AuthorizerUnavailableException.class,
                        e -> assertThat(e.getReason()).isEqualTo(AuthorizerUnavailableException.Reason.UNAUTHORIZED));
    }

    @Test
    void refreshWhen61003ThenMarkedUnauthorized() throws Exception {
        start(Map.of());
        authorized("wx1000000000000003");
        // The merchant withdraws but the unauthorized push is lost: the refresh learns it from WeChat (61003).
        bundle.injectFault("{\"api\":\"authorization_push\",\"count\":1,\"drop\":true}");
        bundle.sandboxControl("/sandbox/authorizers/wx1000000000000003/unauthorize", "{}");
        expireSoon("wx1000000000000003");

        assertThatThrownBy(() -> tokens().accessToken("wx1000000000000003"))
                .isInstanceOfSatisfying(AuthorizerUnavailableException.class,
                        e -> assertThat(e.getReason()).isEqualTo(AuthorizerUnavailableException.Reason.UNAUTHORIZED));
        assertThat(record("wx1000000000000003").status()).isEqualTo(AuthorizerStatus.UNAUTHORIZED);
    }

    @Test
    void refreshWhen61023AndWeChatListsTheCurrentRefreshTokenThenRecovered() throws Exception {
        start(Map.of());
        authorized("wx1000000000000001");
        String staleRefresh = record("wx1000000000000001").refreshToken();
        bundle.sandboxControl("/sandbox/authorizers/wx1000000000000001/rotate-refresh-token", "{}");
        expireSoon("wx1000000000000001");
        long refreshesBefore = calls("api_authorizer_token");

        String token = tokens().accessToken("wx1000000000000001");

        AuthorizerRecord record = record("wx1000000000000001");
        assertThat(token).isEqualTo(record.accessToken());
        assertThat(record.status()).isEqualTo(AuthorizerStatus.AUTHORIZED);
        assertThat(record.refreshToken()).isNotEqualTo(staleRefresh).startsWith("refreshtoken@@@");
        assertThat(calls("api_authorizer_token")).isEqualTo(refreshesBefore + 2);
    }

    @Test
    void refreshWhen61023AndNothingRecoversThenNeedsReauthorizationWithoutRetryStorm() throws Exception {
        start(Map.of());
        authorized("wx1000000000000002");
        bundle.injectFault("{\"api\":\"api_authorizer_token\",\"count\":50,\"errcode\":61023}");
        expireSoon("wx1000000000000002");
        NotifyBuilder notice = new NotifyBuilder(bundle.context()).fromRoute("wechat-authorization-changed-log")
                .whenCompleted(1).create();

        assertThatThrownBy(() -> tokens().accessToken("wx1000000000000002"))
                .isInstanceOfSatisfying(AuthorizerUnavailableException.class, e -> assertThat(e.getReason())
                        .isEqualTo(AuthorizerUnavailableException.Reason.NEEDS_REAUTHORIZATION));
        long calls = calls("api_authorizer_token");
        assertThat(record("wx1000000000000002").status()).isEqualTo(AuthorizerStatus.NEEDS_REAUTHORIZATION);
        assertThat(record("wx1000000000000002").refreshToken()).as("kept for audit").startsWith("refreshtoken@@@");
        assertThat(notice.matches(10, TimeUnit.SECONDS)).isTrue();

        for (int i = 0; i < 5; i++) {
            assertThatThrownBy(() -> tokens().accessToken("wx1000000000000002"))
                    .isInstanceOf(AuthorizerUnavailableException.class);
        }
        bundle.context().createProducerTemplate().sendBody("direct:wechat-authorizer-token-refresh-due", null);
        assertThat(calls("api_authorizer_token")).isEqualTo(calls);
    }

    @Test
    void apiCallWhenTokenRefusedThenRefreshedOnceAndRetried() throws Exception {
        start(Map.of());
        authorized("wx1000000000000001");
        var producer = bundle.context().createProducerTemplate();
        Map<String, Object> headers = Map.of("WeChatAuthorizerAppid", "wx1000000000000001", "WeChatApiPath",
                "/cgi-bin/getcallbackip");
        long refreshes = calls("api_authorizer_token");

        bundle.sandboxControl("/sandbox/authorizers/wx1000000000000001/expire-access-tokens", "{}");
        String answer = producer.requestBodyAndHeaders("direct:wechat-api-call", null, headers, String.class);
        assertThat(answer).contains("ip_list");
        assertThat(calls("api_authorizer_token")).isEqualTo(refreshes + 1);

        bundle.injectFault("{\"api\":\"getcallbackip\",\"count\":1,\"errcode\":40001}");
        assertThat(producer.requestBodyAndHeaders("direct:wechat-api-call", null, headers, String.class))
                .contains("ip_list");
        assertThat(calls("api_authorizer_token")).isEqualTo(refreshes + 2);

        bundle.injectFault("{\"api\":\"getcallbackip\",\"count\":1,\"errcode\":48001}");
        assertThatThrownBy(() -> producer.requestBodyAndHeaders("direct:wechat-api-call", null, headers, String.class))
                .isInstanceOfSatisfying(CamelExecutionException.class, e -> {
                    assertThat(e.getCause()).isInstanceOfSatisfying(WeChatApiException.class,
                            w -> assertThat(w.getErrcode()).isEqualTo(48001));
                    // The token travelled in the query: nothing of it comes back to the caller.
                    assertThat(e.getExchange().getMessage().getHeaders()).doesNotContainKeys("CamelHttpQuery",
                            "CamelHttpUri");
                    assertThat(e.getExchange().getMessage().getHeaders().toString())
                            .doesNotContain(record("wx1000000000000001").accessToken());
                });
    }

    @Test
    void optionsWhenSetThenReadBack() throws Exception {
        start(Map.of());
        authorized("wx1000000000000001");
        var producer = bundle.context().createProducerTemplate();
        producer.requestBodyAndHeaders("direct:wechat-authorizer-option-set", null, Map.of("WeChatAuthorizerAppid",
                "wx1000000000000001", "WeChatOptionName", "voice_recognize", "WeChatOptionValue", "1"), String.class);
        String answer = producer.requestBodyAndHeaders("direct:wechat-authorizer-option-get", null, Map.of(
                "WeChatAuthorizerAppid", "wx1000000000000001", "WeChatOptionName", "voice_recognize"), String.class);
        assertThat(answer).contains("\"option_value\":\"1\"");
    }

    @Test
    void sweepWhenThousandAuthorizersAboutToExpireThenAllRefreshedNoneExpires() throws Exception {
        start(Map.of("wechat.authorizer.refresh-rate", "1000", "wechat.authorizer.refresh-concurrency", "8"));
        List<String> accounts = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            accounts.add(String.format("wx40000000000%05d", i));
        }
        // Authorized at the sandbox in one call and stored as an exchange stores them (the flow itself is tested
        // above; 1,000 authorizations over HTTP would take most of this test's time).
        Map<String, String> refreshTokens = bundle.bean("wechatSandboxState", SandboxState.class).authorizations()
                .authorizeAll(accounts);
        AuthorizerStore store = bundle.bean("authorizerStore", AuthorizerStore.class);
        Instant now = Instant.now();
        for (String appid : accounts) {
            // Not a token the sandbox issued: it is never used, only replaced by the sweep.
            store.saveAuthorization(new Authorization(bundle.componentAppid(), appid, "seeded-" + appid,
                    now.plus(Duration.ofHours(2)), refreshTokens.get(appid), List.of(1, 2, 3), now), null);
        }
        try (var connection = bundle.dataSource().getConnection();
                var statement = connection
                        .prepareStatement("UPDATE wechat_authorizer SET access_token_expires_at = ?")) {
            statement.setLong(1, Instant.now().plusSeconds(120).toEpochMilli());
            assertThat(statement.executeUpdate()).isEqualTo(1000);
        }
        long before = calls("api_authorizer_token");

        bundle.context().createProducerTemplate().sendBody("direct:wechat-authorizer-token-refresh-due", null);

        // the sweep runs on the caller's thread, or on the join timer when that saw the announcement first
        await().atMost(Duration.ofSeconds(60)).until(() -> calls("api_authorizer_token") - before >= 1000);
        assertThat(calls("api_authorizer_token") - before).isEqualTo(1000);
        long soonestExpiry = bundle.count("SELECT MIN(access_token_expires_at) FROM wechat_authorizer");
        assertThat(Instant.ofEpochMilli(soonestExpiry)).isAfter(Instant.now().plus(Duration.ofHours(1)));
        assertThat(bundle.status().at("/components/0/authorizers_with_valid_token").asLong()).isEqualTo(1000);
    }

    @Test
    void reconciliationWhenWeMissAnAccountThenAddedAndWhenWeHoldAWithdrawnOneThenDrift() throws Exception {
        start(Map.of());
        authorized("wx1000000000000001");
        authorized("wx1000000000000002");
        String refresh = record("wx1000000000000001").refreshToken();
        // Lost on our side (say a restore from an old backup): WeChat still lists it with its refresh token.
        try (var connection = bundle.dataSource().getConnection();
                var statement = connection
                        .prepareStatement("DELETE FROM wechat_authorizer WHERE authorizer_appid = ?")) {
            statement.setString(1, "wx1000000000000001");
            assertThat(statement.executeUpdate()).isOne();
        }
        // Withdrawn at WeChat, but the push never reached us.
        bundle.injectFault("{\"api\":\"authorization_push\",\"count\":1,\"drop\":true}");
        bundle.sandboxControl("/sandbox/authorizers/wx1000000000000002/unauthorize", "{}");

        bundle.context().createProducerTemplate().sendBody("direct:wechat-authorizer-list-reconcile", null);

        AuthorizerRecord recovered = record("wx1000000000000001");
        assertThat(recovered.status()).isEqualTo(AuthorizerStatus.AUTHORIZED);
        assertThat(recovered.refreshToken()).isEqualTo(refresh);
        assertThat(recovered.infoJson()).contains("nick_name");
        assertThat(tokens().accessToken("wx1000000000000001")).isNotEmpty();
        JsonNode reconciliation = bundle.status().at("/components/0/last_reconciliation");
        assertThat(reconciliation.path("added").asInt()).isOne();
        assertThat(reconciliation.path("drift").toString()).contains("wx1000000000000002");
    }

    @Test
    void logsWhenTheWholeFlowRunsThenNoSecretTokenOrCodeAppears() throws Exception {
        List<String> logged = new ArrayList<>();
        List<String> secrets = new ArrayList<>();
        try (LogCapture ours = new LogCapture(org.apache.logging.log4j.Level.DEBUG, "io.wechatopen.camel");
                LogCapture camel = new LogCapture(org.apache.logging.log4j.Level.INFO, "org.apache.camel")) {
            start(Map.of());
            String location = bundle.startAuthorization("").headers().firstValue("Location").orElseThrow();
            secrets.add(RunningBundle.queryOf(location).get("pre_auth_code"));
            secrets.add(RunningBundle.queryOf(RunningBundle.queryOf(location).get("redirect_uri")).get("state"));
            JsonNode approval = bundle.approve(location, "wx1000000000000001");
            secrets.add(approval.path("auth_code").asText());
            assertThat(bundle.get(approval.path("redirect_url").asText(), null).statusCode()).isEqualTo(200);
            secrets.add(record("wx1000000000000001").refreshToken());
            secrets.add(record("wx1000000000000001").accessToken());
            // A refused token, a retry, a 61023 recovery and a withdrawal all log something.
            bundle.sandboxControl("/sandbox/authorizers/wx1000000000000001/expire-access-tokens", "{}");
            bundle.context().createProducerTemplate().requestBodyAndHeaders("direct:wechat-api-call", null,
                    Map.of("WeChatAuthorizerAppid", "wx1000000000000001", "WeChatApiPath", "/cgi-bin/getcallbackip"),
                    String.class);
            bundle.sandboxControl("/sandbox/authorizers/wx1000000000000001/rotate-refresh-token", "{}");
            expireSoon("wx1000000000000001");
            secrets.add(tokens().accessToken("wx1000000000000001"));
            secrets.add(record("wx1000000000000001").refreshToken());
            secrets.add(bundle.bean("componentTokenManager", io.wechatopen.camel.token.ComponentTokenManager.class)
                    .accessToken(component));
            secrets.add(bundle.sandboxState().at("/tickets/latest").asText());
            secrets.add(bundle.context().resolvePropertyPlaceholders("{{wechat.component.appsecret}}"));
            bundle.sandboxControl("/sandbox/authorizers/wx1000000000000001/unauthorize", "{}");
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> record("wx1000000000000001").status() == AuthorizerStatus.UNAUTHORIZED);
            ours.events().forEach(e -> logged.add(e.message()));
            camel.events().forEach(e -> logged.add(e.message()));
        }
        assertThat(logged).isNotEmpty();
        assertThat(secrets).doesNotContainNull().allSatisfy(secret -> assertThat(secret).hasSizeGreaterThan(8));
        for (String line : logged) {
            for (String secret : secrets) {
                assertThat(line).doesNotContain(secret);
            }
        }
    }

    @Test
    void updateauthorizedPushThenNewCodeExchangedAndFuncInfoReplaced() throws Exception {
        start(Map.of());
        authorized("wx1000000000000003");
        String refresh = record("wx1000000000000003").refreshToken();
        NotifyBuilder notice = new NotifyBuilder(bundle.context()).fromRoute("wechat-authorization-changed-log")
                .whenCompleted(1).create();

        assertThat(bundle.sandboxControl("/sandbox/authorizers/wx1000000000000003/update", "{\"func_ids\":[1,15]}")
                .statusCode()).isEqualTo(200);

        await().atMost(Duration.ofSeconds(10))
                .until(() -> record("wx1000000000000003").funcInfo().equals(List.of(1, 15)));
        assertThat(record("wx1000000000000003").status()).isEqualTo(AuthorizerStatus.AUTHORIZED);
        assertThat(record("wx1000000000000003").refreshToken()).isEqualTo(refresh);
        assertThat(calls("api_query_auth")).isEqualTo(2);
        assertThat(notice.matches(10, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void authorizedPushWhenNotProcessedBeforeARestartThenTheScheduleProcessesIt() throws Exception {
        start(Map.of());
        // Processing is down (as after a crash between "success" and processing): the push is only stored.
        bundle.context().getRouteController().stopRoute("wechat-authorization-event-handle");
        String location = bundle.startAuthorization("").headers().firstValue("Location").orElseThrow();
        bundle.approve(location, "wx1000000000000002");
        await().atMost(Duration.ofSeconds(10)).until(() -> bundle.count("SELECT COUNT(*) FROM"
                + " wechat_authorization_event WHERE info_type = 'authorized' AND status = 'RECEIVED'") == 1);
        assertThat(store().find(component, "wx1000000000000002")).isEmpty();

        bundle.context().getRouteController().startRoute("wechat-authorization-event-handle");
        bundle.context().createProducerTemplate().sendBody("seda:wechat-authorization-event-handle", null);

        await().atMost(Duration.ofSeconds(10))
                .until(() -> store().find(component, "wx1000000000000002").isPresent());
        assertThat(record("wx1000000000000002").status()).isEqualTo(AuthorizerStatus.AUTHORIZED);
        assertThat(bundle.count("SELECT COUNT(*) FROM wechat_authorization_event WHERE info_type = 'authorized'"
                + " AND status = 'PROCESSED'")).isOne();
    }
}
