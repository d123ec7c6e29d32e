package io.wechatopen.camel.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The sandbox's web authorization (网页授权) and mini-program login on behalf of accounts, over HTTP: the page and its
 * links, {@code /sns/oauth2/component/access_token}, {@code /refresh_token}, {@code /sns/userinfo},
 * {@code /sns/component/jscode2session} and the js_code control, with WeChat's errcodes.
 */
class SandboxOAuthRouteTest extends SandboxRouteTestSupport {

    private static final String ACCOUNT = "wx1000000000000001";
    private static final String OTHER = "wx1000000000000003";
    private static final String REDIRECT = "http://127.0.0.1:9/wechat/accounts/" + ACCOUNT + "/oauth/callback";

    private String componentToken;

    @BeforeEach
    void authorizeAccount() throws Exception {
        state.authorizations().authorizeAll(List.of(ACCOUNT));
        componentToken = obtainComponentToken();
    }

    private String pageQuery(String appid, String scope, String component) {
        return "appid=" + appid + "&redirect_uri=" + encode(REDIRECT) + "&response_type=code&scope=" + scope
                + "&state=abc123&component_appid=" + component;
    }

    /** Allows on the page and returns the redirect's {@code code}. */
    private String allow(String scope) throws Exception {
        HttpResponse<String> confirm = get("/connect/oauth2/authorize/confirm?" + pageQuery(ACCOUNT, scope, APPID)
                + "&decision=allow");
        assertThat(confirm.statusCode()).isEqualTo(302);
        String location = confirm.headers().firstValue("Location").orElseThrow();
        assertThat(location).startsWith(REDIRECT + "?code=").endsWith("&state=abc123&appid=" + ACCOUNT);
        return location.substring(location.indexOf("code=") + 5, location.indexOf('&'));
    }

    private JsonNode exchange(String token, String component, String appid, String grantType, String code)
            throws Exception {
        return parse(get("/sns/oauth2/component/access_token?appid=" + appid + "&code=" + code + "&grant_type="
                + grantType + "&component_appid=" + component + "&component_access_token=" + token));
    }

    @Test
    void pageWhenValidThenShowsAccountScopeAndLinks() throws Exception {
        HttpResponse<String> page = get("/connect/oauth2/authorize?" + pageQuery(ACCOUNT, "snsapi_userinfo", APPID));

        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("id=\"allow\"", "id=\"deny\"", "snsapi_userinfo", ACCOUNT);
    }

    @Test
    void pageWhenBadRequestThenWeChatErrorPage() throws Exception {
        assertThat(get("/connect/oauth2/authorize?" + pageQuery(OTHER, "snsapi_base", APPID)).body())
                .contains("61003");
        assertThat(get("/connect/oauth2/authorize?" + pageQuery(ACCOUNT, "snsapi_login", APPID)).statusCode())
                .isEqualTo(400);
        assertThat(get("/connect/oauth2/authorize?" + pageQuery(ACCOUNT, "snsapi_base", "wx00000000000000ff"))
                .body()).contains("component_appid");
    }

    @Test
    void denyWhenClickedThenRedirectWithoutCode() throws Exception {
        HttpResponse<String> deny = get("/connect/oauth2/authorize/confirm?" + pageQuery(ACCOUNT, "snsapi_base",
                APPID) + "&decision=deny");

        assertThat(deny.headers().firstValue("Location")).contains(REDIRECT + "?state=abc123&appid=" + ACCOUNT);
    }

    @Test
    void accessTokenWhenCodeValidThenTokensOnceThen40163() throws Exception {
        String code = allow("snsapi_base");

        JsonNode first = exchange(componentToken, APPID, ACCOUNT, "authorization_code", code);
        assertThat(first.path("openid").asText()).isEqualTo(SandboxOAuth.openid(ACCOUNT));
        assertThat(first.path("scope").asText()).isEqualTo("snsapi_base");
        assertThat(first.path("expires_in").asLong()).isEqualTo(7200);
        assertThat(first.path("access_token").asText()).isNotBlank();
        assertThat(first.path("refresh_token").asText()).isNotBlank();
        assertThat(exchange(componentToken, APPID, ACCOUNT, "authorization_code", code).path("errcode").asInt())
                .isEqualTo(40163);
        assertThat(state.calls(SandboxFaults.ACCESS_TOKEN)).isEqualTo(2);
    }

    @Test
    void accessTokenWhenRefusedThenWeChatsErrcodeInItsOrder() throws Exception {
        String code = allow("snsapi_base");

        assertThat(exchange("", APPID, ACCOUNT, "authorization_code", code).path("errcode").asInt())
                .isEqualTo(41001);
        assertThat(exchange("88_unknown", APPID, ACCOUNT, "authorization_code", code).path("errcode").asInt())
                .isEqualTo(40001);
        assertThat(exchange(componentToken, "wx00000000000000ff", ACCOUNT, "authorization_code", code)
                .path("errcode").asInt()).isEqualTo(61011);
        assertThat(exchange(componentToken, APPID, OTHER, "authorization_code", code).path("errcode").asInt())
                .isEqualTo(61003);
        assertThat(exchange(componentToken, APPID, ACCOUNT, "client_credential", code).path("errcode").asInt())
                .isEqualTo(40002);
        assertThat(exchange(componentToken, APPID, ACCOUNT, "authorization_code", "061forged").path("errcode")
                .asInt()).isEqualTo(40029);
        clock.advance(SandboxOAuth.CODE_LIFETIME);
        JsonNode expired = exchange(componentToken, APPID, ACCOUNT, "authorization_code", code);
        assertThat(expired.path("errcode").asInt()).isEqualTo(42003);
        assertThat(expired.path("errmsg").asText()).startsWith("code expired rid: ");
    }

