package io.fleetgate.ops;

import java.util.Map;
import java.util.SortedMap;
import java.util.function.Supplier;
import org.apache.camel.health.HealthCheckResultBuilder;

/**
 * The routes that start after the API (telemetry ingest, webhook deliveries, the polling and
 * token-refresh schedules) for operators, in the full health list ({@code /observe/health}): DOWN
 * while one of them failed to start, naming it and why; they are tried again meanwhile. Neither a
 * readiness nor a liveness check: the API serves without them.
 */
public final class BackgroundRoutesCheck extends StateCheck {
    private final Supplier<SortedMap<String, String>> notStarted;

    /** @param notStarted the routes that failed to start and why, by route id */
    public BackgroundRoutesCheck(Supplier<SortedMap<String, String>> notStarted) {
        super("background-routes");
        this.notStarted = notStarted;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        SortedMap<String, String> failed = notStarted.get();
        if (failed.isEmpty()) {
            builder.up();
            return;
        }
        failed.forEach((route, reason) -> builder.detail("route." + route, reason));
        builder.down().message("not started, tried again: " + String.join(", ", failed.keySet()));
    }
}
