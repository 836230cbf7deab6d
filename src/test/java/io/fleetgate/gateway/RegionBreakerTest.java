package io.fleetgate.gateway;

import static io.fleetgate.gateway.TokenCheckTest.assertError;
import static io.fleetgate.testing.TestFleet.ALICE;
import static io.fleetgate.testing.TestFleet.BERND;
import static io.fleetgate.testing.TestFleet.CHEN;
import static io.fleetgate.testing.TestFleet.CN_VIN;
import static io.fleetgate.testing.TestFleet.EU_VIN;
import static io.fleetgate.testing.TestFleet.NA_VIN;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fleetgate.sim.RecordedRequest;
import io.fleetgate.testing.GatewayHarness;
import io.fleetgate.testing.GatewayPerClass;
import io.fleetgate.testing.ScrapedMetrics;
import io.fleetgate.testing.SimControl;
import io.fleetgate.testing.Tee;
import io.fleetgate.testing.TestAccount;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * CONTRACT section 9: a circuit breaker per regional Fleet API host. Here it opens when half of
 * the last 4 calls failed (at least 4 made), stays open 2 s and closes after 2 good probes; the
 * shipped numbers are in ContractDefaultsTest. Upstream answers wait 800 ms at most.
 */
class RegionBreakerTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String READ = "/vehicle_data";

    @RegisterExtension
    static final GatewayPerClass GATEWAY = new GatewayPerClass(() -> GatewayHarness.builder().accounts(ALICE, BERND, CHEN)
            .setting("fleetgate.breaker.failure-rate-percent", "50")
            .setting("fleetgate.breaker.window-size", "4")
            .setting("fleetgate.breaker.minimum-calls", "4")
            .setting("fleetgate.breaker.open-wait-ms", "2000")
            .setting("fleetgate.breaker.half-open-calls", "2")
            .setting("fleetgate.upstream.response-timeout-ms", "800")
            .start());

    @AfterEach
    void everyBreakerClosesAgain() {
        harness().simulator().reset();
        awaitClosed("na", ALICE, NA_VIN);
        awaitClosed("eu", BERND, EU_VIN);
        awaitClosed("cn", CHEN, CN_VIN);
    }

    @Test
    void aRegionAnswering5xxIsCutOffUntilHalfOpenProbesFindItBack() throws Exception {
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream originalErr = System.err;
        System.setErr(new PrintStream(new Tee(captured, originalErr), true, StandardCharsets.UTF_8));
        try {
            script(NA_VIN, null, "{\"status\":503},".repeat(30) + "{\"status\":503}");
            // Tesla's own 503s pass through unchanged while the breaker counts them, until half of
            // the last 4 calls have failed (2 to 4 of them, as earlier tests' calls are in the window)
            int passedThrough = 0;
            while (state("na") != 1) {
                HttpResponse<byte[]> answer = read(ALICE, NA_VIN);
                assertThat(answer.statusCode()).isEqualTo(503);
                assertThat(JSON.readTree(answer.body()).get("error").asText()).startsWith("upstream internal error");
                assertThat(++passedThrough).isLessThanOrEqualTo(4);
            }
            assertThat(passedThrough).isGreaterThanOrEqualTo(2);

            harness().simulator().clearRequests();
            long started = System.nanoTime();
            HttpResponse<byte[]> refused = read(ALICE, NA_VIN);
            long millis = (System.nanoTime() - started) / 1_000_000;
            assertError(refused, 503, "upstream_unavailable");
            assertThat(refused.headers().firstValue("x-region")).contains("na");
            assertThat(refused.headers().firstValue("Retry-After")).hasValueSatisfying(
                    seconds -> assertThat(Integer.parseInt(seconds)).isBetween(1, 2));
            assertThat(millis).as("refused without calling upstream").isLessThan(1000);
            // the whole region, not only the failing vehicle; nothing reaches it
            assertError(harness().get("/api/1/vehicles", ALICE.gatewayToken()), 503, "upstream_unavailable");
            assertThat(harness().simulator().requests()).isEmpty();

            // the other regions are unaffected
            assertThat(read(BERND, EU_VIN).statusCode()).isEqualTo(200);
            assertThat(read(CHEN, CN_VIN).statusCode()).isEqualTo(200);
            assertThat(state("eu")).isZero();
            assertThat(state("cn")).isZero();

            // the region recovers; once the open wait is over, two good probes close the breaker
            harness().simulator().reset();
            Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> state("na") == 2);
            assertThat(read(ALICE, NA_VIN).statusCode()).isEqualTo(200);
            assertThat(read(ALICE, NA_VIN).statusCode()).isEqualTo(200);
            assertThat(state("na")).isZero();
            assertThat(read(ALICE, NA_VIN).statusCode()).isEqualTo(200);
            assertThat(harness().simulator().requests(NA_VIN)).hasSize(3);
        } finally {
            System.setErr(originalErr);
        }
        String log = captured.toString(StandardCharsets.UTF_8);
        assertThat(count(log, "upstream circuit breaker na: CLOSED -> OPEN")).isEqualTo(1);
        assertThat(count(log, "upstream circuit breaker na: OPEN -> HALF_OPEN")).isEqualTo(1);
        assertThat(count(log, "upstream circuit breaker na: HALF_OPEN -> CLOSED")).isEqualTo(1);
        assertThat(count(log, "upstream circuit breaker eu:")).isZero();
        assertThat(log).contains("WARN").doesNotContain(ALICE.teslaToken()).doesNotContain(ALICE.gatewayToken());
    }

    @Test
    void teslasClientErrorsNeverOpenIt() {
        script(EU_VIN, READ, "{\"status\":404},{\"status\":403},".repeat(10) + "{\"status\":404}");
        for (int i = 0; i < 21; i++) {
            assertThat(read(BERND, EU_VIN).statusCode()).isIn(403, 404);
        }
        assertThat(state("eu")).isZero();
        assertThat(read(BERND, EU_VIN).statusCode()).isEqualTo(200);
        assertThat(harness().simulator().requests(EU_VIN)).hasSize(22);
    }

    @Test
    void timeoutsOpenItLikeServerErrors() {
        // after 4 good calls, two that Tesla answers after 2 s, when the calls have given up at
        // 800 ms (504 upstream_timeout): half of the last 4 calls failed
        for (int i = 0; i < 4; i++) {
            assertThat(read(BERND, EU_VIN).statusCode()).isEqualTo(200);
        }
        script(EU_VIN, READ, "{\"status\":200,\"latency_ms\":2000},{\"status\":200,\"latency_ms\":2000}");
        for (int i = 0; i < 2; i++) {
            assertError(read(BERND, EU_VIN), 504, "upstream_timeout");
        }
        assertThat(state("eu")).isEqualTo(1);
        int calls = harness().simulator().requests(EU_VIN).size();
        long started = System.nanoTime();
        assertError(read(BERND, EU_VIN), 503, "upstream_unavailable");
        // refused without a call: well within the 800 ms a call may take (a loaded host's stall aside)
        assertThat(harness().simulator().requests(EU_VIN)).hasSize(calls);
        assertThat((System.nanoTime() - started) / 1_000_000).isLessThan(1500);
        assertThat(read(ALICE, NA_VIN).statusCode()).isEqualTo(200);
    }

    @Test
    void aCommandMeetingAnOpenBreakerIsRetriedAndGoesThroughOnceTheRegionIsBack() throws Exception {
        openNa();
        harness().simulator().clearRequests();
        // retries back off from 100 ms within a 10 s budget; the breaker half-opens after 2 s
        HttpResponse<byte[]> answer = harness().post("/api/1/vehicles/" + NA_VIN + "/command/flash_lights", ALICE.gatewayToken(), "{}");
        assertThat(answer.statusCode()).as(new String(answer.body(), StandardCharsets.UTF_8)).isEqualTo(200);
        assertThat(JSON.readTree(answer.body()).at("/response/result").asBoolean()).isTrue();
        assertThat(Integer.parseInt(answer.headers().firstValue("x-fleetgate-attempts").orElseThrow())).isGreaterThan(1);
        List<RecordedRequest> calls = harness().simulator().requests(NA_VIN);
        assertThat(calls).filteredOn(r -> r.path().endsWith("/command/flash_lights")).extracting(RecordedRequest::status)
                .containsExactly(200);
    }

    @Test
    void aCommandWhoseRegionStaysDownGetsA503AfterItsRetriesNeverA500() throws Exception {
        script(NA_VIN, null, "{\"status\":503},".repeat(60) + "{\"status\":503}");
        long started = System.nanoTime();
        HttpResponse<byte[]> answer = harness().post("/api/1/vehicles/" + NA_VIN + "/command/honk_horn", ALICE.gatewayToken(), "{}");
        long millis = (System.nanoTime() - started) / 1_000_000;
        assertThat(answer.statusCode()).as(new String(answer.body(), StandardCharsets.UTF_8)).isEqualTo(503);
        assertThat(JSON.readTree(answer.body()).get("response").isNull()).isTrue();
        assertThat(millis).as("within the 10 s budget").isLessThan(11_000);
        // the breaker kept most attempts from reaching the failing region
        long commandCalls = harness().simulator().requests(NA_VIN).stream().filter(r -> r.path().endsWith("/honk_horn")).count();
        assertThat(commandCalls).isLessThan(Long.parseLong(answer.headers().firstValue("x-fleetgate-attempts").orElseThrow()));
    }

    private static void openNa() {
        script(NA_VIN, READ, "{\"status\":502},".repeat(3) + "{\"status\":502}");
        for (int i = 0; i < 4 && state("na") != 1; i++) {
            assertThat(read(ALICE, NA_VIN).statusCode()).isEqualTo(502);
        }
        assertThat(state("na")).isEqualTo(1);
    }

    /** Lets the region's breaker half-open and sends reads until the probes have closed it. */
    private static void awaitClosed(String region, TestAccount account, String vin) {
        Awaitility.await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200)).until(() -> {
            if (state(region) != 0) {
                read(account, vin);
            }
            return state(region) == 0;
        });
    }

    private static double state(String region) {
        return ScrapedMetrics.value(harness(), "fleetgate_upstream_breaker_state{region=\"" + region + "\"}");
    }

    private static HttpResponse<byte[]> read(TestAccount account, String vin) {
        return harness().get("/api/1/vehicles/" + vin + READ, account.gatewayToken());
    }

    private static void script(String vin, String path, String responses) {
        new SimControl(harness().simulator()).script("{\"vin\":\"%s\",%s\"responses\":[%s]}".formatted(vin,
                path == null ? "" : "\"path\":\"" + path + "\",", responses));
    }

    private static int count(String text, String fragment) {
        Matcher m = Pattern.compile(Pattern.quote(fragment)).matcher(text);
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }

    private static GatewayHarness harness() {
        return GATEWAY.harness();
    }
}
