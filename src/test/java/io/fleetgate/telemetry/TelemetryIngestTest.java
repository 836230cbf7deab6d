package io.fleetgate.telemetry;

import static io.fleetgate.telemetry.TeslemetryShapesTest.datum;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.Timestamp;
import io.fleetgate.telemetry.proto.VehicleAlertsProto.Audience;
import io.fleetgate.telemetry.proto.VehicleAlertsProto.VehicleAlert;
import io.fleetgate.telemetry.proto.VehicleAlertsProto.VehicleAlerts;
import io.fleetgate.telemetry.proto.VehicleConnectivityProto.ConnectivityEvent;
import io.fleetgate.telemetry.proto.VehicleConnectivityProto.VehicleConnectivity;
import io.fleetgate.telemetry.proto.VehicleData.Field;
import io.fleetgate.telemetry.proto.VehicleData.Payload;
import io.fleetgate.telemetry.proto.VehicleData.Value;
import io.fleetgate.telemetry.proto.VehicleErrorsProto.VehicleError;
import io.fleetgate.telemetry.proto.VehicleErrorsProto.VehicleErrors;
import io.fleetgate.testing.GatewayHarness;
import io.fleetgate.testing.GatewayPerClass;
import io.fleetgate.testing.ScrapedMetrics;
import io.fleetgate.testing.TestFleet;
import io.fleetgate.testing.TopicRecords;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * fleet-telemetry's records, written to its topics on the embedded broker, become Teslemetry-shaped
 * events on fleetgate.vehicle-events.v1 and last values on fleetgate.vehicle-state.v1, as any Kafka
 * client reads them. Each test uses a vehicle of its own, so the tests share one gateway.
 */
class TelemetryIngestTest {
    private static final String EVENTS = "fleetgate.vehicle-events.v1";
    private static final String STATE = "fleetgate.vehicle-state.v1";
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    static final GatewayPerClass GATEWAY = new GatewayPerClass(GatewayHarness::standard);

    private static GatewayHarness harness() {
        return GATEWAY.harness();
    }

    private static TopicRecords topics() {
        return new TopicRecords(harness().kafkaBootstrapServers());
    }

    private static <T> T bean(String name, Class<T> type) {
        return harness().gateway().context().getRegistry().lookupByNameAndType(name, type);
    }

    private static List<ConsumerRecord<String, String>> eventsOf(String vin, String containing, int count) {
        return topics().awaitSettled(EVENTS, r -> vin.equals(r.key()) && r.value().contains(containing), count, WAIT);
    }

    private static Timestamp at(String instant) {
        Instant i = Instant.parse(instant);
        return Timestamp.newBuilder().setSeconds(i.getEpochSecond()).setNanos(i.getNano()).build();
    }

    @Test
    void protobufRecordBecomesOneDataEventKeyedByVin() throws Exception {
        String vin = TestFleet.NA_VIN;
        Payload payload = Payload.newBuilder().setVin(vin).setCreatedAt(at("2026-11-26T18:00:07.412Z"))
                .addData(datum(Field.BatteryLevel, Value.newBuilder().setDoubleValue(81.52)))
                .addData(datum(Field.Gear, Value.newBuilder().setShiftStateValue(
                        io.fleetgate.telemetry.proto.VehicleData.ShiftState.ShiftStateP)))
                .addData(datum(Field.VehicleSpeed, Value.newBuilder().setInvalid(true))).build();
        try (FleetTelemetryTopics fleetTelemetry = new FleetTelemetryTopics(harness().kafkaBootstrapServers())) {
            fleetTelemetry.send(RecordType.DATA, vin, payload.toByteArray());
        }

        List<ConsumerRecord<String, String>> events = eventsOf(vin, "\"BatteryLevel\":81.52", 1);

        assertThat(events).hasSize(1);
        assertThat(events.get(0).value()).isEqualTo("{\"data\":{\"BatteryLevel\":81.52,\"Gear\":\"ShiftStateP\",\"VehicleSpeed\":null},"
                + "\"createdAt\":\"2026-11-26T18:00:07.412000000Z\",\"vin\":\"" + vin + "\"}");
        assertThat(new String(events.get(0).headers().lastHeader("fleetgate-event").value())).isEqualTo("data");
        // its last values, each with the event that set it (<partition>-<offset>) and its createdAt
        String eventId = events.get(0).partition() + "-" + events.get(0).offset();
        List<ConsumerRecord<String, String>> state = topics().await(STATE, r -> r.key().startsWith(vin + "/data."), 3, WAIT);
        assertThat(state).extracting(ConsumerRecord::key)
                .contains(vin + "/data.BatteryLevel", vin + "/data.Gear", vin + "/data.VehicleSpeed");
        JsonNode battery = JSON.readTree(state.stream().filter(r -> r.key().endsWith("BatteryLevel")).findFirst().orElseThrow().value());
        assertThat(battery.toString()).isEqualTo("{\"vin\":\"" + vin + "\",\"topic\":\"data\",\"field\":\"BatteryLevel\","
                + "\"value\":81.52,\"createdAt\":\"2026-11-26T18:00:07.412000000Z\",\"event_id\":\"" + eventId + "\"}");
    }