    @Test
    void refreshAndUserinfoWhenValidThenAnsweredElseErrcodes() throws Exception {
        JsonNode tokens = exchange(componentToken, APPID, ACCOUNT, "authorization_code", allow("snsapi_userinfo"));
        String refreshToken = tokens.path("refresh_token").asText();
        String openid = tokens.path("openid").asText();

        JsonNode user = parse(get("/sns/userinfo?access_token=" + tokens.path("access_token").asText() + "&openid="
                + openid + "&lang=zh_CN"));
        assertThat(user.path("nickname").asText()).isEqualTo(SandboxOAuth.NICKNAME);
        assertThat(user.path("privilege").isArray()).isTrue();
        assertThat(parse(get("/sns/userinfo?access_token=" + tokens.path("access_token").asText()
                + "&openid=oOther")).path("errcode").asInt()).isEqualTo(40003);

        String refresh = "/sns/oauth2/component/refresh_token?appid=" + ACCOUNT + "&grant_type=refresh_token"
                + "&component_appid=" + APPID + "&component_access_token=" + componentToken + "&refresh_token=";
        JsonNode refreshed = parse(get(refresh + refreshToken));
        assertThat(refreshed.path("refresh_token").asText()).isEqualTo(refreshToken);
        assertThat(refreshed.path("access_token").asText()).isNotEqualTo(tokens.path("access_token").asText());
        assertThat(parse(get(refresh + "91_forged")).path("errcode").asInt()).isEqualTo(40030);

        clock.advance(Duration.ofHours(2));
        assertThat(parse(get("/sns/userinfo?access_token=" + refreshed.path("access_token").asText() + "&openid="
                + openid)).path("errcode").asInt()).isEqualTo(42001);
        clock.advance(SandboxOAuth.REFRESH_TOKEN_LIFETIME);
        // the component token has expired too (42001 comes first): a fresh one
        String fresh = refresh.replace(componentToken, obtainComponentToken());
        assertThat(parse(get(fresh + refreshToken)).path("errcode").asInt()).isEqualTo(42002);
    }

    @Test
    void userinfoWhenScopeBaseThen48001() throws Exception {
        JsonNode tokens = exchange(componentToken, APPID, ACCOUNT, "authorization_code", allow("snsapi_base"));

        assertThat(parse(get("/sns/userinfo?access_token=" + tokens.path("access_token").asText() + "&openid="
                + tokens.path("openid").asText())).path("errcode").asInt()).isEqualTo(48001);
    }

    @Test
    void jscode2sessionWhenCodeMintedThenSessionOnceElseErrcodes() throws Exception {
        String jsCode = parse(post("/sandbox/miniprogram/" + ACCOUNT + "/js-code", "")).path("js_code").asText();
        String call = "/sns/component/jscode2session?appid=" + ACCOUNT + "&grant_type=authorization_code"
                + "&component_appid=" + APPID + "&component_access_token=" + componentToken + "&js_code=";

        JsonNode session = parse(get(call + jsCode));
        assertThat(session.path("openid").asText()).isEqualTo(SandboxOAuth.openid(ACCOUNT));
        assertThat(session.path("session_key").asText()).hasSize(24);
        assertThat(parse(get(call + jsCode)).path("errcode").asInt()).isEqualTo(40163);
        assertThat(parse(get(call + "0c3forged")).path("errcode").asInt()).isEqualTo(40029);
        assertThat(parse(get(call.replace(ACCOUNT, OTHER) + "x")).path("errcode").asInt()).isEqualTo(61003);
        assertThat(post("/sandbox/miniprogram/not-an-appid/js-code", "").statusCode()).isEqualTo(400);
        assertThat(post("/sandbox/miniprogram/" + ACCOUNT + "/other", "").statusCode()).isEqualTo(404);
        // The state view counts sessions but never shows a session key.
        assertThat(get("/sandbox/state").body()).doesNotContain(session.path("session_key").asText())
                .contains("\"sessions_issued\":1");
    }

    @Test
    void jscode2sessionWhenFaultInjectedThenFaultAnswered() throws Exception {
        assertThat(addFault("{\"api\":\"jscode2session\",\"count\":1,\"errcode\":45011}").statusCode())
                .isEqualTo(200);

        JsonNode answer = parse(get("/sns/component/jscode2session?appid=" + ACCOUNT + "&js_code=x"));

        assertThat(answer.path("errcode").asInt()).isEqualTo(45011);
    }
}
