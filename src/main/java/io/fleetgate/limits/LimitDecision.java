package io.fleetgate.limits;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One sliding-window limit's answer to one request.
 *
 * <p>{@code remaining} is how many more requests the window admits right now, after this one
 * was counted (0 when refused). {@code resetSeconds} is the whole number of seconds, rounded up,
 * until {@code remaining} next rises, which is when the oldest counted request leaves the window:
 * always at least 1 while the window counts anything, 0 only when it counts nothing. It is what
 * {@code RateLimit-Reset} carries. {@code retryAfterSeconds} is {@code resetSeconds} when the
 * request is refused (so at least 1) and 0 when it is allowed: it is what {@code Retry-After}
 * carries, and waiting that long is enough for this limit to admit one more request.
 *
 * @param allowed whether this limit admits the request
 * @param limit requests allowed per window
 * @param remaining requests still admitted in the current window
 * @param resetSeconds seconds until the oldest counted request leaves the window (0: none counted)
 * @param retryAfterSeconds when refused, seconds until a slot frees (at least 1); 0 when allowed
 */
public record LimitDecision(boolean allowed, int limit, int remaining, long resetSeconds, long retryAfterSeconds) {

    /**
     * The decision for a window that, after the decision, holds {@code counted} requests and next
     * frees a slot at {@code nextFreeAtMillis} (negative when it holds none).
     */
    static LimitDecision of(boolean allowed, int limit, int counted, long nextFreeAtMillis, long nowMillis) {
        long reset = nextFreeAtMillis < 0 ? 0 : Math.max(1, Math.ceilDiv(nextFreeAtMillis - nowMillis, 1000L));
        return new LimitDecision(allowed, limit, Math.max(0, limit - counted), reset, allowed ? 0 : Math.max(1, reset));
    }

    /**
     * {@code RateLimit-Limit}, {@code RateLimit-Remaining} and {@code RateLimit-Reset} for every
     * answer, and {@code Retry-After} when refused.
     */
    public Map<String, String> headers() {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("RateLimit-Limit", Integer.toString(limit));
        headers.put("RateLimit-Remaining", Integer.toString(remaining));
        headers.put("RateLimit-Reset", Long.toString(resetSeconds));
        if (!allowed) {
            headers.put("Retry-After", Long.toString(retryAfterSeconds));
        }
        return headers;
    }
}
