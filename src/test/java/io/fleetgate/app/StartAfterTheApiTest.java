package io.fleetgate.app;

import static io.fleetgate.testing.TestFleet.ALICE;
import static org.assertj.core.api.Assertions.assertThat;

import io.fleetgate.credits.UsageRollups;
import io.fleetgate.telemetry.FleetTelemetryTopics;
import io.fleetgate.telemetry.RecordType;
import io.fleetgate.telemetry.proto.VehicleData.Datum;
import io.fleetgate.telemetry.proto.VehicleData.Field;
import io.fleetgate.telemetry.proto.VehicleData.Payload;
import io.fleetgate.telemetry.proto.VehicleData.Value;
import io.fleetgate.testing.GatewayHarness;
import io.fleetgate.testing.TestFleet;
import io.fleetgate.testing.TopicRecords;
import java.time.Duration;
import java.util.List;
import org.apache.camel.ServiceStatus;
import org.apache.camel.spi.RouteController;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * The routes no request needs at once (routePolicy startAfterTheApi) and the usage roll-ups'
 * aggregation start fleetgate.startup.background-delay-ms after the others: the API answers before
 * they run, what came meanwhile waits in Kafka, and a disabled route stays stopped. The shipped
 * delay (2 s) is in ContractDefaultsTest.
 */
class StartAfterTheApiTest {
    private static final List<String> BACKGROUND = List.of("telemetry-ingest", "vehicle-polling-schedule", "tesla-token-refresh-schedule");

    @Test
    void theApiAnswersFirstAndTheBackgroundRoutesStartAfterTheDelayLosingNothing() {
        long delayMillis = 5000;
        try (GatewayHarness harness = GatewayHarness.builder().accounts(ALICE)
                .setting("fleetgate.startup.background-delay-ms", String.valueOf(delayMillis))
                .setting("fleetgate.webhooks.enabled", "false")
                .start()) {
            long up = System.nanoTime();
            RouteController routes = harness.gateway().context().getRouteController();
            for (String id : BACKGROUND) {
                assertThat(routes.getRouteStatus(id)).as(id).isEqualTo(ServiceStatus.Stopped);
            }
            assertThat(routes.getRouteStatus("fleet-api-ingress")).isEqualTo(ServiceStatus.Started);
            UsageRollups rollups = harness.gateway().context().getRegistry().lookupByNameAndType("usageRollups", UsageRollups.class);
            assertThat(rollups.isRunning()).as("the usage roll-ups' aggregation waits as well").isFalse();
            assertThat(harness.get("/api/1/vehicles", ALICE.gatewayToken()).statusCode()).isEqualTo(200);

            // a fleet-telemetry record written before the ingest runs is read once it does
            String vin = TestFleet.NA_VIN;
            try (FleetTelemetryTopics fleetTelemetry = new FleetTelemetryTopics(harness.kafkaBootstrapServers())) {
                fleetTelemetry.send(RecordType.DATA, vin, Payload.newBuilder()
                        .addData(Datum.newBuilder().setKey(Field.Odometer).setValue(Value.newBuilder().setDoubleValue(1234.5)))
                        .build().toByteArray());
            }
            assertThat(routes.getRouteStatus("telemetry-ingest")).as("the record is in Kafka before the ingest runs")
                    .isEqualTo(ServiceStatus.Stopped);
            assertThat(rollups.isRunning()).isFalse();

            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() ->
                    BACKGROUND.stream().allMatch(id -> routes.getRouteStatus(id) == ServiceStatus.Started));
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(rollups::isRunning);
            // the delay counts from Camel's start, a moment before the harness returned
            assertThat(Duration.ofNanos(System.nanoTime() - up)).isGreaterThan(Duration.ofMillis(delayMillis - 1000));
            assertThat(new TopicRecords(harness.kafkaBootstrapServers()).await("fleetgate.vehicle-events.v1",
                    r -> vin.equals(r.key()) && r.value().contains("\"Odometer\":1234.5"), 1, Duration.ofSeconds(20))).hasSize(1);
            // a disabled route is not started by the policy either
            assertThat(routes.getRouteStatus("webhook-dispatch")).isEqualTo(ServiceStatus.Stopped);
        }
    }
}
