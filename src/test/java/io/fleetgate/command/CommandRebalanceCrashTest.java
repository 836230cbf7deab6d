package io.fleetgate.command;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetgate.sim.RecordedRequest;
import io.fleetgate.testing.CommandFleet;
import io.fleetgate.testing.FleetgateProcess;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * Two replicas, a rebalance, then one killed mid-wake: nothing lost or run twice, and the dead
 * replica's vehicles wait at most 15 s for the other (CONTRACT 9).
 */
class CommandRebalanceCrashTest extends KilledCommandReplicas {

    @Test
    void aRebalanceAndAKilledReplicaLoseNothingAndItsVehiclesMoveWithin15Seconds() throws Exception {
        FleetgateProcess first = start();
        List<String> batchOne = CommandFleet.vins().subList(100, 124);
        List<String> batchTwo = CommandFleet.vins().subList(200, 224);
        for (String vin : batchOne) {
            simulator.fleet().setWakeDelay(vin, 3);
            sendRecord(vin, 51);
            sendRecord(vin, 52);
        }
        // a second replica joins while the first one's vehicles wake: partitions move cooperatively
        start();
        Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
                .until(() -> batchOne.stream().allMatch(vin -> executed(vin).size() == 2));

        for (String vin : batchTwo) {
            // still waking at the kill: on a slow machine the last wake_up went out 14 s after the first
            simulator.fleet().setWakeDelay(vin, 25);
            sendRecord(vin, 61);
            sendRecord(vin, 62);
        }
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> batchTwo.stream()
                .filter(vin -> simulator.requests(vin).stream().anyMatch(r -> r.path().endsWith("/wake_up"))).count() == batchTwo.size());
        first.kill();
        Instant killed = Instant.now();

        Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
                .until(() -> batchTwo.stream().allMatch(vin -> executed(vin).size() == 2));
        List<String> moved = new ArrayList<>();
        for (String vin : concat(batchOne, batchTwo)) {
            assertThat(executed(vin)).as("%s's commands ran once each, in order", vin).containsExactlyElementsOf(orderOnTopic(vin));
        }
        for (String vin : batchTwo) {
            List<RecordedRequest> requests = simulator.requests(vin);
            Instant lastBefore = requests.stream().map(RecordedRequest::at).filter(at -> at.isBefore(killed)).max(Instant::compareTo).orElseThrow();
            Instant firstAfter = requests.stream().map(RecordedRequest::at).filter(at -> !at.isBefore(killed)).min(Instant::compareTo)
                    .orElse(null);
            // a vehicle whose commands were done by the kill, or that never paused, stayed with the survivor
            if (firstAfter != null && Duration.between(lastBefore, firstAfter).compareTo(Duration.ofSeconds(5)) > 0) {
                moved.add(vin); // its commands waited for the dead replica's partitions to move
                assertThat(Duration.between(killed, firstAfter)).as("%s waited for another replica", vin)
                        .isLessThanOrEqualTo(Duration.ofSeconds(15));
            }
        }
        assertThat(moved).as("the killed replica owned some vehicles mid-wake").isNotEmpty();
        assertThat(resultIds()).as("one result per command").hasSize(96).allSatisfy((id, n) -> assertThat(n).isEqualTo(1L));
    }

}
