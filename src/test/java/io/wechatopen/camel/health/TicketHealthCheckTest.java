package io.wechatopen.camel.health;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.apache.camel.health.HealthCheck;
import org.junit.jupiter.api.Test;

import io.wechatopen.camel.model.ComponentVerifyTicket;
import io.wechatopen.camel.store.StoreException;
import io.wechatopen.camel.store.TicketStore;
import io.wechatopen.camel.support.MutableClock;

/** Issue 6 item 10: wechat-ticket follows the newest ticket's age against wechat.health.ticket-max-age. */
class TicketHealthCheckTest {

    private static final Instant START = Instant.parse("2026-12-05T09:00:00Z");

    private final MutableClock clock = new MutableClock(START);
    private final Map<String, ComponentVerifyTicket> tickets = new HashMap<>();
    private boolean databaseDown;
    private final TicketStore store = appid -> {
        if (databaseDown) {
            throw new StoreException("down");
        }
        return Optional.ofNullable(tickets.get(appid));
    };
    private final TicketHealthCheck check = new TicketHealthCheck(List.of("wxfirst", "wxsecond"), store,
            Duration.ofMinutes(30), clock);

    @Test
    void callWhenNoTicketThenDownNamingTheComponent() {
        tickets.put("wxfirst", ticket("wxfirst", START));

        HealthCheck.Result result = check.call();

        assertThat(result.getState()).isEqualTo(HealthCheck.State.DOWN);
        assertThat(result.getMessage()).hasValueSatisfying(m -> assertThat(m).contains("wxsecond: no ticket")
                .doesNotContain("wxfirst").doesNotContain("secret-ticket"));
    }

    @Test
    void callWhenTicketsFreshThenUpAndWhenOlderThanMaxAgeThenDown() {
        tickets.put("wxfirst", ticket("wxfirst", START));
        tickets.put("wxsecond", ticket("wxsecond", START.minus(Duration.ofMinutes(5))));
        clock.advance(Duration.ofMinutes(25));

        assertThat(check.call().getState()).isEqualTo(HealthCheck.State.UP);

        clock.advance(Duration.ofMinutes(1));
        HealthCheck.Result result = check.call();
        assertThat(result.getState()).isEqualTo(HealthCheck.State.DOWN);
        assertThat(result.getMessage()).hasValueSatisfying(m -> assertThat(m)
                .contains("wxsecond: newest ticket is 1860s old (max 1800s)").doesNotContain("wxfirst"));
    }

    @Test
    void callWhenDatabaseUnreadableThenUnknown() {
        databaseDown = true;

        assertThat(check.call().getState()).isEqualTo(HealthCheck.State.UNKNOWN);
    }

    private static ComponentVerifyTicket ticket(String appid, Instant createTime) {
        return new ComponentVerifyTicket(appid, "secret-ticket", createTime, createTime);
    }
}
