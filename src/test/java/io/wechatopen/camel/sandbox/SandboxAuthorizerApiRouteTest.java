package io.wechatopen.camel.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The authorization APIs over real HTTP: pre-authorization code, code exchange, token refresh, account info and
 * list, both generations of the option APIs, two account APIs that take the authorizer token, and faults on them.
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
