package io.fleetgate.command;

import static io.fleetgate.testing.CommandFleet.commandCalls;
import static io.fleetgate.testing.CommandFleet.stateChecks;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fleetgate.sim.RecordedRequest;
import io.fleetgate.testing.CommandFleet;
import io.fleetgate.testing.GatewayHarness;
import io.fleetgate.testing.GatewayPerClass;
import io.fleetgate.testing.SimControl;
import io.fleetgate.testing.TestAccount;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A queued command's wake_up is never lost to load (CONTRACT section 9): a wake_up that did not
 * reach Tesla is sent again on the next poll of the same wake cycle, so a 408 only ever means
 * the vehicle did not wake. Polls every 200 ms here (at most 10), vehicles wake 1 s after a
 * wake_up that reached them, upstream answers are awaited 800 ms.
 */
class WakeUpDeliveryTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TestAccount OPS = CommandFleet.account();
    private static final CommandFleet.Vins VINS = new CommandFleet.Vins();

    @RegisterExtension
    static final GatewayPerClass GATEWAY = new GatewayPerClass(() -> GatewayHarness.builder()
            .fleet(CommandFleet.fleet()).accounts(OPS)
            .setting("fleetgate.upstream.response-timeout-ms", "800")
            // the region's breaker stays out of the way here (RegionBreakerTest has it)
            .setting("fleetgate.breaker.window-size", "100")
            .setting("fleetgate.breaker.minimum-calls", "100")
            .start());

    @Test
    void aWakeUpAnswered503IsSentAgainOnTheNextPoll() {
        String vin = VINS.next();
        script(vin, "{\"status\":503}");
        HttpResponse<byte[]> response = command(vin, "flash_lights");
        assertThat(response.statusCode()).isEqualTo(200);
        List<RecordedRequest> calls = harness().simulator().requests(vin);
        List<RecordedRequest> wakeUps = wakeUps(calls);
        assertThat(wakeUps).extracting(RecordedRequest::status).containsExactly(503, 200);
        // the second one goes on the next poll, not at once
        assertThat(Duration.between(wakeUps.get(0).at(), wakeUps.get(1).at())).isGreaterThanOrEqualTo(Duration.ofMillis(150));
        assertThat(commandCalls(calls)).hasSize(1);
        assertThat(stateChecks(calls, vin)).isLessThanOrEqualTo(11);
    }

    @Test
    void aWakeUpThatGotNoAnswerIsSentAgainOnTheNextPoll() {
        String vin = VINS.next();
        // Tesla takes 2 s: Fleetgate stops waiting after 800 ms, and the vehicle was not woken
        script(vin, "{\"status\":503,\"latency_ms\":2000}");
        HttpResponse<byte[]> response = command(vin, "honk_horn");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(commandCalls(harness().simulator().requests(vin))).hasSize(1);
        // the simulator logs the first one as 499 (Fleetgate hung up) once its 2 s are over
        Awaitility.await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                assertThat(wakeUps(harness().simulator().requests(vin))).extracting(RecordedRequest::status)
                        .containsExactlyInAnyOrder(499, 200));
    }

    @Test
    void aVehicleWhoseWakeUpNeverGetsThroughIsAnswered502Not408() throws Exception {
        String vin = VINS.next();
        script(vin, "{\"status\":503},".repeat(11) + "{\"status\":503}");
        HttpResponse<byte[]> response = command(vin, "door_lock");
        assertThat(response.statusCode()).isEqualTo(502);
        JsonNode body = JSON.readTree(response.body());
        assertThat(body.get("error").asText()).isEqualTo("upstream_unavailable");
        assertThat(body.get("response").isNull()).isTrue();
        List<RecordedRequest> calls = harness().simulator().requests(vin);
        assertThat(commandCalls(calls)).isEmpty();
        // the first wake_up and one on each of the 10 polls; the first check and 10 polls
        assertThat(wakeUps(calls)).hasSize(11);
        assertThat(stateChecks(calls, vin)).isEqualTo(11);
        harness().simulator().reset();
    }

    /**
     * Under load (a cold replica, the region's connections all busy) a wake_up got through only on
     * the cycle's 10th poll, and its one check after it found the vehicle still asleep: 408 for a
     * vehicle that was never given time to wake. The 10 checks count from the wake_up Tesla took.
     */
    @Test
    void aWakeUpThatGetsThroughOnlyOnTheTenthPollStillLeavesTheVehicleItsChecks() {
        String vin = VINS.next();
        script(vin, "{\"status\":503},".repeat(10) + "{\"status\":200}");
        HttpResponse<byte[]> response = command(vin, "flash_lights");
        assertThat(response.statusCode()).as("the vehicle woke 1 s after the wake_up that got through").isEqualTo(200);
        List<RecordedRequest> calls = harness().simulator().requests(vin);
        assertThat(wakeUps(calls)).extracting(RecordedRequest::status).hasSize(11).endsWith(200).containsOnly(503, 200);
        assertThat(commandCalls(calls)).hasSize(1);
        RecordedRequest tookIt = wakeUps(calls).getLast();
        assertThat(calls.stream().filter(r -> r.path().endsWith("/" + vin) && r.at().isAfter(tookIt.at())).count())
                .as("checks after the wake_up that got through").isBetween(2L, 10L);
    }

    @Test
    void aVehicleThatDoesNotWakeIsStill408WithOneWakeUp() {
        String vin = VINS.next();
        harness().simulator().fleet().setWakeDelay(vin, -1);
        HttpResponse<byte[]> response = command(vin, "door_unlock");
        assertThat(response.statusCode()).isEqualTo(408);
        assertThat(wakeUps(harness().simulator().requests(vin))).hasSize(1);
    }

    @Test
    void aWakeCycleWhosePollsGotNoAnswerIsNo408ForTheWakeUpNorForTheCommandsQueuedBehind() throws Exception {
        String vin = VINS.next();
        // the first check says asleep; every poll after the wake_up gets Tesla's 503, as when the
        // region's breaker is open or the calls time out under load: the vehicle wakes (after 1 s) unseen
        new SimControl(harness().simulator()).script(("{\"vin\":\"%s\",\"path\":\"/%s\",\"responses\":["
                + "{\"status\":200,\"body\":{\"response\":{\"vin\":\"%s\",\"state\":\"asleep\"}}},"
                + "{\"status\":503},".repeat(9) + "{\"status\":503}]}").formatted(vin, vin, vin));
        java.util.concurrent.CompletableFuture<HttpResponse<byte[]>> wakeUp =
                java.util.concurrent.CompletableFuture.supplyAsync(() ->
                        harness().post("/api/1/vehicles/" + vin + "/wake_up", OPS.gatewayToken(), ""));
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> !wakeUps(harness().simulator().requests(vin)).isEmpty());
        // queued behind the wake_up command, in the same lane
        java.util.concurrent.CompletableFuture<HttpResponse<byte[]>> queued =
                java.util.concurrent.CompletableFuture.supplyAsync(() -> command(vin, "flash_lights"));

        HttpResponse<byte[]> unconfirmed = wakeUp.get(30, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(unconfirmed.statusCode()).as("whether it woke is unknown").isEqualTo(502);
        assertThat(JSON.readTree(unconfirmed.body()).get("error").asText()).isEqualTo("upstream_unavailable");
        HttpResponse<byte[]> behind = queued.get(30, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(behind.statusCode()).as("the queued command checks again and finds the vehicle online").isEqualTo(200);
        List<RecordedRequest> calls = harness().simulator().requests(vin);
        assertThat(commandCalls(calls)).hasSize(1);
        // the wake cycle's wake_up only: the queued command's own check found the vehicle online
        assertThat(wakeUps(calls)).hasSize(1);
    }

    private static List<RecordedRequest> wakeUps(List<RecordedRequest> calls) {
        return calls.stream().filter(r -> r.path().endsWith("/wake_up")).toList();
    }

    private static void script(String vin, String responses) {
        new SimControl(harness().simulator()).script("{\"vin\":\"%s\",\"path\":\"/wake_up\",\"responses\":[%s]}".formatted(vin, responses));
    }

    private static HttpResponse<byte[]> command(String vin, String name) {
        return harness().post("/api/1/vehicles/" + vin + "/command/" + name, OPS.gatewayToken(), "{}");
    }

    private static GatewayHarness harness() {
        return GATEWAY.harness();
    }
}
