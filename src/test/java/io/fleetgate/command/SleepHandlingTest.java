package io.fleetgate.command;

import static io.fleetgate.testing.CommandFleet.commandCalls;
import static io.fleetgate.testing.CommandFleet.stateChecks;
import static io.fleetgate.testing.CommandFleet.wakeUps;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fleetgate.sim.RecordedRequest;
import io.fleetgate.sim.VehicleState;
import io.fleetgate.testing.CommandFleet;
import io.fleetgate.testing.GatewayHarness;
import io.fleetgate.testing.SimControl;
import io.fleetgate.testing.TestAccount;
import io.fleetgate.testing.TopicRecords;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * CONTRACT section 4 over real HTTP and the embedded broker, with the polls shortened to 200 ms
 * and the ready buffer to 200 ms (vehicles wake 1 s after wake_up).
 */
class SleepHandlingTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TestAccount OPS = CommandFleet.account();
    private static final CommandFleet.Vins VINS = new CommandFleet.Vins();
    private static GatewayHarness harness;

    @BeforeAll
    static void start() {
        harness = GatewayHarness.builder().fleet(CommandFleet.fleet()).accounts(OPS).start();
    }

    @AfterAll
    static void stop() {
        harness.close();
    }

    @Test
    void onlineVehicleGetsExactlyOneCommandCallAndNoWakeUp() {
        String vin = VINS.next();
        harness.simulator().fleet().bringOnline(vin);
        HttpResponse<byte[]> response = command(vin, "flash_lights");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(new String(response.body())).isEqualTo("{\"response\":{\"result\":true,\"reason\":\"\"}}");
        assertThat(response.headers().firstValue("x-fleetgate-attempts")).contains("1");
        List<RecordedRequest> calls = harness.simulator().requests(vin);
        assertThat(commandCalls(calls)).hasSize(1);
        assertThat(wakeUps(calls)).isZero();
    }

    @Test
    void asleepVehicleIsWokenOncePolledGivenTheReadyBufferThenCommanded() {
        String vin = VINS.next();
        HttpResponse<byte[]> response = command(vin, "honk_horn");
        assertThat(response.statusCode()).isEqualTo(200);
        List<RecordedRequest> calls = harness.simulator().requests(vin);
        assertThat(wakeUps(calls)).isEqualTo(1);
        assertThat(commandCalls(calls)).hasSize(1);
        // the first check, then polls every 200 ms until the 1 s wake delay has passed
        assertThat(stateChecks(calls, vin)).isBetween(3L, 11L);
        RecordedRequest lastCheck = calls.stream().filter(r -> r.method().equals("GET")).reduce((a, b) -> b).orElseThrow();
        RecordedRequest commandCall = commandCalls(calls).getFirst();
        assertThat(Duration.between(lastCheck.at(), commandCall.at())).as("ready buffer").isGreaterThanOrEqualTo(Duration.ofMillis(190));
        assertThat(calls.indexOf(commandCall)).isEqualTo(calls.size() - 1);
    }

    @Test
    void vehicleThatNeverWakesGets408WithItsSummaryAndNoCommandIsSent() throws Exception {
        String vin = VINS.next();
        harness.simulator().fleet().setWakeDelay(vin, -1);
        HttpResponse<byte[]> response = command(vin, "door_unlock");
        assertThat(response.statusCode()).isEqualTo(408);
        JsonNode body = JSON.readTree(response.body());
        assertThat(body.get("error").asText()).isEqualTo("vehicle_unavailable");
        assertThat(body.get("response").get("state").asText()).isEqualTo("asleep");
        assertThat(body.get("response").get("vin").asText()).isEqualTo(vin);
        // the rest of the summary is the Fleet API's own, from the state check
        assertThat(body.get("response").get("display_name").asText()).isEqualTo(harness.simulator().fleet().vehicle(vin).displayName());
        List<RecordedRequest> calls = harness.simulator().requests(vin);
        assertThat(commandCalls(calls)).isEmpty();
        assertThat(wakeUps(calls)).isEqualTo(1);
        // the first check and exactly 10 polls
        assertThat(stateChecks(calls, vin)).isEqualTo(11);
    }

    @Test
    void a408OnTheCommandItselfMeansOneWakeCycleAndOneMoreTry() {
        String vin = VINS.next();
        harness.simulator().fleet().bringOnline(vin);
        new SimControl(harness.simulator()).script("""
                {"vin":"%s","path":"/command/charge_start","responses":[{"status":408}]}
                """.formatted(vin));
        HttpResponse<byte[]> response = command(vin, "charge_start");
        assertThat(response.statusCode()).isEqualTo(200);
        List<RecordedRequest> calls = harness.simulator().requests(vin);
        assertThat(commandCalls(calls)).extracting(RecordedRequest::status).containsExactly(408, 200);
        assertThat(wakeUps(calls)).isEqualTo(1);
        assertThat(response.headers().firstValue("x-fleetgate-attempts")).contains("2");
    }

    @Test
    void a408OnTheCommandThenAVehicleThatDoesNotWakeIs408AndTheCommandIsNotSentAgain() throws Exception {
        String vin = VINS.next();
        harness.simulator().fleet().setWakeDelay(vin, -1);
        SimControl sim = new SimControl(harness.simulator());
        // the check finds it online, then the command meets an asleep vehicle, which never wakes
        sim.script("""
                {"vin":"%s","path":"/%s","responses":[{"status":200,"body":{"response":{"vin":"%s","state":"online"}}}]}
                """.formatted(vin, vin, vin));
        sim.script("""
                {"vin":"%s","path":"/command/charge_stop","responses":[{"status":408}]}
                """.formatted(vin));
        HttpResponse<byte[]> response = command(vin, "charge_stop");
        assertThat(response.statusCode()).as(new String(response.body())).isEqualTo(408);
        assertThat(JSON.readTree(response.body()).get("error").asText()).isEqualTo("vehicle_unavailable");
        List<RecordedRequest> calls = harness.simulator().requests(vin);
        assertThat(commandCalls(calls)).extracting(RecordedRequest::status).containsExactly(408);
        assertThat(wakeUps(calls)).isEqualTo(1);
    }

    @Test
    void fiveCommandsToASleepingVehicleShareOneWakeUpAndRunInArrivalOrder() throws Exception {
        String vin = VINS.next();
        List<String> names = List.of("flash_lights", "honk_horn", "door_lock", "door_unlock", "charge_port_door_open");
        List<CompletableFuture<HttpResponse<byte[]>>> answers = new ArrayList<>();
        for (String name : names) {
            answers.add(commandAsync(vin, name));
            // each record is on the topic before the next command is sent: that is the arrival order
            awaitQueued(vin, answers.size());
        }
        for (CompletableFuture<HttpResponse<byte[]>> answer : answers) {
            assertThat(answer.get().statusCode()).isEqualTo(200);
        }
        List<RecordedRequest> calls = harness.simulator().requests(vin);
        assertThat(wakeUps(calls)).isEqualTo(1);
        assertThat(commandCalls(calls)).extracting(r -> r.path().substring(r.path().lastIndexOf('/') + 1))
                .containsExactlyElementsOf(names);
    }

    @Test
    void aSlowWakeOnOneVehicleDoesNotDelayAnotherInTheSamePartition() throws Exception {
        String slow = VINS.next();
        String quick = VINS.samePartitionAs(slow, 12);
        // the slow vehicle wakes only when the test lets it, so no machine is too slow for the order below
        harness.simulator().fleet().setWakeDelay(slow, 60);
        harness.simulator().fleet().bringOnline(quick);
        CompletableFuture<HttpResponse<byte[]>> slowAnswer = commandAsync(slow, "flash_lights");
        awaitQueued(slow, 1);
        HttpResponse<byte[]> quickAnswer = command(quick, "flash_lights");
        assertThat(quickAnswer.statusCode()).isEqualTo(200);
        assertThat(slowAnswer.isDone()).as("the slow vehicle is still waking").isFalse();
        harness.simulator().fleet().bringOnline(slow);
        assertThat(slowAnswer.get().statusCode()).isEqualTo(200);
        assertThat(wakeUps(harness.simulator().requests(slow))).isEqualTo(1);
    }

    @Test
    void wakeUpCommandAnswersWithTheOnlineVehicle() throws Exception {
        String vin = VINS.next();
        HttpResponse<byte[]> response = harness.post("/api/1/vehicles/" + vin + "/wake_up", OPS.gatewayToken(), null);
        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode body = JSON.readTree(response.body());
        assertThat(body.get("response").get("state").asText()).isEqualTo("online");
        assertThat(body.get("response").get("vin").asText()).isEqualTo(vin);
        assertThat(body.get("response").get("display_name").asText()).isEqualTo(harness.simulator().fleet().vehicle(vin).displayName());
        assertThat(wakeUps(harness.simulator().requests(vin))).isEqualTo(1);
        assertThat(harness.simulator().fleet().vehicle(vin).state()).isEqualTo(VehicleState.ONLINE);
    }

    @Test
    void commandsQueuedBehindAFailedWakeAnswer408WithoutWakingAgain() throws Exception {
        String vin = VINS.next();
        harness.simulator().fleet().setWakeDelay(vin, -1);
        CompletableFuture<HttpResponse<byte[]>> first = commandAsync(vin, "flash_lights");
        awaitQueued(vin, 1);
        CompletableFuture<HttpResponse<byte[]>> second = commandAsync(vin, "honk_horn");
        assertThat(first.get().statusCode()).isEqualTo(408);
        assertThat(second.get().statusCode()).isEqualTo(408);
        assertThat(wakeUps(harness.simulator().requests(vin))).isEqualTo(1);
        assertThat(commandCalls(harness.simulator().requests(vin))).isEmpty();
    }

    private HttpResponse<byte[]> command(String vin, String name) {
        return harness.post("/api/1/vehicles/" + vin + "/command/" + name, OPS.gatewayToken(), "{}");
    }

    private CompletableFuture<HttpResponse<byte[]>> commandAsync(String vin, String name) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(harness.url("/api/1/vehicles/" + vin + "/command/" + name)))
                .header("Authorization", "Bearer " + OPS.gatewayToken())
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{}"))
                .build();
        return harness.httpClient().sendAsync(request, HttpResponse.BodyHandlers.ofByteArray());
    }

    /** Waits until the command topic holds {@code count} records for the VIN. */
    private static void awaitQueued(String vin, int count) {
        List<?> queued = new TopicRecords(harness.kafkaBootstrapServers())
                .await("fleetgate.commands.v1", r -> vin.equals(r.key()), count, Duration.ofSeconds(10));
        assertThat(queued).hasSize(count);
    }
}
