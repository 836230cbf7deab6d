package io.fleetgate.limits;

import io.fleetgate.testing.MutableClock;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RateLimitPolicyTest {
    private static final Duration MINUTE = Duration.ofSeconds(60);

    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    private final RateLimitPolicy policy = new RateLimitPolicy(new InMemorySlidingWindowLimiter(clock), MINUTE,
            RateLimits.CONTRACT_DEFAULTS, RateLimitOverrides.perIpByNetwork(List.of("203.0.113.0/24:600")),
            Map.of("enterprise", 300));

    @Test
    void theContractDefaultsAreSixtyPerIpAndThirtyPerSite() {
        assertThat(RateLimits.CONTRACT_DEFAULTS).isEqualTo(new RateLimits(60, 30));
    }

    @Test
    void anyRequestCountsAgainstTheClientIp() {
        for (int i = 0; i < 60; i++) {
            RateLimitVerdict byIp = policy.checkIp("192.0.2.1");
            assertThat(byIp.allowed()).isTrue();
            if (i % 2 == 1) {
                assertThat(policy.checkSite("site-" + i, null, "192.0.2.1", byIp).allowed()).isTrue();
            }
        }

        RateLimitVerdict refused = policy.checkIp("192.0.2.1");

        assertThat(refused.allowed()).isFalse();
        assertThat(refused.scope()).isEqualTo(RateLimitVerdict.Scope.IP);
        assertThat(refused.headers()).containsEntry("RateLimit-Limit", "60").containsEntry("Retry-After", "60");
    }

    @Test
    void aSiteTakesThirtyWhoeverSendsThem() {
        for (int i = 0; i < 30; i++) {
            String ip = "192.0.2." + i;
            assertThat(policy.checkSite("42", null, ip, policy.checkIp(ip)).allowed()).isTrue();
        }

        RateLimitVerdict refused = policy.checkSite("42", null, "198.51.100.7", policy.checkIp("198.51.100.7"));

        assertThat(refused.allowed()).isFalse();
        assertThat(refused.scope()).isEqualTo(RateLimitVerdict.Scope.SITE);
        assertThat(refused.headers()).containsEntry("RateLimit-Limit", "30").containsEntry("RateLimit-Remaining", "0");
    }

    @Test
    void aRequestRefusedBySiteLimitIsTakenBackOffTheIpBudget() {
        for (int i = 0; i < 30; i++) {
            policy.checkSite("42", null, "192.0.2.1", policy.checkIp("192.0.2.1"));
        }
        for (int i = 0; i < 40; i++) {
            assertThat(policy.checkSite("42", null, "192.0.2.2", policy.checkIp("192.0.2.2")).allowed()).isFalse();
        }

        // the forty refused requests cost 192.0.2.2 nothing: its whole budget is left
        for (int i = 0; i < 60; i++) {
            assertThat(policy.checkIp("192.0.2.2").allowed()).as("request %d", i + 1).isTrue();
        }
        assertThat(policy.checkIp("192.0.2.2").allowed()).isFalse();
    }

    @Test
    void headersDescribeTheLimitWithTheFewestRemaining() {
        RateLimitVerdict siteIsTighter = policy.checkSite("42", null, "192.0.2.1", policy.checkIp("192.0.2.1"));
        assertThat(siteIsTighter.scope()).isEqualTo(RateLimitVerdict.Scope.SITE);
        assertThat(siteIsTighter.headers()).containsExactly(
                Map.entry("RateLimit-Limit", "30"), Map.entry("RateLimit-Remaining", "29"), Map.entry("RateLimit-Reset", "60"));

        for (int i = 0; i < 55; i++) {
            policy.checkIp("192.0.2.1");
        }
        clock.advance(Duration.ofSeconds(5));
        RateLimitVerdict ipIsTighter = policy.checkSite("42", null, "192.0.2.1", policy.checkIp("192.0.2.1"));

        assertThat(ipIsTighter.scope()).isEqualTo(RateLimitVerdict.Scope.IP);
        assertThat(ipIsTighter.headers()).containsExactly(
                Map.entry("RateLimit-Limit", "60"), Map.entry("RateLimit-Remaining", "3"), Map.entry("RateLimit-Reset", "55"));
    }

    @Test
    void aNetworkWithAnOverrideGetsItsOwnPerIpLimitEachAddressItsOwnWindow() {
        for (int i = 0; i < 600; i++) {
            assertThat(policy.checkIp("203.0.113.10").allowed()).as("request %d", i + 1).isTrue();
        }
        RateLimitVerdict refused = policy.checkIp("203.0.113.10");
        assertThat(refused.allowed()).isFalse();
        assertThat(refused.headers()).containsEntry("RateLimit-Limit", "600");

        assertThat(policy.checkIp("203.0.113.11").headers()).containsEntry("RateLimit-Remaining", "599");
        assertThat(policy.checkIp("192.0.2.200").headers()).containsEntry("RateLimit-Limit", "60");
    }

    @Test
    void anAccountWithAnOverrideGetsItsOwnSiteLimit() {
        for (int i = 0; i < 300; i++) {
            String ip = "203.0.113." + (i % 200);
            assertThat(policy.checkSite("42", "enterprise", ip, policy.checkIp(ip)).allowed()).isTrue();
        }
        RateLimitVerdict atSiteLimit = policy.checkSite("42", "enterprise", "203.0.113.1", policy.checkIp("203.0.113.1"));
        assertThat(atSiteLimit.allowed()).isFalse();
        assertThat(atSiteLimit.headers()).containsEntry("RateLimit-Limit", "300");

        assertThat(policy.checkSite("42", "someone-else", "192.0.2.9", policy.checkIp("192.0.2.9")).allowed())
                .as("the site's count is shared; an ordinary account is held to 30").isFalse();
    }
}
