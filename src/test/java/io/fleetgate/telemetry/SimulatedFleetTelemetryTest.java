package io.fleetgate.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fleetgate.sim.TelemetryStreaming;
import io.fleetgate.telemetry.proto.VehicleConnectivityProto.ConnectivityEvent;
import io.fleetgate.telemetry.proto.VehicleConnectivityProto.VehicleConnectivity;
import io.fleetgate.telemetry.proto.VehicleData.Payload;
import io.fleetgate.testing.GatewayHarness;
import io.fleetgate.testing.GatewayPerClass;
import io.fleetgate.testing.SimControl;
import io.fleetgate.testing.TestFleet;
import io.fleetgate.testing.TopicRecords;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.function.Predicate;
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
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The bundled simulator plays fleet-telemetry: its online vehicles write protobuf records with
 * fleet-telemetry's headers to tesla_telemetry_*, every 200 ms here; a driving vehicle moves and
 * changes speed, a charging one gains charge, sleep and wake give connectivity records, and the
 * control API has a vehicle send an alert or an error. Fleetgate, in front, turns it all into events.
 */
class SimulatedFleetTelemetryTest {
    private static final String EVENTS = "fleetgate.vehicle-events.v1";
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    static final GatewayPerClass GATEWAY = new GatewayPerClass(GatewayHarness::standard);

    @BeforeAll
    static void streamTelemetry() {
        harness().simulator().startTelemetry(TelemetryStreaming.to(harness().kafkaBootstrapServers(),
                FleetTelemetryTopics.NAMESPACE, Duration.ofMillis(200)));
    }

    @AfterAll
    static void stopStreaming() {
        harness().simulator().stopTelemetry();
    }

    private static GatewayHarness harness() {
        return GATEWAY.harness();
    }

    private static SimControl control() {
        return new SimControl(harness().simulator());
    }

