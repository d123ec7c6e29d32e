package io.wechatopen.camel.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.time.Duration;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The control API for authorizations: a merchant approves, changes or withdraws; the refresh token goes stale;
 * access tokens expire; and the state view shows it all without token values.
 */
class SandboxAuthorizationControlRouteTest extends SandboxWithoutTimerTestSupport {

    private static final String ACCOUNT = "wx1000000000000001";
    private static final String REDIRECT = "http://127.0.0.1:8080/wechat/authorize/callback?state=st-9";
    private static final String APPID_FIELD = "\"component_appid\":\"" + APPID + "\"";

    private String componentToken;

    @BeforeEach
    void obtainComponentTokenOfTheSandbox() throws Exception {
        componentToken = obtainComponentToken();
    }

    @Test
    void approveWhenPageWasOpenedThenItsRedirectUriAndBizAppidAreUsedAndThePushIsSent() throws Exception {
        String preAuthCode = createPreAuthCode(componentToken);
        get("/cgi-bin/componentloginpage?component_appid=" + APPID + "&pre_auth_code=" + encode(preAuthCode)
                + "&redirect_uri=" + encode(REDIRECT) + "&biz_appid=wx1000000000000002&category_id_list=1%7C2");

        HttpResponse<String> response = post("/sandbox/authorizations", "{\"pre_auth_code\":\"" + preAuthCode + "\"}");

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode reply = parse(response);
        String authCode = reply.get("auth_code").asText();
        assertThat(authCode).matches("queryauthcode@@@[A-Za-z0-9_-]{86}");
        assertThat(reply.get("authorizer_appid").asText()).isEqualTo("wx1000000000000002");
        assertThat(reply.get("info_type").asText()).isEqualTo("authorized");
        assertThat(reply.get("redirect_url").asText()).isEqualTo(REDIRECT + "&auth_code=" + authCode
                + "&expires_in=3600");
        await().atMost(Duration.ofSeconds(10)).until(() -> received("authorized").size() == 1);
        assertThat(received("authorized").get(0).fields()).containsEntry("AuthorizationCode", authCode)
                .containsEntry("AuthorizerAppid", "wx1000000000000002").containsEntry("PreAuthCode", preAuthCode);
        assertThat(exchange(authCode).at("/authorization_info/func_info").size()).isEqualTo(2);
    }

    @Test
    void approveWhenNoPageWasOpenedThenRedirectUrlOnlyWhenGivenAndAnyAppidIsAccepted() throws Exception {
        JsonNode withRedirect = parse(post("/sandbox/authorizations", "{\"pre_auth_code\":\""
                + createPreAuthCode(componentToken) + "\",\"redirect_uri\":\"https://p.example/cb\","
                + "\"authorizer_appid\":\"wxabcdef0123456789\",\"func_ids\":[1,2,3]}"));
        JsonNode without = parse(post("/sandbox/authorizations", "{\"pre_auth_code\":\""
                + createPreAuthCode(componentToken) + "\"}"));

        assertThat(withRedirect.get("redirect_url").asText()).startsWith("https://p.example/cb?auth_code=");
        assertThat(without.has("redirect_url")).isFalse();
        assertThat(without.get("authorizer_appid").asText()).isEqualTo(ACCOUNT);
        JsonNode info = componentApi("api_get_authorizer_info", componentToken,
                "{" + APPID_FIELD + ",\"authorizer_appid\":\"wxabcdef0123456789\"}");
        assertThat(info.at("/authorizer_info/nick_name").asText()).isEqualTo("Sandbox Account 6789");
        assertThat(info.at("/authorizer_info/user_name").asText()).matches("gh_[0-9a-f]{12}");
        assertThat(info.at("/authorization_info/authorizer_refresh_token").asText()).isEmpty();
    }