    @Test
    void alertsErrorsAndConnectivityRecordsBecomeTheirEvents() {
        String vin = TestFleet.EU_VIN;
        try (FleetTelemetryTopics fleetTelemetry = new FleetTelemetryTopics(harness().kafkaBootstrapServers())) {
            fleetTelemetry.send(RecordType.ALERTS, vin, VehicleAlerts.newBuilder().setVin(vin).setCreatedAt(at("2026-11-26T18:00:01Z"))
                    .addAlerts(VehicleAlert.newBuilder().setName("Custom_BrakeFluidLow").addAudiences(Audience.Customer)
                            .setStartedAt(at("2026-11-26T18:00:00Z"))).build().toByteArray());
            fleetTelemetry.send(RecordType.ERRORS, vin, VehicleErrors.newBuilder().setVin(vin).setCreatedAt(at("2026-11-26T18:00:02Z"))
                    .addErrors(VehicleError.newBuilder().setName("missing_field").putTags("field_name", "Soc").setBody("unsupported")
                            .setCreatedAt(at("2026-11-26T18:00:02Z"))).build().toByteArray());
            fleetTelemetry.send(RecordType.CONNECTIVITY, vin, VehicleConnectivity.newBuilder().setVin(vin).setConnectionId("c-1")
                    .setStatus(ConnectivityEvent.CONNECTED).setNetworkInterface("wifi").setCreatedAt(at("2026-11-26T18:00:03Z"))
                    .build().toByteArray());
        }

        assertThat(eventsOf(vin, "\"alerts\"", 1)).extracting(ConsumerRecord::value).containsExactly(
                "{\"alerts\":[{\"name\":\"Custom_BrakeFluidLow\",\"audiences\":[\"Customer\"],\"startedAt\":\"2026-11-26T18:00:00.000000000Z\"}],"
                        + "\"createdAt\":\"2026-11-26T18:00:01.000000000Z\",\"vin\":\"" + vin + "\"}");
        assertThat(eventsOf(vin, "\"errors\"", 1)).extracting(ConsumerRecord::value).containsExactly(
                "{\"errors\":[{\"createdAt\":\"2026-11-26T18:00:02.000000000Z\",\"name\":\"missing_field\",\"tags\":{\"field_name\":\"Soc\"},"
                        + "\"body\":\"unsupported\"}],\"createdAt\":\"2026-11-26T18:00:02.000000000Z\",\"vin\":\"" + vin + "\"}");
        assertThat(eventsOf(vin, "\"networkInterface\"", 1)).extracting(ConsumerRecord::value).containsExactly(
                "{\"networkInterface\":\"wifi\",\"status\":\"CONNECTED\",\"createdAt\":\"2026-11-26T18:00:03.000000000Z\",\"vin\":\"" + vin + "\"}");
        assertThat(bean("lastValues", LastValues.class).get(vin, "connectivity")).get()
                .extracting(v -> v.value().toString()).isEqualTo("{\"networkInterface\":\"wifi\",\"status\":\"CONNECTED\"}");
    }

