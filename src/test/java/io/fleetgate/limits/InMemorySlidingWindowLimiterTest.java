package io.fleetgate.limits;

import io.fleetgate.testing.MutableClock;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class InMemorySlidingWindowLimiterTest {
    private static final Duration MINUTE = Duration.ofSeconds(60);
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    private final MutableClock clock = new MutableClock(T0);
    // the sweep runs in place, on the request that finds it due, so tests see its effect at once
    private final InMemorySlidingWindowLimiter limiter = new InMemorySlidingWindowLimiter(clock, MINUTE, Runnable::run);

    @Test
    void admitsSixtyAndRefusesTheSixtyFirstWithTheRightRetryAfter() {
        assertThat(limiter.acquire("ip:a", 60, MINUTE).allowed()).isTrue();
        clock.advance(Duration.ofSeconds(10));
        for (int i = 2; i <= 60; i++) {
            LimitDecision decision = limiter.acquire("ip:a", 60, MINUTE);
            assertThat(decision.allowed()).as("request %d", i).isTrue();
            assertThat(decision.remaining()).isEqualTo(60 - i);
        }
        clock.advance(Duration.ofMillis(12_500));

        LimitDecision refused = limiter.acquire("ip:a", 60, MINUTE);

        // the first request, sent at t0, leaves the window at t0+60 s: 37.5 s from now, rounded up
        assertThat(refused).isEqualTo(new LimitDecision(false, 60, 0, 38, 38));
    }

    @Test
    void freesASlotExactlyWhenTheOldestRequestIsOneWindowOld() {
        limiter.acquire("ip:a", 60, MINUTE);
        clock.advance(Duration.ofSeconds(1));
        for (int i = 0; i < 59; i++) {
            limiter.acquire("ip:a", 60, MINUTE);
        }

        clock.set(T0.plus(MINUTE).minusMillis(1));
        LimitDecision justBefore = limiter.acquire("ip:a", 60, MINUTE);
        clock.set(T0.plus(MINUTE));
        LimitDecision atTheBoundary = limiter.acquire("ip:a", 60, MINUTE);

        assertThat(justBefore.allowed()).isFalse();
        assertThat(justBefore.retryAfterSeconds()).isEqualTo(1);
        // only the request from t0 has left: the one slot it frees is taken again
        assertThat(atTheBoundary).isEqualTo(new LimitDecision(true, 60, 0, 1, 0));
    }

    @Test
    void refusedRequestsAreNotCounted() {
        fill("ip:a", 5);
        clock.advance(Duration.ofSeconds(30));
        for (int i = 0; i < 100; i++) {
            assertThat(limiter.acquire("ip:a", 5, MINUTE).allowed()).isFalse();
        }

        clock.set(T0.plus(MINUTE));

        // the five from t0 have left; none of the hundred refused at t0+30 s stands in their way
        for (int i = 0; i < 5; i++) {
            assertThat(limiter.acquire("ip:a", 5, MINUTE).allowed()).isTrue();
        }
        assertThat(limiter.acquire("ip:a", 5, MINUTE).allowed()).isFalse();
    }

    @Test
    void resetTellsWhenTheOldestCountedRequestLeavesTheWindow() {
        LimitDecision first = limiter.acquire("ip:a", 60, MINUTE);
        clock.advance(Duration.ofMillis(20_250));
        LimitDecision second = limiter.acquire("ip:a", 60, MINUTE);

        assertThat(first).isEqualTo(new LimitDecision(true, 60, 59, 60, 0));
        assertThat(second).isEqualTo(new LimitDecision(true, 60, 58, 40, 0));
        assertThat(second.headers()).containsExactly(
                Map.entry("RateLimit-Limit", "60"),
                Map.entry("RateLimit-Remaining", "58"),
                Map.entry("RateLimit-Reset", "40"));
    }

    @Test
    void aRequestIsCountedUnderAllItsKeysOrUnderNone() {
        fill("site:1", 3);

        List<LimitDecision> decisions = limiter.acquireAll(List.of(
                new Quota("ip:a", 60, MINUTE), new Quota("site:1", 3, MINUTE)));

        assertThat(decisions.get(0).allowed()).as("the IP had room").isTrue();
        assertThat(decisions.get(0).remaining()).as("but was not charged").isEqualTo(60);
        assertThat(decisions.get(1).allowed()).isFalse();
        assertThat(limiter.acquire("ip:a", 60, MINUTE).remaining()).isEqualTo(59);
    }

    @Test
    void aPeekCountsNothingAndTellsWhenTheWindowFrees() {
        Quota failures = new Quota("admin-auth:a", 3, MINUTE);
        assertThat(limiter.peek(failures)).isEqualTo(new LimitDecision(true, 3, 3, 0, 0));
        assertThat(limiter.trackedKeys()).as("peeking at a key that counts nothing keeps nothing").isZero();

        fill("admin-auth:a", 3);
        clock.advance(Duration.ofSeconds(15));
        for (int i = 0; i < 5; i++) {
            assertThat(limiter.peek(failures)).isEqualTo(new LimitDecision(false, 3, 0, 45, 45));
        }

        clock.set(T0.plus(MINUTE));
        assertThat(limiter.peek(failures)).as("the three have left the window").isEqualTo(new LimitDecision(true, 3, 3, 0, 0));
    }

    @Test
    void aReleasedRequestNoLongerCounts() {
        fill("ip:a", 3);
        limiter.releaseNewest("ip:a");

        assertThat(limiter.acquire("ip:a", 3, MINUTE).allowed()).isTrue();
        assertThat(limiter.acquire("ip:a", 3, MINUTE).allowed()).isFalse();
        limiter.releaseNewest("ip:nobody");
        assertThat(limiter.trackedKeys()).isEqualTo(1);
    }

    @Test
    void idleKeysAreDroppedOnceTheirWindowHasPassed() {
        limiter.acquire("ip:a", 60, MINUTE);
        clock.advance(Duration.ofSeconds(30));
        limiter.acquire("ip:b", 60, MINUTE);

        clock.advance(Duration.ofSeconds(30));
        limiter.sweep();

        assertThat(limiter.trackedKeys()).as("ip:a is idle, ip:b is not").isEqualTo(1);
        clock.advance(Duration.ofSeconds(30));
        limiter.sweep();
        assertThat(limiter.trackedKeys()).isZero();
    }

    @Test
    void hundredThousandDistinctClientsLeaveNothingBehindOnceTheWindowPasses() {
        for (int i = 0; i < 100_000; i++) {
            limiter.acquire("ip:10." + (i >> 16) + "." + ((i >> 8) & 0xff) + "." + (i & 0xff), 60, MINUTE);
        }
        assertThat(limiter.trackedKeys()).isEqualTo(100_000);

        clock.advance(MINUTE);
        // the sweep is due: the next request sets it off, nobody schedules anything
        limiter.acquire("ip:192.0.2.1", 60, MINUTE);

        assertThat(limiter.trackedKeys()).isEqualTo(1);
    }

    @Test
    void sixteenThreadsOnOneKeyGetExactlyTheLimit() throws Exception {
        assertThat(Race.count(16, 100, () -> limiter.acquire("ip:a", 60, MINUTE).allowed())).isEqualTo(60);
    }

    @Test
    void sixteenThreadsFromManyAddressesOnOneSiteGetExactlyTheSiteLimit() throws Exception {
        AtomicInteger next = new AtomicInteger();
        int allowed = Race.count(16, 100, () -> limiter.acquireAll(List.of(
                new Quota("ip:" + (next.incrementAndGet() % 7), 60, MINUTE),
                new Quota("site:1", 30, MINUTE))).stream().allMatch(LimitDecision::allowed));

        assertThat(allowed).isEqualTo(30);
    }

    @Test
    void keepsWorkingWhenTheClockStepsBack() {
        limiter.acquire("ip:a", 2, MINUTE);
        clock.set(T0.minusSeconds(5));

        assertThat(limiter.acquire("ip:a", 2, MINUTE).allowed()).isTrue();
        assertThat(limiter.acquire("ip:a", 2, MINUTE).allowed()).isFalse();
    }

    @Test
    void refusesQuotasThatShareAKey() {
        assertThatThrownBy(() -> limiter.acquireAll(List.of(new Quota("k", 1, MINUTE), new Quota("k", 2, MINUTE))))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private void fill(String key, int count) {
        for (int i = 0; i < count; i++) {
            assertThat(limiter.acquire(key, count, MINUTE).allowed()).isTrue();
        }
    }
}
