package io.wechatopen.camel.jssdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.apache.camel.CamelExecutionException;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.apache.logging.log4j.Level;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.wechatopen.camel.AuthorizerTokens;
import io.wechatopen.camel.AuthorizerUnavailableException;
import io.wechatopen.camel.AuthorizerUnavailableException.Reason;
import io.wechatopen.camel.api.WeChatApiException;
import io.wechatopen.camel.crypto.JsSdkSignature;
import io.wechatopen.camel.sandbox.SandboxAuthorizerTickets;
import io.wechatopen.camel.sandbox.SandboxState;
import io.wechatopen.camel.support.LogCapture;
import io.wechatopen.camel.support.NettyLeakCheck;
import io.wechatopen.camel.support.RunningBundle;
import io.wechatopen.camel.token.BackingOffException;

/**
 * JS-SDK on behalf of accounts, end to end: the bundle with its sandbox over real HTTP and its H2 database. The
 * signature of {@code direct:wechat-jssdk-signature} verifies with the ticket the sandbox issued to the account;
 * concurrent callers cause one getticket; a token WeChat no longer accepts is refreshed and the call repeated; errors
 * arrive as typed exceptions with nothing stored; a withdrawn account gets no ticket and its stored one is deleted.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(NettyLeakCheck.class)
class JsSdkEndToEndTest {

    private static final String ENDPOINT = "direct:wechat-jssdk-signature";
    private static final String APPID_HEADER = "WeChatAuthorizerAppid";
    private static final String PAGE = "https://shop.example.com/order?id=42&from=menu";

    private RunningBundle bundle;
    private ProducerTemplate producer;
    private SandboxState sandbox;

    @BeforeAll
    void startBundle() throws Exception {
        Map<String, String> properties = new HashMap<>();
        // Schedules only when a test asks for them.
        for (String schedule : new String[] {"component-token-refresh", "authorizer-token-refresh",
                "authorization-event-handle", "authorizer-reconcile"}) {
            properties.put("wechat.schedule." + schedule + ".cron", "0 0 0 1 1 ? 2099");
        }
        bundle = RunningBundle.start(properties);
        producer = bundle.context().createProducerTemplate();
        sandbox = bundle.bean("wechatSandboxState", SandboxState.class);
        await().atMost(Duration.ofSeconds(30))
                .until(() -> bundle.status().at("/components/0/component_token/valid").asBoolean());
    }

    @AfterAll
    void stopBundle() throws Exception {
        if (producer != null) {
            producer.close();
        }
        if (bundle != null) {
            bundle.close();
        }
    }

    @Test
    void signatureWhenRequestedThenAccountsAppidAndVerifiesWithTheTicketTheSandboxIssued() throws Exception {
        String appid = authorized("wxjs000000000001");
        long before = Instant.now().getEpochSecond();

        Map<String, String> config = sign(appid, PAGE + "#/cart");

        assertThat(config).containsOnlyKeys("appId", "timestamp", "nonceStr", "signature");
        assertThat(config.get("appId")).as("the account's appid, not the component's").isEqualTo(appid);
        assertThat(Long.parseLong(config.get("timestamp"))).isBetween(before, Instant.now().getEpochSecond());
        assertThat(config.get("nonceStr")).matches("[A-Za-z0-9_-]{16}");
        List<SandboxAuthorizerTickets.Issued> issued = sandbox.authorizerTickets().issuedTo(appid);
        assertThat(issued).hasSize(1);
        assertThat(issued.get(0).type()).isEqualTo("jsapi");
        // signed without the fragment, with the ticket WeChat gave for this account
        assertThat(config.get("signature")).isEqualTo(JsSdkSignature.sign(issued.get(0).ticket(),
                config.get("nonceStr"), config.get("timestamp"), PAGE));
        assertThat(storedTicketColumn(appid)).startsWith("v1:").doesNotContain(issued.get(0).ticket());

        // the Java service gives the same, from the stored ticket: no second getticket
        JsSdkConfig again = bundle.bean("wechatJsSdk", JsSdkSigner.class).config(appid, PAGE);
        assertThat(again.signature()).isEqualTo(
                JsSdkSignature.sign(issued.get(0).ticket(), again.nonceStr(), again.timestamp(), PAGE));
        assertThat(again.nonceStr()).isNotEqualTo(config.get("nonceStr"));
        assertThat(sandbox.authorizerTickets().issuedTo(appid)).hasSize(1);
    }

    @Test
    void signatureWhenTwentyCallersAtOnceThenOneGetticketAndAllVerify() throws Exception {
        String appid = authorized("wxjs000000000002");
        int callers = 20;
        CyclicBarrier together = new CyclicBarrier(callers);
        ExecutorService executor = Executors.newFixedThreadPool(callers);
        List<Map<String, String>> configs = new ArrayList<>();
        try {
            List<Future<Map<String, String>>> results = new ArrayList<>();
            for (int i = 0; i < callers; i++) {
                results.add(executor.submit(() -> {
                    together.await();
                    return sign(appid, PAGE);
                }));
            }
            for (Future<Map<String, String>> result : results) {
                configs.add(result.get(60, TimeUnit.SECONDS));
            }
        } finally {
            executor.shutdownNow();
        }

        List<SandboxAuthorizerTickets.Issued> issued = sandbox.authorizerTickets().issuedTo(appid);
        assertThat(issued).as("getticket calls for the account").hasSize(1);
        for (Map<String, String> config : configs) {
            assertThat(config.get("signature")).isEqualTo(JsSdkSignature.sign(issued.get(0).ticket(),
                    config.get("nonceStr"), config.get("timestamp"), PAGE));
        }
    }

    @Test
    void signatureWhenWeChatRefusesTheStoredTokenThenRefreshedOnceAndGetticketRepeated() throws Exception {
        String appid = authorized("wxjs000000000003");
        AuthorizerTokens tokens = bundle.bean("authorizerTokens", AuthorizerTokens.class);
        String stale = tokens.accessToken(appid);
        HttpResponse<String> expired = bundle.sandboxControl("/sandbox/authorizers/" + appid
                + "/expire-access-tokens", null);
        assertThat(expired.statusCode()).as(expired.body()).isEqualTo(200);
        long getticketBefore = sandbox.calls("getticket");
        long refreshesBefore = sandbox.calls("api_authorizer_token");

        Map<String, String> config;
        List<LogCapture.Event> logged = new ArrayList<>();
        try (LogCapture ours = new LogCapture("io.wechatopen.camel.token", "io.wechatopen.camel.client",
                "io.wechatopen.camel.jssdk", "io.wechatopen.camel.routes");
                LogCapture camel = new LogCapture(Level.INFO, "org.apache.camel")) {
            config = sign(appid, PAGE);
            logged.addAll(ours.events());
            logged.addAll(camel.events());
        }

        assertThat(sandbox.calls("getticket") - getticketBefore).as("42001, then the retry").isEqualTo(2);
        assertThat(sandbox.calls("api_authorizer_token") - refreshesBefore).isEqualTo(1);
        List<SandboxAuthorizerTickets.Issued> issued = sandbox.authorizerTickets().issuedTo(appid);
        assertThat(issued).hasSize(1);
        assertThat(config.get("signature")).isEqualTo(
                JsSdkSignature.sign(issued.get(0).ticket(), config.get("nonceStr"), config.get("timestamp"), PAGE));
        String fresh = tokens.accessToken(appid);
        assertThat(fresh).isNotEqualTo(stale);
        assertThat(logged).as("the refusal is logged").isNotEmpty();
        assertThat(logged).extracting(LogCapture.Event::message).noneMatch(message -> message.contains(
                issued.get(0).ticket()) || message.contains(stale) || message.contains(fresh));
    }

    @Test
    void signatureWhenPageUrlNotAbsoluteHttpThenIllegalArgumentAndNoWeChatCall() throws Exception {
        String appid = authorized("wxjs000000000004");
        long before = sandbox.calls("getticket");

        for (String url : new String[] {"/order?id=1", "ftp://shop.example.com/x", "https:///nohost", "not a url",
                "", "javascript:alert(1)"}) {
            assertThatThrownBy(() -> sign(appid, url)).as(url).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("page URL");
        }
        assertThatThrownBy(() -> producer.requestBody(ENDPOINT, PAGE, Map.class)).isInstanceOf(
                CamelExecutionException.class).hasCauseInstanceOf(IllegalArgumentException.class);
        assertThat(sandbox.calls("getticket")).isEqualTo(before);
    }

    @Test
    void signatureWhenAccountUnknownThenUnknownAndNoWeChatCall() {
        long before = sandbox.calls("getticket");

        assertThatThrownBy(() -> sign("wxjs0000000000ff", PAGE)).isInstanceOfSatisfying(
                AuthorizerUnavailableException.class, e -> assertThat(e.getReason()).isEqualTo(Reason.UNKNOWN));
        assertThat(sandbox.calls("getticket")).isEqualTo(before);
    }

    @Test
    void signatureWhenGetticketQuotaSpentThenAccountsBreakerOpensUntilAnOperatorResetsIt() throws Exception {
        String appid = authorized("wxjs000000000005");
        bundle.injectFault("{\"api\":\"getticket\",\"count\":1,\"errcode\":45009}");

        assertThatThrownBy(() -> sign(appid, PAGE)).isInstanceOfSatisfying(WeChatApiException.class,
                e -> assertThat(e.getErrcode()).isEqualTo(45009));
        assertThat(bundle.count("SELECT COUNT(*) FROM wechat_authorizer_ticket WHERE authorizer_appid = ? AND"
                + " ticket IS NOT NULL", appid)).isZero();
        assertThat(bundle.count("SELECT COUNT(*) FROM wechat_authorizer_ticket WHERE authorizer_appid = ? AND"
                + " lease_holder IS NOT NULL", appid)).as("the lease released").isZero();

        // the account's getticket quota is spent until midnight Beijing time: WeChat is not asked again
        long calls = bundle.sandboxState().at("/calls/getticket").asLong();
        assertThatThrownBy(() -> sign(appid, PAGE)).isInstanceOfSatisfying(BackingOffException.class,
                e -> assertThat(e.getErrcode()).isEqualTo(45009));
        assertThat(bundle.sandboxState().at("/calls/getticket").asLong()).isEqualTo(calls);
        assertThat(sign(authorized("wxjs000000000009"), PAGE)).as("another account's quota").containsKey("signature");

        // the operator cleared the quota
        HttpResponse<String> reset = bundle.send(HttpRequest.newBuilder(URI.create(bundle.baseUrl()
                + "/admin/backoffs/reset")).header("Authorization", "Bearer " + RunningBundle.ADMIN_TOKEN)
                .POST(HttpRequest.BodyPublishers.noBody()).build());
        assertThat(reset.statusCode()).isEqualTo(200);
        Map<String, String> config = sign(appid, PAGE);
        assertThat(config.get("signature")).isEqualTo(JsSdkSignature.sign(
                sandbox.authorizerTickets().issuedTo(appid).get(0).ticket(), config.get("nonceStr"),
                config.get("timestamp"), PAGE));
    }

    @Test
    void signatureWhenAccountWithdrewThenUnauthorizedAndItsTicketDeleted() throws Exception {
        String appid = authorized("wxjs000000000006");
        sign(appid, PAGE);
        assertThat(bundle.count("SELECT COUNT(*) FROM wechat_authorizer_ticket WHERE authorizer_appid = ?", appid))
                .isEqualTo(1);

        HttpResponse<String> withdrawn = bundle.sandboxControl("/sandbox/authorizers/" + appid + "/unauthorize",
                null);
        assertThat(withdrawn.statusCode()).as(withdrawn.body()).isEqualTo(200);

        // the ticket read before the withdrawal may be served from memory for a few seconds (TokenCache)
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThatThrownBy(() -> sign(appid, PAGE))
                .isInstanceOfSatisfying(AuthorizerUnavailableException.class,
                        e -> assertThat(e.getReason()).isEqualTo(Reason.UNAUTHORIZED)));
        assertThat(bundle.count("SELECT COUNT(*) FROM wechat_authorizer_ticket WHERE authorizer_appid = ?", appid))
                .isZero();
    }

    @Test
    void readmeRouteWhenThePageAsksForItsConfigThenJsonThatVerifiesAndBadUrlAnswered400() throws Exception {
        String appid = authorized("wxjs000000000007");
        String readme = Files.readString(RunningBundle.projectDir().resolve("README.md"));
        int section = readme.indexOf("### JS-SDK on behalf");
        int start = readme.indexOf("```yaml\n", section) + "```yaml\n".length();
        String yaml = readme.substring(start, readme.indexOf("```", start));
        PluginHelper.getRoutesLoader(bundle.context())
                .loadRoutes(ResourceHelper.fromString("readme-jssdk.camel.yaml", yaml));
        // Routes added to a running context under the supervising route controller wait for a start.
        bundle.context().getRouteController().startRoute("shop-jssdk-config-serve");
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(bundle.context()
                .getRouteController().getRouteStatus("shop-jssdk-config-serve")).hasToString("Started"));

        HttpResponse<String> answer = bundle.get(bundle.baseUrl() + "/jssdk/config?appid=" + appid + "&url="
                + URLEncoder.encode(PAGE + "#top", StandardCharsets.UTF_8), null);

        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        assertThat(answer.headers().firstValue("Content-Type")).hasValue("application/json; charset=utf-8");
        JsonNode config = new ObjectMapper().readTree(answer.body());
        assertThat(config.get("appId").asText()).isEqualTo(appid);
        assertThat(config.get("signature").asText()).isEqualTo(JsSdkSignature.sign(
                sandbox.authorizerTickets().issuedTo(appid).get(0).ticket(), config.get("nonceStr").asText(),
                config.get("timestamp").asText(), PAGE));
        HttpResponse<String> bad = bundle.get(bundle.baseUrl() + "/jssdk/config?appid=" + appid + "&url=%2Frelative",
                null);
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body()).contains("page URL");
    }

    /** {@code direct:wechat-jssdk-signature}, with Camel's wrapper taken off a failure. */
    @SuppressWarnings("unchecked")
    private Map<String, String> sign(String appid, String url) {
        try {
            return producer.requestBodyAndHeader(ENDPOINT, url, APPID_HEADER, appid, Map.class);
        } catch (CamelExecutionException e) {
            throw e.getCause() instanceof RuntimeException cause ? cause : e;
        }
    }

    private String authorized(String appid) throws Exception {
        HttpResponse<String> callback = bundle.authorize(appid);
        assertThat(callback.statusCode()).as(callback.body()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(20)).until(() -> bundle.count("SELECT COUNT(*) FROM"
                + " wechat_authorization_event WHERE authorizer_appid = ? AND status = 'RECEIVED'", appid) == 0);
        return appid;
    }

    private String storedTicketColumn(String appid) throws SQLException {
        return bundle.text("SELECT ticket FROM wechat_authorizer_ticket WHERE authorizer_appid = ?", appid);
    }
}
