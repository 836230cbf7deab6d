package io.fleetgate.limits;

import io.fleetgate.testing.MutableClock;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fleetgate.ingress.ExchangeKeys;
import io.fleetgate.ingress.GatewayError;
import java.time.Duration;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;

class RateLimitGateTest {
    private final MutableClock clock = new MutableClock();
    private final RateLimitGate gate = new RateLimitGate(new RateLimitPolicy(new InMemorySlidingWindowLimiter(clock),
            Duration.ofSeconds(60), new RateLimits(2, 1), Map.of()), Duration.ofSeconds(60));

    @Test
    void aRefusalIs429WithRetryAfterAndTheLimitsHeaders() {
        gate.check(request("192.0.2.1"));
        gate.check(request("192.0.2.1"));
        clock.advance(Duration.ofSeconds(15));

        assertThatThrownBy(() -> gate.check(request("192.0.2.1")))
                .isInstanceOfSatisfying(GatewayError.class, e -> {
                    assertThat(e.status()).isEqualTo(429);
                    assertThat(e.error()).isEqualTo("rate_limited");
                    assertThat(e.description()).isEqualTo(
                            "Rate limit reached for this client address: at most 2 requests in any 60 seconds. Retry in 45 seconds.");
                    assertThat(e.headers()).containsExactlyInAnyOrderEntriesOf(Map.of("Retry-After", "45",
                            "RateLimit-Limit", "2", "RateLimit-Remaining", "0", "RateLimit-Reset", "45"));
                });
        assertThat(gate.admitted()).isEqualTo(2);
        assertThat(gate.refused()).isEqualTo(1);
    }

    @Test
    void ourHeadersReplaceALooserUpstreamBucketWhole() {
        Exchange exchange = request("192.0.2.1");
        gate.check(exchange);
        exchange.getMessage().setHeader("ratelimit-limit", "300");
        exchange.getMessage().setHeader("ratelimit-remaining", "250");
        exchange.getMessage().setHeader("ratelimit-reset", "45983");
        exchange.getMessage().setHeader("RateLimit-Policy", "300;w=86400");

        gate.putHeaders(exchange);

        assertThat(exchange.getMessage().getHeaders()).containsEntry("RateLimit-Limit", "2")
                .containsEntry("RateLimit-Remaining", "1").containsEntry("RateLimit-Reset", "60")
                .doesNotContainKey("RateLimit-Policy").doesNotContainKey("Retry-After");
    }

    @Test
    void aTighterUpstreamBucketStays() {
        Exchange exchange = request("192.0.2.1");
        gate.check(exchange);
        exchange.getMessage().setHeader("RateLimit-Limit", "300");
        exchange.getMessage().setHeader("RateLimit-Remaining", "0");
        exchange.getMessage().setHeader("RateLimit-Reset", "37");
        exchange.getMessage().setHeader("Retry-After", "37");

        gate.putHeaders(exchange);

        assertThat(exchange.getMessage().getHeaders()).containsEntry("RateLimit-Limit", "300")
                .containsEntry("RateLimit-Remaining", "0").containsEntry("RateLimit-Reset", "37").containsEntry("Retry-After", "37");
    }

    @Test
    void onATieTheLaterResetIsTighter() {
        LimitDecision ours = new LimitDecision(true, 60, 5, 30, 0);
        Exchange exchange = request("192.0.2.1");
        exchange.getMessage().setHeader("RateLimit-Remaining", "5");
        exchange.getMessage().setHeader("RateLimit-Reset", "3600");
        assertThat(RateLimitGate.upstreamIsTighter(exchange.getMessage(), ours)).isTrue();
        exchange.getMessage().setHeader("RateLimit-Reset", "10");
        assertThat(RateLimitGate.upstreamIsTighter(exchange.getMessage(), ours)).isFalse();
        exchange.getMessage().setHeader("RateLimit-Remaining", "soon");
        assertThat(RateLimitGate.upstreamIsTighter(exchange.getMessage(), ours)).isFalse();
    }

    @Test
    void anAnswerGivenBeforeTheCheckGetsNoHeaders() {
        Exchange exchange = request("192.0.2.1");
        gate.putHeaders(exchange);
        assertThat(exchange.getMessage().getHeaders()).isEmpty();
    }

    private static Exchange request(String clientIp) {
        Exchange exchange = new DefaultExchange(new DefaultCamelContext());
        exchange.setProperty(ExchangeKeys.CLIENT_IP, clientIp);
        return exchange;
    }
}
