package io.wechatopen.camel.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

import org.apache.camel.CamelExecutionException;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.AdviceWith;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.logging.log4j.Level;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.wechatopen.camel.AuthorizerUnavailableException;
import io.wechatopen.camel.api.WeChatApiException;
import io.wechatopen.camel.client.SecretMaskingMap;
import io.wechatopen.camel.sandbox.SandboxOAuth;
import io.wechatopen.camel.support.HeadlessChromium;
import io.wechatopen.camel.support.LogCapture;
import io.wechatopen.camel.support.NettyLeakCheck;
import io.wechatopen.camel.support.RunningBundle;

/**
 * Web authorization (网页授权) and mini-program login on behalf of authorized accounts, end to end against the
 * sandbox: a user signs in through Debian's headless Chromium (our start, the sandbox's OAuth page, allow, our
 * callback, the integrator's route, the result page) for both scopes; used, forged and refused sign-ins get a 4xx and
 * never reach the integrator's route; the exchanges use the component token; the user's refresh token refreshes;
 * {@code direct:wechat-miniprogram-session} hands back the session key, which no log line shows.
 */
@ExtendWith(NettyLeakCheck.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OAuthOnBehalfBrowserTest {

    private static final String ACCOUNT = "wx1000000000000001";
    private static final String MINI_PROGRAM = "wx1000000000000002";
    private static final String NOT_AUTHORIZED = "wx1000000000000003";
    private static final ObjectMapper JSON = new ObjectMapper();

    private RunningBundle bundle;
    private HeadlessChromium chromium;
    private WebDriver browser;
    private MockEndpoint users;

    @BeforeAll
    void start() throws Exception {
        HeadlessChromium.requireInstalled();
        bundle = RunningBundle.start(Map.of());
        await().atMost(Duration.ofSeconds(30))
                .until(() -> bundle.status().at("/components/0/component_token/valid").asBoolean());
        assertThat(bundle.authorize(ACCOUNT).statusCode()).isEqualTo(200);
        assertThat(bundle.authorize(MINI_PROGRAM).statusCode()).isEqualTo(200);
        // The integrator's route as committed, plus a mock at its end to see what it received.
        AdviceWith.adviceWith(bundle.context(), "wechat-oauth-user-receive",
                a -> a.weaveAddLast().to("mock:oauth-user"));
        // Under the supervising route controller a re-added route waits for it: start it now.
        bundle.context().getRouteController().startRoute("wechat-oauth-user-receive");
        await().atMost(Duration.ofSeconds(10)).until(() -> bundle.context().getRouteController()
                .getRouteStatus("wechat-oauth-user-receive").isStarted());
        users = bundle.context().getEndpoint("mock:oauth-user", MockEndpoint.class);

        chromium = HeadlessChromium.start();
        browser = chromium.driver();
    }

    @BeforeEach
    void resetMock() {
        if (users != null) {
            users.reset();
        }
    }

    @AfterEach
    void clearFaults() throws Exception {
        if (bundle != null) {
            bundle.send(java.net.http.HttpRequest.newBuilder(URI.create(bundle.sandboxUrl() + "/sandbox/faults"))
                    .DELETE().build());
        }
    }

    @AfterAll
    void stop() throws Exception {
        if (chromium != null) {
            chromium.close();
        }
        if (bundle != null) {
            bundle.close();
        }
    }

    @Test
    void userWhenAllowsSnsapiBaseThenRouteGetsOpenidAndResultPageShowsIt() throws Exception {
        long exchangesBefore = bundle.sandboxState().at("/calls/access_token").asLong();
        String callbackUrl = signInInBrowser("snsapi_base");

        assertThat(browser.findElement(By.id("openid")).getText()).isEqualTo(SandboxOAuth.openid(ACCOUNT));
        assertThat(browser.findElement(By.id("scope")).getText()).isEqualTo("snsapi_base");
        assertThat(browser.findElements(By.id("nickname"))).isEmpty();
        users.assertIsSatisfied(0);
        assertThat(users.getReceivedCounter()).isOne();
        Exchange received = users.getReceivedExchanges().get(0);
        assertThat(received.getMessage().getHeaders()).containsEntry("WeChatAuthorizerAppid", ACCOUNT)
                .containsEntry("WeChatComponentAppid", bundle.componentAppid())
                .containsEntry("WeChatOpenid", SandboxOAuth.openid(ACCOUNT))
                .containsEntry("WeChatOAuthScope", "snsapi_base").containsKey("WeChatOAuthAccessToken")
                .containsKey("WeChatOAuthRefreshToken");
        assertThat(received.getMessage().getBody(Map.class)).containsEntry("openid", SandboxOAuth.openid(ACCOUNT))
                .doesNotContainKey("nickname");

        // The code was exchanged once, with the platform's component token (the sandbox refuses any other token).
        JsonNode state = bundle.sandboxState();
        assertThat(state.at("/calls/access_token").asLong()).isEqualTo(exchangesBefore + 1);
        assertThat(state.at("/calls/userinfo").asLong()).isZero();
        Map<String, String> query = RunningBundle.queryOf("http://x/?" + lastRequest(state, "access_token"));
        assertThat(query).containsKey("component_access_token").doesNotContainKey("access_token")
                .containsEntry("component_appid", bundle.componentAppid()).containsEntry("appid", ACCOUNT)
                .containsEntry("grant_type", "authorization_code");

        // The same callback again: the state is used up, the route is not called again.
        HttpResponse<String> again = bundle.get(callbackUrl, null);
        assertThat(again.statusCode()).isEqualTo(409);
        assertThat(again.body()).contains("already used");
        assertThat(users.getReceivedCounter()).isOne();
        assertThat(bundle.sandboxState().at("/calls/access_token").asLong()).isEqualTo(exchangesBefore + 1);
    }

    @Test
    void userWhenAllowsSnsapiUserinfoThenRouteGetsUserInfoAndRefreshTokenRefreshes() throws Exception {
        LogCapture logs = new LogCapture(Level.DEBUG, "io.wechatopen", "org.apache.camel");
        try (logs) {
            signInInBrowser("snsapi_userinfo");
        }

        assertThat(browser.findElement(By.id("nickname")).getText()).isEqualTo(SandboxOAuth.NICKNAME);
        assertThat(users.getReceivedCounter()).isOne();
        Exchange received = users.getReceivedExchanges().get(0);
        assertThat(received.getMessage().getHeader("WeChatOAuthScope")).isEqualTo("snsapi_userinfo");
        assertThat(received.getMessage().getHeader("WeChatUnionid", String.class)).isNotBlank();
        @SuppressWarnings("unchecked")
        Map<String, Object> user = received.getMessage().getBody(Map.class);
        assertThat(user).containsEntry("openid", SandboxOAuth.openid(ACCOUNT))
                .containsEntry("nickname", SandboxOAuth.NICKNAME).containsKeys("headimgurl", "privilege", "unionid");

        String refreshToken = received.getMessage().getHeader("WeChatOAuthRefreshToken", String.class);
        String accessToken = received.getMessage().getHeader("WeChatOAuthAccessToken", String.class);
        // The test's own mock endpoint prints the headers it received at DEBUG; no line of the bundle shows them.
        assertThat(logs.events()).isNotEmpty().filteredOn(e -> !e.logger().endsWith(".MockEndpoint"))
                .noneMatch(e -> e.message().contains(refreshToken)).noneMatch(e -> e.message().contains(accessToken));
        ProducerTemplate producer = bundle.context().createProducerTemplate();
        try {
            @SuppressWarnings("unchecked")
            Map<String, Object> refreshed = producer.requestBodyAndHeader("direct:wechat-oauth-refresh",
                    refreshToken, "WeChatAuthorizerAppid", ACCOUNT, Map.class);
            assertThat(refreshed).containsEntry("openid", SandboxOAuth.openid(ACCOUNT))
                    .containsEntry("refresh_token", refreshToken).containsEntry("scope", "snsapi_userinfo");
            assertThat(refreshed.get("access_token")).isNotNull().isNotEqualTo(accessToken);
            assertThat(refreshed.toString()).doesNotContain(refreshToken).doesNotContain(accessToken);
            assertThat(RunningBundle.queryOf("http://x/?" + lastRequest(bundle.sandboxState(), "refresh_token")))
                    .containsKey("component_access_token").containsEntry("grant_type", "refresh_token");

            assertThatThrownBy(() -> producer.requestBodyAndHeader("direct:wechat-oauth-refresh", "not-a-token",
                    "WeChatAuthorizerAppid", ACCOUNT)).isInstanceOf(CamelExecutionException.class)
                            .cause().isInstanceOf(WeChatApiException.class)
                            .satisfies(e -> assertThat(((WeChatApiException) e).getErrcode()).isEqualTo(40030));
        } finally {
            producer.close();
        }
    }

    @Test
    void userWhenDeniesThenDeclinedPageAndRouteNotCalled() throws Exception {
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(20));
        browser.get(bundle.baseUrl() + "/accounts/" + ACCOUNT + "/oauth/start?scope=snsapi_userinfo");
        wait.until(ExpectedConditions.elementToBeClickable(By.id("deny"))).click();

        wait.until(ExpectedConditions.presenceOfElementLocated(By.id("error-title")));
        assertThat(browser.findElement(By.id("error-title")).getText()).isEqualTo("Sign-in declined");
        assertThat(browser.getCurrentUrl()).startsWith(bundle.baseUrl() + "/accounts/" + ACCOUNT + "/oauth/callback");
        assertThat(users.getReceivedCounter()).isZero();
    }

    @Test
    void callbackWhenStateForgedOrMissingThen400AndRouteNotCalled() throws Exception {
        String callback = bundle.baseUrl() + "/accounts/" + ACCOUNT + "/oauth/callback";
        assertThat(bundle.get(callback + "?code=abc&state=" + "0".repeat(64) + "&appid=" + ACCOUNT, null)
                .statusCode()).isEqualTo(400);
        assertThat(bundle.get(callback + "?code=abc&appid=" + ACCOUNT, null).statusCode()).isEqualTo(400);
        assertThat(users.getReceivedCounter()).isZero();
    }

    @Test
    void callbackWhenStateOfAnotherAccountThen400AndStillUsableForItsOwn() throws Exception {
        HttpResponse<String> start = bundle.get(bundle.baseUrl() + "/accounts/" + ACCOUNT
                + "/oauth/start?scope=snsapi_base", null);
        String state = RunningBundle.queryOf(start.headers().firstValue("Location").orElseThrow()).get("state");

        assertThat(bundle.get(bundle.baseUrl() + "/accounts/" + MINI_PROGRAM + "/oauth/callback?code=abc&state="
                + state, null).statusCode()).isEqualTo(400);
        assertThat(users.getReceivedCounter()).isZero();
    }

    @Test
    void callbackWhenWeChatRefusesTheCodeThen400AndRouteNotCalled() throws Exception {
        HttpResponse<String> start = bundle.get(bundle.baseUrl() + "/accounts/" + ACCOUNT
                + "/oauth/start?scope=snsapi_base", null);
        String state = RunningBundle.queryOf(start.headers().firstValue("Location").orElseThrow()).get("state");

        HttpResponse<String> callback = bundle.get(bundle.baseUrl() + "/accounts/" + ACCOUNT
                + "/oauth/callback?code=forged-code&state=" + state + "&appid=" + ACCOUNT, null);

        assertThat(callback.statusCode()).isEqualTo(400);
        assertThat(callback.headers().firstValue("Cache-Control")).hasValue("no-store");
        assertThat(callback.body()).contains("40029");
        assertThat(users.getReceivedCounter()).isZero();
    }

    @Test
    void callbackWhenWeChatUnavailableThen503AndRouteNotCalled() throws Exception {
        HttpResponse<String> start = bundle.get(bundle.baseUrl() + "/accounts/" + ACCOUNT
                + "/oauth/start?scope=snsapi_base", null);
        String location = start.headers().firstValue("Location").orElseThrow();
        HttpResponse<String> allow = bundle.get(location.replace("#wechat_redirect", "")
                .replace("/connect/oauth2/authorize?", "/connect/oauth2/authorize/confirm?") + "&decision=allow",
                null);
        // The HTTP client repeats a GET answered 503 once by itself: both answers are 503.
        bundle.injectFault("{\"api\":\"access_token\",\"count\":2,\"http_status\":503}");

        HttpResponse<String> callback = bundle.get(allow.headers().firstValue("Location").orElseThrow(), null);

        assertThat(callback.statusCode()).isEqualTo(503);
        assertThat(callback.body()).contains("could not be reached");
        assertThat(users.getReceivedCounter()).isZero();
    }

    @Test
    void startWhenReturnToGivenThenCallbackRedirectsThere() throws Exception {
        HttpResponse<String> start = bundle.get(bundle.baseUrl() + "/accounts/" + ACCOUNT
                + "/oauth/start?scope=snsapi_base&return_to=%2Fshop%2Fhome%3Fx%3D1", null);
        assertThat(start.statusCode()).isEqualTo(302);
        String location = start.headers().firstValue("Location").orElseThrow();
        assertThat(location).startsWith(bundle.sandboxUrl() + "/connect/oauth2/authorize?").endsWith(
                "#wechat_redirect");
        Map<String, String> page = RunningBundle.queryOf(location);
        assertThat(page).containsEntry("appid", ACCOUNT).containsEntry("response_type", "code")
                .containsEntry("scope", "snsapi_base").containsEntry("component_appid", bundle.componentAppid())
                .containsEntry("redirect_uri", bundle.baseUrl() + "/accounts/" + ACCOUNT + "/oauth/callback");
        assertThat(page.get("state")).matches("[0-9a-f]{64}");

        HttpResponse<String> allow = bundle.get(location.replace("#wechat_redirect", "")
                .replace("/connect/oauth2/authorize?", "/connect/oauth2/authorize/confirm?") + "&decision=allow",
                null);
        assertThat(allow.statusCode()).isEqualTo(302);
        HttpResponse<String> callback = bundle.get(allow.headers().firstValue("Location").orElseThrow(), null);

        assertThat(callback.statusCode()).isEqualTo(302);
        assertThat(callback.headers().firstValue("Location")).contains("/shop/home?x=1");
        assertThat(users.getReceivedCounter()).isOne();
        assertThat(users.getReceivedExchanges().get(0).getMessage().getHeader("WeChatReturnTo"))
                .isEqualTo("/shop/home?x=1");
    }

    @Test
    void startWhenAccountNotAuthorizedOrBadInputThen4xxAndNothingStored() throws Exception {
        String start = bundle.baseUrl() + "/accounts/";
        long states = bundle.count("SELECT COUNT(*) FROM wechat_oauth_state");
        assertThat(bundle.get(start + NOT_AUTHORIZED + "/oauth/start", null).statusCode()).isEqualTo(404);
        assertThat(bundle.get(start + ACCOUNT + "/oauth/start?scope=snsapi_login", null).statusCode())
                .isEqualTo(400);
        assertThat(bundle.get(start + ACCOUNT + "/oauth/start?return_to=https%3A%2F%2Fevil.example%2F", null)
                .statusCode()).isEqualTo(400);
        assertThat(bundle.get(start + ACCOUNT + "/oauth/start?return_to=%2F%2Fevil.example", null).statusCode())
                .isEqualTo(400);
        assertThat(bundle.count("SELECT COUNT(*) FROM wechat_oauth_state")).isEqualTo(states);
    }

    @Test
    void sandboxPageWhenAccountNotAuthorizedOrWrongComponentThenWeChatErrorPage() throws Exception {
        String page = bundle.sandboxUrl() + "/connect/oauth2/authorize?appid=%s&redirect_uri=http%%3A%%2F%%2Fx.example"
                + "%%2Fcb&response_type=code&scope=snsapi_base&state=s&component_appid=%s";
        HttpResponse<String> notAuthorized = bundle.get(String.format(page, NOT_AUTHORIZED, bundle.componentAppid()),
                null);
        assertThat(notAuthorized.statusCode()).isEqualTo(400);
        assertThat(notAuthorized.body()).contains("61003");
        assertThat(bundle.get(String.format(page, ACCOUNT, "wx00000000000000ff"), null).body())
                .contains("component_appid");
    }

    @Test
    void miniProgramSessionWhenCodeValidThenSessionKeyReturnedOnceAndNeverLogged() throws Exception {
        ProducerTemplate producer = bundle.context().createProducerTemplate();
        try (LogCapture logs = new LogCapture(Level.DEBUG, "io.wechatopen", "org.apache.camel")) {
            String jsCode = jsCode(MINI_PROGRAM);
            Object answer = producer.requestBodyAndHeader("direct:wechat-miniprogram-session", jsCode,
                    "WeChatAuthorizerAppid", MINI_PROGRAM);

            assertThat(answer).isInstanceOf(SecretMaskingMap.class);
            @SuppressWarnings("unchecked")
            Map<String, Object> session = (Map<String, Object>) answer;
            String sessionKey = String.valueOf(session.get("session_key"));
            assertThat(session).containsEntry("openid", SandboxOAuth.openid(MINI_PROGRAM)).containsKey("unionid");
            assertThat(sessionKey).hasSize(24);
            assertThat(session.toString()).contains("session_key=***").doesNotContain(sessionKey);
            assertThat(RunningBundle.queryOf("http://x/?" + lastRequest(bundle.sandboxState(), "jscode2session")))
                    .containsKey("component_access_token").containsEntry("appid", MINI_PROGRAM)
                    .containsEntry("component_appid", bundle.componentAppid());

            // A code works once (40163); an unknown one is 40029; an account not authorized here is refused.
            assertErrcode(() -> producer.requestBodyAndHeader("direct:wechat-miniprogram-session", jsCode,
                    "WeChatAuthorizerAppid", MINI_PROGRAM), 40163);
            assertErrcode(() -> producer.requestBodyAndHeader("direct:wechat-miniprogram-session", "0c3forged",
                    "WeChatAuthorizerAppid", MINI_PROGRAM), 40029);
            assertThatThrownBy(() -> producer.requestBodyAndHeader("direct:wechat-miniprogram-session",
                    jsCode(NOT_AUTHORIZED), "WeChatAuthorizerAppid", NOT_AUTHORIZED))
                            .cause().isInstanceOf(AuthorizerUnavailableException.class);
            assertThatThrownBy(() -> producer.requestBody("direct:wechat-miniprogram-session", "code"))
                    .cause().isInstanceOf(IllegalArgumentException.class).hasMessageContaining(
                            "WeChatAuthorizerAppid");

            assertThat(logs.events()).isNotEmpty().noneMatch(e -> e.message().contains(sessionKey))
                    .noneMatch(e -> e.message().contains(jsCode));
        } finally {
            producer.close();
        }
    }

    @Test
    void miniProgramSessionWhenComponentTokenRefusedThenRefreshedOnceAndRetried() throws Exception {
        long tokensBefore = bundle.sandboxState().at("/calls/api_component_token").asLong();
        long callsBefore = bundle.sandboxState().at("/calls/jscode2session").asLong();
        bundle.injectFault("{\"api\":\"jscode2session\",\"count\":1,\"errcode\":40001}");
        ProducerTemplate producer = bundle.context().createProducerTemplate();
        try {
            @SuppressWarnings("unchecked")
            Map<String, Object> session = producer.requestBodyAndHeader("direct:wechat-miniprogram-session",
                    jsCode(MINI_PROGRAM), "WeChatAuthorizerAppid", MINI_PROGRAM, Map.class);
            assertThat(session).containsEntry("openid", SandboxOAuth.openid(MINI_PROGRAM));
        } finally {
            producer.close();
        }
        JsonNode state = bundle.sandboxState();
        assertThat(state.at("/calls/jscode2session").asLong()).isEqualTo(callsBefore + 2);
        assertThat(state.at("/calls/api_component_token").asLong()).isEqualTo(tokensBefore + 1);
    }

    /** Start, the sandbox's page, allow, back on our result page. @return the callback URL the browser opened */
    private String signInInBrowser(String scope) throws Exception {
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(20));
        browser.get(bundle.baseUrl() + "/accounts/" + ACCOUNT + "/oauth/start?scope=" + scope);
        wait.until(ExpectedConditions.elementToBeClickable(By.id("allow")));
        assertThat(browser.getCurrentUrl()).startsWith(bundle.sandboxUrl() + "/connect/oauth2/authorize?");
        assertThat(browser.findElement(By.id("account-appid")).getText()).isEqualTo(ACCOUNT);
        assertThat(browser.findElement(By.id("scope")).getText()).isEqualTo(scope);
        browser.findElement(By.id("allow")).click();

        wait.until(ExpectedConditions.presenceOfElementLocated(By.id("signed-in-title")));
        assertThat(browser.getCurrentUrl()).startsWith(bundle.baseUrl() + "/accounts/" + ACCOUNT + "/oauth/callback");
        assertThat(browser.findElement(By.id("account-appid")).getText()).isEqualTo(ACCOUNT);
        return browser.getCurrentUrl();
    }

    private String jsCode(String appid) throws Exception {
        HttpResponse<String> response = bundle.post(bundle.sandboxUrl() + "/sandbox/miniprogram/" + appid
                + "/js-code", "application/json", "");
        assertThat(response.statusCode()).isEqualTo(200);
        return JSON.readTree(response.body()).path("js_code").asText();
    }

    private static String lastRequest(JsonNode state, String api) {
        String query = null;
        for (JsonNode request : state.path("requests")) {
            if (api.equals(request.path("api").asText())) {
                query = request.path("query").asText();
            }
        }
        assertThat(query).as("a request of " + api).isNotNull();
        return query;
    }

    private static void assertErrcode(org.assertj.core.api.ThrowableAssert.ThrowingCallable call, int errcode) {
        assertThatThrownBy(call).isInstanceOf(CamelExecutionException.class).cause()
                .isInstanceOf(WeChatApiException.class)
                .satisfies(e -> assertThat(((WeChatApiException) e).getErrcode()).isEqualTo(errcode));
    }
}
