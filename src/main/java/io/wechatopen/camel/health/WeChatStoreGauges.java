package io.wechatopen.camel.health;

import java.time.Clock;
import java.util.Collection;
import java.util.List;
import java.util.function.Supplier;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

import io.wechatopen.camel.model.AuthorizerStatus;
import io.wechatopen.camel.store.AuthorizerStore;
import io.wechatopen.camel.store.TicketStore;

/**
 * Gauges read from the database at each scrape, so every instance on one database reports the same values:
 * {@code wechat_authorizers{component_appid,status}} (accounts by status) and
 * {@code wechat_component_ticket_age_seconds{component_appid}} (age of the newest ticket by its CreateTime; NaN
 * when none was received). While the database cannot be read they report NaN.
 */
public final class WeChatStoreGauges implements MeterBinder {

    private final List<String> componentAppids;
    private final TicketStore tickets;
    private final AuthorizerStore authorizers;
    private final Clock clock;

    public WeChatStoreGauges(Collection<String> componentAppids, TicketStore tickets, AuthorizerStore authorizers,
            Clock clock) {
        this.componentAppids = List.copyOf(componentAppids);
        this.tickets = tickets;
        this.authorizers = authorizers;
        this.clock = clock;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        for (String appid : componentAppids) {
            for (AuthorizerStatus status : AuthorizerStatus.values()) {
                Gauge.builder("wechat.authorizers",
                        orNaN(() -> authorizers.countByStatus(appid).getOrDefault(status.name(), 0L)))
                        .description("Authorized accounts by status (from the database)")
                        .tag("component_appid", appid).tag("status", status.name()).register(registry);
            }
            Gauge.builder("wechat.component.ticket.age", orNaN(() -> tickets.findTicket(appid)
                    .map(ticket -> (Number) ticket.ageAt(clock.instant()).toSeconds()).orElse(Double.NaN)))
                    .description("Age of the newest component_verify_ticket by its CreateTime")
                    .baseUnit("seconds").tag("component_appid", appid).register(registry);
        }
    }

    /** The database may be gone; a scrape still answers, with NaN for what cannot be read. */
    private static Supplier<Number> orNaN(Supplier<Number> read) {
        return () -> {
            try {
                return read.get();
            } catch (RuntimeException e) {
                return Double.NaN;
            }
        };
    }
}
