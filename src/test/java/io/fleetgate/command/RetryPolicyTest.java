package io.fleetgate.command;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import org.junit.jupiter.api.Test;

/** Every row of CONTRACT section 5's first table, at the contract's own numbers, on a fixed clock. */
class RetryPolicyTest {
    private static final Instant NOW = Instant.parse("2026-11-26T12:00:00Z");
    private final RetryPolicy policy = new RetryPolicy(Clock.fixed(NOW, ZoneOffset.UTC), 6, Duration.ofSeconds(90), Duration.ofSeconds(1));

    @Test
    void a424BacksOffExponentiallyFromOneSecond() {
        assertThat(policy.nextDelay(424, false, null, 1, NOW)).isEqualTo(Duration.ofSeconds(1));
        assertThat(policy.nextDelay(424, false, null, 2, NOW)).isEqualTo(Duration.ofSeconds(2));
        assertThat(policy.nextDelay(424, false, null, 3, NOW)).isEqualTo(Duration.ofSeconds(4));
        assertThat(policy.nextDelay(424, false, null, 4, NOW)).isEqualTo(Duration.ofSeconds(8));
    }

    @Test
    void serverErrorsAndTransportFailuresBackOffToo() {
        assertThat(policy.nextDelay(500, false, null, 1, NOW)).isEqualTo(Duration.ofSeconds(1));
        assertThat(policy.nextDelay(503, false, null, 2, NOW)).isEqualTo(Duration.ofSeconds(2));
        assertThat(policy.nextDelay(540, false, null, 3, NOW)).isEqualTo(Duration.ofSeconds(4));
        assertThat(policy.nextDelay(502, true, null, 1, NOW)).isEqualTo(Duration.ofSeconds(1));
        assertThat(policy.nextDelay(504, true, null, 5, NOW)).isEqualTo(Duration.ofSeconds(16));
    }

    @Test
    void a429WaitsItsRetryAfterInSecondsOrAsAnHttpDate() {
        assertThat(policy.nextDelay(429, false, "7", 1, NOW)).isEqualTo(Duration.ofSeconds(7));
        String date = DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.ofInstant(NOW.plusSeconds(12), ZoneOffset.UTC));
        assertThat(policy.nextDelay(429, false, date, 1, NOW)).isEqualTo(Duration.ofSeconds(12));
    }

    @Test
    void a429WhoseRetryAfterPassesTheBudgetIsAnsweredAtOnce() {
        assertThat(policy.nextDelay(429, false, "91", 1, NOW)).isNull();
        // 80 s after arrival, 11 s more would pass the 90 s budget
        assertThat(policy.nextDelay(429, false, "11", 1, NOW.minusSeconds(80))).isNull();
        assertThat(policy.nextDelay(429, false, "10", 1, NOW.minusSeconds(80))).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void anythingElseIsTheFinalAnswer() {
        for (int status : new int[] {200, 201, 400, 401, 403, 404, 408, 412, 421, 422, 451}) {
            assertThat(policy.nextDelay(status, false, null, 1, NOW)).as("status " + status).isNull();
        }
    }

    @Test
    void atMostSixRetries() {
        assertThat(policy.nextDelay(503, false, null, 6, NOW.minusSeconds(0))).isEqualTo(Duration.ofSeconds(32));
        assertThat(policy.nextDelay(503, false, null, 7, NOW)).isNull();
    }

    @Test
    void noRetryAfterNinetySecondsFromArrival() {
        // arrived 88 s ago: a 4 s backoff would end past the budget
        assertThat(policy.nextDelay(424, false, null, 3, NOW.minusSeconds(88))).isNull();
        assertThat(policy.nextDelay(424, false, null, 1, NOW.minusSeconds(89))).isEqualTo(Duration.ofSeconds(1));
    }
}
