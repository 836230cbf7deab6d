package io.fleetgate.limits;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetgate.testing.TestRedis;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.RedisClient;

/**
 * Against a real Redis (default {@code redis://127.0.0.1:6379}, or {@code -Dfleetgate.test.redis-url}).
 * Redis's clock decides the windows, so the few waits here are real ones, a second or two.
 */
class RedisSlidingWindowLimiterTest {
    private static final URI REDIS = TestRedis.URL;
    // generous: a loaded machine may take longer than production's 100 ms to open a connection
    private static final Duration TIMEOUT = Duration.ofSeconds(2);
    private static final Duration PRODUCTION_TIMEOUT = Duration.ofMillis(100);
    private static final Duration TWO_SECONDS = Duration.ofSeconds(2);

    private static RedisClient inspector;

    private final String prefix = TestRedis.uniquePrefix("fleetgate-test");
    private final List<AutoCloseable> opened = new ArrayList<>();

    @BeforeAll
    static void connect() {
        inspector = TestRedis.inspector();
    }

    @AfterAll
    static void disconnect() {
        inspector.close();
    }

    @AfterEach
    void cleanUp() throws Exception {
        for (AutoCloseable closeable : opened) {
            closeable.close();
        }
        TestRedis.deleteKeys(inspector, prefix);
    }

    @Test
    void decisionsAskedAllAtOnceAreAnsweredAsFuturesAndStayExact() {
        RedisSlidingWindowLimiter limiter = limiter(REDIS);
        List<CompletableFuture<List<LimitDecision>>> asked = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            // none of these waits: all 200 are in flight before the first answer is read
            asked.add(limiter.acquireAllAsync(List.of(new Quota("ip:burst", 60, Duration.ofSeconds(30)))).toCompletableFuture());
        }

        long allowed = asked.stream().map(CompletableFuture::join).filter(decisions -> decisions.getFirst().allowed()).count();

