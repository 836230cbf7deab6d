package io.fleetgate.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetgate.app.Fleetgate;
import io.fleetgate.testing.GatewayHarness;
import io.fleetgate.testing.TestFleet;
import io.fleetgate.testing.TopicRecords;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * With fleet-telemetry writing protojson ({@code transmit_decoded_records}), records become the
 * same events; the last values are read back from fleetgate.vehicle-state.v1 after a restart, so
 * the snapshot survives it, and a resend of what was known before the restart changes nothing; a
 * replica that reads every record again agrees and publishes nothing twice.
 */
class LastValuesSurviveRestartTest {
    private static final String EVENTS = "fleetgate.vehicle-events.v1";
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final String VIN = TestFleet.NA_VIN;

    @Test
    void protojsonRecordsBecomeEventsAndTheirLastValuesSurviveARestart() throws Exception {
        try (GatewayHarness harness = GatewayHarness.builder().accounts(TestFleet.ALICE)
                .setting("fleetgate.telemetry.format", "json").start()) {
            TopicRecords topics = new TopicRecords(harness.kafkaBootstrapServers());
            try (FleetTelemetryTopics fleetTelemetry = new FleetTelemetryTopics(harness.kafkaBootstrapServers())) {
                fleetTelemetry.send(RecordType.DATA, VIN, """
                        {"data":[{"key":"BatteryLevel","value":{"doubleValue":77.5}},
                                 {"key":"Location","value":{"locationValue":{"latitude":37.4419,"longitude":-122.143}}},
                                 {"key":"Gear","value":{"shiftStateValue":"ShiftStateR"}}],
                         "createdAt":"2026-11-26T18:00:00.5Z","vin":"5YJ3E1EA7KF100001","isResend":false}""");
                fleetTelemetry.send(RecordType.CONNECTIVITY, VIN, """
                        {"vin":"5YJ3E1EA7KF100001","connectionId":"c-9","status":"CONNECTED",
                         "createdAt":"2026-11-26T17:59:59Z","networkInterface":"cellular"}""");
            }
            List<ConsumerRecord<String, String>> data = topics.await(EVENTS, r -> r.value().contains("BatteryLevel"), 1, WAIT);
            assertThat(data).extracting(ConsumerRecord::value).containsExactly("{\"data\":{\"BatteryLevel\":77.5,"
                    + "\"Location\":{\"latitude\":37.4419,\"longitude\":-122.143},\"Gear\":\"ShiftStateR\"},"
                    + "\"createdAt\":\"2026-11-26T18:00:00.500000000Z\",\"vin\":\"" + VIN + "\"}");
            assertThat(topics.await(EVENTS, r -> r.value().contains("networkInterface"), 1, WAIT)).hasSize(1);
            String batteryEventId = data.get(0).partition() + "-" + data.get(0).offset();
            Awaitility.await().atMost(WAIT).until(() -> lastValues(harness).valuesOf(VIN).size() == 4);

            harness.restart();

            LastValues restarted = lastValues(harness);
            assertThat(restarted.awaitCaughtUp(WAIT)).isTrue();
            // state and connectivity first, then the fields by createdAt (and name)
            List<StreamedEvent> snapshot = restarted.snapshot(VIN);
            assertThat(snapshot).extracting(e -> e.event().json()).containsExactly(
                    "{\"networkInterface\":\"cellular\",\"status\":\"CONNECTED\",\"createdAt\":\"2026-11-26T17:59:59.000000000Z\","
                            + "\"vin\":\"" + VIN + "\",\"isCache\":true}",
                    "{\"data\":{\"BatteryLevel\":77.5},\"createdAt\":\"2026-11-26T18:00:00.500000000Z\",\"vin\":\"" + VIN + "\",\"isCache\":true}",
                    "{\"data\":{\"Gear\":\"ShiftStateR\"},\"createdAt\":\"2026-11-26T18:00:00.500000000Z\",\"vin\":\"" + VIN + "\","
                            + "\"isCache\":true}",
                    "{\"data\":{\"Location\":{\"latitude\":37.4419,\"longitude\":-122.143}},\"createdAt\":\"2026-11-26T18:00:00.500000000Z\","
                            + "\"vin\":\"" + VIN + "\",\"isCache\":true}");
            assertThat(snapshot.get(1).id().toString()).isEqualTo(batteryEventId);

            // what was known before the restart, resent: nothing; a changed value: its event
            try (FleetTelemetryTopics fleetTelemetry = new FleetTelemetryTopics(harness.kafkaBootstrapServers())) {
                fleetTelemetry.send(RecordType.DATA, VIN, """
                        {"data":[{"key":"BatteryLevel","value":{"doubleValue":77.5}}],
                         "createdAt":"2026-11-26T18:00:30Z","vin":"5YJ3E1EA7KF100001","isResend":true}""");
                fleetTelemetry.send(RecordType.DATA, VIN, """
                        {"data":[{"key":"BatteryLevel","value":{"doubleValue":77.0}}],
                         "createdAt":"2026-11-26T18:01:00Z","vin":"5YJ3E1EA7KF100001","isResend":false}""");
            }
            List<ConsumerRecord<String, String>> battery = topics.awaitSettled(EVENTS, r -> r.value().contains("BatteryLevel"), 2, WAIT);
            assertThat(battery).extracting(r -> r.value().replaceAll(".*\"BatteryLevel\":([0-9.]+).*", "$1"))
                    .containsExactly("77.5", "77.0");

            // a second replica, in a consumer group of its own, reads every record again: it agrees on
            // the last values and publishes nothing twice
            int eventsBefore = topics.all(EVENTS).size();
            Map<String, String> second = harness.secondReplicaSettings();
            second.put("fleetgate.telemetry.consumer-group", "fleetgate-telemetry-replay");
            try (Fleetgate replica = new Fleetgate(second).start()) {
                TelemetryIngest replayed = replica.context().getRegistry().lookupByNameAndType("telemetryIngest", TelemetryIngest.class);
                Awaitility.await().atMost(WAIT).until(() -> replayed.replayedRecords() == 4);
                TopicRecords.settle();
                assertThat(topics.all(EVENTS)).hasSize(eventsBefore);
                assertThat(replica.context().getRegistry().lookupByNameAndType("lastValues", LastValues.class).snapshot(VIN))
                        .isEqualTo(lastValues(harness).snapshot(VIN));
            }
        }
    }

    private static LastValues lastValues(GatewayHarness harness) {
        return harness.gateway().context().getRegistry().lookupByNameAndType("lastValues", LastValues.class);
    }
}
