package io.fleetgate.command;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fleetgate.app.EmbeddedKafka;
import io.fleetgate.app.KafkaHealth;
import java.time.Duration;
import org.awaitility.Awaitility;
import io.fleetgate.testing.CommandFleet;
import io.fleetgate.testing.GatewayHarness;
import io.fleetgate.testing.TestAccount;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;

/** Kafka unavailable: commands answer 503 within a couple of seconds, reads keep working. */
class KafkaOutageTest {

    @Test
    void withKafkaDownACommandGets503QuicklyAndAReadStillWorks() throws Exception {
        TestAccount ops = CommandFleet.account();
        EmbeddedKafka kafka = EmbeddedKafka.start(Files.createTempDirectory("fleetgate-outage").resolve("kafka"),
                GatewayHarness.freePort(), GatewayHarness.freePort());
        try (GatewayHarness harness = GatewayHarness.builder().fleet(CommandFleet.fleet()).accounts(ops)
                .setting("fleetgate.kafka.bootstrap-servers", kafka.bootstrapServers())
                .start()) {
            String vin = CommandFleet.vin(3);
            harness.simulator().fleet().bringOnline(vin);
            assertThat(harness.post("/api/1/vehicles/" + vin + "/command/flash_lights", ops.gatewayToken(), "{}").statusCode())
                    .isEqualTo(200);

            kafka.close();
            // Fleetgate notices within a couple of seconds
            KafkaHealth health = harness.gateway().context().getRegistry().lookupByNameAndType("kafkaHealth", KafkaHealth.class);
            Awaitility.await().atMost(Duration.ofSeconds(3)).until(() -> !health.isUp());

            long started = System.nanoTime();
            HttpResponse<byte[]> command = harness.post("/api/1/vehicles/" + vin + "/command/honk_horn", ops.gatewayToken(), "{}");
            long millis = (System.nanoTime() - started) / 1_000_000;
            assertThat(command.statusCode()).as(new String(command.body())).isEqualTo(503);
            assertThat(new ObjectMapper().readTree(command.body()).get("error").asText()).isEqualTo("service_unavailable");
            assertThat(millis).as("answered at once").isLessThan(1_000);

            assertThat(harness.get("/api/1/vehicles/" + vin + "/vehicle_data", ops.gatewayToken()).statusCode()).isEqualTo(200);
            assertThat(CommandFleet.commandCalls(harness.simulator().requests(vin))).hasSize(1);
        } finally {
            kafka.close();
        }
    }
}
