package io.fleetgate.limits;

import io.fleetgate.ingress.GatewayError;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin API's own, stricter limit: at most {@code fleetgate.limits.admin.failed-auth-per-window}
 * failed admin authentications per client address in any window; past it, every admin request
 * from that address is refused with 429, whatever token it shows, until the oldest failure leaves
 * the window. Successful requests never count, so an operator's script may call as often as the
 * per-IP limit lets it.
 *
 * <p>Such a refusal is a rate limit's like any other: taken back off the address's per-IP count, so
 * its {@code Retry-After} holds. Each address's refusals are logged once per window (the address, method and path; never a
 * token), from a window kept in this process: a scan shows up in the log without flooding it.
 */
public final class AdminAuthLimit {
    private static final Logger LOG = LoggerFactory.getLogger(AdminAuthLimit.class);

    private final SlidingWindowLimiter limiter;
    private final RateLimitGate ipLimit;
    private final int failuresPerWindow;
    private final Duration window;
    private final SlidingWindowLimiter refusalLog;
    private final LongAdder refused = new LongAdder();

    /**
     * @param limiter the rate limits' limiter (memory, or Redis to hold the limit across replicas)
     * @param ipLimit the per-IP limit, which takes a refused admin request back off its count
     * @param clock for the in-process window of the refusal log
     */
    public AdminAuthLimit(SlidingWindowLimiter limiter, RateLimitGate ipLimit, int failuresPerWindow, Duration window,
            Clock clock) {
        if (failuresPerWindow < 1) {
            throw new IllegalArgumentException("fleetgate.limits.admin.failed-auth-per-window must be at least 1, not "
                    + failuresPerWindow);
        }
        this.limiter = limiter;
        this.ipLimit = ipLimit;
        this.failuresPerWindow = failuresPerWindow;
        this.window = window;
        this.refusalLog = new InMemorySlidingWindowLimiter(clock);
    }

    /**
     * Before the admin token is read: 429 {@code rate_limited}, with {@code Retry-After} and
     * {@code RateLimit-*} of this limit, for an address whose failures fill the window.
     *
     * @param byIp the per-IP decision the HTTP server made for this request, or null
     */
    public void requireNotBlocked(String clientIp, RateLimitVerdict byIp, String method, String path) {
        LimitDecision decision = limiter.peek(quota(clientIp));
        if (decision.allowed()) {
            return;
        }
        refused.increment();
        ipLimit.takeBack(clientIp, byIp);
        if (refusalLog.acquire(clientIp, 1, window).allowed()) {
            LOG.warn("admin API: {} failed authentications from {} in {} s; its admin requests are refused for {} s"
                    + " (this one: {} {})", failuresPerWindow, clientIp, window.toSeconds(), decision.retryAfterSeconds(),
                    oneLine(method), oneLine(path));
        }
        long wait = decision.retryAfterSeconds();
        throw new GatewayError(429, "rate_limited", ("Too many failed admin authentications from this client address:"
                + " at most %d in any %d seconds. Retry in %d second%s.")
                .formatted(failuresPerWindow, window.toSeconds(), wait, wait == 1 ? "" : "s"), decision.headers());
    }

    /** Counts a failed admin authentication against the address (not past the limit: it refuses anyway). */
    public void failed(String clientIp) {
        limiter.acquireAll(List.of(quota(clientIp)));
    }

    /** Admin requests refused with 429 since start (for metrics). */
    public long refused() {
        return refused.sum();
    }

    private Quota quota(String clientIp) {
        return new Quota("admin-auth:" + clientIp, failuresPerWindow, window);
    }

    private static String oneLine(String text) {
        return text == null ? "-" : text.replaceAll("\\p{Cntrl}", "?");
    }
}
