package io.wechatopen.camel.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import org.apache.camel.Exchange;
import org.apache.hc.core5.http.NoHttpResponseException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The authorization APIs over real HTTP: pre-authorization code, code exchange, token refresh, account info and
 * list, both generations of the option APIs, three account APIs that take the authorizer token, and faults on them
 * (lost replies included).
 */
class SandboxAuthorizerApiRouteTest extends SandboxWithoutTimerTestSupport {

    private static final String RID = " rid: [0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{8}";
    private static final String ACCOUNT = "wx1000000000000001";
    private static final String APPID_FIELD = "\"component_appid\":\"" + APPID + "\"";

    private String componentToken;

    @BeforeEach
    void obtainComponentTokenOfTheSandbox() throws Exception {
        componentToken = obtainComponentToken();
    }

    @Test
    void createPreAuthCodeWhenTokenInEitherQueryNameThenCodeAndWhenNotThenTokenErrcodes() throws Exception {
        String body = "{" + APPID_FIELD + "}";

        JsonNode viaComponentName = componentApi("api_create_preauthcode", componentToken, body);
        JsonNode viaAccessTokenName = parse(post("/cgi-bin/component/api_create_preauthcode?access_token="
                + componentToken, body));

        assertThat(viaComponentName.get("pre_auth_code").asText()).matches("preauthcode@@@[A-Za-z0-9_-]{86}");
        assertThat(viaComponentName.get("expires_in").asInt()).isEqualTo(1800);
        assertThat(viaComponentName.has("errcode")).isFalse();
        assertThat(viaAccessTokenName.get("pre_auth_code").asText()).isNotEqualTo(
                viaComponentName.get("pre_auth_code").asText());
        assertError(parse(post("/cgi-bin/component/api_create_preauthcode", body)), 41001, "access_token missing");
        assertError(componentApi("api_create_preauthcode", "88_unknown", body), 40001, "invalid credential");
        assertError(componentApi("api_create_preauthcode", componentToken, "{\"component_appid\":\"wx9\"}"), 40013,
                "invalid appid");
        assertError(componentApi("api_create_preauthcode", componentToken, "not json"), 47001, "data format error");
        clock.advance(Duration.ofSeconds(7200));
        assertError(componentApi("api_create_preauthcode", componentToken, body), 42001, "access_token expired");
        assertThat(state.calls(SandboxFaults.API_CREATE_PREAUTHCODE)).isEqualTo(7);
    }

