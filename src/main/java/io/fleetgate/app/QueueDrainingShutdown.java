package io.fleetgate.app;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.apache.camel.ServiceStatus;
import org.apache.camel.component.seda.SedaEndpoint;
import org.apache.camel.impl.engine.DefaultShutdownStrategy;
import org.apache.camel.spi.RouteStartupOrder;

/**
 * Camel's graceful shutdown, after the in-memory queues ({@code seda:}, the vehicle states learned
 * from answers) have been worked off. Camel checks for exchanges in flight and then sleeps a whole
 * second before it looks again, so the few state events a read had just queued held every stop up
 * by a second though they were written within milliseconds. Here their routes, still running, are
 * watched every few milliseconds first, for at most {@link #DRAIN_LIMIT}; what remains then is
 * Camel's to wait for, as before. Nothing queued is dropped either way.
 */
final class QueueDrainingShutdown extends DefaultShutdownStrategy {
    /** About one step of Camel's own wait: longer would only add to it. */
    static final Duration DRAIN_LIMIT = Duration.ofSeconds(1);
    private static final long LOOK_EVERY_NANOS = TimeUnit.MILLISECONDS.toNanos(5);

    private final Duration drainLimit;
    private volatile int leftToCamel = -1;

    QueueDrainingShutdown(CamelContext context, Duration drainLimit) {
        super(context);
        this.drainLimit = drainLimit;
    }

    @Override
    protected boolean doShutdown(CamelContext context, List<RouteStartupOrder> routes, long timeout, TimeUnit timeUnit,
            boolean suspendOnly, boolean abortAfterTimeout, boolean forceShutdown) throws Exception {
        if (!suspendOnly) {
            List<Route> queueRoutes = routes.stream().map(RouteStartupOrder::getRoute)
                    .filter(route -> route.getEndpoint() instanceof SedaEndpoint).toList();
            long limitNanos = Math.min(drainLimit.toNanos(), timeUnit.toNanos(timeout));
            leftToCamel = awaitDrained(context, queueRoutes, System.nanoTime() + limitNanos);
        }
        return super.doShutdown(context, routes, timeout, timeUnit, suspendOnly, abortAfterTimeout, forceShutdown);
    }

    /** Exchanges queued or in flight on the queue routes when Camel's own wait began (-1: no stop yet). */
    int leftToCamel() {
        return leftToCamel;
    }

    private static int awaitDrained(CamelContext context, List<Route> queueRoutes, long deadline) {
        int left = unfinished(context, queueRoutes);
        while (left > 0 && System.nanoTime() - deadline < 0 && !Thread.currentThread().isInterrupted()) {
            LockSupport.parkNanos(LOOK_EVERY_NANOS);
            left = unfinished(context, queueRoutes);
        }
        return left;
    }

    private static int unfinished(CamelContext context, List<Route> queueRoutes) {
        int count = 0;
        for (Route route : queueRoutes) {
            // a stopped route's queue would never drain here: Camel's wait decides for it
            ServiceStatus status = context.getRouteController().getRouteStatus(route.getRouteId());
            if (status != null && status.isStarted()) {
                count += ((SedaEndpoint) route.getEndpoint()).getCurrentQueueSize()
                        + context.getInflightRepository().size(route.getRouteId());
            }
        }
        return count;
    }
}