    @Test
    void approveWhenBodyOrCodeIsWrongThen400AndNothingHappens() throws Exception {
        String preAuthCode = createPreAuthCode(componentToken);

        assertRejected(post("/sandbox/authorizations", "{not json"), 400, "not valid JSON");
        assertRejected(post("/sandbox/authorizations", "{\"pre_auth_code\":\"preauthcode@@@x\"}"), 400, "unknown");
        assertRejected(post("/sandbox/authorizations", "{\"pre_auth_code\":\"" + preAuthCode + "\",\"func\":[1]}"),
                400, "unknown field 'func'");
        assertRejected(post("/sandbox/authorizations", "{\"pre_auth_code\":\"" + preAuthCode
                + "\",\"func_ids\":\"1|2\"}"), 400, "func_ids must be an array");
        assertRejected(post("/sandbox/authorizations", "{\"pre_auth_code\":\"" + preAuthCode
                + "\",\"authorizer_appid\":\"gh_123\"}"), 400, "not an appid");

        assertThat(post("/sandbox/authorizations", "{\"pre_auth_code\":\"" + preAuthCode + "\"}").statusCode())
                .isEqualTo(200);
        assertThat(parse(get("/sandbox/state")).at("/authorizers").size()).isEqualTo(1);
    }

    @Test
    void updateWhenAuthorizedThenNewCodeAndUpdateauthorizedPushAndRefreshTokenKept() throws Exception {
        String refreshToken = exchange(approve()).at("/authorization_info/authorizer_refresh_token").asText();

        JsonNode update = parse(post("/sandbox/authorizers/" + ACCOUNT + "/update", "{\"func_ids\":[1,15]}"));

        assertThat(update.get("info_type").asText()).isEqualTo("updateauthorized");
        await().atMost(Duration.ofSeconds(10)).until(() -> received("updateauthorized").size() == 1);
        assertThat(received("updateauthorized").get(0).fields())
                .containsEntry("AuthorizationCode", update.get("auth_code").asText())
                .containsEntry("AuthorizerAppid", ACCOUNT)
                .hasEntrySatisfying("PreAuthCode", code -> assertThat(code).startsWith("preauthcode@@@"));
        JsonNode exchanged = exchange(update.get("auth_code").asText());
        assertThat(exchanged.at("/authorization_info/authorizer_refresh_token").asText()).isEqualTo(refreshToken);
        assertThat(exchanged.at("/authorization_info/func_info").toString())
                .isEqualTo("[{\"funcscope_category\":{\"id\":1}},{\"funcscope_category\":{\"id\":15}}]");
        assertThat(post("/sandbox/authorizers/" + ACCOUNT + "/update", "").statusCode()).isEqualTo(200);
    }

    @Test
    void unauthorizeWhenAuthorizedThenUnauthorizedPushAndTheAccountIsGoneFromApis() throws Exception {
        JsonNode exchanged = exchange(approve());
        String refreshToken = exchanged.at("/authorization_info/authorizer_refresh_token").asText();
        String accessToken = exchanged.at("/authorization_info/authorizer_access_token").asText();

        HttpResponse<String> response = post("/sandbox/authorizers/" + ACCOUNT + "/unauthorize", "");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(parse(response).get("ok").asBoolean()).isTrue();
        await().atMost(Duration.ofSeconds(10)).until(() -> received("unauthorized").size() == 1);
        ReceivedPush push = received("unauthorized").get(0);
        assertThat(push.fields()).containsOnlyKeys("AppId", "CreateTime", "InfoType", "AuthorizerAppid")
                .containsEntry("AuthorizerAppid", ACCOUNT).containsEntry("AppId", APPID)
                .containsEntry("CreateTime", String.valueOf(clock.instant().getEpochSecond()));
        assertThat(refresh(refreshToken).get("errcode").asInt()).isEqualTo(61003);
        assertThat(parse(get("/cgi-bin/getcallbackip?access_token=" + accessToken)).get("errcode").asInt())
                .isEqualTo(40001);
        assertThat(componentApi("api_get_authorizer_list", componentToken, "{" + APPID_FIELD + "}")
                .get("total_count").asInt()).isZero();

        assertRejected(post("/sandbox/authorizers/" + ACCOUNT + "/unauthorize", ""), 409, "withdrew");
        assertRejected(post("/sandbox/authorizers/" + ACCOUNT + "/update", ""), 409, "withdrew");
        assertRejected(post("/sandbox/authorizers/wx1000000000000003/unauthorize", ""), 404, "never authorized");
        assertRejected(post("/sandbox/authorizers/" + ACCOUNT + "/explode", ""), 404, "unknown action");
        assertRejected(post("/sandbox/authorizers/" + ACCOUNT, ""), 404, "use /sandbox/authorizers/");
    }