        assertThat(allowed).isEqualTo(60);
        assertThat(inspector.zcard(prefix + "ip:burst")).isEqualTo(60);
    }

    @Test
    void itsBlockingFormRefusesToHoldUpAnEventLoop() throws Exception {
        RedisSlidingWindowLimiter limiter = limiter(REDIS);
        Vertx vertx = Vertx.vertx();
        try {
            CompletableFuture<Throwable> onTheLoop = new CompletableFuture<>();
            vertx.runOnContext(ignored -> {
                try {
                    limiter.peek(new Quota("ip:loop", 5, TWO_SECONDS));
                    onTheLoop.complete(null);
                } catch (RuntimeException e) {
                    onTheLoop.complete(e);
                }
            });
            assertThat(onTheLoop.get(5, TimeUnit.SECONDS)).isInstanceOf(IllegalStateException.class);

            CompletableFuture<LimitDecision> asynchronously = new CompletableFuture<>();
            vertx.runOnContext(ignored -> limiter.acquireAllAsync(List.of(new Quota("ip:loop", 5, TWO_SECONDS)))
                    .whenComplete((decisions, failure) -> {
                        if (failure != null) {
                            asynchronously.completeExceptionally(failure);
                        } else {
                            asynchronously.complete(decisions.getFirst());
                        }
                    }));
            assertThat(asynchronously.get(5, TimeUnit.SECONDS).remaining()).isEqualTo(4);
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void admitsTheLimitThenRefusesUntilTheOldestRequestLeavesTheWindow() throws InterruptedException {
        RedisSlidingWindowLimiter limiter = limiter(REDIS);
        for (int i = 1; i <= 5; i++) {
            LimitDecision decision = limiter.acquire("ip:a", 5, TWO_SECONDS);
            assertThat(decision.allowed()).isTrue();
            assertThat(decision.remaining()).isEqualTo(5 - i);
            assertThat(decision.resetSeconds()).isEqualTo(2);
        }

        LimitDecision refused = limiter.acquire("ip:a", 5, TWO_SECONDS);
        assertThat(refused.allowed()).isFalse();
        assertThat(refused.remaining()).isZero();
        assertThat(refused.retryAfterSeconds()).isBetween(1L, 2L).isEqualTo(refused.resetSeconds());

        Thread.sleep(Duration.ofSeconds(refused.retryAfterSeconds()));
        assertThat(limiter.acquire("ip:a", 5, TWO_SECONDS).allowed()).as("after Retry-After").isTrue();
    }

    @Test
    void refusedRequestsAreNotCounted() {
        RedisSlidingWindowLimiter limiter = limiter(REDIS);
        for (int i = 0; i < 25; i++) {
            limiter.acquire("ip:a", 5, Duration.ofSeconds(30));
        }

        assertThat(inspector.zcard(prefix + "ip:a")).isEqualTo(5);
    }

    @Test
    void twoReplicasSharingRedisAcceptAtMostTheLimitBetweenThem() throws Exception {
        RedisSlidingWindowLimiter replicaA = limiter(REDIS);
        RedisSlidingWindowLimiter replicaB = limiter(REDIS);
        Duration window = Duration.ofSeconds(30);
        AtomicInteger turn = new AtomicInteger();

        int allowed = Race.count(16, 25, () ->
                (turn.incrementAndGet() % 2 == 0 ? replicaA : replicaB).acquire("ip:a", 50, window).allowed());

        assertThat(allowed).isEqualTo(50);
        assertThat(inspector.zcard(prefix + "ip:a")).isEqualTo(50);
    }

    @Test
    void keysExpireOneWindowAfterTheirNewestRequest() {
        RedisSlidingWindowLimiter limiter = limiter(REDIS);
        limiter.acquire("ip:a", 5, TWO_SECONDS);

        assertThat(inspector.pttl(prefix + "ip:a")).isBetween(1L, 2000L);
    }

    @Test
    void aRequestRefusedBySiteLimitIsTakenBackOffTheIpBudget() {
        RateLimitPolicy policy = new RateLimitPolicy(limiter(REDIS), Duration.ofSeconds(30), new RateLimits(60, 3),
                NetworkLimits.NONE, Map.of());
        for (int i = 0; i < 3; i++) {
            assertThat(policy.checkSite("42", null, "192.0.2.1", policy.checkIp("192.0.2.1")).allowed()).isTrue();
        }

        RateLimitVerdict refused = policy.checkSite("42", null, "192.0.2.2", policy.checkIp("192.0.2.2"));

        assertThat(refused.allowed()).isFalse();
        assertThat(refused.scope()).isEqualTo(RateLimitVerdict.Scope.SITE);
        assertThat(refused.headers()).containsEntry("RateLimit-Limit", "3").containsKey("Retry-After");
        assertThat(inspector.exists(prefix + "ip:192.0.2.2")).as("the refused request left no trace").isFalse();
        assertThat(inspector.zcard(prefix + "ip:192.0.2.1")).isEqualTo(3);
    }

    @Test
    void aPeekCountsNothingAndAReleaseTakesTheNewestBack() {
        RedisSlidingWindowLimiter limiter = limiter(REDIS);
        Quota failures = new Quota("admin-auth:a", 3, TWO_SECONDS);
        assertThat(limiter.peek(failures)).isEqualTo(new LimitDecision(true, 3, 3, 0, 0));
        assertThat(inspector.exists(prefix + "admin-auth:a")).as("peeking writes nothing").isFalse();

        for (int i = 0; i < 3; i++) {
            limiter.acquire("admin-auth:a", 3, TWO_SECONDS);
        }
        LimitDecision full = limiter.peek(failures);
        assertThat(full.allowed()).isFalse();
        assertThat(full.retryAfterSeconds()).isBetween(1L, 2L);
        assertThat(inspector.zcard(prefix + "admin-auth:a")).isEqualTo(3);

        limiter.releaseNewest("admin-auth:a");
        assertThat(inspector.zcard(prefix + "admin-auth:a")).isEqualTo(2);
        assertThat(limiter.peek(failures).allowed()).isTrue();
        limiter.releaseNewest("admin-auth:nobody");
    }

    @Test
    void unreachableRedisFailsOpenAtOnceAndCountsTheFailure() {
        ResilientLimiter limiter = new ResilientLimiter(limiter(closedPort()), FailurePolicy.FAIL_OPEN, Clock.systemUTC());

        long started = System.nanoTime();
        LimitDecision decision = limiter.acquire("ip:a", 60, Duration.ofSeconds(60));
        Duration took = Duration.ofNanos(System.nanoTime() - started);

        assertThat(decision.allowed()).isTrue();
        assertThat(limiter.failures()).isEqualTo(1);
        assertThat(took).isLessThan(Duration.ofSeconds(1));
    }

    @Test
    void unreachableRedisFailsClosedWhenConfiguredSo() {
        ResilientLimiter limiter = new ResilientLimiter(limiter(closedPort()), FailurePolicy.FAIL_CLOSED, Clock.systemUTC());

        LimitDecision decision = limiter.acquire("ip:a", 60, Duration.ofSeconds(60));

        assertThat(decision).isEqualTo(new LimitDecision(false, 60, 0, 1, 1));
        assertThat(limiter.failures()).isEqualTo(1);
    }

    @Test
    void aRedisThatNeverAnswersCostsNoMoreThanTheTimeout() throws IOException {
        // accepts connections and then says nothing, like a Redis stuck behind a dead network path
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            List<Socket> accepted = new ArrayList<>();
            Thread acceptor = Thread.ofVirtual().start(() -> {
                try {
                    while (true) {
                        accepted.add(silent.accept());
                    }
                } catch (IOException closed) {
                    // the test is over
                }
            });
            ResilientLimiter limiter = new ResilientLimiter(
                    limiter(URI.create("redis://127.0.0.1:" + silent.getLocalPort()), PRODUCTION_TIMEOUT), FailurePolicy.FAIL_OPEN,
                    Clock.systemUTC());

            for (int i = 0; i < 3; i++) {
                long started = System.nanoTime();
                assertThat(limiter.acquire("ip:a", 60, Duration.ofSeconds(60)).allowed()).isTrue();
                assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(1));
            }
            assertThat(limiter.failures()).isEqualTo(3);
            acceptor.interrupt();
        }
    }

    @Test
    void readinessWaitsLongerThanADecisionSoThatOneSlowAnswerKeepsTheReplicaInService() throws IOException {
        try (RedisRelay slow = new RedisRelay(REDIS)) {
            RedisSlidingWindowLimiter limiter = limiter(slow.url(), PRODUCTION_TIMEOUT);
            assertThat(limiter.answers()).isTrue();
            slow.delayAnswers(Duration.ofMillis(400));

            ResilientLimiter decisions = new ResilientLimiter(limiter, FailurePolicy.FAIL_OPEN, Clock.systemUTC());
            assertThat(decisions.acquire("ip:a", 60, Duration.ofSeconds(60)).allowed()).isTrue();
            assertThat(decisions.failures()).as("a decision waits no longer than its 100 ms").isEqualTo(1);
            assertThat(limiter.answers()).as("readiness waits up to a second").isTrue();

            slow.delayAnswers(Duration.ofMillis(1500));
            long started = System.nanoTime();
            assertThat(limiter.answers()).isFalse();
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofMillis(1400));
        }
    }

    private RedisSlidingWindowLimiter limiter(URI redis) {
        return limiter(redis, TIMEOUT);
    }

    private RedisSlidingWindowLimiter limiter(URI redis, Duration timeout) {
        RedisSlidingWindowLimiter limiter = RedisSlidingWindowLimiter.connect(redis, timeout, 16, prefix);
        opened.add(limiter);
        return limiter;
    }

    private static URI closedPort() {
        return URI.create("redis://127.0.0.1:1");
    }
}
