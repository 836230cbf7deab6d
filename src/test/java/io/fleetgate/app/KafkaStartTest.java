package io.fleetgate.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.fleetgate.sim.FleetApiSimulator;
import io.fleetgate.sim.SimulatedFleet;
import io.fleetgate.sim.SimulatorConfig;
import io.fleetgate.testing.GatewayHarness;
import io.fleetgate.testing.TestFleet;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A start that fails once the embedded broker is up (and the topics made) leaves nothing of the
 * broker behind; the embedded broker's topics have one partition each unless the setting says more.
 */
class KafkaStartTest {

    @Test
    void theEmbeddedBrokerGivesEachTopicOnePartitionAndZeroMeansAsDeclared() throws Exception {
        Map<String, Integer> declared = KafkaTopics.load(KafkaTopics.PACKAGED).topics().stream()
                .collect(Collectors.toMap(KafkaTopics.Topic::name, KafkaTopics.Topic::partitions));
        assertThat(declared).as("the declarations give more than one to some").containsEntry("fleetgate.commands.v1", 12);
        try (GatewayHarness harness = GatewayHarness.standard()) {
            assertThat(partitions(harness, declared.keySet())).as("fleetgate.kafka.embedded.max-partitions=1, the default")
                    .isEqualTo(declared.keySet().stream().collect(Collectors.toMap(name -> name, name -> 1)));
        }
        try (GatewayHarness harness = GatewayHarness.builder().accounts(TestFleet.ALICE).declaredPartitions().start()) {
            assertThat(partitions(harness, declared.keySet())).isEqualTo(declared);
        }
    }

    @Test
    void aNegativeCapIsRefusedBeforeTheBrokerStarts(@TempDir Path dir) throws Exception {
        try (FleetApiSimulator simulator = FleetApiSimulator.start(SimulatorConfig.ephemeral(SimulatedFleet.demo()))) {
            Map<String, String> settings = new HashMap<>(GatewayHarness.testSettings(simulator, dir, dir.resolve("accounts.yaml")));
            settings.put("fleetgate.kafka.embedded.max-partitions", "-1");
            Fleetgate gateway = new Fleetgate(settings);
            try {
                assertThat(catchThrowable(gateway::start)).hasMessageContaining(
                        "setting fleetgate.kafka.embedded.max-partitions must be 0 (each topic's declared partitions) or a positive number, got: -1");
                assertThat(dir.resolve("kafka")).as("no broker was started").doesNotExist();
            } finally {
                gateway.close();
            }
        }
    }

    private static Map<String, Integer> partitions(GatewayHarness harness, Set<String> topics) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, harness.kafkaBootstrapServers()))) {
            return admin.describeTopics(topics).allTopicNames().get(30, TimeUnit.SECONDS).values().stream()
                    .collect(Collectors.toMap(d -> d.name(), d -> d.partitions().size()));
        }
    }

    @Test
    void aStartThatFailsOnceTheBrokerIsUpLeavesItsPortsFree(@TempDir Path dir) throws Exception {
        try (FleetApiSimulator simulator = FleetApiSimulator.start(SimulatorConfig.ephemeral(SimulatedFleet.demo()))) {
            Path missing = dir.resolve("no-such-accounts.yaml");
            Map<String, String> settings = new HashMap<>(GatewayHarness.testSettings(simulator, dir, missing));
            settings.put("camel.server.port", String.valueOf(GatewayHarness.freePort()));
            Fleetgate gateway = new Fleetgate(settings);
            try {
                assertThat(catchThrowable(gateway::start)).as("the accounts file is read after Kafka is up")
                        .hasStackTraceContaining(missing.toString());
                assertThat(dir.resolve("kafka/fleetgate.accounts.v1-0")).as("the broker was up, with the topics").isDirectory();
            } finally {
                gateway.close();
            }
            FailedStartTest.assertFree(Integer.parseInt(settings.get("fleetgate.kafka.embedded.port")),
                    Integer.parseInt(settings.get("fleetgate.kafka.embedded.controller-port")),
                    Integer.parseInt(settings.get("camel.server.port")));
        }
    }
}
