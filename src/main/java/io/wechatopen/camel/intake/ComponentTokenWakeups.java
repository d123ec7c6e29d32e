package io.wechatopen.camel.intake;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * At most one pending wake-up of the component token upkeep per component: a burst of ticket pushes wakes it once,
 * and a push never waits for (or fails on) a full queue. {@link #request} marks a component pending and says whether
 * the caller should queue a wake-up; the upkeep calls {@link #take} before it works, so a ticket that arrives during
 * the work wakes it once more. Whether a new ticket arrived is kept until taken. Thread-safe; one per bundle.
 */
public final class ComponentTokenWakeups {

    private final Map<String, Boolean> pending = new ConcurrentHashMap<>();

    /**
     * @param ticketArrived whether a newer ticket was just stored
     * @return true when no wake-up was pending for the component: the caller queues one
     */
    public boolean request(String componentAppid, boolean ticketArrived) {
        boolean[] first = {false};
        pending.compute(componentAppid, (appid, before) -> {
            first[0] = before == null;
            return before == null ? ticketArrived : before || ticketArrived;
        });
        return first[0];
    }

    /**
     * Clears the component's pending wake-up.
     *
     * @return whether a newer ticket arrived since the last take
     */
    public boolean take(String componentAppid) {
        Boolean ticketArrived = pending.remove(componentAppid);
        return ticketArrived != null && ticketArrived;
    }
}