    /** Every record on a fleet-telemetry topic now, raw. */
    private static List<ConsumerRecord<String, byte[]>> raw(String topic) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, harness().kafkaBootstrapServers());
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(p)) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(10)).stream()
                    .map(info -> new TopicPartition(topic, info.partition())).toList();
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

    private static List<JsonNode> events(String vin, Predicate<JsonNode> match, int count) {
        List<JsonNode> found = new ArrayList<>();
        Awaitility.await().atMost(WAIT).pollInterval(Duration.ofMillis(200)).until(() -> {
            found.clear();
            for (ConsumerRecord<String, String> r : new TopicRecords(harness().kafkaBootstrapServers()).all(EVENTS)) {
                JsonNode event = JSON.readTree(r.value());
                if (vin.equals(r.key()) && match.test(event)) {
                    found.add(event);
                }
            }
            return found.size() >= count;
        });
        return found;
    }

    @Test
    void onlineVehiclesWriteDecodableRecordsWithFleetTelemetrysHeaders() throws Exception {
        String vin = TestFleet.EU_VIN;
        Awaitility.await().atMost(WAIT).until(() -> raw("tesla_telemetry_V").stream().anyMatch(r -> vin.equals(r.key())));

        ConsumerRecord<String, byte[]> first = raw("tesla_telemetry_V").stream().filter(r -> vin.equals(r.key())).findFirst().orElseThrow();
        Payload payload = Payload.parseFrom(first.value());
        assertThat(payload.getVin()).isEqualTo(vin);
        assertThat(payload.hasCreatedAt()).isTrue();
        // the first record after connecting carries the whole default field set
        assertThat(payload.getDataList()).extracting(d -> d.getKey().name()).contains("VehicleName", "Location", "VehicleSpeed",
                "Gear", "Odometer", "BatteryLevel", "Soc", "EstBatteryRange", "ChargeLimitSoc", "DetailedChargeState", "Locked", "DoorState");
        assertThat(header(first, "vin")).isEqualTo(vin);
        assertThat(header(first, "txtype")).isEqualTo("V");
        assertThat(Long.parseLong(header(first, "receivedat"))).isCloseTo(System.currentTimeMillis(), org.assertj.core.data.Offset.offset(120_000L));
        assertThat(header(first, "txid")).isNotBlank();
        assertThat(header(first, "version")).isEqualTo("0");
        assertThat(header(first, "timestamp")).isEqualTo("0");
        assertThat(header(first, "device_client_version")).isNotBlank();
        ConsumerRecord<String, byte[]> connected = raw("tesla_telemetry_connectivity").stream()
                .filter(r -> vin.equals(r.key())).findFirst().orElseThrow();
        VehicleConnectivity connectivity = VehicleConnectivity.parseFrom(connected.value());
        assertThat(connectivity.getStatus()).isEqualTo(ConnectivityEvent.CONNECTED);
        assertThat(connectivity.getNetworkInterface()).isEqualTo("wifi");
        assertThat(header(connected, "txtype")).isEqualTo("connectivity");
        // an asleep vehicle sends nothing
        assertThat(raw("tesla_telemetry_V")).noneMatch(r -> TestFleet.NA_VIN_ASLEEP.equals(r.key()));
        // and Fleetgate made an event of the record
        assertThat(events(vin, e -> e.path("data").has("VehicleName"), 1).get(0).path("data").path("VehicleName").asText())
                .isEqualTo("Bernd's Three");
    }

    @Test
    void aDrivingVehicleMovesAndChangesSpeed() {
        String vin = TestFleet.CN_VIN;
        control().post("/sim/vehicles/" + vin + "/drive", "{}");

        List<JsonNode> moving = events(vin, e -> e.path("data").has("Location") && e.path("data").path("VehicleSpeed").asDouble() > 0, 5);
        assertThat(moving).extracting(e -> e.path("data").path("Location").toString()).doesNotHaveDuplicates();
        List<Double> speeds = moving.stream().map(e -> e.path("data").path("VehicleSpeed").asDouble()).toList();
        assertThat(speeds).allMatch(s -> s >= 15 && s <= 75);
        assertThat(speeds.stream().distinct().count()).as("speeds %s", speeds).isGreaterThanOrEqualTo(3);
        // a record carries only what changed: the odometer is in those where it moved on
        assertThat(events(vin, e -> e.path("data").has("Odometer") && e.path("data").has("Location"), 2))
                .extracting(e -> e.path("data").path("Odometer").asDouble()).isSorted();
        assertThat(events(vin, e -> "ShiftStateD".equals(e.path("data").path("Gear").asText()), 1)).isNotEmpty();

        control().post("/sim/vehicles/" + vin + "/park", "{}");
        assertThat(events(vin, e -> "ShiftStateP".equals(e.path("data").path("Gear").asText())
                && e.path("data").path("VehicleSpeed").asDouble(-1) == 0, 1)).isNotEmpty();
        assertThat(control().get("/sim/vehicles").findValues("activity")).extracting(JsonNode::asText).contains("parked");
    }

    @Test
    void aChargingVehicleGainsCharge() {
        String vin = TestFleet.NA_VIN;
        control().post("/sim/vehicles/" + vin + "/charge", "{}");

        List<JsonNode> charging = events(vin, e -> e.path("data").has("BatteryLevel")
                && "DetailedChargeStateCharging".equals(lastChargeState(vin)), 4);
        List<Double> levels = events(vin, e -> e.path("data").has("BatteryLevel"), charging.size()).stream()
                .map(e -> e.path("data").path("BatteryLevel").asDouble()).toList();
        assertThat(levels.subList(levels.size() - 3, levels.size())).isSorted().doesNotHaveDuplicates();
        control().post("/sim/vehicles/" + vin + "/park", "{}");
    }

    private static String lastChargeState(String vin) {
        return LastValuesOf.lastValues(harness()).get(vin, "data.DetailedChargeState").map(v -> v.value().asText()).orElse("");
    }

    @Test
    void sleepAndWakeGiveConnectivityEvents() {
        String vin = TestFleet.NA_VIN_NOT_SUBSCRIBED;
        String subscribed = TestFleet.EU_VIN;
        control().post("/sim/vehicles/" + subscribed + "/sleep", "{}");
        assertThat(events(subscribed, e -> "DISCONNECTED".equals(e.path("status").asText()), 1).get(0).path("networkInterface").asText())
                .isEqualTo("wifi");
        control().post("/sim/vehicles/" + subscribed + "/online", "{}");
        Awaitility.await().atMost(WAIT).until(() -> {
            List<JsonNode> statuses = events(subscribed, e -> e.has("status"), 1);
            return "CONNECTED".equals(statuses.get(statuses.size() - 1).path("status").asText()) && statuses.size() >= 3;
        });
        // a vehicle nobody subscribes to streams too, but Fleetgate makes no event of it
        assertThat(raw("tesla_telemetry_connectivity")).anyMatch(r -> vin.equals(r.key()));
        assertThat(new TopicRecords(harness().kafkaBootstrapServers()).all(EVENTS)).noneMatch(r -> vin.equals(r.key()));
    }

    @Test
    void theControlApiHasAVehicleSendAnAlertAndAnError() {
        String vin = TestFleet.EU_VIN;
        control().post("/sim/vehicles/" + vin + "/alerts", "{\"name\":\"Custom_BrakeFluidLow\",\"audiences\":[\"Customer\",\"Service\"]}");
        control().post("/sim/vehicles/" + vin + "/errors", "{\"name\":\"missing_field\",\"body\":\"not supported\",\"tags\":{\"field_name\":\"Soc\"}}");

        JsonNode alert = events(vin, e -> e.has("alerts"), 1).get(0).path("alerts").get(0);
        assertThat(alert.path("name").asText()).isEqualTo("Custom_BrakeFluidLow");
        assertThat(alert.path("audiences").toString()).isEqualTo("[\"Customer\",\"Service\"]");
        assertThat(alert.has("startedAt")).isTrue();
        assertThat(alert.has("endedAt")).isFalse();
        JsonNode error = events(vin, e -> e.has("errors"), 1).get(0).path("errors").get(0);
        assertThat(error.toString()).matches("\\{\"createdAt\":\"[^\"]+\",\"name\":\"missing_field\",\"tags\":\\{\"field_name\":\"Soc\"},"
                + "\"body\":\"not supported\"}");
    }

    private static String header(ConsumerRecord<String, byte[]> record, String name) {
        return new String(record.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }

    /** The gateway's last values. */
    private static final class LastValuesOf {
        static LastValues lastValues(GatewayHarness harness) {
            return harness.gateway().context().getRegistry().lookupByNameAndType("lastValues", LastValues.class);
        }
    }
}
