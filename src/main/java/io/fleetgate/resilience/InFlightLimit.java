package io.fleetgate.resilience;

import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.bulkhead.BulkheadConfig;
import io.github.resilience4j.bulkhead.BulkheadFullException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.camel.Exchange;
import org.apache.camel.support.SynchronizationAdapter;

/**
 * A bulkhead a route enters with a bean step and leaves when its exchange is done (CONTRACT
 * section 9): beyond its bound a request is refused at once with {@link BulkheadFullException}
 * (503 and Retry-After), never queued. Unlike the {@code circuitBreaker} EIP's bulkhead it
 * neither copies the exchange nor waits on the thread for what runs inside, so a route running
 * on the event loop can use it. Made in the {@link Bulkheads} registry, so it is counted as they are.
 */
public final class InFlightLimit {
    private final Bulkhead bulkhead;

    public InFlightLimit(Bulkheads bulkheads, String name, int maxInFlight) {
        this.bulkhead = bulkheads.registry().bulkhead(name, BulkheadConfig.custom()
                .maxConcurrentCalls(maxInFlight)
                .maxWaitDuration(Duration.ZERO)
                .writableStackTraceEnabled(false)
                .build());
    }

    /** Takes a place for the exchange until it is done, or refuses it when none is free. */
    public void enter(Exchange exchange) {
        if (!bulkhead.tryAcquirePermission()) {
            throw BulkheadFullException.createBulkheadFullException(bulkhead);
        }
        AtomicBoolean left = new AtomicBoolean();
        exchange.getExchangeExtension().addOnCompletion(new SynchronizationAdapter() {
            @Override
            public void onDone(Exchange done) {
                if (left.compareAndSet(false, true)) {
                    bulkhead.onComplete();
                }
            }
        });
    }
}
