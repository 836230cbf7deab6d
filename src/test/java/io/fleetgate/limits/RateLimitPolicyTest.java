package io.fleetgate.limits;

import io.fleetgate.testing.MutableClock;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RateLimitPolicyTest {
    private static final Duration MINUTE = Duration.ofSeconds(60);

    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    private final RateLimitPolicy policy = new RateLimitPolicy(new InMemorySlidingWindowLimiter(clock), MINUTE,
            RateLimits.CONTRACT_DEFAULTS, Map.of("enterprise", new RateLimits(600, 300)));

    @Test
    void theContractDefaultsAreSixtyPerIpAndThirtyPerSite() {
        assertThat(RateLimits.CONTRACT_DEFAULTS).isEqualTo(new RateLimits(60, 30));
    }

    @Test
    void anyEndpointCountsAgainstTheClientIp() {
        for (int i = 0; i < 60; i++) {
            assertThat(policy.check("192.0.2.1", i % 2 == 0 ? null : "site-" + i, null).allowed()).isTrue();
        }

        RateLimitVerdict refused = policy.check("192.0.2.1", null, null);

        assertThat(refused.allowed()).isFalse();
        assertThat(refused.scope()).isEqualTo(RateLimitVerdict.Scope.IP);
        assertThat(refused.headers()).containsEntry("RateLimit-Limit", "60").containsEntry("Retry-After", "60");
    }

    @Test
    void aSiteTakesThirtyWhoeverSendsThem() {
        for (int i = 0; i < 30; i++) {
            assertThat(policy.check("192.0.2." + i, "42", null).allowed()).isTrue();
        }

        RateLimitVerdict refused = policy.check("198.51.100.7", "42", null);

        assertThat(refused.allowed()).isFalse();
        assertThat(refused.scope()).isEqualTo(RateLimitVerdict.Scope.SITE);
        assertThat(refused.headers()).containsEntry("RateLimit-Limit", "30").containsEntry("RateLimit-Remaining", "0");
    }

    @Test
    void aRequestRefusedBySiteLimitDoesNotSpendTheIpBudget() {
        for (int i = 0; i < 30; i++) {
            policy.check("192.0.2.1", "42", null);
        }
        for (int i = 0; i < 40; i++) {
            assertThat(policy.check("192.0.2.2", "42", null).allowed()).isFalse();
        }

        // the forty refused requests cost 192.0.2.2 nothing: its whole budget is left
        for (int i = 0; i < 60; i++) {
            assertThat(policy.check("192.0.2.2", null, null).allowed()).as("request %d", i + 1).isTrue();
        }
        assertThat(policy.check("192.0.2.2", null, null).allowed()).isFalse();
    }

    @Test
    void aRequestRefusedByIpLimitDoesNotSpendTheSiteBudget() {
        for (int i = 0; i < 60; i++) {
            policy.check("192.0.2.1", null, null);
        }
        assertThat(policy.check("192.0.2.1", "42", null).scope()).isEqualTo(RateLimitVerdict.Scope.IP);

        RateLimitVerdict fromElsewhere = policy.check("192.0.2.2", "42", null);

        assertThat(fromElsewhere.scope()).isEqualTo(RateLimitVerdict.Scope.SITE);
        assertThat(fromElsewhere.decision().remaining()).isEqualTo(29);
    }

    @Test
    void headersDescribeTheLimitWithTheFewestRemaining() {
        RateLimitVerdict siteIsTighter = policy.check("192.0.2.1", "42", null);
        assertThat(siteIsTighter.scope()).isEqualTo(RateLimitVerdict.Scope.SITE);
        assertThat(siteIsTighter.headers()).containsExactly(
                Map.entry("RateLimit-Limit", "30"), Map.entry("RateLimit-Remaining", "29"), Map.entry("RateLimit-Reset", "60"));

        for (int i = 0; i < 55; i++) {
            policy.check("192.0.2.1", null, null);
        }
        clock.advance(Duration.ofSeconds(5));
        RateLimitVerdict ipIsTighter = policy.check("192.0.2.1", "42", null);

        assertThat(ipIsTighter.scope()).isEqualTo(RateLimitVerdict.Scope.IP);
        assertThat(ipIsTighter.headers()).containsExactly(
                Map.entry("RateLimit-Limit", "60"), Map.entry("RateLimit-Remaining", "3"), Map.entry("RateLimit-Reset", "55"));
    }

    @Test
    void whenBothLimitsRefuseRetryAfterWaitsForBoth() {
        for (int i = 0; i < 30; i++) {
            policy.check("192.0.2." + i, "42", null);
        }
        clock.advance(Duration.ofSeconds(20));
        for (int i = 0; i < 60; i++) {
            policy.check("192.0.2.100", null, null);
        }

        RateLimitVerdict refused = policy.check("192.0.2.100", "42", null);

        // the site frees a slot in 40 s, the IP in 60 s: only after 60 s may both admit it
        assertThat(refused.scope()).isEqualTo(RateLimitVerdict.Scope.IP);
        assertThat(refused.headers()).containsEntry("Retry-After", "60");
    }

    @Test
    void anAccountWithAnOverrideGetsItsOwnLimits() {
        for (int i = 0; i < 300; i++) {
            assertThat(policy.check("192.0.2.1", "42", "enterprise").allowed()).isTrue();
        }
        RateLimitVerdict atSiteLimit = policy.check("192.0.2.1", "42", "enterprise");
        assertThat(atSiteLimit.allowed()).isFalse();
        assertThat(atSiteLimit.headers()).containsEntry("RateLimit-Limit", "300");

        assertThat(policy.check("192.0.2.1", null, "enterprise").allowed()).isTrue();
        assertThat(policy.check("192.0.2.1", null, "someone-else").allowed())
                .as("the IP's count is shared; an ordinary account is held to 60").isFalse();
    }
}
