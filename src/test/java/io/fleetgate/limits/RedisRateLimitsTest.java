package io.fleetgate.limits;

import static io.fleetgate.limits.LimitsHttp.assertRateLimited;
import static io.fleetgate.limits.LimitsHttp.contractLimits;
import static io.fleetgate.limits.LimitsHttp.get;
import static io.fleetgate.limits.LimitsHttp.header;
import static io.fleetgate.testing.TestFleet.ALICE;
import static io.fleetgate.testing.TestFleet.NA_SITE;
import static io.fleetgate.testing.TestFleet.NA_VIN;
import static org.assertj.core.api.Assertions.assertThat;

import io.fleetgate.testing.GatewayHarness;
import io.fleetgate.testing.TestRedis;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.RedisClient;

/**
 * CONTRACT section 3 with the Redis backend, over HTTP, against the real Redis (default
 * {@code redis://127.0.0.1:6379}, or {@code -Dfleetgate.test.redis-url}). Redis's clock decides
 * the windows, so the one test of a slot freeing waits for it, on a four-second window. Two
 * instances on the contract's limits serve the tests that need no settings of their own, each
 * test with client addresses of its own (a budget each) and the simulators' logs cleared first.
 */
class RedisRateLimitsTest {
    private static final URI REDIS = TestRedis.URL;
    private static final String PREFIX = TestRedis.uniquePrefix("fleetgate-test");
    private static final String VEHICLES = "/api/1/vehicles";

    private static RedisClient inspector;
    private static GatewayHarness a;
    private static GatewayHarness b;

    @BeforeAll
    static void connect() {
        inspector = TestRedis.inspector();
        a = sharedInstance().start();
        b = sharedInstance().start();
    }

    @BeforeEach
    void clearSimulators() {
        a.simulator().clearRequests();
        b.simulator().clearRequests();
    }

    @AfterAll
    static void cleanUp() {
        try (GatewayHarness first = a; GatewayHarness second = b) {
            TestRedis.deleteKeys(inspector, PREFIX);
            inspector.close();
        }
    }

    /** The admin limit of failed authentications lowered to ten: no other test here touches /admin. */
    private static GatewayHarness.Builder sharedInstance() {
        return onRedis(REDIS).setting("fleetgate.limits.admin.failed-auth-per-window", "10");
    }

    @Test
    void twoInstancesSharingRedisAcceptSixtyPerIpBetweenThem() throws Exception {
        String ip = "198.51.100.7";
        ExecutorService callers = Executors.newFixedThreadPool(8);
        List<Future<HttpResponse<byte[]>>> calls = new ArrayList<>();
        long firstSent = System.nanoTime();
        for (int i = 0; i < 80; i++) {
            GatewayHarness instance = i % 2 == 0 ? a : b;
            calls.add(callers.submit(() -> get(instance, ip, VEHICLES, ALICE.gatewayToken())));
        }
        int accepted = 0;
        for (Future<HttpResponse<byte[]>> call : calls) {
            HttpResponse<byte[]> response = call.get();
            if (response.statusCode() == 200) {
                accepted++;
            } else {
                long retryAfter = Long.parseLong(header(response, "Retry-After"));
                // the oldest of the sixty frees a window after it was sent
                assertThat(retryAfter).isBetween(59L - Duration.ofNanos(System.nanoTime() - firstSent).toSeconds(), 60L);
                assertRateLimited(response, retryAfter);
            }
        }
        callers.shutdown();

        assertThat(accepted).isEqualTo(60);
        assertThat(a.simulator().requests().size() + b.simulator().requests().size()).isEqualTo(60);
        assertThat(inspector.zcard(PREFIX + "ip:" + ip)).isEqualTo(60);
    }

    @Test
    void onRedisASlotFreesWhenTheOldestRequestLeavesTheWindow() throws Exception {
        String ip = "198.51.100.8";
        // a 6 s window: each check below has seconds of room on a loaded machine (with 4 s, a CI run's
        // five requests took so long that the "still full" one came after the first had left)
        Duration window = Duration.ofSeconds(6);
        try (GatewayHarness gateway = onRedis(REDIS).setting("fleetgate.limits.window-seconds", Long.toString(window.toSeconds()))
                .setting("fleetgate.limits.ip.per-window", "5").start()) {
            long beforeFirst = System.nanoTime();
            assertThat(get(gateway, ip, VEHICLES, ALICE.gatewayToken()).statusCode()).isEqualTo(200);
            long afterFirst = System.nanoTime();
            for (int i = 2; i <= 5; i++) {
                assertThat(get(gateway, ip, VEHICLES, ALICE.gatewayToken()).statusCode()).as("request %d", i).isEqualTo(200);
            }
            HttpResponse<byte[]> sixth = get(gateway, ip, VEHICLES, ALICE.gatewayToken());
            assertThat(sixth.statusCode()).isEqualTo(429);
            assertThat(Long.parseLong(header(sixth, "Retry-After"))).isBetween(1L, window.toSeconds());

            // the first request was counted no earlier than beforeFirst: it is in the window until 6 s later
            sleepUntil(beforeFirst + window.minusMillis(2500).toNanos());
            long stillFullSent = System.nanoTime();
            HttpResponse<byte[]> stillFull = get(gateway, ip, VEHICLES, ALICE.gatewayToken());
            assertThat(stillFull.statusCode()).isEqualTo(429);
            // its slot frees once the window has passed since it was counted, no later than afterFirst: at
            // most about 2.5 s later, more when the first request was slow (a CI run: 3 s after a 0.5 s first)
            long retryAfter = Long.parseLong(header(stillFull, "Retry-After"));
            long freesWithinNanos = afterFirst + window.toNanos() - stillFullSent;
            assertThat(retryAfter).isBetween(1L, Math.max(3L, (freesWithinNanos + 999_999_999L) / 1_000_000_000L));
            assertRateLimited(stillFull, retryAfter);

            // ... and no later than afterFirst: a window after that, its slot is free
            sleepUntil(afterFirst + window.plusMillis(50).toNanos());
            HttpResponse<byte[]> freed = get(gateway, ip, VEHICLES, ALICE.gatewayToken());
            assertThat(freed.statusCode()).isEqualTo(200);
            assertThat(header(freed, "RateLimit-Limit")).isEqualTo("5");
        }
    }