    @Test
    void authorizationWhenExchangedThenTokensInfoListAndAccountApisWork() throws Exception {
        String authCode = approve(createPreAuthCode(componentToken)).get("auth_code").asText();

        JsonNode exchanged = componentApi("api_query_auth", componentToken,
                "{" + APPID_FIELD + ",\"authorization_code\":\"" + authCode + "\"}");

        JsonNode info = exchanged.get("authorization_info");
        assertThat(info.get("authorizer_appid").asText()).isEqualTo(ACCOUNT);
        assertThat(info.get("expires_in").asInt()).isEqualTo(7200);
        String accessToken = info.get("authorizer_access_token").asText();
        String refreshToken = info.get("authorizer_refresh_token").asText();
        assertThat(refreshToken).matches("refreshtoken@@@[A-Za-z0-9_-]{43}");
        assertThat(info.get("func_info")).hasSize(7);
        assertThat(info.at("/func_info/0/funcscope_category/id").asInt()).isEqualTo(1);
        assertError(componentApi("api_query_auth", componentToken,
                "{" + APPID_FIELD + ",\"authorization_code\":\"" + authCode + "\"}"), 61009, "code is invalid");

        JsonNode refreshed = componentApi("api_authorizer_token", componentToken, "{" + APPID_FIELD
                + ",\"authorizer_appid\":\"" + ACCOUNT + "\",\"authorizer_refresh_token\":\"" + refreshToken + "\"}");
        assertThat(refreshed.get("authorizer_access_token").asText()).isNotEqualTo(accessToken);
        assertThat(refreshed.get("authorizer_refresh_token").asText()).isEqualTo(refreshToken);
        assertThat(refreshed.get("expires_in").asInt()).isEqualTo(7200);

        JsonNode account = componentApi("api_get_authorizer_info", componentToken,
                "{" + APPID_FIELD + ",\"authorizer_appid\":\"" + ACCOUNT + "\"}");
        assertThat(account.at("/authorizer_info/nick_name").asText()).isEqualTo("Sandbox Coffee");
        assertThat(account.at("/authorizer_info/service_type_info/id").asInt()).isEqualTo(2);
        assertThat(account.at("/authorizer_info/verify_type_info/id").asInt()).isZero();
        assertThat(account.at("/authorizer_info/user_name").asText()).startsWith("gh_");
        assertThat(account.at("/authorizer_info/account_status").asInt()).isEqualTo(1);
        assertThat(account.at("/authorizer_info/business_info/open_pay").asInt()).isEqualTo(1);
        assertThat(account.at("/authorization_info/authorizer_refresh_token").asText()).isEqualTo(refreshToken);
        assertThat(account.at("/authorization_info/func_info")).hasSize(7);

        JsonNode list = componentApi("api_get_authorizer_list", componentToken,
                "{" + APPID_FIELD + ",\"offset\":0,\"count\":500}");
        assertThat(list.get("total_count").asInt()).isEqualTo(1);
        assertThat(list.at("/list/0/authorizer_appid").asText()).isEqualTo(ACCOUNT);
        assertThat(list.at("/list/0/refresh_token").asText()).isEqualTo(refreshToken);
        assertThat(list.at("/list/0/auth_time").asLong()).isEqualTo(clock.instant().getEpochSecond());

        String current = refreshed.get("authorizer_access_token").asText();
        JsonNode ips = parse(get("/cgi-bin/getcallbackip?access_token=" + current));
        assertThat(ips.get("ip_list").toString()).isEqualTo("[\"127.0.0.1\"]");
        assertThat(parse(post("/cgi-bin/getcallbackip?access_token=" + current, "")).has("ip_list")).isTrue();
        HttpResponse<String> userResponse = get("/cgi-bin/user/info?access_token=" + current
                + "&openid=oSandboxUser0001&lang=zh_CN");
        assertThat(userResponse.headers().firstValue("Content-Type")).hasValue("application/json; encoding=utf-8");
        JsonNode user = parse(userResponse);
        assertThat(user.get("subscribe").asInt()).isEqualTo(1);
        assertThat(user.get("openid").asText()).isEqualTo("oSandboxUser0001");
        assertThat(user.get("nickname").asText()).isEqualTo("Sandbox User");
        assertError(parse(get("/cgi-bin/user/info?access_token=" + current)), 40003, "invalid openid");
        // the previous access token still works within its 300 s grace
        assertThat(parse(get("/cgi-bin/getcallbackip?access_token=" + accessToken)).has("ip_list")).isTrue();
    }

    @Test
    void accountApisWhenTokenMissingMalformedUnknownOrExpiredThenWeChatErrcodes() throws Exception {
        String accessToken = exchange(approve(createPreAuthCode(componentToken)).get("auth_code").asText())
                .at("/authorization_info/authorizer_access_token").asText();

        assertError(parse(get("/cgi-bin/getcallbackip")), 41001, "access_token missing");
        assertError(parse(get("/cgi-bin/getcallbackip?access_token=bogus")), 40014, "invalid access_token");
        assertError(parse(get("/cgi-bin/user/info?openid=o1&access_token=89_" + "A".repeat(154))), 40001,
                "invalid credential, access_token is invalid or not latest");
        // getcallbackip also takes the component token; the account APIs do not
        assertThat(parse(get("/cgi-bin/getcallbackip?access_token=" + componentToken)).has("ip_list")).isTrue();
        assertError(parse(get("/cgi-bin/user/info?openid=o1&access_token=" + componentToken)), 40001,
                "invalid credential");

        assertThat(parse(post("/sandbox/authorizers/" + ACCOUNT + "/expire-access-tokens", "")).get("expired")
                .asInt()).isEqualTo(1);

        assertError(parse(get("/cgi-bin/user/info?openid=o1&access_token=" + accessToken)), 42001,
                "access_token expired");
        assertError(parse(send(HttpRequest.newBuilder(uri("/cgi-bin/component/get_authorizer_option?access_token="
                + accessToken)).POST(HttpRequest.BodyPublishers.ofString("{\"option_name\":\"voice_recognize\"}")))),
                42001, "access_token expired");
    }

