package io.fleetgate.limits;

import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * CONTRACT section 3: every request counts against its client IP ({@code ip:<ip>}), and a request
 * to an energy site also against the site ({@code site:<id>}), whoever sends it.
 *
 * <p>Both limits are taken in one atomic step of the limiter (one Lua script with Redis), so a
 * request refused by either is counted by neither: a client hammering a busy site does not use
 * up its IP budget, and no compensation is needed after the fact.
 *
 * <p>An account's override replaces the limits its requests are held to; the counts stay shared,
 * so an IP that serves several accounts is one budget, judged by each account's own limit.
 */
public final class RateLimitPolicy {
    // The limit a client hears about: one that refused (of two, the longer wait, since both must
    // free); else the one with the fewest remaining, then the later reset. A limit that had room in
    // a refused request never speaks for it, so Retry-After is always a refusing limit's.
    private static final Comparator<LimitDecision> TIGHTEST = Comparator
            .comparing(LimitDecision::allowed)
            .thenComparing(Comparator.comparingLong(LimitDecision::retryAfterSeconds).reversed())
            .thenComparingInt(LimitDecision::remaining)
            .thenComparing(Comparator.comparingLong(LimitDecision::resetSeconds).reversed());

    private final SlidingWindowLimiter limiter;
    private final Duration window;
    private final RateLimits defaults;
    private final Map<String, RateLimits> accountOverrides;

    /**
     * @param window {@code fleetgate.limits.window-seconds}; one window for all limits
     * @param accountOverrides limits by account id, for accounts that get more than the defaults
     */
    public RateLimitPolicy(SlidingWindowLimiter limiter, Duration window, RateLimits defaults,
            Map<String, RateLimits> accountOverrides) {
        this.limiter = limiter;
        this.window = window;
        this.defaults = defaults;
        this.accountOverrides = Map.copyOf(accountOverrides);
    }

    /**
     * Checks and, when allowed, counts one request.
     *
     * @param clientIp from {@link ClientAddressResolver}
     * @param energySiteId the site of an {@code /api/1/energy_sites/{id}/...} request, else null
     * @param accountId the caller's account when known, else null (the defaults apply)
     */
    public RateLimitVerdict check(String clientIp, String energySiteId, String accountId) {
        RateLimits limits = accountId == null ? defaults : accountOverrides.getOrDefault(accountId, defaults);
        Quota ip = new Quota("ip:" + clientIp, limits.perIp(), window);
        if (energySiteId == null || energySiteId.isBlank()) {
            return new RateLimitVerdict(RateLimitVerdict.Scope.IP, limiter.acquireAll(List.of(ip)).getFirst());
        }
        Quota site = new Quota("site:" + energySiteId, limits.perSite(), window);
        List<LimitDecision> decisions = limiter.acquireAll(List.of(ip, site));
        LimitDecision byIp = decisions.get(0);
        LimitDecision bySite = decisions.get(1);
        return TIGHTEST.compare(byIp, bySite) <= 0
                ? new RateLimitVerdict(RateLimitVerdict.Scope.IP, byIp)
                : new RateLimitVerdict(RateLimitVerdict.Scope.SITE, bySite);
    }
}
