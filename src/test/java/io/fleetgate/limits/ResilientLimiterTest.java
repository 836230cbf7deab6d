package io.fleetgate.limits;

import io.fleetgate.testing.MutableClock;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ResilientLimiterTest {
    private static final Duration MINUTE = Duration.ofSeconds(60);

    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    private boolean storeDown = true;
    private final SlidingWindowLimiter flakyStore = new SlidingWindowLimiter() {
        private final InMemorySlidingWindowLimiter store = new InMemorySlidingWindowLimiter(clock);

        @Override
        public List<LimitDecision> acquireAll(List<Quota> quotas) {
            failIfDown();
            return store.acquireAll(quotas);
        }

        @Override
        public LimitDecision peek(Quota quota) {
            failIfDown();
            return store.peek(quota);
        }

        @Override
        public void releaseNewest(String key) {
            failIfDown();
            store.releaseNewest(key);
        }

        private void failIfDown() {
            if (storeDown) {
                throw new LimiterUnavailableException("connection refused", null);
            }
        }
    };

    @Test
    void failOpenAdmitsEveryRequestAndCountsEachFailure() {
        ResilientLimiter limiter = new ResilientLimiter(flakyStore, FailurePolicy.FAIL_OPEN, clock);

        List<LimitDecision> decisions = limiter.acquireAll(List.of(new Quota("ip:a", 60, MINUTE), new Quota("site:1", 30, MINUTE)));
        limiter.acquire("ip:a", 60, MINUTE);

        assertThat(decisions).containsExactly(new LimitDecision(true, 60, 60, 0, 0), new LimitDecision(true, 30, 30, 0, 0));
        assertThat(limiter.failures()).isEqualTo(2);
    }

    @Test
    void failClosedRefusesAndAsksForARetryInASecond() {
        ResilientLimiter limiter = new ResilientLimiter(flakyStore, FailurePolicy.FAIL_CLOSED, clock);

        assertThat(limiter.acquire("ip:a", 60, MINUTE)).isEqualTo(new LimitDecision(false, 60, 0, 1, 1));
        assertThat(limiter.failures()).isEqualTo(1);
    }

    @Test
    void theStoreDecidesAgainOnceItIsBack() {
        ResilientLimiter limiter = new ResilientLimiter(flakyStore, FailurePolicy.FAIL_CLOSED, clock);
        limiter.acquire("ip:a", 60, MINUTE);

        storeDown = false;

        assertThat(limiter.acquire("ip:a", 60, MINUTE)).isEqualTo(new LimitDecision(true, 60, 59, 60, 0));
        assertThat(limiter.failures()).isEqualTo(1);
    }

    @Test
    void aPeekGetsThePolicysAnswerAndAReleaseIsGivenUp() {
        ResilientLimiter failOpen = new ResilientLimiter(flakyStore, FailurePolicy.FAIL_OPEN, clock);
        ResilientLimiter failClosed = new ResilientLimiter(flakyStore, FailurePolicy.FAIL_CLOSED, clock);

        assertThat(failOpen.peek(new Quota("admin-auth:a", 10, MINUTE))).isEqualTo(new LimitDecision(true, 10, 10, 0, 0));
        assertThat(failClosed.peek(new Quota("admin-auth:a", 10, MINUTE))).isEqualTo(new LimitDecision(false, 10, 0, 1, 1));
        failOpen.releaseNewest("ip:a");

        assertThat(failOpen.failures()).isEqualTo(2);
        assertThat(failClosed.failures()).isEqualTo(1);
    }

    @Test
    void theFailurePolicySettingDefaultsToFailOpen() {
        assertThat(FailurePolicy.fromSetting(null)).isEqualTo(FailurePolicy.FAIL_OPEN);
        assertThat(FailurePolicy.fromSetting(" ")).isEqualTo(FailurePolicy.FAIL_OPEN);
        assertThat(FailurePolicy.fromSetting("fail-closed")).isEqualTo(FailurePolicy.FAIL_CLOSED);
        assertThat(FailurePolicy.fromSetting("FAIL_OPEN")).isEqualTo(FailurePolicy.FAIL_OPEN);
    }

    @Test
    void anOutageIsLoggedOnceAndThenAtMostEveryThirtySeconds() {
        ResilientLimiter limiter = new ResilientLimiter(flakyStore, FailurePolicy.FAIL_OPEN, clock);
        PrintStream stderr = System.err;
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        // slf4j-simple writes to whatever System.err is at the time
        System.setErr(new PrintStream(log, true, StandardCharsets.UTF_8));
        try {
            for (int i = 0; i < 1000; i++) {
                limiter.acquire("ip:a", 60, MINUTE);
                clock.advance(Duration.ofMillis(29));
            }
            clock.advance(Duration.ofSeconds(2));
            limiter.acquire("ip:a", 60, MINUTE);
        } finally {
            System.setErr(stderr);
        }

        List<String> lines = log.toString(StandardCharsets.UTF_8).lines()
                .filter(line -> line.contains("Rate-limit store unavailable")).toList();
        assertThat(lines).hasSize(2);
        assertThat(lines.get(0)).contains("FAIL_OPEN", "connection refused").endsWith("failures so far: 1");
        assertThat(lines.get(1)).endsWith("failures so far: 1001");
        assertThat(limiter.failures()).isEqualTo(1001);
    }
}
