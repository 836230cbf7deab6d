package io.fleetgate.limits;

import io.fleetgate.account.Account;
import io.fleetgate.ingress.Classification;
import io.fleetgate.ingress.ExchangeKeys;
import io.fleetgate.ingress.GatewayError;
import java.time.Duration;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.LongAdder;
import org.apache.camel.Exchange;
import org.apache.camel.Message;

/**
 * The rate limits of a request (CONTRACT section 3): its client IP's budget, decided for every
 * request on the HTTP server before any route reads it ({@code ingress.IpLimitGuard}), and its
 * energy site's, decided in {@code routes/limits.camel.yaml} once the caller is known; and on every
 * later answer, the {@code RateLimit-*} headers that tell the caller where it stands.
 */
public final class RateLimitGate {
    /** Exchange property with the request's {@link RateLimitVerdict}: its IP's, then the tightest with its site's. */
    public static final String VERDICT = "fleetgateRateLimit";

    private static final String PREFIX = "RateLimit-";

    private final RateLimitPolicy policy;
    private final long windowSeconds;
    private final LongAdder admitted = new LongAdder();
    private final LongAdder refusedByIp = new LongAdder();
    private final LongAdder refusedBySite = new LongAdder();

    /** @param window the policy's window, for the refusal's description */
    public RateLimitGate(RateLimitPolicy policy, Duration window) {
        this.policy = policy;
        this.windowSeconds = window.toSeconds();
    }

    /**
     * Checks and, when allowed, counts a request against its client address, whatever it asks for;
     * a refused one is not counted. One decision per request: the HTTP server asks before any route.
     */
    public CompletionStage<RateLimitVerdict> decideIp(String clientIp) {
        return policy.checkIpAsync(clientIp).thenApply(verdict -> {
            if (verdict.allowed()) {
                admitted.increment();
            } else {
                refusedByIp.increment();
            }
            return verdict;
        });
    }

    /**
     * A request another limit refused after {@link #decideIp} counted it is taken back off its
     * address's count. Waits for the limiter: from a worker thread (the admin API).
     */
    public void takeBack(String clientIp, RateLimitVerdict byIp) {
        policy.takeBack(clientIp, byIp);
    }

    /**
     * For {@code /api/1/energy_sites/{id}/...}: counts the request against its site, under the
     * caller's account's per-site limit; fails with 429 {@code rate_limited} (uncounted by its
     * site and its IP, so never forwarded) when the site's budget is spent. Other requests have
     * had their one decision, by IP, already, and complete at once. Nothing waits for the
     * limiter: the future completes when it has decided.
     */
    public CompletionStage<Void> checkSite(Exchange exchange) {
        Classification request = exchange.getProperty(ExchangeKeys.CLASSIFICATION, Classification.class);
        if (request == null || request.energySiteId() == null) {
            return CompletableFuture.completedFuture(null);
        }
        String site = request.energySiteId().toString();
        Account account = exchange.getProperty(ExchangeKeys.ACCOUNT, Account.class);
        String clientIp = exchange.getProperty(ExchangeKeys.CLIENT_IP, String.class);
        RateLimitVerdict byIp = exchange.getProperty(VERDICT, RateLimitVerdict.class);
        return policy.checkSiteAsync(site, account == null ? null : account.id(), clientIp, byIp).thenAccept(verdict -> {
            exchange.setProperty(VERDICT, verdict);
            if (!verdict.allowed()) {
                refusedBySite.increment();
                throw refusal(verdict, site);
            }
        });
    }

    /**
     * Puts the verdict's {@code RateLimit-*} headers on the answer, unless the Fleet API's own
     * bucket, passed through on a proxied answer, is tighter: of the two, the caller hears about
     * the one with the fewest requests remaining (then the later reset), since that one refuses
     * first. The three headers always come from one of them, never mixed. An exchange without a
     * verdict (not an HTTP request) gets none.
     */
    public void putHeaders(Exchange exchange) {
        RateLimitVerdict verdict = exchange.getProperty(VERDICT, RateLimitVerdict.class);
        if (verdict == null) {
            return;
        }
        Message out = exchange.getMessage();
        if (upstreamIsTighter(out, verdict.decision())) {
            return;
        }
        out.getHeaders().keySet().removeIf(name -> name.regionMatches(true, 0, PREFIX, 0, PREFIX.length()));
        verdict.headers().forEach(out::setHeader);
    }

    /** Requests the per-IP limit admitted since start. */
    public long admitted() {
        return admitted.sum();
    }

    /** Requests refused with 429 since start by that limit (for metrics). */
    public long refused(RateLimitVerdict.Scope scope) {
        return switch (scope) {
            case IP -> refusedByIp.sum();
            case SITE -> refusedBySite.sum();
        };
    }

    static boolean upstreamIsTighter(Message out, LimitDecision ours) {
        return answerIsTighter(out.getHeader(PREFIX + "Remaining", String.class), out.getHeader(PREFIX + "Reset", String.class),
                ours);
    }

    /**
     * Whether an answer's own {@code RateLimit-Remaining} and {@code RateLimit-Reset} (the Fleet
     * API's bucket, or a limit decided later in the request) describe a tighter limit than ours:
     * fewer requests remaining, or as many with a later reset.
     */
    public static boolean answerIsTighter(String remainingHeader, String resetHeader, LimitDecision ours) {
        OptionalLong remaining = wholeNumber(remainingHeader);
        if (remaining.isEmpty()) {
            return false;
        }
        if (remaining.getAsLong() != ours.remaining()) {
            return remaining.getAsLong() < ours.remaining();
        }
        return wholeNumber(resetHeader).orElse(0) > ours.resetSeconds();
    }

    /** The 429 {@code rate_limited} for a verdict that refused, with {@code Retry-After} and {@code RateLimit-*}. */
    public GatewayError refusal(RateLimitVerdict verdict) {
        return refusal(verdict, null);
    }

    private GatewayError refusal(RateLimitVerdict verdict, String site) {
        LimitDecision decision = verdict.decision();
        String what = verdict.scope() == RateLimitVerdict.Scope.SITE ? "energy site " + site : "this client address";
        long wait = decision.retryAfterSeconds();
        return new GatewayError(429, "rate_limited", "Rate limit reached for %s: at most %d requests in any %d seconds. Retry in %d second%s."
                .formatted(what, decision.limit(), windowSeconds, wait, wait == 1 ? "" : "s"), verdict.headers());
    }

    private static OptionalLong wholeNumber(String text) {
        if (text == null) {
            return OptionalLong.empty();
        }
        try {
            return OptionalLong.of(Long.parseLong(text.trim()));
        } catch (NumberFormatException e) {
            return OptionalLong.empty();
        }
    }
}
