package io.fleetgate.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetgate.app.EmbeddedKafka;
import io.fleetgate.testing.CommandFleet;
import io.fleetgate.testing.GatewayHarness;
import io.fleetgate.testing.TestAccount;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * Against a broker that only lets SASL clients in (SASL_PLAINTEXT, PLAIN), Fleetgate configured
 * with the kafka component's security options starts (its own admin client creates the topics),
 * reports Kafka up (its health check) and runs a command (Camel's producer and consumer, and
 * the command ledger's consumer).
 */
class SaslKafkaTest {
    private static final String JAAS = "org.apache.kafka.common.security.plain.PlainLoginModule required "
            + "username=\"fleetgate\" password=\"fleetgate-secret\";";

    @Test
    void everyKafkaClientAuthenticatesWithTheKafkaComponentsSaslSettings() throws Exception {
        int plainPort = GatewayHarness.freePort();
        int saslPort = GatewayHarness.freePort();
        int controllerPort = GatewayHarness.freePort();
        EmbeddedKafka kafka = EmbeddedKafka.start(Files.createTempDirectory("fleetgate-sasl").resolve("kafka"),
                plainPort, controllerPort, Map.of(
                        "listeners", "PLAINTEXT://127.0.0.1:" + plainPort + ",SASL_PLAINTEXT://127.0.0.1:" + saslPort
                                + ",CONTROLLER://127.0.0.1:" + controllerPort,
                        "advertised.listeners", "PLAINTEXT://127.0.0.1:" + plainPort + ",SASL_PLAINTEXT://127.0.0.1:" + saslPort,
                        "listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,SASL_PLAINTEXT:SASL_PLAINTEXT,CONTROLLER:PLAINTEXT",
                        "sasl.enabled.mechanisms", "PLAIN",
                        "listener.name.sasl_plaintext.plain.sasl.jaas.config",
                        "org.apache.kafka.common.security.plain.PlainLoginModule required "
                                + "username=\"broker\" password=\"broker-secret\" user_fleetgate=\"fleetgate-secret\";"));
        TestAccount ops = CommandFleet.account();
        try (GatewayHarness harness = GatewayHarness.builder().fleet(CommandFleet.fleet()).accounts(ops)
                .setting("fleetgate.kafka.bootstrap-servers", "127.0.0.1:" + saslPort)
                .setting("camel.component.kafka.security-protocol", "SASL_PLAINTEXT")
                .setting("camel.component.kafka.sasl-mechanism", "PLAIN")
                .setting("camel.component.kafka.sasl-jaas-config", JAAS)
                .start()) {
            Awaitility.await().atMost(Duration.ofSeconds(20))
                    .until(() -> HealthChecksTest.check(HealthChecksTest.probe(harness, "/observe/health"), "kafka").equals("UP"));
            String vin = CommandFleet.vin(3);
            harness.simulator().fleet().bringOnline(vin);
            assertThat(harness.post("/api/1/vehicles/" + vin + "/command/flash_lights", ops.gatewayToken(), "{}").statusCode())
                    .isEqualTo(200);
        } finally {
            kafka.close();
        }
    }
}
