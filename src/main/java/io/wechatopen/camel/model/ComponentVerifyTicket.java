package io.wechatopen.camel.model;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * The latest {@code component_verify_ticket} WeChat pushed to a component. WeChat pushes one every 10 minutes and
 * each stays valid for 12 hours; only the newest (by {@code CreateTime}) is kept.
 *
 * @param componentAppid the component the ticket belongs to
 * @param ticket the ticket value (a secret: never logged, {@link #toString()} hides it)
 * @param createTime WeChat's {@code CreateTime} of the push
 * @param receivedAt when this bundle stored it
 */
public record ComponentVerifyTicket(String componentAppid, String ticket, Instant createTime, Instant receivedAt) {

    public ComponentVerifyTicket {
        Objects.requireNonNull(componentAppid, "componentAppid");
        Objects.requireNonNull(ticket, "ticket");
        Objects.requireNonNull(createTime, "createTime");
        Objects.requireNonNull(receivedAt, "receivedAt");
    }

    /** Age by WeChat's {@code CreateTime}, never negative. */
    public Duration ageAt(Instant now) {
        Duration age = Duration.between(createTime, now);
        return age.isNegative() ? Duration.ZERO : age;
    }

    /** Whether WeChat still accepts this ticket at {@code now}, given its {@code maxAge} (12 h at WeChat). */
    public boolean isUsableAt(Instant now, Duration maxAge) {
        return ageAt(now).compareTo(maxAge) < 0;
    }

    @Override
    public String toString() {
        return "ComponentVerifyTicket[componentAppid=" + componentAppid + ", createTime=" + createTime + "]";
    }
}
