package io.fleetgate.ops;

import static io.fleetgate.testing.TestFleet.ALICE;
import static io.fleetgate.testing.TestFleet.NA_VIN;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fleetgate.app.EmbeddedKafka;
import io.fleetgate.app.Fleetgate;
import io.fleetgate.testing.FetchHoldingProxy;
import io.fleetgate.testing.GatewayHarness;
import io.fleetgate.testing.TestRedis;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * The probes the Helm chart calls, on the management port: liveness is the process; readiness is
 * "this replica can serve": the accounts loaded, and Redis answering when the limits live there.
 * Kafka's state is in the full list ({@code /observe/health}) and the metric {@code fleetgate_kafka_up},
 * never in readiness: without Kafka, reads go on and commands refuse themselves with 503.
 */
class HealthChecksTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void readinessStaysUpWhileKafkaIsAwayAndTheKafkaCheckSaysSo() throws Exception {
        Path dataDir = Files.createTempDirectory("fleetgate-health").resolve("kafka");
        int port = GatewayHarness.freePort();
        int controllerPort = GatewayHarness.freePort();
        EmbeddedKafka kafka = EmbeddedKafka.start(dataDir, port, controllerPort);
        try (GatewayHarness harness = GatewayHarness.builder().accounts(ALICE)
                .setting("fleetgate.kafka.bootstrap-servers", kafka.bootstrapServers())
                .start()) {
            Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> probe(harness, "/observe/health/ready").statusCode() == 200);
            assertThat(check(probe(harness, "/observe/health/ready"), "accounts")).isEqualTo("UP");
            assertThat(check(probe(harness, "/observe/health/ready"), "kafka")).as("not a readiness check").startsWith("absent");
            assertThat(check(probe(harness, "/observe/health"), "kafka")).isEqualTo("UP");
            // the routes that start after the API, all started (StartAfterTheApiTest: one that does not)
            assertThat(check(probe(harness, "/observe/health"), "background-routes")).isEqualTo("UP");
            assertThat(check(probe(harness, "/observe/health/ready"), "background-routes")).startsWith("absent");
            assertThat(MetricsEndpointTest.scrape(harness).value("fleetgate_kafka_up")).isEqualTo(1.0);

            kafka.close();
            Awaitility.await().atMost(Duration.ofSeconds(15)).until(() -> check(probe(harness, "/observe/health"), "kafka").equals("DOWN"));
            HttpResponse<String> all = probe(harness, "/observe/health");
            assertThat(all.statusCode()).isEqualTo(503);
            assertThat(all.body()).contains("Kafka at " + kafka.bootstrapServers() + " has not answered for", "REST commands get 503");
            assertThat(MetricsEndpointTest.scrape(harness).value("fleetgate_kafka_up")).isZero();
            for (int i = 0; i < 5; i++) {
                assertThat(probe(harness, "/observe/health/ready").statusCode()).as("ready while Kafka is away").isEqualTo(200);
                assertThat(harness.get("/api/1/vehicles/" + NA_VIN + "/vehicle_data", ALICE.gatewayToken()).statusCode())
                        .as("reads go on").isEqualTo(200);
                Thread.sleep(500);
            }
            assertThat(harness.post("/api/1/vehicles/" + NA_VIN + "/command/honk_horn", ALICE.gatewayToken(), "{}").statusCode())
                    .as("commands refuse themselves").isEqualTo(503);
            assertThat(probe(harness, "/observe/health/live").statusCode()).as("a broker outage is no reason to restart").isEqualTo(200);

