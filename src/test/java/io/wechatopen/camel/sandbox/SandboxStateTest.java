package io.wechatopen.camel.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.wechatopen.camel.config.ComponentSettings;
import io.wechatopen.camel.support.MutableClock;

class SandboxStateTest {

    private static final String APPID = "wx0123456789abcdef";
    private static final String SECRET = "the-appsecret";
    private static final String RID = " rid: [0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{8}";

    private final MutableClock clock = new MutableClock(Instant.parse("2025-06-01T08:00:00Z"));
    private final SandboxState state = new SandboxState(
            new ComponentSettings(APPID, SECRET, "token", "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"), clock);

    @Test
    void mintTicketWhenCalledThenWeChatShapedAndRemembered() {
        String ticket = state.mintTicket();

        assertThat(ticket).matches("ticket@@@[A-Za-z0-9_-]{86}");
        assertThat(state.mintTicket()).isNotEqualTo(ticket);
        assertThat(state.ticketsMinted()).isEqualTo(2);
        assertThat(state.checkTicket(ticket)).isZero();
        assertThat(state.latestTicket()).get().extracting(SandboxTicket::createdAt).isEqualTo(clock.instant());
    }

    @Test
    void checkTicketWhenTwelveHoursOldThenStillAcceptedAndAfterThatExpired() {
        String ticket = state.mintTicket();

        clock.advance(Duration.ofHours(12));
        assertThat(state.checkTicket(ticket)).isZero();
        clock.advance(Duration.ofSeconds(1));
        assertThat(state.checkTicket(ticket)).isEqualTo(61005);
    }

    @Test
    void componentTokenWhenTicketOlderThanTwelveHoursThen61005() {
        String ticket = state.mintTicket();
        clock.advance(Duration.ofHours(12).plusSeconds(1));

        assertError(state.componentToken(APPID, SECRET, ticket), 61005, "component ticket is expired");
    }

    @Test
    void componentTokenWhenTicketUnknownOrMissingThen61006() {
        state.mintTicket();

        assertError(state.componentToken(APPID, SECRET, "ticket@@@unknown"), 61006, "component ticket is invalid");
        assertError(state.componentToken(APPID, SECRET, null), 61006, "component ticket is invalid");
    }

    @Test
    void componentTokenWhenSecretWrongThen40125() {
        String ticket = state.mintTicket();

        assertError(state.componentToken(APPID, "wrong", ticket), 40125, "invalid appsecret");
    }

    @Test
    void componentTokenWhenAppidWrongOrMissingThen40013() {
        String ticket = state.mintTicket();

        assertError(state.componentToken("wxffffffffffffffff", SECRET, ticket), 40013, "invalid appid");
        assertError(state.componentToken(null, SECRET, ticket), 40013, "invalid appid");
    }

    @Test
    void componentTokenWhenSecretMissingThen41004() {
        String ticket = state.mintTicket();

        assertError(state.componentToken(APPID, null, ticket), 41004, "appsecret missing");
        assertError(state.componentToken(APPID, "", ticket), 41004, "appsecret missing");
    }

    @Test
    void componentTokenWhenAllValidThenTokenWithoutErrcodeAndExpiresIn7200() {
        String ticket = state.mintTicket();

        Map<String, Object> reply = state.componentToken(APPID, SECRET, ticket);

        assertThat(reply).containsOnlyKeys("component_access_token", "expires_in").containsEntry("expires_in", 7200L);
        assertThat((String) reply.get("component_access_token")).matches("[A-Za-z0-9_-]{100,}");
        assertThat(state.tokensIssued()).isEqualTo(1);
        assertThat(state.currentTokenExpiresAt()).contains(clock.instant().plusSeconds(7200));
    }

    @Test
    void checkComponentTokenWhenFreshThenOkAndWhenMissingThen41001() {
        String token = token();

        assertThat(state.checkComponentToken(token)).isZero();
        assertThat(state.checkComponentToken(null)).isEqualTo(41001);
        assertThat(state.checkComponentToken("")).isEqualTo(41001);
        assertThat(state.checkComponentToken("88_unknown")).isEqualTo(40001);
    }