    @Test
    void optionsWhenSetThroughEitherGenerationThenReadBackThroughTheOther() throws Exception {
        String accessToken = exchange(approve(createPreAuthCode(componentToken)).get("auth_code").asText())
                .at("/authorization_info/authorizer_access_token").asText();
        String account = "\"authorizer_appid\":\"" + ACCOUNT + "\"";

        JsonNode initial = componentApi("api_get_authorizer_option", componentToken,
                "{" + APPID_FIELD + "," + account + ",\"option_name\":\"location_report\"}");
        JsonNode set = componentApi("api_set_authorizer_option", componentToken,
                "{" + APPID_FIELD + "," + account + ",\"option_name\":\"location_report\",\"option_value\":\"2\"}");
        // WxJava sends component_appid and authorizer_appid also to the new paths; Senparc sends numbers
        JsonNode ownRead = ownOption("get_authorizer_option", accessToken,
                "{" + APPID_FIELD + "," + account + ",\"option_name\":\"location_report\"}");
        JsonNode ownSet = ownOption("set_authorizer_option", accessToken,
                "{\"option_name\":\"voice_recognize\",\"option_value\":1}");
        JsonNode read = componentApi("api_get_authorizer_option", componentToken,
                "{" + APPID_FIELD + "," + account + ",\"option_name\":\"voice_recognize\"}");

        assertThat(initial.toString()).isEqualTo("{\"authorizer_appid\":\"" + ACCOUNT
                + "\",\"option_name\":\"location_report\",\"option_value\":\"0\"}");
        assertThat(set.toString()).isEqualTo("{\"errcode\":0,\"errmsg\":\"ok\"}");
        assertThat(ownRead.toString()).isEqualTo("{\"option_name\":\"location_report\",\"option_value\":\"2\"}");
        assertThat(ownSet.get("errcode").asInt()).isZero();
        assertThat(read.get("option_value").asText()).isEqualTo("1");
        assertError(ownOption("set_authorizer_option", accessToken,
                "{\"option_name\":\"customer_service\",\"option_value\":\"5\"}"), 61013, "invalid option value");
        assertError(ownOption("get_authorizer_option", accessToken, "{\"option_name\":\"dark_mode\"}"), 61012,
                "invalid option name");
        assertError(ownOption("get_authorizer_option", accessToken, "[]"), 47001, "data format error");
        assertError(ownOption("get_authorizer_option", "bogus", "{\"option_name\":\"voice_recognize\"}"), 40014,
                "invalid access_token");
    }

    @Test
    void authorizerTokenWhenRefreshTokenWrongOrAccountUnknownThen61023Or61003() throws Exception {
        exchange(approve(createPreAuthCode(componentToken)).get("auth_code").asText());

        assertError(componentApi("api_authorizer_token", componentToken, "{" + APPID_FIELD
                + ",\"authorizer_appid\":\"" + ACCOUNT + "\",\"authorizer_refresh_token\":null}"), 61023,
                "refresh_token is invalid");
        assertError(componentApi("api_authorizer_token", componentToken, "{" + APPID_FIELD
                + ",\"authorizer_appid\":\"wx1000000000000002\",\"authorizer_refresh_token\":\"x\"}"), 61003,
                "component is not authorized by this account");
        assertError(componentApi("api_get_authorizer_list", componentToken,
                "{" + APPID_FIELD + ",\"offset\":\"zero\",\"count\":10}"), 47001, "data format error");
    }

