package io.wechatopen.camel.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.regex.Pattern;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * {@code GET /cgi-bin/ticket/getticket} over real HTTP: tickets for an account's access token, WeChat's errcodes for
 * a missing, malformed, withdrawn or expired token and for a wrong type, the state view of issued tickets, and an
 * injected fault.
 */
class SandboxTicketApiRouteTest extends SandboxWithoutTimerTestSupport {

    private static final String RID = " rid: [0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{8}";
    private static final String ACCOUNT = "wx1000000000000001";

    private String accessToken;

    @BeforeEach
    void authorizeAnAccount() throws Exception {
        String componentToken = obtainComponentToken();
        HttpResponse approved = new HttpResponse(post("/sandbox/authorizations",
                "{\"pre_auth_code\":\"" + createPreAuthCode(componentToken) + "\",\"authorizer_appid\":\"" + ACCOUNT
                        + "\"}"));
        JsonNode exchanged = componentApi("api_query_auth", componentToken, "{\"component_appid\":\"" + APPID
                + "\",\"authorization_code\":\"" + approved.json.get("auth_code").asText() + "\"}");
        accessToken = exchanged.at("/authorization_info/authorizer_access_token").asText();
    }

    @Test
    void getTicketWhenTokenValidThenNewTicketEachCallAndListedInState() throws Exception {
        JsonNode first = parse(get("/cgi-bin/ticket/getticket?access_token=" + accessToken + "&type=jsapi"));
        JsonNode second = parse(get("/cgi-bin/ticket/getticket?type=jsapi&access_token=" + accessToken));
        JsonNode card = parse(get("/cgi-bin/ticket/getticket?access_token=" + accessToken + "&type=wx_card"));

        assertThat(first.get("errcode").asInt()).isZero();
        assertThat(first.get("errmsg").asText()).isEqualTo("ok");
        assertThat(first.get("ticket").asText()).matches("[A-Za-z0-9_-]{86}");
        assertThat(first.get("expires_in").asLong()).isEqualTo(7200);
        assertThat(second.get("ticket").asText()).isNotEqualTo(first.get("ticket").asText());
        assertThat(card.get("ticket").asText()).matches("[A-Za-z0-9_-]{86}");
        assertThat(state.calls(SandboxFaults.GETTICKET)).isEqualTo(3);
        JsonNode issued = parse(get("/sandbox/state")).get("authorizer_tickets");
        assertThat(issued).hasSize(3);
        assertThat(issued.get(0).get("authorizer_appid").asText()).isEqualTo(ACCOUNT);
        assertThat(issued.get(0).get("type").asText()).isEqualTo("jsapi");
        assertThat(issued.get(0).get("ticket").asText()).isEqualTo(first.get("ticket").asText());
        assertThat(issued.get(0).get("expires_in").asLong()).isEqualTo(7200);
        assertThat(issued.get(2).get("type").asText()).isEqualTo("wx_card");
        // a newer ticket does not end the earlier one
        assertThat(state.authorizerTickets().find(first.get("ticket").asText())).get()
                .returns(clock.instant().plusSeconds(7200), SandboxAuthorizerTickets.Issued::expiresAt);
    }

    @Test
    void getTicketWhenTokenOrTypeWrongThenWeChatErrcodesAndNoTicket() throws Exception {
        assertError(get("/cgi-bin/ticket/getticket?type=jsapi"), 41001, "access_token missing");
        assertError(get("/cgi-bin/ticket/getticket?access_token=88_unknown&type=jsapi"), 40014,
                "invalid access_token");
        assertError(get("/cgi-bin/ticket/getticket?access_token=" + accessToken + "&type=other"), 40097,
                "invalid args");
        assertError(get("/cgi-bin/ticket/getticket?access_token=" + accessToken), 40097, "invalid args");
        post("/sandbox/authorizers/" + ACCOUNT + "/expire-access-tokens", "");
        assertError(get("/cgi-bin/ticket/getticket?access_token=" + accessToken + "&type=jsapi"), 42001,
                "access_token expired");

        assertThat(state.authorizerTickets().issuedTo(ACCOUNT)).isEmpty();
    }

    @Test
    void getTicketWhenTokenLifetimePassesThenExpiredAndWhenUnauthorizedThenInvalid() throws Exception {
        clock.advance(Duration.ofSeconds(7200));
        assertError(get("/cgi-bin/ticket/getticket?access_token=" + accessToken + "&type=jsapi"), 42001,
                "access_token expired");
        clock.advance(Duration.ofSeconds(-7200));
        post("/sandbox/authorizers/" + ACCOUNT + "/unauthorize", "");
        assertError(get("/cgi-bin/ticket/getticket?access_token=" + accessToken + "&type=jsapi"), 40001,
                "invalid credential");
    }

    @Test
    void getTicketWhenFaultInjectedThenFaultErrcodeOnceThenTicket() throws Exception {
        post("/sandbox/faults", "{\"api\":\"getticket\",\"count\":1,\"errcode\":45009}");

        assertError(get("/cgi-bin/ticket/getticket?access_token=" + accessToken + "&type=jsapi"), 45009,
                "reach max api daily quota limit");
        assertThat(parse(get("/cgi-bin/ticket/getticket?access_token=" + accessToken + "&type=jsapi"))
                .get("errcode").asInt()).isZero();
    }

    private void assertError(java.net.http.HttpResponse<String> response, int errcode, String errmsg)
            throws Exception {
        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode reply = parse(response);
        assertThat(reply.get("errcode").asInt()).as(reply.toString()).isEqualTo(errcode);
        assertThat(reply.get("errmsg").asText()).matches(Pattern.quote(errmsg) + ".*" + RID);
        assertThat(reply.has("ticket")).isFalse();
    }

    /** A reply with its JSON body. */
    private final class HttpResponse {
        private final JsonNode json;

        HttpResponse(java.net.http.HttpResponse<String> response) throws Exception {
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            this.json = parse(response);
        }
    }
}
