package io.fleetgate.telemetry;

import static io.fleetgate.telemetry.TeslemetryShapesTest.datum;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fleetgate.telemetry.proto.VehicleData.Field;
import io.fleetgate.telemetry.proto.VehicleData.Payload;
import io.fleetgate.telemetry.proto.VehicleData.Value;
import io.fleetgate.testing.CrashRig;
import io.fleetgate.testing.FleetgateProcess;
import io.fleetgate.testing.TestFleet;
import io.fleetgate.testing.TopicRecords;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * The telemetry ingest as a real process killed with {@code kill -9} in the middle of a backlog of
 * fleet-telemetry records, then started again on the same broker: every record written becomes
 * its event on fleetgate.vehicle-events.v1, in each vehicle's order. Delivery is at least once:
 * the events of a poll whose records' source positions were not yet written when it died are
 * published again after the restart, so each vehicle has at most one poll's records twice. Offsets
 * are committed at most once per interval, here never before the kill: what was published and not
 * committed is read again and skipped by the records' places.
 */
class TelemetryIngestCrashTest {
    private static final String EVENTS = "fleetgate.vehicle-events.v1";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> VINS = List.of(TestFleet.NA_VIN, TestFleet.NA_VIN_ASLEEP);
    private static final int BEFORE_KILL = 1000;
    private static final int WHILE_DOWN = 100;
    /** Camel's kafka consumer's maxPollRecords, which the telemetry route leaves at its default. */
    private static final int MAX_POLL_RECORDS = 500;

    @Test
    void killedMidStreamTheRestartedIngestLosesNoRecordAndKeepsEachVehiclesOrder() throws Exception {
        try (CrashRig rig = new CrashRig(TestFleet.fleet(), TestFleet.ALICE)
                     // the restarted replica takes the dead one's partitions after 6 s (the broker's minimum)
                     .setting("fleetgate.telemetry.session-timeout-ms", "6000")
                     .setting("fleetgate.telemetry.heartbeat-interval-ms", "1000")
                     .setting("fleetgate.webhooks.enabled", "false")
                     // no offset committed before the kill: every record it published is read again
                     // after the restart, and skipped by its place on the state topic
                     .setting("fleetgate.telemetry.commit-interval-ms", "600000");
             FleetTelemetryTopics fleetTelemetry = new FleetTelemetryTopics(rig.bootstrapServers())) {
            FleetgateProcess fleetgate = rig.start("ingest");
            Map<String, List<String>> written = new LinkedHashMap<>();
            VINS.forEach(vin -> written.put(vin, new ArrayList<>()));
            // fleet-telemetry writes (one acknowledged record at a time) while Fleetgate ingests
            java.util.concurrent.CompletableFuture<Void> writing = java.util.concurrent.CompletableFuture.runAsync(
                    () -> write(fleetTelemetry, written, 0, BEFORE_KILL));

            // kill -9 while records are being turned into events: some published, not all
            Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20))
                    .until(() -> events(rig) >= 50);
            fleetgate.kill();
            long publishedAtKill = events(rig);
            writing.get(60, java.util.concurrent.TimeUnit.SECONDS);
            System.out.printf("killed the ingest with %d of %d records published%n", publishedAtKill, BEFORE_KILL * VINS.size());
            assertThat(publishedAtKill).as("killed mid-stream").isLessThan((long) BEFORE_KILL * VINS.size());

            // fleet-telemetry goes on writing while Fleetgate is down
            write(fleetTelemetry, written, BEFORE_KILL, BEFORE_KILL + WHILE_DOWN);
            rig.start("ingest");
            int total = (BEFORE_KILL + WHILE_DOWN) * VINS.size();
            Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> events(rig) >= total);
            TopicRecords.settle();

            Map<String, List<String>> published = new LinkedHashMap<>();
            VINS.forEach(vin -> published.put(vin, new ArrayList<>()));
            for (ConsumerRecord<String, String> event : new TopicRecords(rig.bootstrapServers()).all(EVENTS)) {
                String name = JSON.readTree(event.value()).path("data").path("VehicleName").asText(null);
                if (name != null && published.containsKey(event.key())) {
                    published.get(event.key()).add(name);
                }
            }
            for (String vin : VINS) {
                List<String> got = published.get(vin);
                List<String> firstSeen = got.stream().distinct().toList();
                int duplicates = got.size() - firstSeen.size();
                System.out.printf("%s: %d records written, %d events, %d duplicates%n", vin, written.get(vin).size(), got.size(), duplicates);
                assertThat(firstSeen).as("every record's event, in the vehicle's order").containsExactlyElementsOf(written.get(vin));
                // events are written a poll at a time, then the records' places: a kill between the two
                // publishes that poll's events again (Camel reads at most 500 records a poll)
                assertThat(duplicates).as("at most the poll in flight at the kill, again").isLessThanOrEqualTo(MAX_POLL_RECORDS);
            }
        }
    }

    /** Records {@code from} to {@code to} (exclusive) of every vehicle, each naming itself. */
    private static void write(FleetTelemetryTopics fleetTelemetry, Map<String, List<String>> written, int from, int to) {
        for (int i = from; i < to; i++) {
            for (String vin : VINS) {
                String name = vin.substring(13) + "-" + i;
                fleetTelemetry.send(RecordType.DATA, vin, Payload.newBuilder().setVin(vin)
                        .addData(datum(Field.VehicleName, Value.newBuilder().setStringValue(name))).build().toByteArray());
                written.get(vin).add(name);
            }
        }
    }

    /** Records on the events topic, all partitions. */
    private static long events(CrashRig rig) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, rig.bootstrapServers());
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(p)) {
            List<TopicPartition> partitions = consumer.partitionsFor(EVENTS, Duration.ofSeconds(10)).stream()
                    .map(info -> new TopicPartition(EVENTS, info.partition())).toList();
            return consumer.endOffsets(partitions).values().stream().mapToLong(Long::longValue).sum();
        }
    }
}