    @Test
    void faultWhenInjectedOnANewApiThenThatCallAnswersItAndTheStateIsUntouched() throws Exception {
        String authCode = approve(createPreAuthCode(componentToken)).get("auth_code").asText();
        assertThat(addFault("{\"api\":\"api_query_auth\",\"errcode\":61010}").statusCode()).isEqualTo(200);
        assertThat(addFault("{\"api\":\"getcallbackip\",\"http_status\":503}").statusCode()).isEqualTo(200);

        assertError(exchange(authCode), 61010, "code is expired");
        String accessToken = exchange(authCode).at("/authorization_info/authorizer_access_token").asText();
        HttpResponse<String> unavailable = get("/cgi-bin/getcallbackip?access_token=" + accessToken);

        assertThat(unavailable.statusCode()).isEqualTo(503);
        assertThat(parse(get("/cgi-bin/getcallbackip?access_token=" + accessToken)).has("ip_list")).isTrue();
        assertThat(state.calls(SandboxFaults.GETCALLBACKIP)).isEqualTo(2);
    }

    @Test
    void faultWhenEveryNewApiNameIsTargetedThenAccepted() throws Exception {
        for (String api : new String[] {"api_create_preauthcode", "api_query_auth", "api_authorizer_token",
                "api_get_authorizer_info", "api_get_authorizer_list", "api_get_authorizer_option",
                "api_set_authorizer_option", "get_authorizer_option", "set_authorizer_option", "getcallbackip",
                "user_info"}) {
            assertThat(addFault("{\"api\":\"" + api + "\",\"errcode\":-1}").statusCode()).as(api).isEqualTo(200);
        }
        assertThat(addFault("{\"api\":\"authorization_push\",\"latency_ms\":10}").statusCode()).isEqualTo(200);
        assertThat(addFault("{\"api\":\"authorization_push\",\"errcode\":-1}").statusCode()).isEqualTo(400);

        assertThat(parse(get("/sandbox/state")).get("faults").size()).isEqualTo(12);
        assertError(parse(get("/cgi-bin/user/info?openid=o1")), -1, "system error");
    }

    @Test
    void authorizationPushFaultWhenDropThenNoPushButTheApprovalStands() throws Exception {
        addFault("{\"api\":\"authorization_push\",\"drop\":true}");

        String authCode = approve(createPreAuthCode(componentToken)).get("auth_code").asText();

        await().atMost(Duration.ofSeconds(10)).until(() -> state.pushResults().stream()
                .anyMatch(r -> SandboxPushResult.DROPPED.equals(r.outcome())));
        assertThat(received("authorized")).isEmpty();
        assertThat(state.pushResults()).filteredOn(r -> "authorized".equals(r.infoType()))
                .singleElement().extracting(SandboxPushResult::outcome).isEqualTo(SandboxPushResult.DROPPED);
        assertThat(exchange(authCode).has("authorization_info")).isTrue();
    }

    // issue 6 item 12: lose_reply serves the call, then drops the connection; the used-up code stays used up
    @Test
    void queryAuthWhenReplyLostThenReadFailsAndTheCodeIsUsedUp() throws Exception {
        String authCode = approve(createPreAuthCode(componentToken)).get("auth_code").asText();
        assertThat(addFault("{\"api\":\"api_query_auth\",\"lose_reply\":true}").statusCode()).isEqualTo(200);

        assertThatThrownBy(() -> sendOnNewConnection(postRequest("/cgi-bin/component/api_query_auth?"
                + "component_access_token=" + componentToken,
                "{" + APPID_FIELD + ",\"authorization_code\":\"" + authCode + "\"}")))
                        .isInstanceOf(IOException.class);

        assertError(exchange(authCode), 61009, "code is invalid");
        JsonNode authorizer = parse(get("/sandbox/state")).at("/authorizers/0");
        assertThat(authorizer.get("refresh_token_present").asBoolean()).isTrue();
        assertThat(authorizer.get("access_tokens_issued").asInt()).isEqualTo(1);
        assertThat(state.calls(SandboxFaults.API_QUERY_AUTH)).isEqualTo(2);
        // the refresh token the lost reply carried is WeChat's now: the account's info gives it
        String refreshToken = componentApi("api_get_authorizer_info", componentToken,
                "{" + APPID_FIELD + ",\"authorizer_appid\":\"" + ACCOUNT + "\"}")
                        .at("/authorization_info/authorizer_refresh_token").asText();
        assertThat(refreshToken).matches("refreshtoken@@@[A-Za-z0-9_-]{43}");
    }

