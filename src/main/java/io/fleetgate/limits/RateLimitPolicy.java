package io.fleetgate.limits;

import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

/**
 * CONTRACT section 3: every request counts against its client IP ({@code ip:<ip>}), whatever it
 * asks for and however it is answered, and a request to an energy site also against the site
 * ({@code site:<id>}), whoever sends it.
 *
 * <p>The two are decided at two points of a request, one limiter call each. The IP first, before
 * anything of the request is read, so a request it refuses never has its token looked up. The site
 * once the caller is known and the request is classified, so that requests without a valid token
 * cannot spend another account's site budget. A request the site refuses is taken back off its
 * IP's count: a refused request is not counted, so a client hammering a busy site does not use up
 * its IP budget.
 *
 * <p>Overrides: a client network may have its own per-IP limit (only the address is known when that
 * is decided), an account its own per-site limit.
 */
public final class RateLimitPolicy {
    // The limit a client hears about: one that refused; else the one with the fewest remaining,
    // then the later reset. A limit that had room in a refused request never speaks for it.
    private static final Comparator<LimitDecision> TIGHTEST = Comparator
            .comparing(LimitDecision::allowed)
            .thenComparing(Comparator.comparingLong(LimitDecision::retryAfterSeconds).reversed())
            .thenComparingInt(LimitDecision::remaining)
            .thenComparing(Comparator.comparingLong(LimitDecision::resetSeconds).reversed());

    private final SlidingWindowLimiter limiter;
    private final Duration window;
    private final RateLimits defaults;
    private final NetworkLimits networkOverrides;
    private final Map<String, Integer> siteOverrides;

    /**
     * @param window {@code fleetgate.limits.window-seconds}; one window for all limits
     * @param networkOverrides per-IP limits of client networks ({@code fleetgate.limits.ip.overrides})
     * @param siteOverrides per-site limits by account id ({@code fleetgate.limits.account-overrides})
     */
    public RateLimitPolicy(SlidingWindowLimiter limiter, Duration window, RateLimits defaults,
            NetworkLimits networkOverrides, Map<String, Integer> siteOverrides) {
        this.limiter = limiter;
        this.window = window;
        this.defaults = defaults;
        this.networkOverrides = networkOverrides;
        this.siteOverrides = Map.copyOf(siteOverrides);
    }

    /**
     * Checks and, when allowed, counts one request against its client address: any request, before
     * its token is read. Completes when the limiter has decided (at once in memory; when Redis
     * answers otherwise, with no thread waiting for it).
     *
     * @param clientIp from {@link ClientAddressResolver}
     */
    public CompletionStage<RateLimitVerdict> checkIpAsync(String clientIp) {
        Quota ip = new Quota(ipKey(clientIp), networkOverrides.limitFor(clientIp, defaults.perIp()), window);
        return limiter.acquireAllAsync(List.of(ip))
                .thenApply(decisions -> new RateLimitVerdict(RateLimitVerdict.Scope.IP, decisions.getFirst()));
    }

    /** {@link #checkIpAsync}, waited for: from a worker thread, or with the memory backend. */
    public RateLimitVerdict checkIp(String clientIp) {
        return join(checkIpAsync(clientIp));
    }

    /**
     * Checks and, when allowed, counts a request to an energy site, once its caller is known. When
     * the site refuses, the request's count against its address is taken back before the verdict
     * completes.
     *
     * @param accountId the caller's account (its per-site override), or null for the default
     * @param byIp what {@link #checkIp} decided for this request, or null if it was not asked
     * @return the site's refusal, or else of the two limits the one the caller should hear about
     */
    public CompletionStage<RateLimitVerdict> checkSiteAsync(String energySiteId, String accountId, String clientIp,
            RateLimitVerdict byIp) {
        int perSite = accountId == null ? defaults.perSite() : siteOverrides.getOrDefault(accountId, defaults.perSite());
        return limiter.acquireAllAsync(List.of(new Quota("site:" + energySiteId, perSite, window))).thenCompose(decisions -> {
            LimitDecision bySite = decisions.getFirst();
            RateLimitVerdict site = new RateLimitVerdict(RateLimitVerdict.Scope.SITE, bySite);
            if (!bySite.allowed()) {
                return takeBackAsync(clientIp, byIp).thenApply(takenBack -> site);
            }
            if (byIp == null) {
                return CompletableFuture.completedFuture(site);
            }
            return CompletableFuture.completedFuture(TIGHTEST.compare(byIp.decision(), bySite) <= 0 ? byIp : site);
        });
    }

    /** {@link #checkSiteAsync}, waited for: from a worker thread, or with the memory backend. */
    public RateLimitVerdict checkSite(String energySiteId, String accountId, String clientIp, RateLimitVerdict byIp) {
        return join(checkSiteAsync(energySiteId, accountId, clientIp, byIp));
    }

    /**
     * Takes a request back off its address's count: another limit refused it after {@link #checkIp}
     * had counted it, and a refused request is not counted (so its {@code Retry-After} holds).
     * Waits for the limiter: from a worker thread, or with the memory backend.
     *
     * @param byIp what {@link #checkIp} decided for the request; nothing to take back unless it counted it
     */
    public void takeBack(String clientIp, RateLimitVerdict byIp) {
        join(takeBackAsync(clientIp, byIp));
    }

    /** {@link #takeBack} as a future, for event-loop callers. */
    public CompletionStage<Void> takeBackAsync(String clientIp, RateLimitVerdict byIp) {
        if (byIp != null && byIp.allowed() && clientIp != null) {
            return limiter.releaseNewestAsync(ipKey(clientIp));
        }
        return CompletableFuture.completedFuture(null);
    }

    private static <T> T join(CompletionStage<T> decision) {
        try {
            return decision.toCompletableFuture().join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException cause ? cause : e;
        }
    }

    /** Whether the limiter answers from memory, without I/O: then an event-loop thread may ask it. */
    public boolean decidesInProcess() {
        return limiter.decidesInProcess();
    }

    private static String ipKey(String clientIp) {
        return "ip:" + clientIp;
    }
}
