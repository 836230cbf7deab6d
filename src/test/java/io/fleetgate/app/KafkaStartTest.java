package io.fleetgate.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.fleetgate.sim.FleetApiSimulator;
import io.fleetgate.sim.SimulatedFleet;
import io.fleetgate.sim.SimulatorConfig;
import io.fleetgate.testing.GatewayHarness;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A start that fails once the embedded broker is up (and the topics made) leaves nothing of the broker behind. */
class KafkaStartTest {

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
