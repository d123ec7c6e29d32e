package io.wechatopen.camel.token;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Keeps one scheduled job from piling up: a run that fires while the previous one is still going is skipped (not
 * doubled), and a run stops taking new work once it has lasted {@code maxDuration} (the next run continues).
 * Thread-safe; one instance per job.
 */
public final class SweepGuard {

    private final String name;
    private final Duration maxDuration;
    private final Clock clock;
    /** The deadline of the run in progress, or null when none runs. */
    private final AtomicReference<Instant> deadline = new AtomicReference<>();

    public SweepGuard(String name, Duration maxDuration, Clock clock) {
        this.name = name;
        this.maxDuration = maxDuration;
        this.clock = clock;
    }

    /** Starts a run. @return false when a run is still in progress (this one must be skipped) */
    public boolean tryStart() {
        return deadline.compareAndSet(null, clock.instant().plus(maxDuration));
    }

    /** Whether no run is in progress. */
    public boolean idle() {
        return deadline.get() == null;
    }

    /** Whether the run in progress may still take another piece of work. */
    public boolean inTime() {
        Instant until = deadline.get();
        return until != null && clock.instant().isBefore(until);
    }

    /** Ends the run in progress. */
    public void finish() {
        deadline.set(null);
    }

    @Override
    public String toString() {
        return "SweepGuard[" + name + "]";
    }
}