    // issue 6 item 12: after a rotation both recovery APIs give the new refresh token
    @Test
    void rotateRefreshTokenWhenCalledThenOldToken61023AndNewOneFromInfoAndListWorks() throws Exception {
        String old = exchange(approve()).at("/authorization_info/authorizer_refresh_token").asText();

        HttpResponse<String> response = post("/sandbox/authorizers/" + ACCOUNT + "/rotate-refresh-token", "");

        assertThat(parse(response).toString()).isEqualTo("{\"ok\":true}");
        assertThat(refresh(old).get("errcode").asInt()).isEqualTo(61023);
        String current = componentApi("api_get_authorizer_info", componentToken,
                "{" + APPID_FIELD + ",\"authorizer_appid\":\"" + ACCOUNT + "\"}")
                        .at("/authorization_info/authorizer_refresh_token").asText();
        assertThat(current).isNotEqualTo(old);
        JsonNode listed = componentApi("api_get_authorizer_list", componentToken, "{" + APPID_FIELD + "}");
        assertThat(listed.at("/list/0/authorizer_appid").asText()).isEqualTo(ACCOUNT);
        assertThat(listed.at("/list/0/refresh_token").asText()).isEqualTo(current);
        assertThat(refresh(old).get("errcode").asInt()).isEqualTo(61023);
        assertThat(refresh(current).get("authorizer_refresh_token").asText()).isEqualTo(current);
    }

    @Test
    void stateWhenAuthorizedThenShowsAuthorizersAndCodeCountsWithoutTokenValues() throws Exception {
        createPreAuthCode(componentToken);
        JsonNode exchanged = exchange(approve());
        String accessToken = exchanged.at("/authorization_info/authorizer_access_token").asText();
        get("/cgi-bin/getcallbackip?access_token=" + accessToken);

        JsonNode view = parse(get("/sandbox/state"));

        JsonNode authorizer = view.at("/authorizers/0");
        assertThat(authorizer.get("appid").asText()).isEqualTo(ACCOUNT);
        assertThat(authorizer.get("status").asText()).isEqualTo("authorized");
        assertThat(authorizer.get("func_ids").toString()).isEqualTo("[1,2,3,4,7,11,15]");
        assertThat(authorizer.get("refresh_token_present").asBoolean()).isTrue();
        assertThat(authorizer.get("access_tokens_issued").asInt()).isEqualTo(1);
        assertThat(authorizer.at("/calls/getcallbackip").asInt()).isEqualTo(1);
        assertThat(authorizer.at("/options/voice_recognize").asText()).isEqualTo("0");
        assertThat(authorizer.toString()).doesNotContain(accessToken)
                .doesNotContain(exchanged.at("/authorization_info/authorizer_refresh_token").asText());
        assertThat(view.at("/pre_auth_codes/issued").asInt()).isEqualTo(2);
        assertThat(view.at("/pre_auth_codes/usable").asInt()).isEqualTo(1);
        assertThat(view.at("/auth_codes/issued").asInt()).isEqualTo(1);
        assertThat(view.at("/auth_codes/unused").asInt()).isZero();
        assertThat(view.at("/calls/getcallbackip").asInt()).isEqualTo(1);
    }

    private String approve() throws Exception {
        HttpResponse<String> response = post("/sandbox/authorizations",
                "{\"pre_auth_code\":\"" + createPreAuthCode(componentToken) + "\"}");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return parse(response).get("auth_code").asText();
    }

    private JsonNode exchange(String authCode) throws Exception {
        return componentApi("api_query_auth", componentToken,
                "{" + APPID_FIELD + ",\"authorization_code\":\"" + authCode + "\"}");
    }

    private JsonNode refresh(String refreshToken) throws Exception {
        return componentApi("api_authorizer_token", componentToken, "{" + APPID_FIELD + ",\"authorizer_appid\":\""
                + ACCOUNT + "\",\"authorizer_refresh_token\":\"" + refreshToken + "\"}");
    }

    private void assertRejected(HttpResponse<String> response, int status, String message) throws Exception {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type"))
                .hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
        assertThat(parse(response).get("error").asText()).contains(message);
    }
}