            // the same broker comes back: same port, same data
            kafka = EmbeddedKafka.start(dataDir, port, controllerPort);
            Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> probe(harness, "/observe/health").statusCode() == 200);
            assertThat(check(probe(harness, "/observe/health"), "kafka")).isEqualTo("UP");
            assertThat(MetricsEndpointTest.scrape(harness).value("fleetgate_kafka_up")).isEqualTo(1.0);
        } finally {
            kafka.close();
        }
    }

    @Test
    void readinessIsDownUntilTheAccountsAreLoaded() throws Exception {
        Path dataDir = Files.createTempDirectory("fleetgate-health-accounts");
        int brokerPort = GatewayHarness.freePort();
        try (FetchHoldingProxy proxy = new FetchHoldingProxy(brokerPort);
             EmbeddedKafka kafka = EmbeddedKafka.start(dataDir.resolve("kafka"), brokerPort, GatewayHarness.freePort(),
                     Map.of("advertised.listeners", "PLAINTEXT://127.0.0.1:" + proxy.port()));
             GatewayHarness harness = GatewayHarness.builder().accounts(ALICE)
                     .setting("fleetgate.kafka.bootstrap-servers", "127.0.0.1:" + proxy.port())
                     .start()) {
            // the first start wrote the account to the accounts topic; the next one must read it back
            harness.stopGateway();
            proxy.holdFetches();
            Map<String, String> settings = new HashMap<>(harness.settings());
            settings.put("fleetgate.accounts.ready-timeout-ms", "1000");
            try (Fleetgate replica = new Fleetgate(settings).start()) {
                HttpResponse<String> ready = probe(harness, "/observe/health/ready");
                assertThat(ready.statusCode()).as("listening, accounts not loaded: %s", ready.body()).isEqualTo(503);
                assertThat(check(ready, "accounts")).isEqualTo("DOWN");
                assertThat(probe(harness, "/observe/health/live").statusCode()).isEqualTo(200);

                proxy.releaseFetches();
                Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> probe(harness, "/observe/health/ready").statusCode() == 200);
                assertThat(harness.get("/api/1/vehicles/" + NA_VIN + "/vehicle_data", ALICE.gatewayToken()).statusCode()).isEqualTo(200);
            }
        }
    }

    @Test
    void readinessIsDownWhileTheConfiguredRedisDoesNotAnswer() throws Exception {
        try (GatewayHarness harness = GatewayHarness.builder().accounts(ALICE)
                .setting("fleetgate.limits.backend", "redis")
                .setting("fleetgate.limits.redis.url", "redis://127.0.0.1:1")
                .start()) {
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> check(probe(harness, "/observe/health/ready"), "accounts").equals("UP"));
            HttpResponse<String> ready = probe(harness, "/observe/health/ready");
            assertThat(ready.statusCode()).isEqualTo(503);
            assertThat(check(ready, "redis")).isEqualTo("DOWN");
            assertThat(probe(harness, "/observe/health/live").statusCode()).isEqualTo(200);
        }
    }

    @Test
    void readinessIsUpWithAReachableRedis() throws Exception {
        try (GatewayHarness harness = GatewayHarness.builder().accounts(ALICE)
                .setting("fleetgate.limits.backend", "redis")
                .setting("fleetgate.limits.redis.url", TestRedis.URL.toString())
                .setting("fleetgate.limits.redis.key-prefix", TestRedis.uniquePrefix("fleetgate-test"))
                .start()) {
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> probe(harness, "/observe/health/ready").statusCode() == 200);
            assertThat(check(probe(harness, "/observe/health/ready"), "redis")).isEqualTo("UP");
        }
    }

    static HttpResponse<String> probe(GatewayHarness harness, String path) {
        try {
            return harness.httpClient().send(HttpRequest.newBuilder(URI.create(harness.managementUrl(path + "?exposureLevel=full")))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The state of one check in the management server's full answer. */
    static String check(HttpResponse<String> answer, String id) {
        try {
            JsonNode body = JSON.readTree(answer.body());
            for (JsonNode check : body.path("checks")) {
                if (id.equals(check.path("name").asText())) {
                    return check.path("status").asText();
                }
            }
            return "absent: " + answer.body();
        } catch (Exception e) {
            throw new IllegalStateException(answer.body(), e);
        }
    }
}
