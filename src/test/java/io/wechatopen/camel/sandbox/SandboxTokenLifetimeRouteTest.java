package io.wechatopen.camel.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Issue 6 item 12: {@code wechat.sandbox.token-lifetime} compresses time. With 30 s, the component and authorizer
 * access tokens the sandbox issues say {@code expires_in} 30, really end after 30 s (42001), and the state view
 * shows when they expire.
 */
class SandboxTokenLifetimeRouteTest extends SandboxWithoutTimerTestSupport {

    private static final String ACCOUNT = "wx1000000000000001";
    private static final String APPID_FIELD = "\"component_appid\":\"" + APPID + "\"";

    @Override
    protected String tokenLifetime() {
        return "30s";
    }

    @Test
    void tokensWhenLifetime30sThenExpiresIn30AndUnusableAfterwards() throws Exception {
        pushNow();
        JsonNode component = componentToken(APPID, SECRET, lastReceivedTicket());
        String componentToken = component.get("component_access_token").asText();
        String preAuthCode = createPreAuthCode(componentToken);
        String authCode = parse(post("/sandbox/authorizations", "{\"pre_auth_code\":\"" + preAuthCode + "\"}"))
                .get("auth_code").asText();
        JsonNode info = componentApi("api_query_auth", componentToken,
                "{" + APPID_FIELD + ",\"authorization_code\":\"" + authCode + "\"}").get("authorization_info");
        clock.advance(Duration.ofSeconds(10));
        JsonNode refreshed = componentApi("api_authorizer_token", componentToken, "{" + APPID_FIELD
                + ",\"authorizer_appid\":\"" + ACCOUNT + "\",\"authorizer_refresh_token\":\""
                + info.get("authorizer_refresh_token").asText() + "\"}");
        String accessToken = refreshed.get("authorizer_access_token").asText();

        assertThat(component.get("expires_in").asInt()).isEqualTo(30);
        assertThat(info.get("expires_in").asInt()).isEqualTo(30);
        assertThat(refreshed.get("expires_in").asInt()).isEqualTo(30);
        JsonNode view = parse(get("/sandbox/state"));
        assertThat(view.get("token_lifetime_seconds").asInt()).isEqualTo(30);
        assertThat(view.at("/component_tokens/current_expires_in").asInt()).isEqualTo(20);
        assertThat(view.at("/authorizers/0/access_token_expires_in").asInt()).isEqualTo(30);
        assertThat(view.at("/authorizers/0/access_token_expires_at").asText())
                .isEqualTo(clock.instant().plusSeconds(30).toString());

        clock.advance(Duration.ofSeconds(20));
        assertThat(componentApi("api_create_preauthcode", componentToken, "{" + APPID_FIELD + "}")
                .get("errcode").asInt()).isEqualTo(42001);
        assertThat(parse(get("/cgi-bin/getcallbackip?access_token=" + accessToken)).has("ip_list")).isTrue();

        clock.advance(Duration.ofSeconds(10));
        assertThat(parse(get("/cgi-bin/getcallbackip?access_token=" + accessToken)).get("errcode").asInt())
                .isEqualTo(42001);
        assertThat(parse(get("/sandbox/state")).at("/authorizers/0/access_token_expires_in").asInt()).isZero();
    }
}
