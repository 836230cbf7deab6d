package io.fleetgate.telemetry.webhooks;

import java.time.Duration;

/**
 * How deliveries are retried ({@code fleetgate.webhooks.*}): the n-th retry waits
 * {@code initialDelay * multiplier^(n-1)}, at most {@code maxDelay}; an event still undelivered
 * once {@code budget} has passed since its first attempt goes to the dead-letter topic.
 */
public record WebhookSettings(Duration initialDelay, double multiplier, Duration maxDelay, Duration budget,
                              Duration requestTimeout, int queueLimit, Duration breakerOpen) {

    /** The wait before retry {@code retry} (1 for the first retry). */
    public Duration delayBefore(int retry) {
        double millis = initialDelay.toMillis() * Math.pow(multiplier, Math.max(0, retry - 1));
        return Duration.ofMillis((long) Math.min(millis, maxDelay.toMillis()));
    }
}
