package io.fleetgate.audit;

import java.time.Clock;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where the audit routes' error handling ends: an event that could not be built or kept is
 * counted and, at most once per 30 s, logged with the count and the exception's type only
 * (never the event or the message it failed on). Nothing is thrown back at the caller.
 */
public final class AuditFailures {
    private static final Logger LOG = LoggerFactory.getLogger(AuditFailures.class);

    private final LongAdder failed = new LongAdder();
    private final WarningThrottle warnings;
    private final Consumer<String> warn;

    public AuditFailures(Clock clock) {
        this(clock, LOG::warn);
    }

    AuditFailures(Clock clock, Consumer<String> warn) {
        this.warnings = new WarningThrottle(clock, AuditOutbox.WARNING_INTERVAL);
        this.warn = warn;
    }

    public void record(Exchange exchange) {
        failed.increment();
        if (warnings.tryAcquire()) {
            Throwable caught = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
            String route = exchange.getProperty(Exchange.FAILURE_ROUTE_ID, exchange.getFromRouteId(), String.class);
            warn.accept("audit event lost in route " + route + ": "
                    + (caught == null ? "unknown failure" : caught.getClass().getName())
                    + "; " + failed.sum() + " lost since start");
        }
    }

    /** Events that could not be built or published, since start (for metrics). */
    public LongAdder failedEvents() {
        return failed;
    }
}
