package io.wechatopen.camel.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.apache.camel.ProducerTemplate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.wechatopen.camel.AuthorizerTokens;
import io.wechatopen.camel.AuthorizerUnavailableException;
import io.wechatopen.camel.crypto.EncryptedPush;
import io.wechatopen.camel.support.LogCapture;
import io.wechatopen.camel.support.RunningBundle;
import io.wechatopen.camel.token.ComponentTokenManager;

/**
 * Issue 10 item 8, one token owner per platform: a production bundle (its own sandbox, relay endpoint on) and two
 * bundles in relay mode (their own H2 databases, no sandbox of their own, WeChat = production's sandbox). The relay
 * instances serve component and authorizer tokens that work against the sandbox while the sandbox counts only
 * production's {@code api_component_token} and {@code api_authorizer_token} calls; the endpoint refuses strangers
 * and audits every request without a secret. The tests share the bundles and run in order: the first counts the
 * token API calls from the relay instances' start.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TokenRelayTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ACCOUNT = "wx1000000000000001";
    private static final String STAGING_SECRET = "c3RhZ2luZy1yZWxheS1zZWNyZXQtMDEyMzQ1";
    /** A client allowed only for another platform's component. */
    private static final String OTHER_SECRET = "b3RoZXItcmVsYXktc2VjcmV0LTAxMjM0NTY3";

    private static LogCapture audit;
    private static RunningBundle production;
    private static RunningBundle stagingA;
    private static RunningBundle stagingB;
    private static long componentTokenCalls;
    private static long authorizerTokenCalls;

    @BeforeAll
    static void startProductionAndTwoRelays() throws Exception {
        audit = new LogCapture(RelayAudit.CATEGORY);
        production = RunningBundle.start(Map.of("wechat.relay.enabled", "true", "wechat.relay.clients",
                "staging:" + STAGING_SECRET + ",other:" + OTHER_SECRET + ":wxanotherplatform01"));
        await().atMost(Duration.ofSeconds(30))
                .until(() -> production.status().at("/components/0/component_token/valid").asBoolean());
        assertThat(production.authorize(ACCOUNT).statusCode()).isEqualTo(200);
        componentTokenCalls = calls("api_component_token");
        authorizerTokenCalls = calls("api_authorizer_token");

        stagingA = RunningBundle.start(relayMode());
        stagingB = RunningBundle.start(relayMode());
    }

    private static Map<String, String> relayMode() {
        return Map.of("wechat.sandbox.enabled", "false", "wechat.api.base-url", production.sandboxUrl(),
                "wechat.component.token-source", "relay", "wechat.relay.url", production.baseUrl(),
                "wechat.relay.client-secret", STAGING_SECRET, "wechat.api.maximum-redeliveries", "0");
    }

    /** How many authorizer tokens the relay endpoint has handed out so far (its audit lines). */
    private static long relayedAuthorizerTokens() {
        return audit.events().stream().map(LogCapture.Event::message)
                .filter(line -> line.contains("action=authorizer-token") && line.contains("status=200")).count();
    }

    /** How often production's sandbox (the only WeChat here) answered {@code api}. */
    private static long calls(String api) throws Exception {
        return production.sandboxState().at("/calls/" + api).asLong();
    }

    @AfterAll
    static void stop() throws Exception {
        for (AutoCloseable each : new AutoCloseable[] {stagingB, stagingA, production, audit}) {
            if (each != null) {
                each.close();
            }
        }
    }

    @Test
    @Order(1)
    void relayInstancesWhenTicketsArriveAndTokensUsedThenServeWorkingTokensWithoutCallingTheTokenApis()
            throws Exception {
        for (RunningBundle relay : List.of(stagingA, stagingB)) {
            // WeChat pushes tickets to the test URL too: stored and answered success, no token fetched.
            EncryptedPush push = relay.pushes().ticket("ticket@@@relay-" + relay.baseUrl(), Instant.now());
            HttpResponse<String> answer = relay.post(relay.eventsUrl() + "?" + push.queryString(), "text/xml",
                    push.body());
            assertThat(answer.statusCode()).isEqualTo(200);
            assertThat(answer.body()).isEqualTo("success");
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> relay
                            .count("SELECT COUNT(*) FROM wechat_component WHERE verify_ticket IS NOT NULL") == 1);

            // The component token: api_create_preauthcode with the relayed token is accepted by the sandbox.
            HttpResponse<String> start = relay.startAuthorization("");
            assertThat(start.statusCode()).as(start.body()).isEqualTo(302);

            // The authorizer token: the token service, the direct endpoint and a call on behalf of the account.
            // Eight concurrent first requests ask the relay once (single-flight), then the token is kept in memory.
            long asked = relayedAuthorizerTokens();
            ExecutorService callers = Executors.newFixedThreadPool(8);
            try {
                List<Future<String>> tokens = new ArrayList<>();
                for (int i = 0; i < 8; i++) {
                    tokens.add(callers.submit(
                            () -> relay.bean("authorizerTokens", AuthorizerTokens.class).accessToken(ACCOUNT)));
                }
                for (Future<String> each : tokens) {
                    assertThat(each.get(30, TimeUnit.SECONDS)).isEqualTo(tokens.get(0).get());
                }
            } finally {
                callers.shutdownNow();
            }
            assertThat(relayedAuthorizerTokens()).isEqualTo(asked + 1);
            String token = relay.bean("authorizerTokens", AuthorizerTokens.class).accessToken(ACCOUNT);
            assertThat(token).isEqualTo(production.bean("authorizerTokens", AuthorizerTokens.class)
                    .accessToken(ACCOUNT));
            ProducerTemplate producer = relay.context().createProducerTemplate();
            assertThat(producer.requestBodyAndHeader("direct:wechat-authorizer-token", null,
                    "WeChatAuthorizerAppid", ACCOUNT, String.class)).isEqualTo(token);
            assertThat(producer.requestBodyAndHeaders("direct:wechat-api-call", null, Map.of(
                    "WeChatAuthorizerAppid", ACCOUNT, "WeChatApiPath", "/cgi-bin/getcallbackip"), String.class))
                            .contains("ip_list");

            // The schedules of the relay instance do nothing.
            producer.sendBody("direct:wechat-component-token-refresh-all", null);
            producer.sendBody("direct:wechat-authorizer-token-refresh-due", null);
            assertThat(relay.text("SELECT access_token FROM wechat_component")).isNull();
            // Its component token health check asks the relay.
            JsonNode health = JSON.readTree(relay.get(relay.baseUrl() + "/admin/health", RunningBundle.ADMIN_TOKEN)
                    .body());
            assertThat(health.path("checks")).anySatisfy(check -> {
                assertThat(check.path("id").asText()).isEqualTo("wechat-component-token");
                assertThat(check.path("status").asText()).isEqualTo("UP");
            });
            // An unknown account is the owner's typed answer.
            assertThatThrownBy(() -> relay.bean("authorizerTokens", AuthorizerTokens.class)
                    .accessToken("wx1999999999999999")).isInstanceOfSatisfying(AuthorizerUnavailableException.class,
                            e -> assertThat(e.getReason()).isEqualTo(AuthorizerUnavailableException.Reason.UNKNOWN));
        }
        assertThat(calls("api_component_token")).isEqualTo(componentTokenCalls);
        assertThat(calls("api_authorizer_token")).isEqualTo(authorizerTokenCalls);
        assertThat(calls("api_create_preauthcode")).isGreaterThanOrEqualTo(2);
    }

    @Test
    @Order(2)
    void relayInstanceWhenWeChatRefusesATokenThenTheOwnerRefreshesIt() throws Exception {
        long authorizerCalls = calls("api_authorizer_token");
        String before = stagingA.bean("authorizerTokens", AuthorizerTokens.class).accessToken(ACCOUNT);
        production.sandboxControl("/sandbox/authorizers/" + ACCOUNT + "/expire-access-tokens", "{}");

        // 42001 at the relay instance: reported to production, which refreshes once; the call is retried.
        ProducerTemplate producer = stagingA.context().createProducerTemplate();
        assertThat(producer.requestBodyAndHeaders("direct:wechat-api-call", null, Map.of("WeChatAuthorizerAppid",
                ACCOUNT, "WeChatApiPath", "/cgi-bin/getcallbackip"), String.class)).contains("ip_list");
        assertThat(calls("api_authorizer_token")).isEqualTo(authorizerCalls + 1);
        String after = stagingA.bean("authorizerTokens", AuthorizerTokens.class).accessToken(ACCOUNT);
        assertThat(after).isNotEqualTo(before)
                .isEqualTo(production.bean("authorizerTokens", AuthorizerTokens.class).accessToken(ACCOUNT));

        // The component token the same way: a 40001 on api_create_preauthcode makes production fetch a new one.
        long componentCalls = calls("api_component_token");
        String componentAppid = production.componentAppid();
        String oldComponentToken = production.bean("componentTokenManager", ComponentTokenManager.class)
                .accessToken(componentAppid);
        production.injectFault("{\"api\":\"api_create_preauthcode\",\"count\":1,\"errcode\":40001}");
        assertThat(stagingB.startAuthorization("").statusCode()).isEqualTo(302);
        assertThat(calls("api_component_token")).isEqualTo(componentCalls + 1);
        assertThat(production.bean("componentTokenManager", ComponentTokenManager.class).accessToken(componentAppid))
                .isNotEqualTo(oldComponentToken);
    }

    @Test
    @Order(3)
    void relayEndpointWhenBearerMissingWrongOrNotAllowedThenRefusedAndAudited() throws Exception {
        String componentUrl = production.baseUrl() + "/relay/components/" + production.componentAppid() + "/token";
        String authorizerUrl = production.baseUrl() + "/relay/authorizers/" + ACCOUNT + "/token";

        HttpResponse<String> none = production.get(componentUrl, null);
        assertThat(none.statusCode()).isEqualTo(401);
        assertThat(JSON.readTree(none.body()).path("error").asText()).isEqualTo("UNAUTHENTICATED");
        assertThat(production.get(componentUrl, "wrong-secret-of-some-length").statusCode()).isEqualTo(401);
        assertThat(production.get(authorizerUrl, STAGING_SECRET + "x").statusCode()).isEqualTo(401);
        // A known client asking for a component it is not allowed.
        HttpResponse<String> other = production.get(authorizerUrl, OTHER_SECRET);
        assertThat(other.statusCode()).isEqualTo(403);
        assertThat(other.body()).doesNotContain("access_token");
        // An unknown account, an unknown component, a wrong method, a body without token.
        HttpResponse<String> unknown = production.get(production.baseUrl() + "/relay/authorizers/wx1999999999999999"
                + "/token", STAGING_SECRET);
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(JSON.readTree(unknown.body()).path("error").asText()).isEqualTo("UNKNOWN");
        assertThat(production.get(production.baseUrl() + "/relay/components/wxnotconfigured0001/token",
                STAGING_SECRET).statusCode()).isEqualTo(404);
        assertThat(production.send(HttpRequest.newBuilder(URI.create(production.baseUrl() + "/relay/authorizers/"
                + ACCOUNT + "/invalid")).header("Authorization", "Bearer " + STAGING_SECRET)
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build()).statusCode()).isEqualTo(400);

        HttpResponse<String> ok = production.get(authorizerUrl, STAGING_SECRET);
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(ok.headers().firstValue("Cache-Control")).hasValue("no-store");
        JsonNode token = JSON.readTree(ok.body());
        assertThat(token.path("authorizer_appid").asText()).isEqualTo(ACCOUNT);
        assertThat(token.path("component_appid").asText()).isEqualTo(production.componentAppid());
        assertThat(token.path("expires_at").asLong()).isGreaterThan(Instant.now().getEpochSecond());
        String accessToken = token.path("access_token").asText();
        assertThat(accessToken).isNotEmpty();

        // The relay instances do not serve the relay endpoint (it is off there).
        assertThat(stagingA.get(stagingA.baseUrl() + "/relay/components/" + production.componentAppid() + "/token",
                STAGING_SECRET).statusCode()).isEqualTo(404);

        List<String> lines = audit.events().stream().map(LogCapture.Event::message).toList();
        assertThat(lines).anyMatch(line -> line.contains("client=staging") && line.contains("address=127.0.0.1")
                && line.contains("action=authorizer-token") && line.contains("authorizer=" + ACCOUNT)
                && line.contains("status=200"));
        assertThat(lines).anyMatch(line -> line.contains("client=-") && line.contains("status=401"));
        assertThat(lines).anyMatch(line -> line.contains("client=other") && line.contains("status=403"));
        assertThat(lines).allSatisfy(line -> assertThat(line).doesNotContain(STAGING_SECRET)
                .doesNotContain(OTHER_SECRET).doesNotContain(accessToken).doesNotContain("wrong-secret"));
    }
}
