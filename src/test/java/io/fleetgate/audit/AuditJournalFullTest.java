package io.fleetgate.audit;

import static io.fleetgate.testing.TestFleet.ALICE;
import static io.fleetgate.testing.TestFleet.NA_VIN;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fleetgate.app.EmbeddedKafka;
import io.fleetgate.ops.PrometheusText;
import io.fleetgate.testing.GatewayHarness;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * Kafka away for longer than memory and the journal hold: requests are answered as ever, what
 * found no room is dropped and counted (metric, one warning), and the rest reaches the topic once
 * Kafka is back, each event once.
 */
class AuditJournalFullTest {
    private static final String LIBRARY = "journal-full ";

    @Test
    void aFullJournalDropsAndCountsAndFleetgateKeepsServing() throws Exception {
        Path dataDir = Files.createTempDirectory("fleetgate-journal-full").resolve("kafka");
        int port = GatewayHarness.freePort();
        int controllerPort = GatewayHarness.freePort();
        EmbeddedKafka kafka = EmbeddedKafka.start(dataDir, port, controllerPort);
        try (GatewayHarness harness = GatewayHarness.builder().accounts(ALICE)
                .setting("fleetgate.kafka.bootstrap-servers", kafka.bootstrapServers())
                .setting("fleetgate.audit.buffer-size", "5")
                .setting("fleetgate.audit.journal-max-bytes", "8192")
                .start()) {
            kafka.close();
            Awaitility.await().atMost(Duration.ofSeconds(15)).until(() -> metrics(harness).value("fleetgate_kafka_up") == 0);

            long started = System.nanoTime();
            for (int i = 0; i < 60; i++) {
                HttpResponse<byte[]> read = harness.send("GET", "/api/1/vehicles/" + NA_VIN + "/vehicle_data", library(i), null);
                assertThat(read.statusCode()).as("read %d", i).isEqualTo(200);
            }
            assertThat(Duration.ofNanos(System.nanoTime() - started)).as("no request waited for Kafka").isLessThan(Duration.ofSeconds(30));
            PrometheusText during = metrics(harness);
            assertThat(during.value("fleetgate_audit_events_buffered")).as("Kafka is away: straight to the journal").isZero();
            assertThat(during.value("fleetgate_audit_events_journaled_total")).as("what 8 KiB hold").isBetween(10.0, 20.0);
            assertThat(during.value("fleetgate_audit_events_dropped_total", "reason=journal_full")).isPositive();
            assertThat(during.value("fleetgate_audit_journal_bytes")).isBetween(1.0, 8192.0);
            assertThat(probe(harness, "/observe/health/ready")).as("still serving").isEqualTo(200);

            kafka = EmbeddedKafka.start(dataDir, port, controllerPort);
            Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> {
                PrometheusText after = metrics(harness);
                return after.value("fleetgate_audit_journal_bytes") == 0 && after.value("fleetgate_audit_events_buffered") == 0;
            });
            PrometheusText after = metrics(harness);
            double dropped = after.value("fleetgate_audit_events_dropped_total", "reason=journal_full");
            double journaled = after.value("fleetgate_audit_events_journaled_total");
            assertThat(dropped).as("what found no room").isEqualTo(60 - journaled);
            assertThat(after.value("fleetgate_audit_events_replayed_total")).isEqualTo(journaled);
            AuditTopic topic = new AuditTopic(kafka.bootstrapServers());
            int kept = (int) (60 - dropped);
            topic.await(kept, e -> e.path("client_library").asText("").startsWith(LIBRARY));
            List<JsonNode> events = topic.settled(Duration.ofSeconds(1), e -> e.path("client_library").asText("").startsWith(LIBRARY));
            Map<String, Long> perRequest = events.stream().collect(Collectors.groupingBy(e -> e.path("client_library").asText(),
                    Collectors.counting()));
            assertThat(perRequest).as("what was kept, each once").hasSize(kept).allSatisfy((library, n) -> assertThat(n).isEqualTo(1L));
            assertThat(perRequest).as("the first ones found room").containsKeys(LIBRARY + 0, LIBRARY + (kept - 1));
        } finally {
            kafka.close();
        }
    }

    private static Map<String, String> library(int n) {
        Map<String, String> headers = new HashMap<>(GatewayHarness.bearer(ALICE.gatewayToken()));
        headers.put("X-Library", LIBRARY + n);
        return headers;
    }

    private static PrometheusText metrics(GatewayHarness harness) {
        return new PrometheusText(get(harness, "/observe/metrics").body());
    }

    private static int probe(GatewayHarness harness, String path) {
        return get(harness, path).statusCode();
    }

    private static HttpResponse<String> get(GatewayHarness harness, String path) {
        try {
            return harness.httpClient().send(HttpRequest.newBuilder(URI.create(harness.managementUrl(path)))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
