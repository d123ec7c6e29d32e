package io.wechatopen.camel.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.wechatopen.camel.api.WeChatApiException;
import io.wechatopen.camel.config.ClusterSettings;
import io.wechatopen.camel.config.ComponentSettings;
import io.wechatopen.camel.config.TokenPolicy;
import io.wechatopen.camel.model.ComponentAccessToken;
import io.wechatopen.camel.model.ComponentVerifyTicket;
import io.wechatopen.camel.support.MutableClock;

class ComponentTokenManagerTest {

    private static final String APPID = "wx0123456789abcdef";
    private static final Instant START = Instant.parse("2026-11-21T08:00:00Z");

    private final MutableClock clock = new MutableClock(START);
    private final InMemoryComponentStores stores = new InMemoryComponentStores();
    private final RecordingComponentApi api = new RecordingComponentApi();
    private final ComponentHealth health = new ComponentHealth();
    private final ComponentTokenManager manager = new ComponentTokenManager(
            List.of(new ComponentSettings(APPID, "secret", "token", "a".repeat(43))), stores, stores, api,
            new TokenPolicy(Duration.ofMinutes(10), Duration.ofHours(12)), health,
            new ApiBackoff(new InMemoryApiBackoffStore(), clock),
            new ClusterSettings("node-a", Duration.ofSeconds(30)), clock);
    private ExecutorService executor;

    @AfterEach
    void stopExecutor() {
        if (executor != null) {
            executor.shutdownNow();
        }
    }

    private void ticketAged(Duration age) {
        stores.putTicket(
                new ComponentVerifyTicket(APPID, "ticket@@@fresh", clock.instant().minus(age), clock.instant()));
    }

    @Test
    void ensureFreshWhenTokenValidBeyondSkewThenNoCall() {
        ticketAged(Duration.ofMinutes(1));
        stores.saveToken(new ComponentAccessToken(APPID, "held", START, START.plusSeconds(7200)));

        assertThat(manager.ensureFresh(APPID, true)).isEqualTo(ComponentTokenManager.Outcome.STILL_VALID);
        assertThat(api.tokenCalls).hasValue(0);
    }

    @Test
    void ensureFreshWhenNoTokenThenFetchesWithLatestTicketAndStoresExpiry() {
        ticketAged(Duration.ofMinutes(1));

        assertThat(manager.ensureFresh(APPID, true)).isEqualTo(ComponentTokenManager.Outcome.REFRESHED);

        assertThat(api.ticketsUsed).containsExactly("ticket@@@fresh");
        ComponentAccessToken token = stores.findToken(APPID).orElseThrow();
        assertThat(token.token()).isEqualTo("token-1");
        assertThat(token.expiresAt()).isEqualTo(START.plusSeconds(7200));
        assertThat(health.lastSuccess(APPID)).isPresent();
    }

    @Test
    void ensureFreshWhenTokenWithinSkewThenRefreshes() {
        ticketAged(Duration.ofMinutes(1));
        stores.saveToken(new ComponentAccessToken(APPID, "old", START.minusSeconds(7200 - 540),
                START.plusSeconds(540)));

        assertThat(manager.ensureFresh(APPID, false)).isEqualTo(ComponentTokenManager.Outcome.REFRESHED);
        assertThat(stores.findToken(APPID).orElseThrow().token()).isEqualTo("token-1");
    }

    @Test
    void ensureFreshWhenNoTicketThenStartsPushAndBacksOffUntilTicketArrives() {
        assertThatThrownBy(() -> manager.ensureFresh(APPID, false)).isInstanceOf(NoUsableTicketException.class)
                .hasMessageContaining("no component_verify_ticket");
        assertThat(api.startPushCalls).hasValue(1);
        assertThat(api.tokenCalls).hasValue(0);
        assertThat(health.lastFailure(APPID)).isPresent();

        assertThat(manager.ensureFresh(APPID, false)).isEqualTo(ComponentTokenManager.Outcome.BACKING_OFF);
        assertThat(api.startPushCalls).hasValue(1);

        ticketAged(Duration.ZERO);
        assertThat(manager.ensureFresh(APPID, true)).isEqualTo(ComponentTokenManager.Outcome.REFRESHED);
    }

    @Test
    void ensureFreshWhenTicketOlderThanTwelveHoursThenStartsPushWithoutCallingTokenApi() {
        ticketAged(Duration.ofHours(12).plusSeconds(1));

        assertThatThrownBy(() -> manager.ensureFresh(APPID, false)).isInstanceOf(NoUsableTicketException.class)
                .hasMessageContaining("min old");
        assertThat(api.startPushCalls).hasValue(1);
        assertThat(api.tokenCalls).hasValue(0);
    }

    @Test
    void ensureFreshWhenTicketRejectedThenStartsPushAndReports() {
        for (int errcode : new int[] {61005, 61006}) {
            ticketAged(Duration.ofMinutes(1));
            api.answerNext(() -> {
                throw new WeChatApiException("api_component_token", errcode, "component ticket is invalid");
            });
            int before = api.startPushCalls.get();

            assertThatThrownBy(() -> manager.ensureFresh(APPID, true)).isInstanceOf(WeChatApiException.class)
                    .hasMessageContaining("api_start_push_ticket");
            assertThat(api.startPushCalls.get()).isEqualTo(before + 1);
            assertThat(health.lastFailure(APPID).orElseThrow().errcode()).isEqualTo(errcode);
            assertThat(stores.findToken(APPID)).isEmpty();
        }
    }

