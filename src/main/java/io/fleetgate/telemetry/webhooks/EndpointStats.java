package io.fleetgate.telemetry.webhooks;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/** One endpoint's delivery counts, read by /observe/metrics. */
public final class EndpointStats {
    final LongAdder delivered = new LongAdder();
    final LongAdder retried = new LongAdder();
    final LongAdder deadLettered = new LongAdder();
    /** The HTTP status of the last attempt; 0 when it got no answer (refused address, connection failure, open breaker). */
    final AtomicInteger lastStatus = new AtomicInteger(-1);

    public double delivered() {
        return delivered.sum();
    }

    public double retried() {
        return retried.sum();
    }

    public double deadLettered() {
        return deadLettered.sum();
    }

    public double lastStatus() {
        return lastStatus.get();
    }
}