    @Test
    void recordsOfVehiclesNoAccountSubscribesToAreCountedAndSkipped() {
        TelemetryIngest ingest = bean("telemetryIngest", TelemetryIngest.class);
        long skippedBefore = ingest.unsubscribedRecords();
        String marker = "\"VehicleName\":\"Not yours\"";
        try (FleetTelemetryTopics fleetTelemetry = new FleetTelemetryTopics(harness().kafkaBootstrapServers())) {
            fleetTelemetry.send(RecordType.DATA, TestFleet.NA_VIN_NOT_SUBSCRIBED, Payload.newBuilder()
                    .addData(datum(Field.VehicleName, Value.newBuilder().setStringValue("Not yours"))).build().toByteArray());
            // a later record of a subscribed vehicle shows the first was read
            fleetTelemetry.send(RecordType.DATA, TestFleet.CN_VIN, Payload.newBuilder()
                    .addData(datum(Field.VehicleName, Value.newBuilder().setStringValue("After the stranger"))).build().toByteArray());
        }

        assertThat(eventsOf(TestFleet.CN_VIN, "After the stranger", 1)).hasSize(1);
        assertThat(topics().all(EVENTS)).noneMatch(r -> r.value().contains(marker) || TestFleet.NA_VIN_NOT_SUBSCRIBED.equals(r.key()));
        assertThat(ingest.unsubscribedRecords()).isEqualTo(skippedBefore + 1);
        assertThat(bean("lastValues", LastValues.class).valuesOf(TestFleet.NA_VIN_NOT_SUBSCRIBED)).isEmpty();
        assertThat(ScrapedMetrics.value(harness(), "fleetgate_telemetry_records_skipped_total{reason=\"unsubscribed_vin\"}"))
                .isEqualTo((double) ingest.unsubscribedRecords());
    }

    @Test
    void undecodableRecordsAreCountedAndSkippedAndTheNextOneStillFlows() {
        TelemetryIngest ingest = bean("telemetryIngest", TelemetryIngest.class);
        long undecodableBefore = ingest.undecodableRecords();
        String vin = TestFleet.NA_VIN_ASLEEP;
        try (FleetTelemetryTopics fleetTelemetry = new FleetTelemetryTopics(harness().kafkaBootstrapServers())) {
            fleetTelemetry.send(RecordType.DATA, vin, new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, 0x00, 0x13});
            fleetTelemetry.send(RecordType.CONNECTIVITY, vin, "{\"status\":\"CONNECTED\"}");
            fleetTelemetry.send(RecordType.DATA, vin, Payload.newBuilder()
                    .addData(datum(Field.Odometer, Value.newBuilder().setDoubleValue(4242.5))).build().toByteArray());
        }

