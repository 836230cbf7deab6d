package io.fleetgate.limits;

import static io.fleetgate.limits.LimitsHttp.assertRateLimited;
import static io.fleetgate.limits.LimitsHttp.contractLimits;
import static io.fleetgate.limits.LimitsHttp.get;
import static io.fleetgate.limits.LimitsHttp.header;
import static io.fleetgate.limits.LimitsHttp.rateLimit;
import static io.fleetgate.testing.TestFleet.ALICE;
import static io.fleetgate.testing.TestFleet.NA_VIN;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fleetgate.account.GatewayTokenCheck;
import io.fleetgate.testing.GatewayHarness;
import io.fleetgate.testing.MutableClock;
import io.fleetgate.testing.RawHttp;
import io.fleetgate.testing.Tee;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 20, over HTTP with the memory backend on a clock the test moves by hand: every request on
 * the API port counts against its client IP, whatever its answer and before its token is looked
 * up, and the admin API holds failed authentications to a limit of their own. Fleetgate trusts
 * 127.0.0.1 as its proxy, so each test acts as clients of its own through {@code X-Forwarded-For}.
 */
class EveryRequestCountsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String VEHICLES = "/api/1/vehicles";
    private static final int ONE_MIB = 1024 * 1024;

    private static GatewayHarness harness;
    private static MutableClock clock;

    @BeforeAll
    static void start() {
        harness = contractLimits(GatewayHarness.builder().accounts(ALICE))
                .setting("fleetgate.limits.admin.failed-auth-per-window", "10")
                .setting("fleetgate.ingress.trusted-proxies", "127.0.0.1/32")
                .setting("camel.beans.rateLimitClock", "#class:" + MutableClock.class.getName())
                .start();
        clock = harness.gateway().context().getRegistry().lookupByNameAndType("rateLimitClock", MutableClock.class);
    }

    @AfterAll
    static void stop() {
        harness.close();
    }

    @Test
    void sixtyWrongTokensSpendTheWindowAndThenEvenTheRightTokenWaits() {
        String ip = "198.51.100.20";
        Instant t0 = clock.instant();
        long lookedUpBefore = tokenCheck().invalidTokens();
        int forwardedBefore = harness.simulator().requests().size();

        for (int i = 1; i <= 60; i++) {
            HttpResponse<byte[]> wrong = get(harness, ip, VEHICLES, "wrong-token-" + i);
            assertThat(wrong.statusCode()).as("request %d", i).isEqualTo(401);
            // counted: one fewer remaining, and the window frees when the first, sent at t0, is 60 s old
            long reset = Math.ceilDiv(60_000 - (i - 1) * 100, 1000);
            assertThat(rateLimit(wrong)).as("request %d", i).isEqualTo("60/" + (60 - i) + "/" + reset);
            clock.advance(Duration.ofMillis(100));
        }

        HttpResponse<byte[]> sixtyFirst = get(harness, ip, VEHICLES, "wrong-token-61");
        assertRateLimited(sixtyFirst, 54);
        // the limit is per IP, not per token: the right token from that address waits as well
        assertRateLimited(get(harness, ip, VEHICLES, ALICE.gatewayToken()), 54);
        assertRateLimited(harness.send("GET", VEHICLES + "?token=" + ALICE.gatewayToken(), Map.of("X-Forwarded-For", ip), null), 54);
        assertThat(tokenCheck().invalidTokens() - lookedUpBefore)
                .as("sixty tokens looked up, none of the refused requests' tokens").isEqualTo(60);
        assertThat(harness.simulator().requests()).as("nothing was forwarded").hasSize(forwardedBefore);

        // another address is unaffected
        HttpResponse<byte[]> elsewhere = get(harness, "198.51.100.21", VEHICLES, ALICE.gatewayToken());
        assertThat(elsewhere.statusCode()).isEqualTo(200);
        assertThat(rateLimit(elsewhere)).isEqualTo("60/59/60");

        // once the first wrong token is a window old, its slot is the right token's
        clock.set(t0.plus(Duration.ofSeconds(60)));
        HttpResponse<byte[]> freed = get(harness, ip, VEHICLES, ALICE.gatewayToken());
        assertThat(freed.statusCode()).isEqualTo(200);
        assertThat(rateLimit(freed)).isEqualTo("60/0/1");
    }

    @Test
    void noTokenAndAWrongQueryTokenCountLikeAWrongBearerToken() {
        String ip = "198.51.100.30";
        HttpResponse<byte[]> none = harness.send("GET", VEHICLES, Map.of("X-Forwarded-For", ip), null);
        HttpResponse<byte[]> query = harness.send("GET", VEHICLES + "?token=not-a-token", Map.of("X-Forwarded-For", ip), null);
        HttpResponse<byte[]> bearer = get(harness, ip, VEHICLES, "not-a-token");

        assertThat(List.of(none.statusCode(), query.statusCode(), bearer.statusCode())).containsOnly(401);
        assertThat(List.of(rateLimit(none), rateLimit(query), rateLimit(bearer))).containsExactly("60/59/60", "60/58/60", "60/57/60");
    }

    @Test
    void unknownPathsWrongMethodsBigBodiesAndOpenEndpointsCountOnceEach() throws Exception {
        String ip = "198.51.100.40";
        Map<String, String> asClient = Map.of("X-Forwarded-For", ip);
        Map<String, String> asAdmin = withForwardedFor(GatewayHarness.bearer(GatewayHarness.ADMIN_TOKEN), ip);
        Map<String, String> asAlice = withForwardedFor(GatewayHarness.bearer(ALICE.gatewayToken()), ip);
        byte[] tooBig = new byte[ONE_MIB + 1];
        List<Request> requests = List.of(
                new Request("GET", "/nothing/here", asClient, null, 404),
                new Request("GET", "/api/1/no_such_endpoint", asAlice, null, 404),
                new Request("DELETE", "/api/ping", asClient, null, 405),
                new Request("POST", "/api/1/vehicles/fleet_status", withJson(asAlice), tooBig, 413),
                new Request("GET", "/api/ping", asClient, null, 200),
                new Request("GET", "/api/openapi.json", asClient, null, 200),
                new Request("GET", "/api/key", asClient, null, -1),
                new Request("GET", "/.well-known/appspecific/com.tesla.3p.public-key.pem", asClient, null, -1),
                new Request("GET", "/admin/accounts", asAdmin, null, 200),
                new Request("GET", "/api/1/vehicles/" + NA_VIN, asAlice, null, 200));
        int remaining = 60;
        for (Request request : requests) {
            HttpResponse<byte[]> answer = harness.send(request.method(), request.path(), request.headers(), request.body());
            remaining--;
            if (request.status() > 0) {
                assertThat(answer.statusCode()).as("%s %s", request.method(), request.path()).isEqualTo(request.status());
            }
            assertThat(answer.statusCode()).as("%s %s", request.method(), request.path()).isNotEqualTo(429);
            assertThat(rateLimit(answer)).as("one count for %s %s", request.method(), request.path())
                    .isEqualTo("60/" + remaining + "/60");
        }
        while (remaining > 0) {
            assertThat(harness.send("GET", "/nothing/here", asClient, null).statusCode()).isEqualTo(404);
            remaining--;
        }

        // spent: whatever comes next is 429, before any route or token check, and with no body read
        for (Request request : requests) {
            HttpResponse<byte[]> refused = harness.send(request.method(), request.path(), request.headers(), request.body());
            assertRateLimited(refused, 60);
            assertThat(header(refused, "x-region")).isEqualTo("na");
        }
    }

    @Test
    void targetsTheServerCannotReadCountToo() {
        // refused on the server's own router, before the routes' router: raw non-ASCII bytes, a broken
        // percent-escape, and targets that are no path at all
        String ip = "198.51.100.45";
        RawHttp http = new RawHttp(URI.create(harness.url("/")).getPort(), Duration.ofSeconds(10));
        List<String[]> requests = List.of(new String[] {"GET", "/api/1/vehicles/caf\u00e9"}, new String[] {"GET", "/api/%zz"},
                new String[] {"GET", "/api/1/vehicles?vin=%"}, new String[] {"OPTIONS", "*"}, new String[] {"GET", "api/ping"});
        int remaining = 60;
        for (String[] request : requests) {
            RawHttp.Response answer = http.send(request[0], request[1], RawHttp.headers("X-Forwarded-For", ip), null, false);
            remaining--;
            assertThat(answer.status()).as("%s %s", request[0], request[1]).isIn(400, 404);
            assertThat(answer.header("RateLimit-Remaining")).as("%s %s", request[0], request[1]).hasValue(Integer.toString(remaining));
        }
    }

    @Test
    void theManagementPortIsNotCounted() throws Exception {
        // the only test here that calls without X-Forwarded-For: its client is 127.0.0.1 itself
        for (int i = 0; i < 70; i++) {
            HttpResponse<String> health = harness.httpClient().send(HttpRequest.newBuilder(
                    URI.create(harness.managementUrl("/observe/health"))).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(health.statusCode()).isEqualTo(200);
        }

        HttpResponse<byte[]> ping = harness.get("/api/ping", null);

        assertThat(ping.statusCode()).isEqualTo(200);
        assertThat(rateLimit(ping)).isEqualTo("60/59/60");
    }

    @Test
    void elevenFailedAdminAuthenticationsAndEveryAdminRequestAfterThemIs429() throws Exception {
        String ip = "198.51.100.50";
        Instant t0 = clock.instant();
        String log = captureLog(() -> {
            for (int i = 1; i <= 10; i++) {
                HttpResponse<byte[]> refused = admin(ip, "GET", "/admin/accounts", i % 2 == 0 ? null : "guess-" + i);
                assertThat(refused.statusCode()).as("attempt %d", i).isEqualTo(401);
                assertThat(header(refused, "RateLimit-Limit")).as("the per-IP limit's headers").isEqualTo("60");
                clock.advance(Duration.ofSeconds(1));
            }

            // the first failure, at t0, leaves the window at t0 + 60 s: 50 s from now
            HttpResponse<byte[]> eleventh = admin(ip, "GET", "/admin/accounts", "guess-11");
            assertAdminLimited(eleventh, 50);
            // every admin request from that address, the right token too, any admin path and method
            assertAdminLimited(admin(ip, "GET", "/admin/accounts", GatewayHarness.ADMIN_TOKEN), 50);
            assertAdminLimited(admin(ip, "POST", "/admin/accounts/alice/gateway-tokens", GatewayHarness.ADMIN_TOKEN), 50);
            clock.advance(Duration.ofSeconds(20));
            for (int i = 0; i < 60; i++) {
                assertAdminLimited(admin(ip, "GET", "/admin/accounts/alice", "guess-12"), 30);
            }
        });

        // the sixty-three refusals did not count against the address: its per-IP window holds the ten failures
        HttpResponse<byte[]> gateway = get(harness, ip, VEHICLES, ALICE.gatewayToken());
        assertThat(gateway.statusCode()).as("the gateway API is another matter: only the per-IP limit applies there")
                .isEqualTo(200);
        assertThat(rateLimit(gateway)).isEqualTo("60/49/30");

        // another address behind the trusted proxy has its own count
        assertThat(admin("198.51.100.51", "GET", "/admin/accounts", GatewayHarness.ADMIN_TOKEN).statusCode()).isEqualTo(200);
        // logged once for the address and this window, with the path and never a token
        List<String> lines = log.lines().filter(line -> line.contains("failed authentications from " + ip)).toList();
        assertThat(lines).hasSize(1);
        assertThat(lines.getFirst()).contains("GET /admin/accounts").doesNotContain("guess").doesNotContain(GatewayHarness.ADMIN_TOKEN);
        assertThat(log).doesNotContain("guess-");

        // once the first failure is a window old, one more attempt is allowed: a right one opens the API again
        clock.set(t0.plus(Duration.ofSeconds(60)));
        assertThat(admin(ip, "GET", "/admin/accounts", GatewayHarness.ADMIN_TOKEN).statusCode()).isEqualTo(200);
        assertThat(admin(ip, "GET", "/admin/accounts", GatewayHarness.ADMIN_TOKEN).statusCode())
                .as("successes do not count").isEqualTo(200);
        assertThat(admin(ip, "GET", "/admin/accounts", "guess-13").statusCode()).isEqualTo(401);
        assertAdminLimited(admin(ip, "GET", "/admin/accounts", GatewayHarness.ADMIN_TOKEN), 1);
    }

    @Test
    void anUntrustedClientsForwardedForDoesNotEscapeTheAdminLimit() throws Exception {
        // no trusted proxies (the default): every request comes from the socket peer, 127.0.0.1, whatever it claims
        try (GatewayHarness untrusting = contractLimits(GatewayHarness.builder().accounts(ALICE))
                .setting("fleetgate.limits.admin.failed-auth-per-window", "10").start()) {
            for (int i = 0; i < 10; i++) {
                assertThat(adminVia(untrusting, "10.9.8." + i, "guess-" + i).statusCode()).isEqualTo(401);
            }
            HttpResponse<byte[]> refused = adminVia(untrusting, "10.9.8.200", GatewayHarness.ADMIN_TOKEN);
            assertThat(refused.statusCode()).isEqualTo(429);
            assertThat(header(refused, "RateLimit-Limit")).isEqualTo("10");
        }
    }

    @Test
    void aThousandAddressesWithOneWrongTokenEachLeaveNothingBehindOnceTheWindowPasses() {
        InMemorySlidingWindowLimiter limiter = harness.gateway().context().getRegistry()
                .lookupByNameAndType("rateLimiter", InMemorySlidingWindowLimiter.class);
        for (int i = 0; i < 1000; i++) {
            String ip = "10.20." + (i >> 8) + "." + (i & 0xff);
            assertThat(get(harness, ip, VEHICLES, "wrong-" + i).statusCode()).isEqualTo(401);
            if (i % 10 == 0) {
                assertThat(admin(ip, "GET", "/admin/accounts", "wrong-" + i).statusCode()).isEqualTo(401);
            }
        }
        // a key per address and per address with a failed admin authentication, at least
        assertThat(limiter.trackedKeys()).isGreaterThanOrEqualTo(1100);

        // two windows later every one of them is idle: the next request sets off the sweep
        clock.advance(Duration.ofSeconds(120));
        get(harness, "10.21.0.1", VEHICLES, "wrong");
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> limiter.trackedKeys() <= 1);
    }

    private static void assertAdminLimited(HttpResponse<byte[]> response, long retryAfter) throws Exception {
        assertThat(response.statusCode()).isEqualTo(429);
        assertThat(header(response, "Retry-After")).isEqualTo(Long.toString(retryAfter));
        assertThat(rateLimit(response)).isEqualTo("10/0/" + retryAfter);
        var body = JSON.readTree(response.body());
        assertThat(body.get("error").asText()).isEqualTo("rate_limited");
        assertThat(body.get("error_description").asText()).startsWith("Too many failed admin authentications");
    }

    private static HttpResponse<byte[]> adminVia(GatewayHarness gateway, String forwardedFor, String token) {
        return gateway.send("GET", "/admin/accounts", Map.of("X-Forwarded-For", forwardedFor, "Authorization", "Bearer " + token), null);
    }

    private static HttpResponse<byte[]> admin(String ip, String method, String path, String token) {
        Map<String, String> headers = new HashMap<>();
        headers.put("X-Forwarded-For", ip);
        if (token != null) {
            headers.put("Authorization", "Bearer " + token);
        }
        byte[] body = method.equals("POST") ? "{\"name\":\"x\"}".getBytes(StandardCharsets.UTF_8) : null;
        if (body != null) {
            headers.put("Content-Type", "application/json");
        }
        return harness.send(method, path, headers, body);
    }

    private static GatewayTokenCheck tokenCheck() {
        return harness.gateway().context().getRegistry().lookupByNameAndType("gatewayTokenCheck", GatewayTokenCheck.class);
    }

    private static Map<String, String> withForwardedFor(Map<String, String> headers, String ip) {
        Map<String, String> all = new HashMap<>(headers);
        all.put("X-Forwarded-For", ip);
        return all;
    }

    private static Map<String, String> withJson(Map<String, String> headers) {
        Map<String, String> all = new HashMap<>(headers);
        all.put("Content-Type", "application/json");
        return all;
    }

    /** What Fleetgate logs while {@code body} runs (slf4j-simple writes to whatever System.err is then). */
    private static String captureLog(ThrowingRunnable body) throws Exception {
        PrintStream stderr = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(new Tee(captured, stderr), true, StandardCharsets.UTF_8));
        try {
            body.run();
        } finally {
            System.setErr(stderr);
        }
        return captured.toString(StandardCharsets.UTF_8);
    }

    private interface ThrowingRunnable {
        void run() throws Exception;
    }

    /** @param status the expected answer, or -1 when any answer but 429 will do */
    private record Request(String method, String path, Map<String, String> headers, byte[] body, int status) {
    }
}
