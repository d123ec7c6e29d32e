package io.wechatopen.camel.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.apache.camel.ServiceStatus;
import org.apache.camel.test.AvailablePortFinder;
import org.apache.logging.log4j.Level;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.wechatopen.camel.support.LogCapture;

/** A receiver that is down: the push fails, is recorded and logged, and the push routes keep running. */
class SandboxTicketPushReceiverDownTest extends SandboxWithoutTimerTestSupport {

    private final int deadPort = AvailablePortFinder.getNextAvailable();

    @Override
    protected String pushUrl() {
        return "http://127.0.0.1:" + deadPort + RECEIVER_PATH;
    }

    @Test
    void pushWhenReceiverIsDownThenFailureIsRecordedAndRoutesKeepRunning() throws Exception {
        JsonNode reply;
        List<LogCapture.Event> logged;
        try (LogCapture logs = new LogCapture("io.wechatopen.camel.sandbox")) {
            template.sendBody("direct:test-tick", null);
            reply = pushNow();
            logged = logs.events();
        }

        assertThat(logged).filteredOn(e -> e.level() == Level.WARN)
                .hasSize(2).allSatisfy(e -> assertThat(e.message()).contains("failed"));
        assertThat(logged).noneSatisfy(e -> assertThat(e.message()).contains("ticket@@@"));

        assertThat(reply.get("pushed").asBoolean()).isFalse();
        assertThat(reply.get("reason").asText()).isNotBlank();
        assertThat(state.pushResults()).hasSize(2).allSatisfy(r -> {
            assertThat(r.outcome()).isEqualTo(SandboxPushResult.FAILED);
            assertThat(r.status()).isNull();
            assertThat(r.error()).isNotBlank();
        });
        assertThat(context.getRouteController().getRouteStatus(SandboxRoutes.TICKET_PUSH))
                .isEqualTo(ServiceStatus.Started);
        assertThat(context.getRouteController().getRouteStatus(SandboxRoutes.TICKET_SEND))
                .isEqualTo(ServiceStatus.Started);
    }
}