    // issue 6 item 12
    @Test
    void authorizerTokenWhenReplyLostThenReadFailsAndATokenWasIssued() throws Exception {
        String refreshToken = exchange(approve(createPreAuthCode(componentToken)).get("auth_code").asText())
                .at("/authorization_info/authorizer_refresh_token").asText();
        addFault("{\"api\":\"api_authorizer_token\",\"lose_reply\":true,\"latency_ms\":50}");
        clock.advance(Duration.ofSeconds(60));

        assertThatThrownBy(() -> sendOnNewConnection(postRequest("/cgi-bin/component/api_authorizer_token?"
                + "component_access_token=" + componentToken,
                "{" + APPID_FIELD + ",\"authorizer_appid\":\""
                        + ACCOUNT + "\",\"authorizer_refresh_token\":\"" + refreshToken + "\"}")))
                                .isInstanceOf(IOException.class);

        JsonNode authorizer = parse(get("/sandbox/state")).at("/authorizers/0");
        assertThat(authorizer.get("access_tokens_issued").asInt()).isEqualTo(2);
        assertThat(authorizer.get("access_token_expires_at").asText())
                .isEqualTo(clock.instant().plus(Duration.ofSeconds(7200)).toString());
        assertThat(authorizer.at("/calls/api_authorizer_token").asInt()).isEqualTo(1);
        assertThat(state.faults().pending()).isEmpty();
    }

    // issue 6 item 12: the bundle's own client (camel-http, Apache HttpClient 5) sees a failed read, not a status
    @Test
    void postThroughCamelHttpWhenReplyLostThenNoHttpResponseAndNothingRepeated() throws Exception {
        String accessToken = exchange(approve(createPreAuthCode(componentToken)).get("auth_code").asText())
                .at("/authorization_info/authorizer_access_token").asText();
        addFault("{\"api\":\"send\",\"lose_reply\":true}");

        Exchange result = template.request("http://127.0.0.1:" + sandboxPort + "/cgi-bin/message/custom/send"
                + "?access_token=" + accessToken + "&throwExceptionOnFailure=false", e -> {
                    e.getMessage().setHeader(Exchange.HTTP_METHOD, "POST");
                    e.getMessage().setHeader(Exchange.CONTENT_TYPE, "application/json");
                    e.getMessage().setBody("{\"touser\":\"o1\",\"msgtype\":\"text\",\"text\":{\"content\":\"hi\"}}");
                });

        assertThat(result.getException()).isInstanceOf(NoHttpResponseException.class);
        assertThat(state.calls(SandboxFaults.SEND)).isEqualTo(1);
    }

