package io.fleetgate.limits.bench;

import io.fleetgate.limits.InMemorySlidingWindowLimiter;
import io.fleetgate.limits.RedisSlidingWindowLimiter;
import io.fleetgate.limits.SlidingWindowLimiter;
import io.fleetgate.testing.TestRedis;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.params.ScanParams;

/**
 * What one rate-limit decision costs, for each backend, with 1,000 and 100,000 client IPs in play
 * (limit 60 per 60 s, keys taken in turn). It prints numbers and asserts nothing. Run it with
 * {@code mvn -o test -Dtest=LimiterBenchmark -Dfleetgate.excluded.groups=none -Dsurefire.failIfNoSpecifiedTests=false}
 * (the output lands in {@code target/surefire-reports/io.fleetgate.limits.bench.LimiterBenchmark-output.txt}),
 * or through {@link #main}. Redis: {@code -Dfleetgate.test.redis-url}, default {@code redis://127.0.0.1:6379}.
 */
@Tag("benchmark")
class LimiterBenchmark {
    private static final URI REDIS = TestRedis.URL;
    private static final Duration WINDOW = Duration.ofSeconds(60);
    private static final int LIMIT = 60;
    private static final int CORES = Runtime.getRuntime().availableProcessors();
    // Redis calls mostly wait on the network, so more threads than cores keep it busy
    private static final int REDIS_THREADS = 8;

    public static void main(String[] args) throws Exception {
        new LimiterBenchmark().measure();
    }

    @Test
    void measure() throws Exception {
        System.out.printf("%d cores. latency = wall time per call in one thread; with several threads, wall time x threads / calls%n", CORES);
        System.out.printf("%-7s %8s %8s %10s %12s %10s %9s%n", "backend", "keys", "threads", "calls", "latency ns", "calls/s", "allowed");
        for (int keys : new int[] {1_000, 100_000}) {
            InMemorySlidingWindowLimiter memory = new InMemorySlidingWindowLimiter(Clock.systemUTC());
            run("memory", memory, keys, 1, 500_000, false);
            run("memory", memory, keys, 1, 2_000_000, true);
            run("memory", memory, keys, CORES, 4_000_000, true);
        }
        memoryFootprint();

        String prefix = TestRedis.uniquePrefix("fleetgate-bench");
        try (RedisSlidingWindowLimiter redis = RedisSlidingWindowLimiter.connect(REDIS, Duration.ofMillis(100), 32, prefix);
                RedisClient inspector = RedisClient.create(REDIS)) {
            for (int keys : new int[] {1_000, 100_000}) {
                run("redis", redis, keys, 1, 20_000, false);
                run("redis", redis, keys, 1, 30_000, true);
                run("redis", redis, keys, REDIS_THREADS, Math.max(100_000, 2 * keys), true);
            }
            redisFootprint(inspector, prefix);
            TestRedis.deleteKeys(inspector, prefix);
        }
    }

    private static void run(String backend, SlidingWindowLimiter limiter, int keys, int threads, int ops, boolean print)
            throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String[] names = new String[keys];
        for (int i = 0; i < keys; i++) {
            names[i] = "ip:" + run + ":" + i;
        }
        LongAdder allowed = new LongAdder();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            long started = System.nanoTime();
            List<Future<?>> parts = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int offset = t;
                parts.add(pool.submit(() -> {
                    int admitted = 0;
                    for (int i = offset; i < ops; i += threads) {
                        if (limiter.acquire(names[i % keys], LIMIT, WINDOW).allowed()) {
                            admitted++;
                        }
                    }
                    allowed.add(admitted);
                }));
            }
            for (Future<?> part : parts) {
                part.get();
            }
            long elapsed = System.nanoTime() - started;
            if (print) {
                System.out.printf(Locale.ROOT, "%-7s %8d %8d %10d %12.0f %10.0f %8.1f%%%n", backend, keys, threads, ops,
                        (double) elapsed * threads / ops, ops * 1e9 / elapsed, 100.0 * allowed.sum() / ops);
            }
        } finally {
            pool.shutdown();
        }
    }

    private static void memoryFootprint() {
        InMemorySlidingWindowLimiter limiter = new InMemorySlidingWindowLimiter(Clock.systemUTC());
        long before = usedHeap();
        for (int i = 0; i < 100_000; i++) {
            limiter.acquire("ip:10." + (i >> 16) + "." + ((i >> 8) & 0xff) + "." + (i & 0xff), LIMIT, WINDOW);
        }
        long after = usedHeap();
        long sweepStarted = System.nanoTime();
        limiter.sweep();
        long sweepNanos = System.nanoTime() - sweepStarted;
        System.out.printf(Locale.ROOT, "memory: 100,000 keys with one request each take ~%d bytes/key of heap;"
                + " a sweep over them (none idle yet) takes %.1f ms; tracked keys: %d%n",
                (after - before) / 100_000, sweepNanos / 1e6, limiter.trackedKeys());
    }

    private static void redisFootprint(RedisClient inspector, String prefix) {
        String sample = inspector.scan(ScanParams.SCAN_POINTER_START, new ScanParams().match(prefix + "*").count(1000))
                .getResult().stream().findFirst().orElse(null);
        if (sample != null) {
            System.out.printf("redis: a key with %d requests takes %d bytes (MEMORY USAGE), expires in %d ms%n",
                    inspector.zcard(sample), inspector.memoryUsage(sample), inspector.pttl(sample));
        }
    }

    private static long usedHeap() {
        Runtime runtime = Runtime.getRuntime();
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return runtime.totalMemory() - runtime.freeMemory();
    }
}