    @Test
    void onRedisWrongTokensCountAndThenEvenTheRightTokenIsRefused() {
        String ip = "198.51.100.10";
        long firstSent = System.nanoTime();
        for (int i = 1; i <= 60; i++) {
            HttpResponse<byte[]> wrong = get(a, ip, VEHICLES, "wrong-token-" + i);
            assertThat(wrong.statusCode()).as("request %d", i).isEqualTo(401);
            assertThat(header(wrong, "RateLimit-Remaining")).isEqualTo(Integer.toString(60 - i));
        }

        HttpResponse<byte[]> sixtyFirst = get(a, ip, VEHICLES, "wrong-token-61");
        assertRateLimited(sixtyFirst, Long.parseLong(header(sixtyFirst, "Retry-After")));
        HttpResponse<byte[]> right = get(a, ip, VEHICLES, ALICE.gatewayToken());
        assertThat(right.statusCode()).isEqualTo(429);
        // the oldest of the sixty frees a window after it was sent
        long elapsed = Duration.ofNanos(System.nanoTime() - firstSent).toSeconds();
        assertThat(Long.parseLong(header(right, "Retry-After"))).isBetween(59L - elapsed, 60L);

        assertThat(inspector.zcard(PREFIX + "ip:" + ip)).as("the refused requests were not counted").isEqualTo(60);
        assertThat(inspector.pttl(PREFIX + "ip:" + ip)).as("the key goes when its window empties").isBetween(1L, 60_000L);
        assertThat(a.simulator().requests()).isEmpty();
    }

    @Test
    void twoInstancesSharingRedisHoldAnEnergySiteToThirtyBetweenThem() throws Exception {
        // the site is decided on the event loop without waiting for Redis (its blocking form
        // refuses to run there: a step that waited would answer 500, not 200 or 429)
        String site = "/api/1/energy_sites/" + NA_SITE + "/live_status";
        ExecutorService callers = Executors.newFixedThreadPool(8);
        List<Future<HttpResponse<byte[]>>> calls = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            GatewayHarness instance = i % 2 == 0 ? a : b;
            String ip = "198.51.100." + (20 + i % 4);
            calls.add(callers.submit(() -> get(instance, ip, site, ALICE.gatewayToken())));
        }
        int accepted = 0;
        for (Future<HttpResponse<byte[]>> call : calls) {
            HttpResponse<byte[]> response = call.get();
            assertThat(response.statusCode()).isIn(200, 429);
            if (response.statusCode() == 200) {
                accepted++;
            } else {
                assertThat(header(response, "RateLimit-Limit")).as("the site's limit refused it").isEqualTo("30");
                assertRateLimited(response, Long.parseLong(header(response, "Retry-After")));
            }
        }
        callers.shutdown();

