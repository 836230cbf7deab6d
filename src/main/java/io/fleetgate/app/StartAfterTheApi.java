package io.fleetgate.app;

import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.camel.CamelContext;
import org.apache.camel.ExtendedStartupListener;
import org.apache.camel.Route;
import org.apache.camel.support.RoutePolicySupport;
import org.apache.camel.util.URISupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The route policy of the routes no request needs at once (the telemetry ingest, webhook
 * deliveries, the polling and token-refresh schedules): they start {@code fleetgate.startup.background-delay-ms}
 * after Camel has started the others, not with them. On a few cores a start is CPU-bound, and their
 * Kafka consumers joining groups (and compiling their code) delayed the first proxied answer.
 * A route whose {@code autoStartup} is false (a disabled feature) stays stopped. Only these routes
 * carry the policy: a route policy is called for every exchange that enters its route. The usage
 * roll-ups' aggregation, a service, waits the same setting in its own starter ({@code UsageStartup}).
 * <p>
 * A route that does not start is tried again, after twice the wait each time (at most
 * {@link #MOST_BETWEEN_TRIES}), and named by {@link #notStarted()} until it runs: the full health
 * list shows it, as a start that failed outright would have been seen before these routes waited.
 */
public final class StartAfterTheApi extends RoutePolicySupport implements ExtendedStartupListener {
    private static final Logger LOG = LoggerFactory.getLogger(StartAfterTheApi.class);
    static final Duration LEAST_BETWEEN_TRIES = Duration.ofMillis(100);
    static final Duration MOST_BETWEEN_TRIES = Duration.ofMinutes(1);

    private final Duration delay;
    private final List<String> waiting = new CopyOnWriteArrayList<>();
    private final Map<String, String> failures = new TreeMap<>();
    private ScheduledExecutorService later;

    public StartAfterTheApi(Duration delay) {
        this.delay = delay;
    }

    @Override
    public void onInit(Route route) {
        if (route.isAutoStartup()) {
            route.setAutoStartup(false);
            waiting.add(route.getRouteId());
        }
    }

    @Override
    public void onCamelContextStarted(CamelContext context, boolean alreadyStarted) {
        // the routes are started once the context is fully started
    }

    @Override
    public void onCamelContextFullyStarted(CamelContext context, boolean alreadyStarted) {
        // (Camel says alreadyStarted here even at the first start: the context is started by then)
        if (later != null || waiting.isEmpty()) {
            return;
        }
        later = context.getExecutorServiceManager().newSingleThreadScheduledExecutor(this, "fleetgate-start-after-the-api");
        later.schedule(() -> startWaiting(context, delay), delay.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The routes that were due to start and have not, each with why its last try failed, by route id. */
    public synchronized SortedMap<String, String> notStarted() {
        return Collections.unmodifiableSortedMap(new TreeMap<>(failures));
    }

    private void startWaiting(CamelContext context, Duration waited) {
        for (String routeId : waiting) {
            if (!context.isStarted()) {
                return; // stopping: nothing more to start
            }
            try {
                context.getRouteController().startRoute(routeId);
                waiting.remove(routeId);
                String failed;
                synchronized (this) {
                    failed = failures.remove(routeId);
                }
                if (failed != null) {
                    LOG.info("route {} started at last", routeId);
                }
            } catch (Exception e) {
                // shown in the health list: any credential in an endpoint's URI masked
                String reason = URISupport.sanitizeUri(String.valueOf(e.getMessage()));
                String before;
                synchronized (this) {
                    before = failures.put(routeId, reason);
                }
                // too late to fail the start: the API goes on serving, and the health list names the route
                if (!reason.equals(before)) {
                    LOG.error("route {} did not start, trying again: {}", routeId, reason);
                }
            }
        }
        if (waiting.isEmpty()) {
            context.getExecutorServiceManager().shutdown(later);
        } else {
            Duration next = Duration.ofMillis(Math.clamp(waited.toMillis() * 2, LEAST_BETWEEN_TRIES.toMillis(), MOST_BETWEEN_TRIES.toMillis()));
            later.schedule(() -> startWaiting(context, next), next.toMillis(), TimeUnit.MILLISECONDS);
        }
    }
}