    // issue 6 item 12: every request API can lose its reply; the sandbox keeps answering afterwards
    @Test
    void everyRequestApiWhenReplyLostThenReadFailsAfterTheCallWasRecorded() throws Exception {
        String accessToken = exchange(approve(createPreAuthCode(componentToken)).get("auth_code").asText())
                .at("/authorization_info/authorizer_access_token").asText();
        String component = "?component_access_token=" + componentToken;
        String account = "\"authorizer_appid\":\"" + ACCOUNT + "\"";
        Map<String, String[]> calls = new LinkedHashMap<>();
        String appidOnly = "{" + APPID_FIELD + "}";
        calls.put("api_component_token", raw("POST", "/cgi-bin/component/api_component_token", appidOnly));
        calls.put("api_start_push_ticket", raw("POST", "/cgi-bin/component/api_start_push_ticket", appidOnly));
        calls.put("api_create_preauthcode", raw("POST", "/cgi-bin/component/api_create_preauthcode" + component,
                appidOnly));
        calls.put("api_query_auth", raw("POST", "/cgi-bin/component/api_query_auth" + component, appidOnly));
        calls.put("api_authorizer_token", raw("POST", "/cgi-bin/component/api_authorizer_token" + component,
                "{" + APPID_FIELD + "," + account + "}"));
        calls.put("api_get_authorizer_info", raw("POST", "/cgi-bin/component/api_get_authorizer_info" + component,
                "{" + APPID_FIELD + "," + account + "}"));
        calls.put("api_get_authorizer_list", raw("POST", "/cgi-bin/component/api_get_authorizer_list" + component,
                appidOnly));
        calls.put("api_get_authorizer_option", raw("POST", "/cgi-bin/component/api_get_authorizer_option"
                + component, "{" + APPID_FIELD + "," + account + ",\"option_name\":\"voice_recognize\"}"));
        calls.put("api_set_authorizer_option", raw("POST", "/cgi-bin/component/api_set_authorizer_option"
                + component,
                "{" + APPID_FIELD + "," + account
                        + ",\"option_name\":\"voice_recognize\",\"option_value\":\"1\"}"));
        calls.put("get_authorizer_option", raw("POST", "/cgi-bin/component/get_authorizer_option?access_token="
                + accessToken, "{\"option_name\":\"voice_recognize\"}"));
        calls.put("set_authorizer_option", raw("POST", "/cgi-bin/component/set_authorizer_option?access_token="
                + accessToken, "{\"option_name\":\"location_report\",\"option_value\":\"2\"}"));
        calls.put("getcallbackip", raw("GET", "/cgi-bin/getcallbackip?access_token=" + accessToken, null));
        calls.put("user_info", raw("GET", "/cgi-bin/user/info?openid=o1&access_token=" + accessToken, null));
        calls.put("send", raw("POST", "/cgi-bin/message/custom/send?access_token=" + accessToken,
                "{\"touser\":\"o1\",\"msgtype\":\"text\",\"text\":{\"content\":\"hi\"}}"));
        calls.put("quota_get", raw("POST", "/cgi-bin/openapi/quota/get?access_token=" + accessToken,
                "{\"cgi_path\":\"/cgi-bin/message/custom/send\"}"));
        calls.put("clear_quota_v2", raw("POST", "/cgi-bin/component/clear_quota/v2", appidOnly));
        // issue 10: web authorization and mini-program login on behalf of accounts
        calls.put("access_token", raw("GET", "/sns/oauth2/component/access_token" + component, null));
        calls.put("refresh_token", raw("GET", "/sns/oauth2/component/refresh_token" + component, null));
        calls.put("userinfo", raw("GET", "/sns/userinfo?access_token=x&openid=o1", null));
        calls.put("jscode2session", raw("GET", "/sns/component/jscode2session" + component, null));
        calls.put("getticket", raw("GET", "/cgi-bin/ticket/getticket?type=jsapi&access_token=" + accessToken, null));
        assertThat(calls.keySet()).containsExactlyInAnyOrderElementsOf(SandboxFaults.APIS.stream()
                .filter(api -> !SandboxFaults.PUSHES.contains(api)).toList());

        for (Map.Entry<String, String[]> call : calls.entrySet()) {
            long before = state.calls(call.getKey());
            assertThat(addFault("{\"api\":\"" + call.getKey() + "\",\"lose_reply\":true}").statusCode())
                    .as(call.getKey()).isEqualTo(200);

            assertThat(answerBytes(call.getValue())).as(call.getKey()).isEmpty();
            assertThat(state.calls(call.getKey())).as(call.getKey()).isEqualTo(before + 1);
        }

        // the lost replies did their work: the options were set
        assertThat(componentApi("api_get_authorizer_option", componentToken, "{" + APPID_FIELD + "," + account
                + ",\"option_name\":\"voice_recognize\"}").get("option_value").asText()).isEqualTo("1");
        assertThat(ownOption("get_authorizer_option", accessToken, "{\"option_name\":\"location_report\"}")
                .get("option_value").asText()).isEqualTo("2");
        assertThat(parse(get("/cgi-bin/getcallbackip?access_token=" + accessToken)).has("ip_list")).isTrue();
        assertThat(state.authorizerTickets().issuedTo(ACCOUNT)).as("getticket's lost reply").hasSize(1);
    }

