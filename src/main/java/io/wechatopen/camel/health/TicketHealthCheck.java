package io.wechatopen.camel.health;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

import org.apache.camel.health.HealthCheckResultBuilder;

import io.wechatopen.camel.model.ComponentVerifyTicket;
import io.wechatopen.camel.store.TicketStore;

/**
 * {@code wechat-ticket}: DOWN when a component's newest {@code component_verify_ticket} (by CreateTime) is older than
 * {@code wechat.health.ticket-max-age} or none was ever received. WeChat pushes one every 10 minutes: a stale ticket
 * means pushes do not reach the 授权事件接收URL.
 */
public final class TicketHealthCheck extends WeChatHealthCheck {

    /** The check's id. */
    public static final String ID = "wechat-ticket";

    private final List<String> componentAppids;
    private final TicketStore tickets;
    private final Duration maxAge;
    private final Clock clock;

    public TicketHealthCheck(Collection<String> componentAppids, TicketStore tickets, Duration maxAge, Clock clock) {
        super(ID);
        this.componentAppids = List.copyOf(componentAppids);
        this.tickets = tickets;
        this.maxAge = maxAge;
        this.clock = clock;
    }

    @Override
    protected void check(HealthCheckResultBuilder builder) {
        Instant now = clock.instant();
        List<String> problems = new ArrayList<>();
        List<String> fine = new ArrayList<>();
        for (String appid : componentAppids) {
            Optional<ComponentVerifyTicket> ticket = tickets.findTicket(appid);
            if (ticket.isEmpty()) {
                problems.add(appid + ": no ticket received yet");
                continue;
            }
            long age = ticket.get().ageAt(now).toSeconds();
            builder.detail(appid + ".ticket.age.seconds", age);
            if (age > maxAge.toSeconds()) {
                problems.add(appid + ": newest ticket is " + age + "s old (max " + maxAge.toSeconds() + "s)");
            } else {
                fine.add(appid + ": newest ticket is " + age + "s old");
            }
        }
        if (problems.isEmpty()) {
            builder.up().message(String.join("; ", fine));
        } else {
            builder.down().message(String.join("; ", problems)
                    + " (WeChat pushes a ticket every 10 minutes to {{wechat.http.public-url}}"
                    + "{{wechat.http.context-path}}/component/events)");
        }
    }
}
