package io.fleetgate.limits;

import io.fleetgate.testing.MutableClock;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fleetgate.ingress.ExchangeKeys;
import io.fleetgate.ingress.FleetApiCatalog;
import io.fleetgate.ingress.GatewayError;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletionException;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;

class RateLimitGateTest {
    private final MutableClock clock = new MutableClock();
    private final RateLimitGate gate = new RateLimitGate(new RateLimitPolicy(new InMemorySlidingWindowLimiter(clock),
            Duration.ofSeconds(60), new RateLimits(2, 1), NetworkLimits.NONE, Map.of()), Duration.ofSeconds(60));

    private RateLimitVerdict decideIp(String clientIp) {
        return gate.decideIp(clientIp).toCompletableFuture().join();
    }

    /** The site's decision, as the route's step finishes it: its failure is the exchange's exception. */
    private void checkSite(Exchange exchange) {
        try {
            gate.checkSite(exchange).toCompletableFuture().join();
        } catch (CompletionException e) {
            throw (RuntimeException) e.getCause();
        }
    }

    @Test
    void aRefusalIs429WithRetryAfterAndTheLimitsHeaders() {
        decideIp("192.0.2.1");
        decideIp("192.0.2.1");
        clock.advance(Duration.ofSeconds(15));

        RateLimitVerdict refused = decideIp("192.0.2.1");

        assertThat(refused.allowed()).isFalse();
        GatewayError e = gate.refusal(refused);
        assertThat(e.status()).isEqualTo(429);
        assertThat(e.error()).isEqualTo("rate_limited");
        assertThat(e.description()).isEqualTo(
                "Rate limit reached for this client address: at most 2 requests in any 60 seconds. Retry in 45 seconds.");
        assertThat(e.headers()).containsExactlyInAnyOrderEntriesOf(Map.of("Retry-After", "45",
                "RateLimit-Limit", "2", "RateLimit-Remaining", "0", "RateLimit-Reset", "45"));
        assertThat(gate.admitted()).isEqualTo(2);
        assertThat(gate.refused(RateLimitVerdict.Scope.IP)).isEqualTo(1);
    }

    @Test
    void theSiteStageDecidesOnlySiteRequestsAndASiteRefusalIsTakenBackOffTheIp() {
        Exchange vehicles = request("192.0.2.8");
        Object byIp = vehicles.getProperty(RateLimitGate.VERDICT);
        checkSite(vehicles);
        assertThat(vehicles.getProperty(RateLimitGate.VERDICT)).isSameAs(byIp);
        assertThat(decideIp("192.0.2.8").decision().remaining()).as("no second decision for a request without a site")
                .isZero();

        checkSite(siteRequest("192.0.2.7", 42));
        assertThatThrownBy(() -> checkSite(siteRequest("192.0.2.7", 42)))
                .isInstanceOfSatisfying(GatewayError.class, e -> {
                    assertThat(e.status()).isEqualTo(429);
                    assertThat(e.description()).startsWith("Rate limit reached for energy site 42: at most 1 requests");
                });

        assertThat(gate.refused(RateLimitVerdict.Scope.SITE)).isEqualTo(1);
        // two requests counted by the address, the site's refusal taken back: one left of two
        assertThat(decideIp("192.0.2.7").decision().remaining()).isZero();
        assertThat(decideIp("192.0.2.7").allowed()).isFalse();
    }

    @Test
    void aHundredThousandAddressesWithOneRequestEachAreForgottenWindowByWindow() {
        // a scan from 100,000 addresses, a wrong token each: the per-IP decision is all a request costs
        // before its 401, and the limiter as Fleetgate builds it (a sweep every 60 s, here in place)
        // holds only the addresses of the last window and one sweep interval, never all of them
        Duration minute = Duration.ofSeconds(60);
        MutableClock scanClock = new MutableClock();
        InMemorySlidingWindowLimiter limiter = new InMemorySlidingWindowLimiter(scanClock, minute, Runnable::run);
        RateLimitGate scanned = new RateLimitGate(new RateLimitPolicy(limiter, minute, RateLimits.CONTRACT_DEFAULTS,
                NetworkLimits.NONE, Map.of()), minute);
        int most = 0;
        for (int i = 0; i < 100_000; i++) {
            assertThat(scanned.decideIp("10." + (i >> 16) + "." + ((i >> 8) & 0xff) + "." + (i & 0xff)).toCompletableFuture().join().allowed()).isTrue();
            // 100,000 addresses over 300 s
            scanClock.advance(Duration.ofMillis(3));
            most = Math.max(most, limiter.trackedKeys());
        }

        // 120 s of addresses at 333 a second
        assertThat(most).isLessThanOrEqualTo(40_001);
        scanClock.advance(Duration.ofSeconds(120));
        scanned.decideIp("192.0.2.1").toCompletableFuture().join();
        assertThat(limiter.trackedKeys()).as("the scan has left nothing behind").isEqualTo(1);
    }

    @Test
    void ourHeadersReplaceALooserUpstreamBucketWhole() {
        Exchange exchange = request("192.0.2.1");
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
    void anExchangeThatWasNotAnHttpRequestGetsNoHeaders() {
        Exchange exchange = new DefaultExchange(new DefaultCamelContext());
        gate.putHeaders(exchange);
        assertThat(exchange.getMessage().getHeaders()).isEmpty();
    }

    /** A request as capture hands it on: its address and the HTTP server's decision for it. */
    private Exchange request(String clientIp) {
        Exchange exchange = new DefaultExchange(new DefaultCamelContext());
        exchange.setProperty(ExchangeKeys.CLIENT_IP, clientIp);
        exchange.setProperty(RateLimitGate.VERDICT, decideIp(clientIp));
        return exchange;
    }

    private Exchange siteRequest(String clientIp, long site) {
        Exchange exchange = request(clientIp);
        exchange.setProperty(ExchangeKeys.CLASSIFICATION,
                new FleetApiCatalog().classify("GET", "/api/1/energy_sites/" + site + "/live_status"));
        return exchange;
    }
}
