package io.fleetgate.limits;

import io.fleetgate.account.Account;
import io.fleetgate.ingress.Classification;
import io.fleetgate.ingress.ExchangeKeys;
import io.fleetgate.ingress.GatewayError;
import java.time.Duration;
import java.util.OptionalLong;
import java.util.concurrent.atomic.LongAdder;
import org.apache.camel.Exchange;
import org.apache.camel.Message;

/**
 * The rate-limit stage ({@code routes/limits.camel.yaml}): holds each request to its client IP's
 * and its energy site's budget, and tells the caller where it stands on every later answer.
 */
public final class RateLimitGate {
    /** Exchange property with the request's {@link RateLimitVerdict}, once it has been checked. */
    public static final String VERDICT = "fleetgateRateLimit";

    private static final String PREFIX = "RateLimit-";

    private final RateLimitPolicy policy;
    private final long windowSeconds;
    private final LongAdder admitted = new LongAdder();
    private final LongAdder refused = new LongAdder();

    /** @param window the policy's window, for the refusal's description */
    public RateLimitGate(RateLimitPolicy policy, Duration window) {
        this.policy = policy;
        this.windowSeconds = window.toSeconds();
    }

    /**
     * Counts the request against its client IP and, for {@code /api/1/energy_sites/{id}/...},
     * its site, under the caller's account's limits; refuses it with 429 {@code rate_limited}
     * (uncounted, so never forwarded) when either budget is spent.
     */
    public void check(Exchange exchange) {
        Account account = exchange.getProperty(ExchangeKeys.ACCOUNT, Account.class);
        Classification request = exchange.getProperty(ExchangeKeys.CLASSIFICATION, Classification.class);
        String clientIp = exchange.getProperty(ExchangeKeys.CLIENT_IP, "unknown", String.class);
        String site = request == null || request.energySiteId() == null ? null : request.energySiteId().toString();
        RateLimitVerdict verdict = policy.check(clientIp, site, account == null ? null : account.id());
        exchange.setProperty(VERDICT, verdict);
        if (!verdict.allowed()) {
            refused.increment();
            throw refusal(verdict, site);
        }
        admitted.increment();
    }

    /**
     * Puts the verdict's {@code RateLimit-*} headers on the answer, unless the Fleet API's own
     * bucket, passed through on a proxied answer, is tighter: of the two, the caller hears about
     * the one with the fewest requests remaining (then the later reset), since that one refuses
     * first. The three headers always come from one of them, never mixed. Answers given before the
     * check (401, 404) have no verdict and get none.
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

    /** Requests admitted since start (for metrics). */
    public long admitted() {
        return admitted.sum();
    }

    /** Requests refused with 429 since start (for metrics). */
    public long refused() {
        return refused.sum();
    }

    static boolean upstreamIsTighter(Message out, LimitDecision ours) {
        OptionalLong remaining = wholeNumber(out.getHeader(PREFIX + "Remaining", String.class));
        if (remaining.isEmpty()) {
            return false;
        }
        if (remaining.getAsLong() != ours.remaining()) {
            return remaining.getAsLong() < ours.remaining();
        }
        return wholeNumber(out.getHeader(PREFIX + "Reset", String.class)).orElse(0) > ours.resetSeconds();
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
