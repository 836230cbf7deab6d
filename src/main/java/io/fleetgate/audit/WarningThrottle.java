package io.fleetgate.audit;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/** Lets one warning through per interval, so a flood of the same failure is one log line, not thousands. */
final class WarningThrottle {
    private final Clock clock;
    private final long intervalMillis;
    private final AtomicLong nextAllowedAt = new AtomicLong(Long.MIN_VALUE);

    WarningThrottle(Clock clock, Duration interval) {
        this.clock = clock;
        this.intervalMillis = interval.toMillis();
    }

    /** True at most once per interval, for the first caller to ask once it has passed. */
    boolean tryAcquire() {
        long now = clock.millis();
        long allowedAt = nextAllowedAt.get();
        return now >= allowedAt && nextAllowedAt.compareAndSet(allowedAt, now + intervalMillis);
    }
}
