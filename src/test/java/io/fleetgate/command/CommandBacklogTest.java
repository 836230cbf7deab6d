package io.fleetgate.command;

import static io.fleetgate.testing.CommandFleet.commandCalls;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fleetgate.testing.CommandFleet;
import io.fleetgate.testing.GatewayHarness;
import io.fleetgate.testing.ScrapedMetrics;
import io.fleetgate.testing.TopicRecords;
import io.fleetgate.sim.RecordedRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * A backlog on the command topic stays on Kafka: one replica reads ahead at most
 * {@code fleetgate.commands.max-held} commands (here 10 instead of 20,000), reads on once half of
 * them have finished, and every command still runs once, in its vehicle's order.
 */
class CommandBacklogTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_HELD = 10;
    private static final int VEHICLES = 8;
    private static final int PER_VEHICLE = 8;

    @Test
    void aBacklogIsReadAheadAtMostMaxHeldAndEveryCommandRunsOnceInOrder() throws Exception {
        try (GatewayHarness harness = GatewayHarness.builder().fleet(CommandFleet.fleet(1)).accounts(CommandFleet.account())
                .setting("fleetgate.commands.max-held", String.valueOf(MAX_HELD)).start()) {
            TopicRecords topics = new TopicRecords(harness.kafkaBootstrapServers());
            CommandIntake intake = harness.gateway().context().getRegistry().lookupByNameAndType("commandIntake", CommandIntake.class);
            AtomicInteger mostHeld = new AtomicInteger();
            AtomicBoolean watching = new AtomicBoolean(true);
            Thread watcher = Thread.ofPlatform().daemon().start(() -> {
                while (watching.get()) {
                    mostHeld.accumulateAndGet(intake.heldCommands(), Math::max);
                    java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
                }
            });
            List<String> vins = new ArrayList<>();
            for (int v = 0; v < VEHICLES; v++) {
                vins.add(CommandFleet.vin(v)); // asleep: each vehicle's first command waits for its wake-up
            }
            for (int n = 0; n < PER_VEHICLE; n++) {
                for (String vin : vins) {
                    topics.send("fleetgate.commands.v1", vin, """
                            {"id":"%s","account_id":"ops","vin":"%s","command":"set_charge_limit","parameters":{"percent":%d}}"""
                            .formatted(UUID.randomUUID(), vin, 50 + n));
                }
            }
            Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                    .until(() -> vins.stream().allMatch(vin -> percents(harness, vin).size() >= PER_VEHICLE));
            assertThat(mostHeld.get()).as("commands held at once").isGreaterThanOrEqualTo(MAX_HELD / 2);
            double heldNow = ScrapedMetrics.value(harness, "fleetgate_command_held");
            watching.set(false);
            watcher.join();

            assertThat(mostHeld.get()).as("commands held at once, with %d on the topic", VEHICLES * PER_VEHICLE)
                    .isLessThanOrEqualTo(MAX_HELD);
            List<Integer> inOrder = java.util.stream.IntStream.range(0, PER_VEHICLE).mapToObj(n -> 50 + n).toList();
            for (String vin : vins) {
                assertThat(percents(harness, vin)).as("%s's commands, once each in order", vin).isEqualTo(inOrder);
            }
            assertThat(heldNow).as("the gauge of what is held").isBetween(0.0, (double) MAX_HELD);
        }
    }

    private static List<Integer> percents(GatewayHarness harness, String vin) {
        List<Integer> percents = new ArrayList<>();
        for (RecordedRequest call : commandCalls(harness.simulator().requests(vin))) {
            if (call.status() == 200) {
                try {
                    percents.add(JSON.readTree(call.body()).path("percent").asInt());
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        return percents;
    }
}
