package io.fleetgate.limits;

import java.util.Map;

/**
 * The answer for one request: {@code decision} is the limit the client should hear about (the
 * one that refused it, or else the one closest to refusing) and {@code scope} says which it is.
 */
public record RateLimitVerdict(Scope scope, LimitDecision decision) {

    public enum Scope {
        IP, SITE
    }

    public boolean allowed() {
        return decision.allowed();
    }

    /** The {@code RateLimit-*} headers for every answer, and {@code Retry-After} for a refusal. */
    public Map<String, String> headers() {
        return decision.headers();
    }
}