        assertThat(eventsOf(vin, "\"Odometer\":4242.5", 1)).hasSize(1);
        assertThat(topics().all(EVENTS)).filteredOn(r -> vin.equals(r.key()) && !r.value().contains("\"state\"")).hasSize(1);
        assertThat(ingest.undecodableRecords()).isEqualTo(undecodableBefore + 2);
        assertThat(ScrapedMetrics.value(harness(), "fleetgate_telemetry_records_skipped_total{reason=\"undecodable\"}"))
                .isEqualTo((double) ingest.undecodableRecords());
        assertThat(harness().gateway().context().getRouteController().getRouteStatus("telemetry-ingest").isStarted()).isTrue();
    }

    @Test
    void resendsThatRepeatKnownValuesChangeNothing() {
        String vin = TestFleet.CN_VIN;
        Payload first = Payload.newBuilder().setVin(vin).setCreatedAt(at("2026-11-26T18:10:00Z"))
                .addData(datum(Field.Soc, Value.newBuilder().setDoubleValue(64.25)))
                .addData(datum(Field.ChargeAmps, Value.newBuilder().setLongValue(16))).build();
        try (FleetTelemetryTopics fleetTelemetry = new FleetTelemetryTopics(harness().kafkaBootstrapServers())) {
            fleetTelemetry.send(RecordType.DATA, vin, first.toByteArray());
            assertThat(eventsOf(vin, "\"Soc\":64.25", 1)).hasSize(1);
            LastValue socBefore = bean("lastValues", LastValues.class).get(vin, "data.Soc").orElseThrow();

            // the same values again, as a resend: nothing
            fleetTelemetry.send(RecordType.DATA, vin, first.toBuilder().setIsResend(true).setCreatedAt(at("2026-11-26T18:10:05Z"))
                    .build().toByteArray());
            // a resend of an older value than the one known: nothing either
            fleetTelemetry.send(RecordType.DATA, vin, Payload.newBuilder().setIsResend(true).setCreatedAt(at("2026-11-26T18:09:00Z"))
                    .addData(datum(Field.Soc, Value.newBuilder().setDoubleValue(63.0))).build().toByteArray());
            // a resend with one value that was missed: only that one
            fleetTelemetry.send(RecordType.DATA, vin, Payload.newBuilder().setIsResend(true).setCreatedAt(at("2026-11-26T18:11:00Z"))
                    .addData(datum(Field.Soc, Value.newBuilder().setDoubleValue(64.25)))
                    .addData(datum(Field.ChargeAmps, Value.newBuilder().setLongValue(32))).build().toByteArray());

            List<ConsumerRecord<String, String>> events = eventsOf(vin, "ChargeAmps", 2);
            assertThat(events).extracting(ConsumerRecord::value).containsExactly(
                    "{\"data\":{\"Soc\":64.25,\"ChargeAmps\":16},\"createdAt\":\"2026-11-26T18:10:00.000000000Z\",\"vin\":\"" + vin + "\"}",
                    "{\"data\":{\"ChargeAmps\":32},\"createdAt\":\"2026-11-26T18:11:00.000000000Z\",\"vin\":\"" + vin + "\"}");
            assertThat(bean("lastValues", LastValues.class).get(vin, "data.Soc")).contains(socBefore);
            assertThat(topics().all(STATE)).filteredOn(r -> r.key().equals(vin + "/data.Soc")).hasSize(1);
            assertThat(bean("telemetryIngest", TelemetryIngest.class).unchangedResends()).isGreaterThanOrEqualTo(2);
        }
    }

    @Test
    void eventsOfAVehicleFollowKafkasOrderNotTheVehiclesClock() {
        String vin = "5YJ3E1EA7KF100009";
        // not subscribed: this test's vehicle joins Alice's subscription through the admin API
        harness().send("PUT", "/admin/accounts/alice/subscription", Map.of("Authorization", "Bearer " + GatewayHarness.ADMIN_TOKEN,
                "Content-Type", "application/json"), ("{\"vins\":[\"" + TestFleet.NA_VIN + "\",\"" + TestFleet.NA_VIN_ASLEEP + "\",\""
                + vin + "\"],\"energy_sites\":[" + TestFleet.NA_SITE + "],\"active_until\":null}").getBytes());
        Awaitility.await().atMost(WAIT).until(() -> harness().gateway().context().getRegistry()
                .lookupByNameAndType("accountStore", io.fleetgate.account.AccountStore.class).findById("alice").orElseThrow()
                .subscription().coversVin(vin));
        Awaitility.await().pollDelay(Duration.ofMillis(1100)).until(() -> true);
        Instant clock = Instant.parse("2026-11-26T19:00:00Z");
        try (FleetTelemetryTopics fleetTelemetry = new FleetTelemetryTopics(harness().kafkaBootstrapServers())) {
            for (int i = 1; i <= 15; i++) {
                // the vehicle's clock runs backwards: each record is stamped a minute before the last
                Instant stamped = clock.minusSeconds(60L * i);
                fleetTelemetry.send(RecordType.DATA, vin, Payload.newBuilder().setVin(vin)
                        .setCreatedAt(Timestamp.newBuilder().setSeconds(stamped.getEpochSecond()))
                        .addData(datum(Field.Odometer, Value.newBuilder().setIntValue(1000 + i))).build().toByteArray());
            }
        }

        List<ConsumerRecord<String, String>> events = eventsOf(vin, "Odometer", 15);
        List<String> odometers = new ArrayList<>();
        events.forEach(r -> odometers.add(r.value().replaceAll(".*\"Odometer\":(\\d+).*", "$1")));
        assertThat(odometers).containsExactly("1001", "1002", "1003", "1004", "1005", "1006", "1007", "1008", "1009", "1010",
                "1011", "1012", "1013", "1014", "1015");
        assertThat(events).extracting(ConsumerRecord::partition).containsOnly(events.get(0).partition());
        assertThat(events).extracting(ConsumerRecord::offset).isSorted();
        // the last value is the last in Kafka's order, though the vehicle stamped it earliest
        Awaitility.await().atMost(WAIT).untilAsserted(() -> assertThat(bean("lastValues", LastValues.class).get(vin, "data.Odometer"))
                .get().extracting(v -> v.value().asInt()).isEqualTo(1015));
    }

    @Test
    void subscriptionsGetLiveEventsAndResumeAfterAnEventIdWithNoGapOrDuplicate() throws Exception {
        String vin = TestFleet.NA_VIN;
        VehicleEventFeed feed = bean("vehicleEventFeed", VehicleEventFeed.class);
        assertThat(feed.awaitLive(WAIT)).isTrue();
        List<StreamedEvent> live = new CopyOnWriteArrayList<>();
        try (FleetTelemetryTopics fleetTelemetry = new FleetTelemetryTopics(harness().kafkaBootstrapServers());
             VehicleEventFeed.Subscription subscription = feed.subscribe(e -> e.vin().equals(vin), live::add)) {
            for (int i = 1; i <= 3; i++) {
                fleetTelemetry.send(RecordType.DATA, vin, Payload.newBuilder()
                        .addData(datum(Field.ChargeLimitSoc, Value.newBuilder().setIntValue(80 + i))).build().toByteArray());
            }
            Awaitility.await().atMost(WAIT).until(() -> live.stream().filter(e -> e.event().json().contains("ChargeLimitSoc")).count() == 3);
            List<StreamedEvent> limits = live.stream().filter(e -> e.event().json().contains("ChargeLimitSoc")).toList();
            assertThat(limits).extracting(e -> e.event().body().path("data").path("ChargeLimitSoc").asInt()).containsExactly(81, 82, 83);
            assertThat(limits.get(0).id().partition()).isEqualTo(feed.partitionOf(vin));

            // a client of that VIN alone (its filter takes all) that saw the first one resumes after it,
            // while more are written, for another vehicle too: one before the resume, which its
            // catch-up reads when the two vehicles share a partition (the embedded broker's one)
            List<StreamedEvent> resumed = new CopyOnWriteArrayList<>();
            List<StreamedEvent> others = new CopyOnWriteArrayList<>();
            try (VehicleEventFeed.Subscription other = feed.subscribe(e -> e.vin().equals(TestFleet.CN_VIN), others::add)) {
                fleetTelemetry.send(RecordType.DATA, TestFleet.CN_VIN, Payload.newBuilder()
                        .addData(datum(Field.ChargeLimitSoc, Value.newBuilder().setIntValue(69))).build().toByteArray());
                Awaitility.await().atMost(WAIT).until(() -> others.stream().anyMatch(e -> e.event().json().contains("\"ChargeLimitSoc\":69")));
            }
            try (VehicleEventFeed.Subscription other = feed.subscribe(e -> e.vin().equals(TestFleet.CN_VIN), others::add);
                 VehicleEventFeed.Subscription again = feed.subscribe(Set.of(vin), e -> true,
                    VehicleEventFeed.after(EventId.parse(limits.get(0).id().toString()).orElseThrow()), resumed::add,
                    VehicleEventFeed.CatchUp.UNPACED)) {
                fleetTelemetry.send(RecordType.DATA, TestFleet.CN_VIN, Payload.newBuilder()
                        .addData(datum(Field.ChargeLimitSoc, Value.newBuilder().setIntValue(70))).build().toByteArray());
                fleetTelemetry.send(RecordType.DATA, vin, Payload.newBuilder()
                        .addData(datum(Field.ChargeLimitSoc, Value.newBuilder().setIntValue(84))).build().toByteArray());
                Awaitility.await().atMost(WAIT).until(() -> resumed.stream().anyMatch(e -> e.event().json().contains("84")));
                Awaitility.await().atMost(WAIT).until(() -> others.stream().anyMatch(e -> e.event().json().contains("\"ChargeLimitSoc\":70")));
                TopicRecords.settle();
                assertThat(resumed).extracting(e -> e.event().vin()).containsOnly(vin);
                assertThat(resumed).filteredOn(e -> e.event().json().contains("ChargeLimitSoc"))
                        .extracting(e -> e.event().body().path("data").path("ChargeLimitSoc").asInt()).containsExactly(82, 83, 84);
                assertThat(resumed).extracting(StreamedEvent::id).doesNotHaveDuplicates();
            }
        }
    }

    @Test
    void aVehiclesStateLearnedFromTheFleetApiBecomesStateEventsWhenItChanges() {
        String vin = TestFleet.NA_VIN_ASLEEP;
        // a command to the sleeping vehicle: its state check answers asleep, the wake-up brings it online
        var answer = harness().post("/api/1/vehicles/" + vin + "/command/flash_lights", TestFleet.ALICE.gatewayToken(), "{}");
        assertThat(answer.statusCode()).isEqualTo(200);

        List<ConsumerRecord<String, String>> states = eventsOf(vin, "\"state\"", 2);
        assertThat(states).extracting(r -> r.value().replaceAll(".*\"state\":\"(\\w+)\".*", "$1")).containsExactly("asleep", "online");
        assertThat(states.get(0).value()).matches("\\{\"state\":\"asleep\",\"createdAt\":\"[0-9-]+T[0-9:]+\\.\\d{9}Z\",\"vin\":\"" + vin + "\"}");
        assertThat(bean("lastValues", LastValues.class).get(vin, "state")).get().extracting(v -> v.value().asText()).isEqualTo("online");
    }

    @Test
    void offsetsOfTheRecordsReadAreCommittedOnceWhatTheyGaveIsWritten() throws Exception {
        String vin = TestFleet.NA_VIN;
        try (FleetTelemetryTopics fleetTelemetry = new FleetTelemetryTopics(harness().kafkaBootstrapServers())) {
            fleetTelemetry.send(RecordType.ERRORS, vin, VehicleErrors.newBuilder().setVin(vin).setCreatedAt(at("2026-11-26T18:20:00Z"))
                    .addErrors(VehicleError.newBuilder().setName("offset_probe").setBody("b")).build().toByteArray());
        }
        eventsOf(vin, "offset_probe", 1);

        // the route commits by hand, once a poll's events, values and places are acknowledged: everything read gets committed
        try (Admin admin = Admin.create(Map.<String, Object>of("bootstrap.servers", harness().kafkaBootstrapServers()))) {
            Awaitility.await().atMost(WAIT).untilAsserted(() -> {
                Map<TopicPartition, Long> ends = new HashMap<>();
                Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
                for (RecordType type : RecordType.values()) {
                    String topic = type.topic(FleetTelemetryTopics.NAMESPACE);
                    admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions()
                            .forEach(p -> latest.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest()));
                }
                admin.listOffsets(latest).all().get().forEach((tp, end) -> {
                    if (end.offset() > 0) {
                        ends.put(tp, end.offset());
                    }
                });
                Map<TopicPartition, Long> committed = new HashMap<>();
                admin.listConsumerGroupOffsets("fleetgate-telemetry").partitionsToOffsetAndMetadata().get()
                        .forEach((tp, at) -> committed.put(tp, at.offset()));
                assertThat(committed).containsAllEntriesOf(ends);
            });
        }
        assertThat(topics().all(STATE)).anyMatch(r -> (vin + "/source." + RecordType.ERRORS.topic(FleetTelemetryTopics.NAMESPACE)).equals(r.key()));
    }
}
