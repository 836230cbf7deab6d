package io.fleetgate.command;

import static io.fleetgate.testing.CommandFleet.commandCalls;
import static org.assertj.core.api.Assertions.assertThat;

import io.fleetgate.sim.RecordedRequest;
import io.fleetgate.testing.CommandFleet;
import io.fleetgate.testing.GatewayHarness;
import io.fleetgate.testing.SimControl;
import io.fleetgate.testing.TestAccount;
import io.fleetgate.testing.TopicRecords;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/** A gateway stopped with commands still queued loses none of them and runs none twice. */
class CommandRestartTest {
    private static final String COMMANDS = "fleetgate.commands.v1";
    private static final String RESULTS = "fleetgate.command-results.v1";

    @Test
    void aRestartWithCommandsQueuedLosesNoneAndRunsNoneTwice() {
        TestAccount ops = CommandFleet.account();
        try (GatewayHarness harness = GatewayHarness.builder().fleet(CommandFleet.fleet()).accounts(ops).start()) {
            String vin = CommandFleet.vin(7);
            // each command takes 300 ms upstream, so the stop finds most of them still queued
            new SimControl(harness.simulator()).script(("{\"vin\":\"%s\",\"path\":\"/command/set_charge_limit\",\"responses\":["
                    + String.join(",", java.util.Collections.nCopies(8, "{\"status\":200,\"latency_ms\":300}")) + "]}").formatted(vin));
            List<String> ids = new ArrayList<>();
            TopicRecords topics = new TopicRecords(harness.kafkaBootstrapServers());
            for (int percent = 51; percent <= 58; percent++) {
                String id = UUID.randomUUID().toString();
                ids.add(id);
                topics.send(COMMANDS, vin, """
                        {"id":"%s","account_id":"ops","vin":"%s","command":"set_charge_limit","parameters":{"percent":%d}}"""
                        .formatted(id, vin, percent));
            }
            // the vehicle wakes, the first commands run; stop in the middle of the queue
            Awaitility.await().atMost(Duration.ofSeconds(15))
                    .until(() -> commandCalls(harness.simulator().requests(vin)).size() >= 2);
            harness.stopGateway();
            int runBeforeStop = commandCalls(harness.simulator().requests(vin)).size();
            assertThat(runBeforeStop).as("some commands still queued at the stop").isLessThan(8);

            harness.restart();
            topics = new TopicRecords(harness.kafkaBootstrapServers());
            TopicRecords after = topics;
            Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() -> {
                List<String> values = after.all(RESULTS).stream().map(r -> r.value()).toList();
                return ids.stream().allMatch(id -> values.stream().anyMatch(v -> v.contains(id)));
            });

            List<RecordedRequest> calls = commandCalls(harness.simulator().requests(vin));
            Map<String, Long> perBody = calls.stream().collect(Collectors.groupingBy(RecordedRequest::body, Collectors.counting()));
            assertThat(perBody).as("each command ran exactly once").hasSize(8).allSatisfy((body, n) -> assertThat(n).isEqualTo(1L));
            // and in their order
            assertThat(calls).extracting(RecordedRequest::body).containsExactlyElementsOf(
                    java.util.stream.IntStream.rangeClosed(51, 58).mapToObj(p -> "{\"percent\":" + p + "}").toList());
            TopicRecords.settle();
            Map<String, Long> resultsPerId = after.all(RESULTS).stream()
                    .map(r -> ids.stream().filter(id -> r.value().contains(id)).findFirst().orElse("other"))
                    .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
            for (String id : ids) {
                assertThat(resultsPerId.get(id)).as("results of " + id).isEqualTo(1L);
            }
        }
    }
}
