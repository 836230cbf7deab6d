package io.fleetgate.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetgate.sim.SimulatedFleet;
import io.fleetgate.testing.FleetgateProcess;
import io.fleetgate.testing.TopicRecords;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/**
 * Demo mode streams out of the box: the simulator plays fleet-telemetry on the embedded broker,
 * and Fleetgate turns its records into vehicle events for the demo accounts' vehicles.
 */
class DemoTelemetryTest {

    @Test
    void demoVehiclesStreamEventsWithoutAnySetup() throws Exception {
        try (FleetgateProcess fleetgate = FleetgateProcess.builder().arg("--demo")
                .setting("fleetgate.demo.telemetry-interval-ms", "200").start()) {
            fleetgate.awaitReady(Duration.ofSeconds(90));
            TopicRecords topics = new TopicRecords("127.0.0.1:" + fleetgate.settings().get("fleetgate.kafka.embedded.port"));
            String vin = SimulatedFleet.DEMO_VIN_ONLINE;

            List<ConsumerRecord<String, String>> data = topics.await("fleetgate.vehicle-events.v1",
                    r -> vin.equals(r.key()) && r.value().contains("\"VehicleName\":\"Demo Three\""), 1, Duration.ofSeconds(30));
            List<ConsumerRecord<String, String>> connected = topics.await("fleetgate.vehicle-events.v1",
                    r -> vin.equals(r.key()) && r.value().contains("\"status\":\"CONNECTED\""), 1, Duration.ofSeconds(30));

            assertThat(data).hasSize(1);
            assertThat(data.get(0).value()).startsWith("{\"data\":{").contains("\"Location\":{\"latitude\":", "\"Gear\":\"ShiftStateP\"");
            assertThat(connected).hasSize(1);
            // an asleep demo vehicle is not connected, so it sends nothing
            assertThat(topics.all("fleetgate.vehicle-events.v1"))
                    .noneMatch(r -> SimulatedFleet.DEMO_VIN_ASLEEP.equals(r.key()) && r.value().contains("\"data\""));
        }
    }
}