    @Test
    void ensureFreshWhenIpNotWhitelistedThenErrorNamesTheWhitelist() {
        ticketAged(Duration.ofMinutes(1));
        api.answerNext(() -> {
            throw new WeChatApiException("api_component_token", 61004,
                    "access clientip is not registered requestIP: 1.2.3.4 rid: 1-2-3");
        });

        assertThatThrownBy(() -> manager.ensureFresh(APPID, true)).isInstanceOf(WeChatApiException.class)
                .hasMessageContaining("IP whitelist");
        assertThat(api.startPushCalls).hasValue(0);
        assertThat(health.lastFailure(APPID).orElseThrow().message()).contains("IP whitelist");
    }

    @Test
    void ensureFreshWhenFailuresRepeatThenBackOffDoublesUpToMaximum() {
        ticketAged(Duration.ofMinutes(1));
        Duration expected = ApiBackoff.MIN;
        for (int i = 0; i < 6; i++) {
            api.answerNext(() -> {
                throw new WeChatApiException("api_component_token", -1, "system error");
            });
            assertThatThrownBy(() -> manager.ensureFresh(APPID, false)).isInstanceOf(WeChatApiException.class);
            clock.advance(expected.minusSeconds(1));
            assertThat(manager.ensureFresh(APPID, false)).isEqualTo(ComponentTokenManager.Outcome.BACKING_OFF);
            clock.advance(Duration.ofSeconds(1));
            expected = expected.multipliedBy(2).compareTo(ApiBackoff.MAX) > 0 ? ApiBackoff.MAX
                    : expected.multipliedBy(2);
        }
        assertThat(api.tokenCalls).hasValue(6);
    }

    // Issue 6, item 4: on-demand use respects the back-off the schedule respects.
    @Test
    void accessTokenWhenBackingOffThenFailsFastWithLastErrorAndNoWeChatCall() {
        ticketAged(Duration.ofMinutes(1));
        api.answerNext(() -> {
            throw new WeChatApiException("api_component_token", 61004,
                    "access clientip is not registered requestIP: 1.2.3.4 rid: 1-2-3");
        });
        assertThatThrownBy(() -> manager.accessToken(APPID)).isInstanceOf(WeChatApiException.class);

        for (int i = 0; i < 40; i++) {
            assertThatThrownBy(() -> manager.accessToken(APPID)).isInstanceOf(BackingOffException.class)
                    .hasMessageContaining("61004").hasMessageContaining("IP whitelist");
        }
        assertThat(manager.ensureFresh(APPID, false)).isEqualTo(ComponentTokenManager.Outcome.BACKING_OFF);
        assertThat(api.tokenCalls).hasValue(1);

        clock.advance(ApiBackoff.MIN);
        assertThat(manager.accessToken(APPID)).isEqualTo("token-1");
        assertThat(api.tokenCalls).hasValue(2);
    }

    @Test
    void ensureFreshWhenQuotaExhaustedThenNoCallUntilMidnightInChinaEvenWhenATicketArrives() {
        ticketAged(Duration.ofMinutes(1));
        api.answerNext(() -> {
            throw new WeChatApiException("api_component_token", 45009, "reach max api daily quota limit");
        });
        assertThatThrownBy(() -> manager.ensureFresh(APPID, false)).isInstanceOf(WeChatApiException.class);

        // START is 16:00 in China: the quota is reset at 00:00 there, 16:00 UTC.
        clock.advance(Duration.ofHours(7).plusMinutes(59));
        assertThat(manager.ensureFresh(APPID, true)).isEqualTo(ComponentTokenManager.Outcome.BACKING_OFF);
        assertThatThrownBy(() -> manager.accessToken(APPID)).isInstanceOf(BackingOffException.class)
                .hasMessageContaining("45009");
        assertThat(api.tokenCalls).hasValue(1);

        clock.advance(Duration.ofMinutes(1));
        assertThat(manager.ensureFresh(APPID, false)).isEqualTo(ComponentTokenManager.Outcome.REFRESHED);
        assertThat(api.tokenCalls).hasValue(2);
    }

    @Test
    void accessTokenWhenManyCallersAtOnceThenOneWeChatCall() throws Exception {
        ticketAged(Duration.ofMinutes(1));
        int callers = 16;
        CountDownLatch allWaiting = new CountDownLatch(callers);
        CountDownLatch release = new CountDownLatch(1);
        api.beforeAnswer = () -> {
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
        executor = Executors.newFixedThreadPool(callers);
        List<Future<String>> results = new ArrayList<>();
        for (int i = 0; i < callers; i++) {
            results.add(executor.submit(() -> {
                allWaiting.countDown();
                return manager.accessToken(APPID);
            }));
        }
        assertThat(allWaiting.await(10, TimeUnit.SECONDS)).isTrue();
        release.countDown();
        for (Future<String> result : results) {
            assertThat(result.get(10, TimeUnit.SECONDS)).isEqualTo("token-1");
        }
        assertThat(api.tokenCalls).hasValue(1);
    }

    @Test
    void accessTokenWhenRefreshFailsButTokenUnexpiredThenReturnsHeldToken() {
        ticketAged(Duration.ofMinutes(1));
        stores.saveToken(new ComponentAccessToken(APPID, "still-good", START.minusSeconds(7000),
                START.plusSeconds(200)));
        api.answerNext(() -> {
            throw new WeChatApiException("api_component_token", -1, "system error");
        });

        assertThat(manager.accessToken(APPID)).isEqualTo("still-good");
        assertThat(api.tokenCalls).hasValue(1);
    }

    @Test
    void accessTokenWhenUnknownComponentThenClearError() {
        assertThatThrownBy(() -> manager.accessToken("wxunknown")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("wxunknown");
    }

    @Test
    void errorsNeverCarryTheTicketOrSecret() {
        ticketAged(Duration.ofHours(13));
        assertThatThrownBy(() -> manager.ensureFresh(APPID, false))
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("ticket@@@fresh").doesNotContain("secret"));
    }
}
