package io.fleetgate.command;

import static io.fleetgate.testing.CommandFleet.commandCalls;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fleetgate.sim.RecordedRequest;
import io.fleetgate.testing.CommandFleet;
import io.fleetgate.testing.GatewayHarness;
import io.fleetgate.testing.SimControl;
import io.fleetgate.testing.TestAccount;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The retry table over real HTTP: backoff from 100 ms and the harness's 10 s budget here (the caps
 * by count and by budget have harnesses of their own), so waits are short and a loaded machine
 * still fits them in the budget; RetryPolicyTest holds the same rows at the contract's numbers.
 */
class CommandRetriesTest {
    private static final TestAccount OPS = CommandFleet.account();
    private static final CommandFleet.Vins VINS = new CommandFleet.Vins();
    private static GatewayHarness harness;

    @BeforeAll
    static void start() {
        harness = GatewayHarness.builder().fleet(CommandFleet.fleet()).accounts(OPS)
                .setting("fleetgate.retries.initial-backoff-ms", "100")
                // room for a 429's 1 s Retry-After after a 424 on a loaded machine: with 3 s, a stall of
                // a few seconds in CI made the 429 the answer
                .setting("fleetgate.retries.budget-ms", "10000")
                .start();
    }

    @AfterAll
    static void stop() {
        harness.close();
    }

