package io.fleetgate.limits;

/**
 * How many requests one window admits per client IP and per energy site: the defaults
 * ({@code fleetgate.limits.ip.per-window}, {@code fleetgate.limits.site.per-window}) or an
 * account's own, larger ones.
 */
public record RateLimits(int perIp, int perSite) {
    /** CONTRACT section 3. */
    public static final RateLimits CONTRACT_DEFAULTS = new RateLimits(60, 30);

    public RateLimits {
        if (perIp < 1 || perSite < 1) {
            throw new IllegalArgumentException("rate limits must admit at least one request: " + perIp + ", " + perSite);
        }
    }
}