    @Test
    void sendWhenAuthorizerTokenThenOkRecordedAsSendAndWhenNoTouserThen40003() throws Exception {
        String accessToken = exchange(approve(createPreAuthCode(componentToken)).get("auth_code").asText())
                .at("/authorization_info/authorizer_access_token").asText();
        String message = "{\"touser\":\"oSandboxUser0001\",\"msgtype\":\"text\",\"text\":{\"content\":\"hello\"}}";

        HttpResponse<String> sent = post("/cgi-bin/message/custom/send?access_token=" + accessToken, message);

        assertThat(sent.statusCode()).isEqualTo(200);
        assertThat(sent.headers().firstValue("Content-Type")).hasValue("application/json; encoding=utf-8");
        assertThat(parse(sent).toString()).isEqualTo("{\"errcode\":0,\"errmsg\":\"ok\"}");
        assertError(parse(post("/cgi-bin/message/custom/send?access_token=" + accessToken, "{\"msgtype\":\"text\"}")),
                40003, "invalid openid");
        assertError(parse(post("/cgi-bin/message/custom/send", message)), 41001, "access_token missing");
        assertThat(get("/cgi-bin/message/custom/send?access_token=" + accessToken).statusCode()).isEqualTo(405);
        JsonNode view = parse(get("/sandbox/state"));
        assertThat(view.at("/calls/send").asInt()).isEqualTo(3);
        assertThat(view.at("/authorizers/0/calls/send").asInt()).isEqualTo(2);
        JsonNode first = null;
        for (JsonNode request : view.get("requests")) {
            if (first == null && "send".equals(request.get("api").asText())) {
                first = request;
            }
        }
        assertThat(first).isNotNull();
        assertThat(first.at("/body/text/content").asText()).isEqualTo("hello");
    }

    /** A raw HTTP/1.1 request: method, path with query, JSON body or {@code null}. */
    private static String[] raw(String method, String path, String json) {
        return new String[] {method, path, json};
    }

    /**
     * Sends a raw HTTP/1.1 request on a socket of its own and reads until the server closes the connection: the
     * bytes of the answer, none when the reply was lost. (A client library would hide a lost reply to a GET by
     * repeating it.)
     */
    private byte[] answerBytes(String[] request) throws IOException {
        byte[] body = request[2] == null ? new byte[0] : request[2].getBytes(StandardCharsets.UTF_8);
        String head = request[0] + " " + request[1] + " HTTP/1.1\r\nHost: 127.0.0.1:" + sandboxPort
                + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length + "\r\n\r\n";
        try (Socket socket = new Socket("127.0.0.1", sandboxPort)) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(head.getBytes(StandardCharsets.US_ASCII));
            out.write(body);
            out.flush();
            return socket.getInputStream().readAllBytes();
        }
    }

    /** A request builder for a JSON POST. */
    private HttpRequest.Builder postRequest(String path, String json) {
        return HttpRequest.newBuilder(uri(path)).POST(HttpRequest.BodyPublishers.ofString(json))
                .header("Content-Type", "application/json");
    }

    /**
     * Sends on a connection of its own: a pooled connection that closes before answering would make the JDK client
     * repeat a GET by itself, which would hide the lost reply.
     */
    private HttpResponse<String> sendOnNewConnection(HttpRequest.Builder request)
            throws IOException, InterruptedException {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        return client.send(request.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private JsonNode approve(String preAuthCode) throws Exception {
        HttpResponse<String> response = post("/sandbox/authorizations", "{\"pre_auth_code\":\"" + preAuthCode + "\"}");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return parse(response);
    }

    private JsonNode exchange(String authCode) throws Exception {
        return componentApi("api_query_auth", componentToken,
                "{" + APPID_FIELD + ",\"authorization_code\":\"" + authCode + "\"}");
    }

    private JsonNode ownOption(String api, String accessToken, String body) throws Exception {
        HttpResponse<String> response = post("/cgi-bin/component/" + api + "?access_token=" + accessToken, body);
        assertThat(response.statusCode()).isEqualTo(200);
        return parse(response);
    }

    private static void assertError(JsonNode reply, int errcode, String errmsg) {
        assertThat(reply.get("errcode").asInt()).as(reply.toString()).isEqualTo(errcode);
        assertThat(reply.get("errmsg").asText()).matches(java.util.regex.Pattern.quote(errmsg) + ".*" + RID);
    }
}