    @Test
    void a424AndA429AreRetriedUntilTheCommandGoesThrough() {
        String vin = online();
        script(vin, "/command/flash_lights", "{\"status\":424},{\"status\":429,\"headers\":{\"Retry-After\":\"1\"}},{\"status\":200}");
        HttpResponse<byte[]> response = command(vin, "flash_lights");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("x-fleetgate-attempts")).contains("3");
        List<RecordedRequest> calls = commandCalls(harness.simulator().requests(vin));
        assertThat(calls).extracting(RecordedRequest::status).containsExactly(424, 429, 200);
        // the audit event records each attempt and the wait chosen after it (CONTRACT section 5)
        com.fasterxml.jackson.databind.JsonNode log = attemptLog(harness, "\"vin\":\"" + vin + "\"");
        assertThat(log).extracting(entry -> entry.get("status").asInt()).containsExactly(424, 429, 200);
        assertThat(log).extracting(entry -> entry.get("next_after_ms").isNull() ? null : entry.get("next_after_ms").asLong())
                .containsExactly(100L, 1000L, null);
        assertThat(log).extracting(entry -> entry.get("outcome").isNull()).as("unsigned: no verdict").containsOnly(true);
        // 100 ms backoff after the 424, then the 429's Retry-After of 1 s
        assertThat(Duration.between(calls.get(0).at(), calls.get(1).at())).isGreaterThanOrEqualTo(Duration.ofMillis(90));
        assertThat(Duration.between(calls.get(1).at(), calls.get(2).at())).isGreaterThanOrEqualTo(Duration.ofMillis(990));
    }

    @Test
    void serverErrorsBackOffExponentially() {
        String vin = online();
        script(vin, "/command/honk_horn", "{\"status\":500},{\"status\":503},{\"status\":502},{\"status\":200}");
        HttpResponse<byte[]> response = command(vin, "honk_horn");
        assertThat(response.statusCode()).isEqualTo(200);
        List<RecordedRequest> calls = commandCalls(harness.simulator().requests(vin));
        assertThat(calls).hasSize(4);
        // 100, 200, 400 ms
        assertThat(Duration.between(calls.get(1).at(), calls.get(2).at())).isGreaterThanOrEqualTo(Duration.ofMillis(190));
        assertThat(Duration.between(calls.get(2).at(), calls.get(3).at())).isGreaterThanOrEqualTo(Duration.ofMillis(390));
    }

    @Test
    void a429WhoseRetryAfterPassesTheBudgetGoesBackAtOnce() {
        String vin = online();
        script(vin, "/command/door_lock", "{\"status\":429,\"headers\":{\"Retry-After\":\"60\"}}");
        HttpResponse<byte[]> response = command(vin, "door_lock");
        assertThat(response.statusCode()).isEqualTo(429);
        assertThat(response.headers().firstValue("Retry-After")).contains("60");
        assertThat(response.headers().firstValue("x-fleetgate-attempts")).contains("1");
        assertThat(commandCalls(harness.simulator().requests(vin))).hasSize(1);
    }

    @Test
    void anotherClientErrorIsFinal() {
        String vin = online();
        script(vin, "/command/door_unlock", "{\"status\":403},{\"status\":200}");
        HttpResponse<byte[]> response = command(vin, "door_unlock");
        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(commandCalls(harness.simulator().requests(vin))).hasSize(1);
        command(vin, "door_unlock"); // uses up the scripted 200
    }

    @Test
    void atMostSixRetries() {
        String vin = online();
        // a tiny backoff and a long budget of its own: the count ends the retries, not the budget
        try (GatewayHarness quick = GatewayHarness.builder().fleet(CommandFleet.fleet()).accounts(OPS)
                .setting("fleetgate.retries.initial-backoff-ms", "10")
                .setting("fleetgate.retries.budget-ms", "30000")
                .start()) {
            quick.simulator().fleet().bringOnline(vin);
            new SimControl(quick.simulator()).script(("{\"vin\":\"%s\",\"path\":\"/command/charge_stop\",\"responses\":["
                    + "{\"status\":503},".repeat(8) + "{\"status\":200}]}").formatted(vin));
            HttpResponse<byte[]> response = quick.post("/api/1/vehicles/" + vin + "/command/charge_stop", OPS.gatewayToken(), "{}");
            assertThat(response.statusCode()).isEqualTo(503);
            assertThat(response.headers().firstValue("x-fleetgate-attempts")).contains("7");
            assertThat(commandCalls(quick.simulator().requests(vin))).hasSize(7);
        }
    }

    @Test
    void allRetriesStayWithinTheBudgetFromArrival() throws Exception {
        // a harness of its own with a 12 s budget from 400 ms: waits of 400+800+1600+3200 = 6 s leave
        // the fifth call 6 s of room on a loaded machine (a first command through a new harness once
        // took 2.8 s to reach the simulator beside four other test JVMs), and the next wait (6.4 s)
        // ends past the budget however fast the calls were
        try (GatewayHarness budgeted = GatewayHarness.builder().fleet(CommandFleet.fleet()).accounts(OPS)
                .setting("fleetgate.retries.initial-backoff-ms", "400")
                .setting("fleetgate.retries.budget-ms", "12000")
                .start()) {
            String vin = VINS.next();
            budgeted.simulator().fleet().bringOnline(vin);
            new SimControl(budgeted.simulator()).script("{\"vin\":\"%s\",\"path\":\"/command/charge_start\",\"responses\":[%s]}"
                    .formatted(vin, "{\"status\":503},".repeat(7) + "{\"status\":200}"));
            HttpResponse<byte[]> response = budgeted.post("/api/1/vehicles/" + vin + "/command/charge_start", OPS.gatewayToken(), "{}");
            Instant answered = Instant.now();
            assertThat(response.statusCode()).isEqualTo(503);
            List<RecordedRequest> calls = commandCalls(budgeted.simulator().requests(vin));
            assertThat(calls).hasSize(5);
            // answered after the fifth call, not after the 6.4 s wait it did not take (timed from that
            // call, not from the send: a loaded machine once took 6.3 s for five calls and 3 s of waits)
            assertThat(Duration.between(calls.getLast().at(), answered)).isLessThan(Duration.ofMillis(6400));
            com.fasterxml.jackson.databind.JsonNode log = attemptLog(budgeted, "\"vin\":\"" + vin + "\"");
            assertThat(log).extracting(entry -> entry.get("next_after_ms").isNull() ? null : entry.get("next_after_ms").asLong())
                    .containsExactly(400L, 800L, 1600L, 3200L, null);
        }
    }

    @Test
    void energySiteCommandsTakeTheSamePolicyDirectly() {
        new SimControl(harness.simulator()).script("""
                {"site":%d,"path":"/storm_mode","responses":[{"status":424},{"status":200}]}
                """.formatted(CommandFleet.SITE));
        HttpResponse<byte[]> response = harness.post("/api/1/energy_sites/" + CommandFleet.SITE + "/storm_mode",
                OPS.gatewayToken(), "{\"enabled\":true}");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("x-fleetgate-attempts")).contains("2");
        assertThat(harness.simulator().requests().stream().filter(r -> r.path().endsWith("/storm_mode"))).hasSize(2);
        // its audit event records both attempts, as a vehicle command's does
        com.fasterxml.jackson.databind.JsonNode log = attemptLog(harness, "\"energy_site_id\":" + CommandFleet.SITE);
        assertThat(log).extracting(entry -> entry.get("status").asInt()).containsExactly(424, 200);
        assertThat(log).extracting(entry -> entry.get("next_after_ms").isNull() ? null : entry.get("next_after_ms").asLong())
                .containsExactly(100L, null);
    }

    @Test
    void anUnreachableRegionIsRetriedAndThenAnswered502() throws Exception {
        try (GatewayHarness down = GatewayHarness.builder().fleet(CommandFleet.fleet()).accounts(OPS)
                .setting("fleetgate.regions.na.base-url", "http://127.0.0.1:1")
                .setting("fleetgate.retries.initial-backoff-ms", "10")
                .start()) {
            HttpResponse<byte[]> response = down.post("/api/1/energy_sites/" + CommandFleet.SITE + "/backup",
                    OPS.gatewayToken(), "{\"backup_reserve_percent\":20}");
            assertThat(response.statusCode()).as(new String(response.body())).isEqualTo(502);
            assertThat(response.headers().firstValue("x-fleetgate-attempts")).contains("7");
            assertThat(new ObjectMapper().readTree(response.body()).get("error").asText()).isEqualTo("upstream_unavailable");
        }
    }

    @Test
    void aCommandTheVehicleRefusesIsA200WithResultFalseAndItsReasonAndIsNotTriedAgain() throws Exception {
        String vin = online();
        script(vin, "/command/charge_start", "{\"status\":200,\"body\":{\"response\":{\"result\":false,\"reason\":\"is_charging\"}}}");
        HttpResponse<byte[]> response = command(vin, "charge_start");
        assertThat(response.statusCode()).isEqualTo(200);
        com.fasterxml.jackson.databind.JsonNode result = new com.fasterxml.jackson.databind.ObjectMapper().readTree(response.body()).get("response");
        assertThat(result.get("result").asBoolean()).isFalse();
        assertThat(result.get("reason").asText()).isEqualTo("is_charging");
        // the vehicle's own answer is final: not a fault to retry
        assertThat(response.headers().firstValue("x-fleetgate-attempts")).contains("1");
        assertThat(commandCalls(harness.simulator().requests(vin))).hasSize(1);
    }

    /** The attempt log of the one audit event whose JSON contains {@code marker} (read again after a quiet period). */
    private static com.fasterxml.jackson.databind.JsonNode attemptLog(GatewayHarness gateway, String marker) {
        List<org.apache.kafka.clients.consumer.ConsumerRecord<String, String>> events = new io.fleetgate.testing.TopicRecords(
                gateway.kafkaBootstrapServers()).awaitSettled("fleetgate.audit.v1", r -> r.value().contains(marker), 1, Duration.ofSeconds(20));
        assertThat(events).as("audit events with %s", marker).hasSize(1);
        try {
            return new com.fasterxml.jackson.databind.ObjectMapper().readTree(events.getFirst().value()).get("attempt_log");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static String online() {
        String vin = VINS.next();
        harness.simulator().fleet().bringOnline(vin);
        return vin;
    }

    private static void script(String vin, String path, String responses) {
        new SimControl(harness.simulator()).script("{\"vin\":\"%s\",\"path\":\"%s\",\"responses\":[%s]}".formatted(vin, path, responses));
    }

    private static HttpResponse<byte[]> command(String vin, String name) {
        return harness.post("/api/1/vehicles/" + vin + "/command/" + name, OPS.gatewayToken(), "{}");
    }
}
