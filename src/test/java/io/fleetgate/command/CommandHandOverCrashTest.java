package io.fleetgate.command;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetgate.testing.CommandFleet;
import io.fleetgate.testing.FleetgateProcess;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * A replica that joins takes commands that were waiting for their vehicles to wake (the owner stops
 * them with a {@code handed_over} mark) and is killed ({@code kill -9}) at once: the first replica
 * takes them back, runs each once, answers each once, and sends no second wake_up (CONTRACT 4, 7, 9).
 */
class CommandHandOverCrashTest extends KilledCommandReplicas {
    private static final String ATTEMPTS = "fleetgate.command-attempts.v1";

    @Test
    void aNewOwnerKilledRightAfterAHandOverLosesNoCommandAndWakesNoVehicleTwice() throws Exception {
        FleetgateProcess first = start();
        List<String> vins = CommandFleet.vins().subList(300, 324);
        Set<String> ids = new HashSet<>();
        for (String vin : vins) {
            // still asleep when the second replica is up and killed, awake well within the 40 s wake cycle
            simulator.fleet().setWakeDelay(vin, 30);
            ids.add(sendRecord(vin, 71));
        }
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> vins.stream().allMatch(vin -> wakeUps(vin) == 1));

        FleetgateProcess second = start();
        Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50)).until(() ->
                second.outputLines().stream().anyMatch(l -> l.contains("running the commands of partitions")));
        second.kill();
        assertThat(handedOver()).as("commands the first replica stopped for the second").isNotEmpty();

        Awaitility.await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250))
                .until(() -> vins.stream().allMatch(vin -> !executed(vin).isEmpty()));
        // a moment for anything that would run twice or answer twice
        Thread.sleep(2000);
        for (String vin : vins) {
            assertThat(executed(vin)).as("%s's command ran once", vin).containsExactly(71);
            assertThat(wakeUps(vin)).as("%s woken once", vin).isEqualTo(1);
        }
        Map<String, Long> results = resultIds();
        assertThat(results.keySet()).as("a result for each command").containsAll(ids);
        assertThat(results).as("one result per command").allSatisfy((id, n) -> assertThat(n).isEqualTo(1L));
        assertThat(first.isAlive()).isTrue();
    }

    private long wakeUps(String vin) {
        return simulator.requests(vin).stream().filter(r -> r.path().endsWith("/wake_up")).count();
    }

    /** The ids of the commands with a handed_over mark. */
    private Set<String> handedOver() {
        return topics.all(ATTEMPTS).stream().map(r -> json(r.value()))
                .filter(mark -> "handed_over".equals(mark.path("state").asText()))
                .map(mark -> mark.path("id").asText()).collect(Collectors.toSet());
    }
}
