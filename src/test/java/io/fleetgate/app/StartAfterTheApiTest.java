package io.fleetgate.app;

import static io.fleetgate.testing.TestFleet.ALICE;
import static org.assertj.core.api.Assertions.assertThat;

import io.fleetgate.credits.UsageRollups;
import io.fleetgate.ops.BackgroundRoutesCheck;
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
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.camel.CamelContext;
import org.apache.camel.Consumer;
import org.apache.camel.Endpoint;
import org.apache.camel.Processor;
import org.apache.camel.Producer;
import org.apache.camel.ServiceStatus;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.health.HealthCheck;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.spi.RouteController;
import org.apache.camel.support.DefaultComponent;
import org.apache.camel.support.DefaultConsumer;
import org.apache.camel.support.DefaultEndpoint;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * The routes no request needs at once (routePolicy startAfterTheApi) and the usage roll-ups'
 * aggregation start fleetgate.startup.background-delay-ms after the others: the API answers before
 * they run, what came meanwhile waits in Kafka, and a disabled route stays stopped. The shipped
 * delay (2 s) is in ContractDefaultsTest. One that does not start is tried again, and the health
 * list names it meanwhile.
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

    @Test
    void aRouteThatFailsToStartIsTriedAgainAndNamedInTheHealthListUntilItRuns() throws Exception {
        AtomicInteger tries = new AtomicInteger();
        StartAfterTheApi policy = new StartAfterTheApi(Duration.ofMillis(50));
        BackgroundRoutesCheck check = new BackgroundRoutesCheck(policy::notStarted);
        try (CamelContext context = new DefaultCamelContext()) {
            // a consumer that cannot start its first three times (a broker not there yet, say)
            context.addComponent("flaky", new DefaultComponent() {
                @Override
                protected Endpoint createEndpoint(String uri, String remaining, Map<String, Object> parameters) {
                    return new DefaultEndpoint(uri, this) {
                        @Override
                        public Producer createProducer() {
                            throw new UnsupportedOperationException("consumer only");
                        }

                        @Override
                        public Consumer createConsumer(Processor processor) {
                            return new DefaultConsumer(this, processor) {
                                @Override
                                protected void doStart() throws Exception {
                                    if (tries.incrementAndGet() <= 3) {
                                        throw new IllegalStateException("not yet, try " + tries.get());
                                    }
                                    super.doStart();
                                }
                            };
                        }
                    };
                }
            });
            context.addStartupListener(policy);
            context.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from("flaky:background").routeId("background").routePolicy(policy).log("never");
                    from("timer:api?period=60000").routeId("api").log("serving");
                }
            });
            check.setCamelContext(context);
            context.start();
            assertThat(context.getRouteController().getRouteStatus("api")).isEqualTo(ServiceStatus.Started);

            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> !policy.notStarted().isEmpty());
            assertThat(context.getRouteController().getRouteStatus("background")).isNotEqualTo(ServiceStatus.Started);
            HealthCheck.Result down = check.call();
            assertThat(down.getState()).isEqualTo(HealthCheck.State.DOWN);
            assertThat(down.getMessage()).hasValue("not started, tried again: background");
            assertThat(String.valueOf(down.getDetails().get("route.background"))).startsWith("not yet, try");
            assertThat(check.isReadiness()).as("the API serves without it").isFalse();
            assertThat(check.isLiveness()).isFalse();

            // tried again after 100, 200, 400 ms: started on the fourth try, and the check is UP
            Awaitility.await().atMost(Duration.ofSeconds(10))
                    .until(() -> context.getRouteController().getRouteStatus("background") == ServiceStatus.Started);
            assertThat(tries.get()).isEqualTo(4);
            assertThat(policy.notStarted()).isEmpty();
            assertThat(check.call().getState()).isEqualTo(HealthCheck.State.UP);
        }
    }
}
