package io.fleetgate.command;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetgate.testing.CommandFleet;
import io.fleetgate.testing.FleetgateProcess;
import io.fleetgate.testing.TopicRecords;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/** A replica killed while it holds back a backlog: the next one runs every command once, in order (CONTRACT 9). */
class CommandBacklogCrashTest extends KilledCommandReplicas {

    /**
     * A replica holding back a backlog (fleetgate.commands.max-held 3 here) has sought the rest of
     * its poll back and paused: killed mid-wake then, none of the backlog is lost or run twice,
     * and the next replica runs every command once, in order, holding back in its turn.
     */
    @Test
    void killedWhileHoldingBackABacklogEveryCommandRunsOnceInOrder() throws Exception {
        rig.setting("fleetgate.commands.max-held", "3");
        List<String> vins = List.of(CommandFleet.vin(5), CommandFleet.vin(6), CommandFleet.vin(7), CommandFleet.vin(8));
        vins.forEach(vin -> simulator.fleet().setWakeDelay(vin, 4));
        FleetgateProcess first = start();
        List<String> ids = new ArrayList<>();
        for (int percent = 51; percent <= 53; percent++) {
            for (String vin : vins) {
                ids.add(sendRecord(vin, percent));
            }
        }
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> first.output().contains("commands are held on this replica")
                && vins.stream().anyMatch(vin -> simulator.requests(vin).stream().anyMatch(r -> r.path().endsWith("/wake_up"))));
        first.kill();
        assertThat(vins.stream().mapToInt(vin -> executed(vin).size()).sum()).as("run before the kill").isLessThan(ids.size());

        FleetgateProcess second = start();
        Awaitility.await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250))
                .until(() -> resultIds().keySet().containsAll(ids));
        for (String vin : vins) {
            assertThat(executed(vin)).as("each command of %s ran exactly once, in order", vin)
                    .containsExactlyElementsOf(orderOnTopic(vin));
        }
        assertThat(second.output()).as("the next replica held back too").contains("commands are held on this replica");
        TopicRecords.settle();
        assertThat(resultIds()).as("one result per command").hasSize(ids.size()).allSatisfy((id, n) -> assertThat(n).isEqualTo(1L));
    }

}
