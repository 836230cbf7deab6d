package io.fleetgate.command;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetgate.testing.CommandFleet;
import io.fleetgate.testing.CrashRig;
import io.fleetgate.testing.FleetgateProcess;
import io.fleetgate.testing.SimControl;
import io.fleetgate.testing.TopicRecords;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * A replica stopped ({@code SIGSTOP}) longer than the group's session timeout while its commands
 * wait for their next attempt: the other replica takes its partitions and runs them. When the
 * stopped one runs again, its timers are long due, and its consumer has not yet heard that the
 * partitions are gone; it must not send those commands a second time (CONTRACT 9: exactly once).
 */
class CommandStandStillTest extends KilledCommandReplicas {

    @Test
    void aReplicaThatStoodStillPastItsSessionSendsNothingItsSuccessorRan() throws Exception {
        FleetgateProcess first = start();
        FleetgateProcess second = start();
        // the second replica has its share of the partitions (the first handed them over)
        Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).until(() ->
                second.outputLines().stream().anyMatch(l -> l.contains("running the commands of partitions")));

        List<String> vins = CommandFleet.vins().subList(340, 364);
        SimControl control = new SimControl(simulator);
        List<String> ids = new ArrayList<>();
        for (String vin : vins) {
            simulator.fleet().bringOnline(vin);
            // the first attempt is refused for 4 s (a 429 rather than a 5xx: two dozen of those open the region's breaker)
            control.script(("{\"vin\":\"%s\",\"path\":\"/command/set_charge_limit\",\"responses\":[{\"status\":429,"
                    + "\"headers\":{\"Retry-After\":\"4\"}}]}").formatted(vin));
            ids.add(sendRecord(vin, 61));
            ids.add(sendRecord(vin, 62));
        }
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> simulator.scriptsPending() == 0);
        assertThat(CrashRig.metric(first, "fleetgate_command_held")).as("commands the first replica holds, between attempts")
                .isPositive();
        first.pause();
        try {
            // past the 8 s session timeout the second replica takes the first's partitions and runs all
            Awaitility.await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250))
                    .until(() -> resultIds().keySet().containsAll(ids));
            for (String vin : vins) {
                assertThat(executed(vin)).as("%s's commands, run by the replica still running", vin).containsExactly(61, 62);
            }
        } finally {
            first.resume();
        }
        // its overdue retries fire at once; its consumer then learns that the partitions are gone
        Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() ->
                first.outputLines().stream().anyMatch(l -> l.contains("lost command partitions")));
        Thread.sleep(3000);

        assertThat(first.outputLines()).as("the first replica noticed that it stood still")
                .anyMatch(l -> l.contains("stood still for"));
        assertThat(CrashRig.metric(first, "fleetgate_command_stand_stills_total")).isPositive();
        assertThat(CrashRig.metric(second, "fleetgate_command_stand_stills_total")).isZero();
        for (String vin : vins) {
            assertThat(executed(vin)).as("%s's commands ran once each, in order", vin).containsExactly(61, 62);
        }
        TopicRecords.settle();
        assertThat(resultIds()).as("one result per command").allSatisfy((id, n) -> assertThat(n).isEqualTo(1L));
        assertThat(first.isAlive()).isTrue();
        assertThat(second.isAlive()).isTrue();
    }
}
