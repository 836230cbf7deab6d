package io.fleetgate.limits;

import java.time.Duration;
import java.util.Objects;

/**
 * One limit to apply to a request: at most {@code limit} accepted requests under {@code key} in
 * any {@code window}.
 */
public record Quota(String key, int limit, Duration window) {
    public Quota {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(window, "window");
        if (key.isBlank()) {
            throw new IllegalArgumentException("a rate-limit key must not be blank");
        }
        if (limit < 1) {
            throw new IllegalArgumentException("a rate limit must admit at least one request, not " + limit);
        }
        if (window.toMillis() < 1) {
            throw new IllegalArgumentException("a rate-limit window must be at least 1 ms, not " + window);
        }
    }

    long windowMillis() {
        return window.toMillis();
    }
}
