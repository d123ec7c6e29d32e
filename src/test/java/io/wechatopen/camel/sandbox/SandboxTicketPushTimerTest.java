package io.wechatopen.camel.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;

import org.junit.jupiter.api.Test;

/** The timer route pushes a first ticket about 1 s after start and then every ticket interval. */
class SandboxTicketPushTimerTest extends SandboxRouteTestSupport {

    @Override
    protected String ticketInterval() {
        return "300ms";
    }

    @Test
    void timerWhenRunningThenPushesFreshTicketsRepeatedly() {
        await().atMost(Duration.ofSeconds(15)).until(() -> received.size() >= 3);

        assertThat(received).allSatisfy(push -> {
            assertThat(push.fields()).containsEntry("InfoType", "component_verify_ticket")
                    .containsEntry("AppId", APPID);
            assertThat(push.fields().get("ComponentVerifyTicket")).startsWith("ticket@@@");
        });
        assertThat(received.stream().map(p -> p.fields().get("ComponentVerifyTicket")).distinct().count())
                .isEqualTo(received.size());
        assertThat(state.pushResults()).allMatch(SandboxPushResult::accepted);
    }
}
