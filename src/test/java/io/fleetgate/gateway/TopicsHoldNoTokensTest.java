package io.fleetgate.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetgate.testing.CommandFleet;
import io.fleetgate.testing.GatewayHarness;
import io.fleetgate.testing.TestAccount;
import io.fleetgate.testing.TopicRecords;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/** CONTRACT section 7: no gateway token or Tesla token in any record on any of Fleetgate's topics. */
class TopicsHoldNoTokensTest {
    private static final List<String> TOPICS = List.of(
            "fleetgate.commands.v1", "fleetgate.command-results.v1", "fleetgate.audit.v1", "fleetgate.accounts.v1");

    @Test
    void noRecordOnAnyTopicHoldsAToken() {
        TestAccount ops = CommandFleet.account();
        try (GatewayHarness harness = GatewayHarness.builder().fleet(CommandFleet.fleet()).accounts(ops).start()) {
            String vin = CommandFleet.vin(1);
            harness.simulator().fleet().bringOnline(vin);
            String q = "?token=" + ops.gatewayToken();
            Map<String, String> json = Map.of("Content-Type", "application/json");
            // reads, commands and refusals, with the token in the header and in the query
            harness.get("/api/1/vehicles/" + vin + "/vehicle_data" + q, null);
            harness.get("/api/1/vehicles/" + vin, ops.gatewayToken());
            harness.send("POST", "/api/1/vehicles/" + vin + "/command/flash_lights" + q, json, "{}".getBytes());
            harness.post("/api/1/vehicles/" + CommandFleet.vin(2) + "/command/honk_horn", ops.gatewayToken(), "{}");
            harness.post("/api/1/energy_sites/" + CommandFleet.SITE + "/storm_mode", ops.gatewayToken(), "{\"enabled\":true}");
            harness.get("/api/1/vehicles/" + vin + "/nope" + q, null);
            harness.get("/api/1/vehicles?token=a-wrong-token-" + UUID.randomUUID(), null);
            TopicRecords topics = new TopicRecords(harness.kafkaBootstrapServers());
            topics.send("fleetgate.commands.v1", vin,
                    "{\"id\":\"%s\",\"account_id\":\"ops\",\"vin\":\"%s\",\"command\":\"door_lock\"}".formatted(UUID.randomUUID(), vin));
            assertThat(topics.awaitSettled("fleetgate.command-results.v1", r -> true, 3, Duration.ofSeconds(20))).hasSize(3);
            assertThat(topics.await("fleetgate.audit.v1", r -> true, 8, Duration.ofSeconds(20))).hasSizeGreaterThanOrEqualTo(8);

            for (String topic : TOPICS) {
                for (ConsumerRecord<String, String> record : topics.all(topic)) {
                    String text = record.key() + " " + record.value();
                    assertThat(text).as(topic).doesNotContain(ops.gatewayToken()).doesNotContain(ops.teslaToken())
                            .doesNotContain("a-wrong-token-");
                }
            }
        }
    }
}
