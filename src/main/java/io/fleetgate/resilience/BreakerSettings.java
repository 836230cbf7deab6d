package io.fleetgate.resilience;

import java.time.Duration;

/**
 * How a region's circuit breaker judges its host (fleetgate.breaker.*): it opens when at least
 * {@code failureRatePercent} of the last {@code windowSize} calls failed, once
 * {@code minimumCalls} were made; stays open for {@code openWait}; then lets
 * {@code halfOpenCalls} probes through and closes when they do well.
 */
public record BreakerSettings(float failureRatePercent, int windowSize, int minimumCalls, Duration openWait,
        int halfOpenCalls) {

    public BreakerSettings {
        if (failureRatePercent <= 0 || failureRatePercent > 100) {
            throw new IllegalArgumentException("fleetgate.breaker.failure-rate-percent must be in (0, 100], got " + failureRatePercent);
        }
        if (windowSize < 1 || minimumCalls < 1 || halfOpenCalls < 1) {
            throw new IllegalArgumentException("fleetgate.breaker window-size, minimum-calls and half-open-calls must be at least 1");
        }
        if (openWait.isNegative() || openWait.isZero()) {
            throw new IllegalArgumentException("fleetgate.breaker.open-wait-ms must be positive");
        }
    }
}
