package io.fleetgate.app;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.camel.CamelContext;
import org.apache.camel.ExtendedStartupListener;
import org.apache.camel.Route;
import org.apache.camel.support.RoutePolicySupport;
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
 */
public final class StartAfterTheApi extends RoutePolicySupport implements ExtendedStartupListener {
    private static final Logger LOG = LoggerFactory.getLogger(StartAfterTheApi.class);

    private final Duration delay;
    private final List<String> waiting = new CopyOnWriteArrayList<>();
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
        later.schedule(() -> startWaiting(context), delay.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void startWaiting(CamelContext context) {
        for (String routeId : waiting) {
            if (!context.isStarted()) {
                return; // stopping: nothing more to start
            }
            try {
                context.getRouteController().startRoute(routeId);
            } catch (Exception e) {
                // too late to fail the start: said once, and the API goes on serving
                LOG.error("route {} did not start: {}", routeId, e.getMessage());
            }
        }
        waiting.clear();
        context.getExecutorServiceManager().shutdown(later);
    }
}