        assertThat(accepted).isEqualTo(30);
        assertThat(a.simulator().requests(String.valueOf(NA_SITE)).size()
                + b.simulator().requests(String.valueOf(NA_SITE)).size()).isEqualTo(30);
        assertThat(inspector.zcard(PREFIX + "site:" + NA_SITE)).isEqualTo(30);
        long countedByIp = 0;
        for (int i = 0; i < 4; i++) {
            countedByIp += inspector.zcard(PREFIX + "ip:198.51.100." + (20 + i));
        }
        assertThat(countedByIp).as("the ten the site refused were taken back off their addresses").isEqualTo(30);
    }

    @Test
    void onRedisABodyWaitsForItsRouteWhileTheAddressIsDecided() {
        // the decision is made off the event loop with the request paused: the body must still arrive whole
        String body = "{\"vins\":[\"" + NA_VIN + "\"]}";
        HttpResponse<byte[]> answer = a.send("POST", "/api/1/vehicles/fleet_status",
                Map.of("X-Forwarded-For", "198.51.100.11", "Authorization", "Bearer " + ALICE.gatewayToken(),
                        "Content-Type", "application/json"), body.getBytes(StandardCharsets.UTF_8));

        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(header(answer, "RateLimit-Remaining")).isEqualTo("59");
        assertThat(a.simulator().requests().getFirst().body()).contains(NA_VIN);
    }

    @Test
    void twoInstancesSharingRedisShareTheAdminLimitOfFailedAuthentications() {
        String ip = "198.51.100.12";
        long firstSent = System.nanoTime();
        for (int i = 0; i < 10; i++) {
            assertThat(admin(i % 2 == 0 ? a : b, ip, "guess-" + i).statusCode()).as("attempt %d", i + 1).isEqualTo(401);
        }

        for (GatewayHarness instance : List.of(a, b)) {
            HttpResponse<byte[]> refused = admin(instance, ip, GatewayHarness.ADMIN_TOKEN);
            assertThat(refused.statusCode()).isEqualTo(429);
            assertThat(header(refused, "RateLimit-Limit")).isEqualTo("10");
            assertThat(Long.parseLong(header(refused, "Retry-After")))
                    .isBetween(59L - Duration.ofNanos(System.nanoTime() - firstSent).toSeconds(), 60L);
        }
        assertThat(inspector.zcard(PREFIX + "admin-auth:" + ip)).isEqualTo(10);
        // the ten failures counted against the address, the two refusals did not
        assertThat(inspector.zcard(PREFIX + "ip:" + ip)).isEqualTo(10);
        assertThat(admin(a, "198.51.100.13", GatewayHarness.ADMIN_TOKEN).statusCode()).isEqualTo(200);
    }

    /**
     * Well inside the 5 s Redis timeout these tests set (a request that waited it out would take
     * longer), with room for a loaded CI machine: one such request once took 1.2 s there.
     */
    private static final Duration AT_ONCE = Duration.ofMillis(2500);

    @Test
    void whenRedisGoesAwayTheFailurePolicyAnswersAtOnce() throws Exception {
        String ip = "198.51.100.9";
        try (RedisRelay redis = new RedisRelay(REDIS);
                GatewayHarness failOpen = onRedis(redis.url()).start();
                GatewayHarness failClosed = onRedis(redis.url()).setting("fleetgate.limits.failure-policy", "fail-closed").start()) {
            // while Redis answers, both count against one budget
            assertThat(header(get(failOpen, ip, VEHICLES, ALICE.gatewayToken()), "RateLimit-Remaining")).isEqualTo("59");
            assertThat(header(get(failClosed, ip, VEHICLES, ALICE.gatewayToken()), "RateLimit-Remaining")).isEqualTo("58");

            redis.stop();

            for (int i = 0; i < 3; i++) {
                long started = System.nanoTime();
                HttpResponse<byte[]> admitted = get(failOpen, ip, VEHICLES, ALICE.gatewayToken());
                assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(AT_ONCE);
                assertThat(admitted.statusCode()).isEqualTo(200);
                // admitted uncounted: the whole limit is reported as remaining
                assertThat(header(admitted, "RateLimit-Remaining")).isEqualTo("60");

                started = System.nanoTime();
                HttpResponse<byte[]> refused = get(failClosed, ip, VEHICLES, ALICE.gatewayToken());
                assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(AT_ONCE);
                assertRateLimited(refused, 1);
            }
            assertThat(failOpen.simulator().requests()).hasSize(4);
            assertThat(failClosed.simulator().requests()).hasSize(1);
            assertThat(storeFailures(failOpen)).isEqualTo(3);
            assertThat(storeFailures(failClosed)).isEqualTo(3);
        }
    }

    private static GatewayHarness.Builder onRedis(URI redis) {
        return contractLimits(GatewayHarness.builder().accounts(ALICE))
                .setting("fleetgate.limits.backend", "redis")
                .setting("fleetgate.limits.redis.url", redis.toString())
                .setting("fleetgate.limits.redis.key-prefix", PREFIX)
                // production's 100 ms is too short for a loaded machine opening new connections (a CI run
                // once took over 2 s to connect, and the first request then went through uncounted)
                .setting("fleetgate.limits.redis.timeout-ms", "5000")
                // each test names its own client address, so each has a budget of its own
                .setting("fleetgate.ingress.trusted-proxies", "127.0.0.1/32");
    }

    private static HttpResponse<byte[]> admin(GatewayHarness gateway, String forwardedFor, String token) {
        return gateway.send("GET", "/admin/accounts", Map.of("X-Forwarded-For", forwardedFor, "Authorization", "Bearer " + token), null);
    }

    private static long storeFailures(GatewayHarness gateway) {
        return gateway.gateway().context().getRegistry().lookupByNameAndType("rateLimiter", ResilientLimiter.class).failures();
    }

    private static void sleepUntil(long nanoTime) throws InterruptedException {
        long left = nanoTime - System.nanoTime();
        if (left > 0) {
            Thread.sleep(Duration.ofNanos(left));
        }
    }
}
