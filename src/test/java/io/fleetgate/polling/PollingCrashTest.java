package io.fleetgate.polling;

import static io.fleetgate.testing.TestFleet.ALICE;
import static io.fleetgate.testing.TestFleet.NA_VIN;
import static org.assertj.core.api.Assertions.assertThat;

import io.fleetgate.testing.CrashRig;
import io.fleetgate.testing.FleetgateProcess;
import io.fleetgate.testing.TestFleet;
import io.fleetgate.testing.TopicRecords;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * Polling ownership through a {@code kill -9}: two Fleetgate processes on one broker, a vehicle
 * polled under {@code /api/auto/{vin}}. Only the replica holding the VIN's partition of the polling
 * group polls it; killed, its vehicle is polled by the survivor once the group's session timeout
 * (6 s here, {@code fleetgate.polling.session-timeout-ms}) has passed and the group rebalanced.
 */
class PollingCrashTest {
    private static final long SESSION_TIMEOUT_MS = 6000;
    private static final long INTERVAL_MS = 500;
    private static final String POLLS = "fleetgate_polling_polls_total";

    @Test
    void theSurvivorTakesOverAKilledOwnersPollingWithinTheSessionTimeout() throws Exception {
        try (CrashRig rig = new CrashRig(TestFleet.fleet(), ALICE)
                .setting("fleetgate.polling.interval-ms", String.valueOf(INTERVAL_MS))
                .setting("fleetgate.polling.session-timeout-ms", String.valueOf(SESSION_TIMEOUT_MS))
                .setting("fleetgate.polling.heartbeat-interval-ms", "1000")
                // nothing here streams
                .setting("fleetgate.telemetry.enabled", "false")
                .setting("fleetgate.webhooks.enabled", "false")) {
            List<FleetgateProcess> replicas = rig.startAll("a", "b");
            HttpResponse<String> on = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                            URI.create(replicas.get(0).url("/api/auto/" + NA_VIN)))
                    .header("Authorization", "Bearer " + ALICE.gatewayToken()).POST(HttpRequest.BodyPublishers.noBody()).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(on.statusCode()).as(on.body()).isEqualTo(200);

            // one replica polls it, the other not at all
            Awaitility.await().atMost(Duration.ofSeconds(30))
                    .until(() -> replicas.stream().anyMatch(r -> CrashRig.metric(r, POLLS) >= 3));
            FleetgateProcess owner = CrashRig.metric(replicas.get(0), POLLS) >= 3 ? replicas.get(0) : replicas.get(1);
            FleetgateProcess survivor = owner == replicas.get(0) ? replicas.get(1) : replicas.get(0);
            double survivorPolls = CrashRig.metric(survivor, POLLS);
            TopicRecords.settle();
            assertThat(CrashRig.metric(survivor, POLLS)).as("the replica not owning the vehicle does not poll it").isEqualTo(survivorPolls);

            long killed = System.nanoTime();
            owner.kill();
            Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                    .until(() -> CrashRig.metric(survivor, POLLS) > survivorPolls);
            Duration takeover = Duration.ofNanos(System.nanoTime() - killed);
            System.out.printf("the survivor polled the killed owner's vehicle %d ms after the kill (session timeout %d ms)%n",
                    takeover.toMillis(), SESSION_TIMEOUT_MS);
            // the session timeout, then a rebalance (a heartbeat or two) and the next tick: far from Kafka's 45 s default
            assertThat(takeover).isLessThan(Duration.ofMillis(SESSION_TIMEOUT_MS + 5000 + INTERVAL_MS));
        }
    }
}