    @Test
    void checkComponentTokenWhenPastExpiryThen42001() {
        String token = token();

        clock.advance(Duration.ofSeconds(7199));
        assertThat(state.checkComponentToken(token)).isZero();
        clock.advance(Duration.ofSeconds(1));
        assertThat(state.checkComponentToken(token)).isEqualTo(42001);
    }

    @Test
    void checkComponentTokenWhenSupersededThenValidFor300SecondsThen40001() {
        String old = token();
        clock.advance(Duration.ofMinutes(30));
        String current = token();

        clock.advance(Duration.ofSeconds(299));
        assertThat(state.checkComponentToken(old)).isZero();
        clock.advance(Duration.ofSeconds(2));
        assertThat(state.checkComponentToken(old)).isEqualTo(40001);
        assertThat(state.checkComponentToken(current)).isZero();
    }

    @Test
    void checkComponentTokenWhenSupersededShortlyBeforeItsExpiryThenGraceEndsAtExpiry() {
        String old = token();
        clock.advance(Duration.ofSeconds(7100));
        token();

        clock.advance(Duration.ofSeconds(99));
        assertThat(state.checkComponentToken(old)).isZero();
        clock.advance(Duration.ofSeconds(1));
        assertThat(state.checkComponentToken(old)).isEqualTo(42001);
    }

    @Test
    void startPushTicketWhenStoppedThenOkAndRunningAndWhenRunningThenInANormalState() {
        state.stopPushService();

        assertThat(state.startPushTicket(APPID, SECRET)).containsEntry("errcode", 0).containsEntry("errmsg", "ok");
        assertThat(state.pushServiceRunning()).isTrue();
        assertThat(state.startPushTicket(APPID, SECRET)).containsEntry("errcode", 0)
                .containsEntry("errmsg", "in a normal state");
    }

    @Test
    void startPushTicketWhenCredentialsWrongThenErrcodeAndServiceStaysStopped() {
        state.stopPushService();

        assertError(state.startPushTicket("wxffffffffffffffff", SECRET), 40013, "invalid appid");
        assertError(state.startPushTicket(APPID, "wrong"), 40125, "invalid appsecret");
        assertError(state.startPushTicket(APPID, null), 41004, "appsecret missing");
        assertThat(state.pushServiceRunning()).isFalse();
    }

    @Test
    void recordCallWhenMoreThan100ThenOldestLeaveAndCountersKeepCounting() {
        for (int i = 0; i < 105; i++) {
            state.recordCall(SandboxFaults.API_COMPONENT_TOKEN, null, Map.of("n", i));
        }

        assertThat(state.calls(SandboxFaults.API_COMPONENT_TOKEN)).isEqualTo(105);
        assertThat(state.requests()).hasSize(100);
        assertThat(state.requests().get(0).field("n")).isEqualTo("5");
        assertThat(state.lastRequest(SandboxFaults.API_COMPONENT_TOKEN)).get()
                .extracting(r -> r.field("n")).isEqualTo("104");
    }

    @Test
    void recordPushWhenMoreThan20ThenOldestLeave() {
        for (int i = 0; i < 25; i++) {
            state.recordPush(new SandboxPushResult(clock.instant(), "component_verify_ticket",
                    SandboxPushResult.ANSWERED, 200, "success " + i, null));
        }

        assertThat(state.pushResults()).hasSize(20);
        assertThat(state.pushResults().get(0).body()).isEqualTo("success 5");
    }

    @Test
    void snapshotWhenSecretWasSentThenItIsRedacted() {
        state.recordCall(SandboxFaults.API_COMPONENT_TOKEN, null,
                Map.of("component_appid", APPID, "component_appsecret", SECRET));
        state.recordCall(SandboxFaults.API_START_PUSH_TICKET, null,
                Map.of("component_appid", APPID, "component_secret", SECRET));

        assertThat(state.snapshot().toString()).doesNotContain(SECRET).contains("***");
        assertThat(state.requests().get(0).field("component_appsecret")).isEqualTo(SECRET);
    }

    private String token() {
        String ticket = state.mintTicket();
        return (String) state.componentToken(APPID, SECRET, ticket).get("component_access_token");
    }

    private static void assertError(Map<String, Object> reply, int errcode, String errmsg) {
        assertThat(reply).containsEntry("errcode", errcode);
        assertThat((String) reply.get("errmsg")).matches(java.util.regex.Pattern.quote(errmsg) + RID);
    }
}
