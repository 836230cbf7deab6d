package io.fleetgate.telemetry;

import static io.fleetgate.testing.TestFleet.ALICE;
import static io.fleetgate.testing.TestFleet.NA_VIN;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fleetgate.sim.TelemetryStreaming;
import io.fleetgate.telemetry.proto.VehicleData.Datum;
import io.fleetgate.telemetry.proto.VehicleData.Field;
import io.fleetgate.telemetry.proto.VehicleData.Payload;
import io.fleetgate.testing.GatewayHarness;
import io.fleetgate.testing.SimControl;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The simulator's fleet-telemetry follows the config a vehicle holds: a config written through
 * Fleetgate's {@code /api/config/{vin}} (signed, checked by the simulated car) makes the vehicle
 * stream only its fields, each at most once per its {@code interval_seconds}; once deleted, the
 * default field set streams again. Ticks every 200 ms here, so the intervals are what hold it back.
 */
class EmitterFollowsConfigTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String RECORDS = FleetTelemetryTopics.NAMESPACE + "_V";
    private static GatewayHarness harness;

    @BeforeAll
    static void start() throws Exception {
        harness = GatewayHarness.builder().accounts(ALICE)
                .setting("fleetgate.vcp.private-key-file", Files.createTempDirectory("fleetgate-jws").resolve("key.pem").toString())
                .setting("fleetgate.vcp.generate-key", "true")
                .setting("fleetgate.telemetry.server.hostname", "telemetry.fleetgate.test")
                .setting("fleetgate.telemetry.server.port", "4443")
                .start();
        byte[] fleetKey = HexFormat.of().parseHex(JSON.readTree(harness.get("/api/key", null).body()).at("/response/public_key").asText());
        harness.simulator().fleet().pairKeyWithAll(fleetKey);
        harness.simulator().startTelemetry(TelemetryStreaming.to(harness.kafkaBootstrapServers(),
                FleetTelemetryTopics.NAMESPACE, Duration.ofMillis(200)));
    }

    @AfterAll
    static void stop() {
        harness.simulator().stopTelemetry();
        harness.close();
    }

    @Test
    void aConfiguredVehicleSendsOnlyItsFieldsAtMostOncePerInterval() throws Exception {
        new SimControl(harness.simulator()).post("/sim/vehicles/" + NA_VIN + "/drive", "{}");
        var answer = harness.send("POST", "/api/config/" + NA_VIN,
                Map.of("Authorization", "Bearer " + ALICE.gatewayToken(), "Content-Type", "application/json"),
                "{\"fields\":{\"Odometer\":{\"interval_seconds\":1},\"Location\":{\"interval_seconds\":2}}}".getBytes(StandardCharsets.UTF_8));
        assertThat(answer.statusCode()).as(new String(answer.body(), StandardCharsets.UTF_8)).isEqualTo(200);
        assertThat(harness.simulator().fleet().telemetryConfigs().config(NA_VIN)).isPresent();
        // a tick under way when the config arrived may still send the default set
        Instant from = Instant.now().plusMillis(500);

        List<Payload> configured = new ArrayList<>();
        Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500)).until(() -> {
            configured.clear();
            configured.addAll(payloadsOf(NA_VIN, from));
            return configured.stream().filter(p -> has(p, Field.Location)).count() >= 3;
        });

        assertThat(configured).allSatisfy(p -> assertThat(p.getDataList()).extracting(Datum::getKey)
                .as("only the configured fields").isSubsetOf(Set.of(Field.Odometer, Field.Location)));
        assertThat(gaps(configured, Field.Odometer)).as("Odometer changes every tick while driving: sent every second at most")
                .isNotEmpty().allSatisfy(gap -> assertThat(gap).isGreaterThanOrEqualTo(Duration.ofSeconds(1)));
        assertThat(gaps(configured, Field.Location)).as("Location every two seconds at most")
                .isNotEmpty().allSatisfy(gap -> assertThat(gap).isGreaterThanOrEqualTo(Duration.ofSeconds(2)));
        assertThat(gaps(configured, Field.Odometer)).as("held back, not silenced")
                .anySatisfy(gap -> assertThat(gap).isLessThan(Duration.ofSeconds(3)));

        // without a config again: the default field set
        assertThat(harness.send("DELETE", "/api/config/" + NA_VIN, Map.of("Authorization", "Bearer " + ALICE.gatewayToken()), null)
                .statusCode()).isEqualTo(200);
        Instant afterDelete = Instant.now().plusMillis(500);
        Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500)).until(() ->
                payloadsOf(NA_VIN, afterDelete).stream().anyMatch(p -> has(p, Field.VehicleSpeed) || has(p, Field.BatteryLevel)));
    }

    private static boolean has(Payload payload, Field field) {
        return payload.getDataList().stream().anyMatch(d -> d.getKey() == field);
    }

    /** The time between consecutive records that carry the field. */
    private static List<Duration> gaps(List<Payload> payloads, Field field) {
        List<Instant> at = payloads.stream().filter(p -> has(p, field))
                .map(p -> Instant.ofEpochSecond(p.getCreatedAt().getSeconds(), p.getCreatedAt().getNanos())).sorted().toList();
        List<Duration> gaps = new ArrayList<>();
        for (int i = 1; i < at.size(); i++) {
            gaps.add(Duration.between(at.get(i - 1), at.get(i)));
        }
        return gaps;
    }

    private static List<Payload> payloadsOf(String vin, Instant from) throws Exception {
        List<Payload> payloads = new ArrayList<>();
        for (ConsumerRecord<String, byte[]> r : raw()) {
            if (vin.equals(r.key())) {
                Payload p = Payload.parseFrom(r.value());
                if (!Instant.ofEpochSecond(p.getCreatedAt().getSeconds(), p.getCreatedAt().getNanos()).isBefore(from)) {
                    payloads.add(p);
                }
            }
        }
        return payloads;
    }

    private static List<ConsumerRecord<String, byte[]>> raw() {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, harness.kafkaBootstrapServers());
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(p)) {
            List<TopicPartition> partitions = consumer.partitionsFor(RECORDS, Duration.ofSeconds(10)).stream()
                    .map(info -> new TopicPartition(RECORDS, info.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            var ends = consumer.endOffsets(partitions);
            long deadline = System.currentTimeMillis() + 10_000;
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < ends.get(tp)) && System.currentTimeMillis() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
        }
        return records;
    }
}
