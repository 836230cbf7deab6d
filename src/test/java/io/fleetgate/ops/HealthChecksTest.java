package io.fleetgate.ops;

import static io.fleetgate.testing.TestFleet.ALICE;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fleetgate.app.EmbeddedKafka;
import io.fleetgate.testing.GatewayHarness;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * The probes the Helm chart calls, on the management port: liveness is the process, readiness
 * is Kafka answering, the accounts loaded, and Redis answering when the limits live there.
 */
class HealthChecksTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void readinessFollowsTheKafkaBrokerWhileLivenessStaysUp() throws Exception {
        Path dataDir = Files.createTempDirectory("fleetgate-health").resolve("kafka");
        int port = GatewayHarness.freePort();
        int controllerPort = GatewayHarness.freePort();
        EmbeddedKafka kafka = EmbeddedKafka.start(dataDir, port, controllerPort);
        try (GatewayHarness harness = GatewayHarness.builder().accounts(ALICE)
                .setting("fleetgate.kafka.bootstrap-servers", kafka.bootstrapServers())
                .start()) {
            Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> probe(harness, "/observe/health/ready").statusCode() == 200);
            assertThat(check(probe(harness, "/observe/health/ready"), "kafka")).isEqualTo("UP");
            assertThat(check(probe(harness, "/observe/health/ready"), "accounts")).isEqualTo("UP");

            kafka.close();
            Awaitility.await().atMost(Duration.ofSeconds(15)).until(() -> probe(harness, "/observe/health/ready").statusCode() == 503);
            assertThat(check(probe(harness, "/observe/health/ready"), "kafka")).isEqualTo("DOWN");
            assertThat(probe(harness, "/observe/health/live").statusCode()).as("a broker outage is no reason to restart").isEqualTo(200);

            // the same broker comes back: same port, same data
            kafka = EmbeddedKafka.start(dataDir, port, controllerPort);
            Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> probe(harness, "/observe/health/ready").statusCode() == 200);
            assertThat(check(probe(harness, "/observe/health/ready"), "kafka")).isEqualTo("UP");
        } finally {
            kafka.close();
        }
    }

    @Test
    void readinessIsDownWhileTheConfiguredRedisDoesNotAnswer() throws Exception {
        try (GatewayHarness harness = GatewayHarness.builder().accounts(ALICE)
                .setting("fleetgate.limits.backend", "redis")
                .setting("fleetgate.limits.redis.url", "redis://127.0.0.1:1")
                .start()) {
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> check(probe(harness, "/observe/health/ready"), "kafka").equals("UP"));
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
                .setting("fleetgate.limits.redis.url", "redis://127.0.0.1:6379")
                .setting("fleetgate.limits.redis.key-prefix", "fleetgate-test:" + UUID.randomUUID() + ":")
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
