package io.wechatopen.camel.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SandboxFaultsTest {

    private final SandboxFaults faults = new SandboxFaults();

    @Test
    void takeWhenFaultQueuedForNCallsThenConsumedNTimes() {
        faults.add(new SandboxFault(SandboxFaults.API_COMPONENT_TOKEN, 2, 61006, null, null, false));

        assertThat(faults.take(SandboxFaults.API_COMPONENT_TOKEN)).get().extracting(SandboxFault::errcode)
                .isEqualTo(61006);
        assertThat(faults.pending().get(SandboxFaults.API_COMPONENT_TOKEN)).singleElement()
                .extracting(SandboxFault::count).isEqualTo(1);
        assertThat(faults.take(SandboxFaults.API_COMPONENT_TOKEN)).isPresent();
        assertThat(faults.take(SandboxFaults.API_COMPONENT_TOKEN)).isEmpty();
        assertThat(faults.pending()).isEmpty();
    }

    @Test
    void takeWhenSeveralFaultsQueuedThenFirstInFirstOutPerApi() {
        faults.add(new SandboxFault(SandboxFaults.API_COMPONENT_TOKEN, 1, -1, null, null, false));
        faults.add(new SandboxFault(SandboxFaults.API_COMPONENT_TOKEN, 1, null, 503, null, false));
        faults.add(new SandboxFault(SandboxFaults.TICKET_PUSH, 1, null, null, null, true));

        assertThat(faults.take(SandboxFaults.API_START_PUSH_TICKET)).isEmpty();
        assertThat(faults.take(SandboxFaults.API_COMPONENT_TOKEN)).get().extracting(SandboxFault::errcode)
                .isEqualTo(-1);
        assertThat(faults.take(SandboxFaults.API_COMPONENT_TOKEN)).get().extracting(SandboxFault::httpStatus)
                .isEqualTo(503);
        assertThat(faults.take(SandboxFaults.TICKET_PUSH)).get().extracting(SandboxFault::drop).isEqualTo(true);
    }

    @Test
    void clearWhenFaultsQueuedThenNoneLeft() {
        faults.add(new SandboxFault(SandboxFaults.API_COMPONENT_TOKEN, 3, -1, null, null, false));
        faults.add(new SandboxFault(SandboxFaults.TICKET_PUSH, 1, null, null, 100L, false));

        assertThat(faults.clear()).isEqualTo(2);
        assertThat(faults.take(SandboxFaults.API_COMPONENT_TOKEN)).isEmpty();
    }

    @Test
    void addWhenFaultDoesNotFitTheApiThenRejected() {
        assertThatThrownBy(() -> faults.add(new SandboxFault("api_nope", 1, -1, null, null, false)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unknown api");
        assertThatThrownBy(
                () -> faults.add(new SandboxFault(SandboxFaults.API_COMPONENT_TOKEN, 1, null, null, null, true)))
                        .hasMessageContaining("drop applies only to pushes");
        assertThatThrownBy(() -> faults.add(new SandboxFault(SandboxFaults.TICKET_PUSH, 1, 61006, null, null, false)))
                .hasMessageContaining("a push takes only latency_ms or drop");
    }

    @Test
    void newFaultWhenValuesOutOfRangeThenRejected() {
        assertThatThrownBy(() -> new SandboxFault(SandboxFaults.API_COMPONENT_TOKEN, 0, -1, null, null, false))
                .hasMessageContaining("count");
        assertThatThrownBy(() -> new SandboxFault(SandboxFaults.API_COMPONENT_TOKEN, 1, 0, null, null, false))
                .hasMessageContaining("errcode");
        assertThatThrownBy(() -> new SandboxFault(SandboxFaults.API_COMPONENT_TOKEN, 1, null, 99, null, false))
                .hasMessageContaining("http_status");
        assertThatThrownBy(() -> new SandboxFault(SandboxFaults.API_COMPONENT_TOKEN, 1, -1, 503, null, false))
                .hasMessageContaining("either errcode or http_status");
        assertThatThrownBy(() -> new SandboxFault(SandboxFaults.API_COMPONENT_TOKEN, 1, null, null, -5L, false))
                .hasMessageContaining("latency_ms");
        assertThatThrownBy(() -> new SandboxFault(SandboxFaults.API_COMPONENT_TOKEN, 1, null, null, null, false))
                .hasMessageContaining("needs");
        assertThatThrownBy(() -> new SandboxFault(SandboxFaults.API_QUERY_AUTH, 1, -1, null, null, false, true))
                .hasMessageContaining("lose_reply");
        assertThatThrownBy(() -> new SandboxFault(SandboxFaults.TICKET_PUSH, 1, null, null, null, true, true))
                .hasMessageContaining("lose_reply");
    }

    // issue 6 item 12
    @Test
    void addWhenLoseReplyOnRequestApiThenQueuedAndOnPushRejected() {
        faults.add(new SandboxFault(SandboxFaults.SEND, 1, null, null, 10L, false, true));

        assertThat(faults.take(SandboxFaults.SEND)).get().extracting(SandboxFault::loseReply).isEqualTo(true);
        assertThatThrownBy(() -> faults.add(new SandboxFault(SandboxFaults.TICKET_PUSH, 1, null, null, null, false,
                true))).hasMessageContaining("lose_reply applies only to request APIs");
    }

    @Test
    void errorBodyWhenKnownCodeThenProtocolTextWithRid() {
        assertThat(SandboxErrors.body(40001, java.time.Instant.EPOCH).get("errmsg").toString())
                .matches("invalid credential, access_token is invalid or not latest"
                        + " rid: 00000000-[0-9a-f]{8}-[0-9a-f]{8}");
        assertThat(SandboxErrors.message(61004))
                .hasValueSatisfying(m -> assertThat(m).startsWith("access clientip is not registered"));
    }
}
