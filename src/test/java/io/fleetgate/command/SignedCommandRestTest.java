package io.fleetgate.command;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fleetgate.sim.RecordedRequest;
import io.fleetgate.testing.CommandFleet;
import io.fleetgate.testing.GatewayHarness;
import io.fleetgate.testing.SimControl;
import io.fleetgate.testing.TestAccount;
import io.fleetgate.testing.TopicRecords;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * CONTRACT section 6 over real HTTP: a vehicle that requires the Vehicle Command Protocol gets
 * REST commands signed (handshake, signed message, authenticated reply), and the caller sees
 * the same REST result shape as for an unsigned command.
 */
class SignedCommandRestTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TestAccount OPS = CommandFleet.account();
    private static final CommandFleet.Vins VINS = new CommandFleet.Vins();
    private static GatewayHarness harness;
    private static byte[] fleetKey;

    @BeforeAll
    static void start() throws Exception {
        harness = GatewayHarness.builder().fleet(CommandFleet.fleet()).accounts(OPS)
                .setting("fleetgate.vcp.private-key-file", Files.createTempDirectory("fleetgate-signing").resolve("key.pem").toString())
                .setting("fleetgate.vcp.generate-key", "true")
                .setting("fleetgate.vcp.domain", "fleet.example.org")
                // busy and offline wait step x attempt: 100, 200, 300 ms here (1, 2, 3 s by default)
                .setting("fleetgate.signing.retry-step-ms", "100")
                .start();
        String hex = JSON.readTree(harness.get("/api/key", null).body()).get("response").get("public_key").asText();
        fleetKey = HexFormat.of().parseHex(hex);
    }

    @AfterAll
    static void stop() {
        harness.close();
    }

    /** The command's one audit event (the topic read again after a quiet period, so a second one would show). */
    private static JsonNode auditEvent(String vin, String command) throws Exception {
        List<org.apache.kafka.clients.consumer.ConsumerRecord<String, String>> events = new TopicRecords(harness.kafkaBootstrapServers())
                .awaitSettled("fleetgate.audit.v1", r -> r.value().contains("\"vin\":\"" + vin + "\"")
                        && r.value().contains("\"command\":\"" + command + "\""), 1, java.time.Duration.ofSeconds(20));
        assertThat(events).as("audit events of %s on %s", command, vin).hasSize(1);
        return JSON.readTree(events.getFirst().value());
    }

    private static List<String> outcomes(JsonNode attemptLog) {
        List<String> outcomes = new ArrayList<>();
        attemptLog.forEach(entry -> outcomes.add(entry.get("outcome").asText()));
        return outcomes;
    }

    @Test
    void aVehicleThatRequiresSigningGetsItsCommandSignedAndTheCallerTheRestResult() throws Exception {
        String vin = signingVehicle(true);
        HttpResponse<byte[]> response = command(vin, "door_lock");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(response.body()).get("response").get("result").asBoolean()).isTrue();
        List<RecordedRequest> calls = harness.simulator().requests(vin);
        // the unsigned try is refused with 403, then one handshake and the signed command
        assertThat(calls.stream().filter(r -> r.path().endsWith("/command/door_lock"))).extracting(RecordedRequest::status)
                .containsExactly(403);
        assertThat(calls.stream().filter(r -> r.path().endsWith("/signed_command")).map(RecordedRequest::command))
                .containsExactly(null, "door_lock");

        harness.simulator().clearRequests();
        assertThat(command(vin, "door_unlock").statusCode()).isEqualTo(200);
        // now known to require signing, and the VCSEC session is cached: one signed call, nothing unsigned
        assertThat(harness.simulator().requests(vin)).extracting(RecordedRequest::command).containsExactly("door_unlock");
        assertThat(harness.simulator().requests(vin).stream().filter(r -> r.path().contains("/command/"))).isEmpty();
    }

    @Test
    void aVehicleThatFleetStatusShowsRequiringSigningIsSignedFromTheFirstCommand() throws Exception {
        String vin = signingVehicle(true);
        assertThat(harness.post("/api/1/vehicles/fleet_status", OPS.gatewayToken(), "{\"vins\":[\"" + vin + "\"]}").statusCode())
                .isEqualTo(200);
        harness.simulator().clearRequests();
        HttpResponse<byte[]> response = command(vin, "charge_start");
        assertThat(JSON.readTree(response.body()).get("response").get("result").asBoolean()).isTrue();
        assertThat(harness.simulator().requests(vin).stream().filter(r -> r.path().contains("/command/"))).isEmpty();
        assertThat(harness.simulator().requests(vin).stream().filter(r -> r.path().endsWith("/signed_command"))
                .map(RecordedRequest::command)).containsExactly(null, "charge_start");
    }

    @Test
    void aStaleSessionIsRefreshedAndTheCommandTriedAgainAtOnce() throws Exception {
        String vin = signingVehicle(true);
        assertThat(JSON.readTree(command(vin, "charge_stop").body()).get("response").get("result").asBoolean()).isTrue();
        // the vehicle restarts its sessions (control API): the cached session's epoch is stale
        new SimControl(harness.simulator()).post("/sim/vehicles/" + vin + "/restart-sessions", "{}");
        harness.simulator().clearRequests();
        HttpResponse<byte[]> response = command(vin, "charge_start");
        assertThat(JSON.readTree(response.body()).get("response").get("result").asBoolean()).isTrue();
        assertThat(response.headers().firstValue("x-fleetgate-attempts")).contains("2");
        List<RecordedRequest> signed = harness.simulator().requests(vin).stream()
                .filter(r -> r.path().endsWith("/signed_command")).toList();
        assertThat(signed).extracting(RecordedRequest::command).endsWith("charge_start");
        assertThat(signed.size()).isBetween(2, 3);
        // at once: the audit event's attempts say no wait was chosen after the stale answer
        JsonNode log = auditEvent(vin, "charge_start").get("attempt_log");
        assertThat(outcomes(log)).containsExactly("stale_session", "succeeded");
        assertThat(log.get(0).get("next_after_ms").asLong()).isZero();
        assertThat(log.get(1).get("next_after_ms").isNull()).isTrue();
    }

    @Test
    void aBusyVehicleIsTriedAgainAfterOneThenTwoSteps() throws Exception {
        String vin = signingVehicle(true);
        assertThat(command(vin, "flash_lights").statusCode()).isEqualTo(200);
        new SimControl(harness.simulator()).post("/sim/vehicles/" + vin + "/faults", "{\"fault\":\"busy\",\"count\":2}");
        harness.simulator().clearRequests();
        HttpResponse<byte[]> response = command(vin, "honk_horn");
        assertThat(JSON.readTree(response.body()).get("response").get("result").asBoolean()).isTrue();
        assertThat(response.headers().firstValue("x-fleetgate-attempts")).contains("3");
        List<RecordedRequest> signed = harness.simulator().requests(vin).stream()
                .filter(r -> r.path().endsWith("/signed_command")).toList();
        assertThat(signed).hasSize(3);
        assertThat(java.time.Duration.between(signed.get(0).at(), signed.get(1).at())).isGreaterThanOrEqualTo(java.time.Duration.ofMillis(95));
        assertThat(java.time.Duration.between(signed.get(1).at(), signed.get(2).at())).isGreaterThanOrEqualTo(java.time.Duration.ofMillis(195));
        // each attempt is in the command's audit event, with the wait chosen after it
        JsonNode log = auditEvent(vin, "honk_horn").get("attempt_log");
        assertThat(outcomes(log)).containsExactly("busy", "busy", "succeeded");
        assertThat(log).extracting(entry -> entry.get("next_after_ms").isNull() ? null : entry.get("next_after_ms").asLong())
                .containsExactly(100L, 200L, null);
        assertThat(log).extracting(entry -> entry.get("attempt").asInt()).containsExactly(1, 2, 3);
        assertThat(log).extracting(entry -> java.time.Instant.parse(entry.get("at").asText())).isSorted().doesNotHaveDuplicates();
    }

    @Test
    void fiveBusyAnswersGiveUpAfterFiveAttempts() throws Exception {
        String vin = signingVehicle(true);
        assertThat(command(vin, "flash_lights").statusCode()).isEqualTo(200);
        new SimControl(harness.simulator()).post("/sim/vehicles/" + vin + "/faults", "{\"fault\":\"busy\",\"count\":5}");
        harness.simulator().clearRequests();
        HttpResponse<byte[]> response = command(vin, "honk_horn");
        JsonNode result = JSON.readTree(response.body()).get("response");
        assertThat(result.get("result").asBoolean()).isFalse();
        assertThat(result.get("reason").asText()).contains("busy");
        assertThat(response.headers().firstValue("x-fleetgate-attempts")).contains("5");
        assertThat(harness.simulator().requests(vin).stream().filter(r -> r.path().endsWith("/signed_command"))).hasSize(5);
    }

    @Test
    void aVehicleThatGoesOfflineDuringTheCommandIsTriedAgainAfterOneThenTwoSteps() throws Exception {
        String vin = signingVehicle(true);
        assertThat(command(vin, "flash_lights").statusCode()).isEqualTo(200);
        // the vehicle drops off while the signed command is out: Tesla answers 408, twice
        new SimControl(harness.simulator()).script(("{\"vin\":\"%s\",\"path\":\"/signed_command\",\"responses\":["
                + "{\"status\":408},{\"status\":408}]}").formatted(vin));
        harness.simulator().clearRequests();
        HttpResponse<byte[]> response = command(vin, "honk_horn");
        assertThat(response.statusCode()).as(new String(response.body())).isEqualTo(200);
        assertThat(JSON.readTree(response.body()).get("response").get("result").asBoolean()).isTrue();
        assertThat(response.headers().firstValue("x-fleetgate-attempts")).contains("3");
        List<RecordedRequest> signed = harness.simulator().requests(vin).stream()
                .filter(r -> r.path().endsWith("/signed_command")).toList();
        assertThat(signed).extracting(RecordedRequest::status).containsExactly(408, 408, 200);
        JsonNode log = auditEvent(vin, "honk_horn").get("attempt_log");
        assertThat(outcomes(log)).containsExactly("offline", "offline", "succeeded");
        assertThat(log).extracting(entry -> entry.get("status").asInt()).containsExactly(408, 408, 200);
        // linear steps (100 ms here, 1 s by default): one step, then two
        assertThat(java.time.Duration.between(signed.get(0).at(), signed.get(1).at())).isGreaterThanOrEqualTo(java.time.Duration.ofMillis(95));
        assertThat(java.time.Duration.between(signed.get(1).at(), signed.get(2).at())).isGreaterThanOrEqualTo(java.time.Duration.ofMillis(195));
    }

    @Test
    void permanentFaultsAreAnsweredAtOnceWithWhatTheOwnerMustDo() throws Exception {
        String vin = signingVehicle(true);
        assertThat(command(vin, "flash_lights").statusCode()).isEqualTo(200);
        for (String fault : List.of("insufficient_privileges", "remote_access_disabled")) {
            new SimControl(harness.simulator()).post("/sim/vehicles/" + vin + "/faults", "{\"fault\":\"" + fault + "\",\"count\":1}");
            harness.simulator().clearRequests();
            HttpResponse<byte[]> response = command(vin, "honk_horn");
            assertThat(response.statusCode()).as(fault).isEqualTo(200);
            JsonNode result = JSON.readTree(response.body()).get("response");
            assertThat(result.get("result").asBoolean()).as(fault).isFalse();
            assertThat(result.get("reason").asText()).as(fault)
                    .contains(fault.equals("insufficient_privileges") ? "not authorised" : "remote access is off");
            assertThat(response.headers().firstValue("x-fleetgate-attempts")).as(fault).contains("1");
            assertThat(harness.simulator().requests(vin).stream().filter(r -> r.path().endsWith("/signed_command"))).as(fault).hasSize(1);
        }
    }

    @Test
    void anUnpairedKeyIsAnsweredAtOnceWithThePairingLink() throws Exception {
        String vin = signingVehicle(false);
        HttpResponse<byte[]> response = command(vin, "flash_lights");
        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode result = JSON.readTree(response.body()).get("response");
        assertThat(result.get("result").asBoolean()).isFalse();
        assertThat(result.get("reason").asText()).contains("https://tesla.com/_ak/fleet.example.org");
        assertThat(harness.simulator().requests(vin).stream().filter(r -> r.path().endsWith("/signed_command"))).hasSize(1);
    }

    @Test
    void concurrentCommandsToOneVehicleAreEachAcceptedAtTheFirstTry() throws Exception {
        String vin = signingVehicle(true);
        assertThat(command(vin, "flash_lights").statusCode()).isEqualTo(200);
        harness.simulator().clearRequests();
        List<HttpResponse<byte[]>> responses;
        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<HttpResponse<byte[]>>> futures = IntStream.range(0, 12)
                    .mapToObj(i -> pool.submit(() -> command(vin, i % 2 == 0 ? "honk_horn" : "door_lock"))).toList();
            responses = new ArrayList<>();
            for (var future : futures) {
                responses.add(future.get());
            }
        }
        for (HttpResponse<byte[]> response : responses) {
            assertThat(JSON.readTree(response.body()).get("response").get("result").asBoolean()).isTrue();
            // a reused counter would be refused by the vehicle (fault 6) and need a second attempt
            assertThat(response.headers().firstValue("x-fleetgate-attempts")).contains("1");
        }
        assertThat(harness.simulator().requests(vin).stream().filter(r -> r.command() != null)).hasSize(12);
    }

    private static String signingVehicle(boolean paired) {
        String vin = VINS.next();
        harness.simulator().fleet().bringOnline(vin);
        harness.simulator().fleet().setRequiresSigning(vin, true);
        if (paired) {
            harness.simulator().fleet().pairKey(vin, fleetKey);
        }
        return vin;
    }

    private static HttpResponse<byte[]> command(String vin, String name) {
        return harness.post("/api/1/vehicles/" + vin + "/command/" + name, OPS.gatewayToken(), "{}");
    }
}
