package io.fleetgate.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fleetgate.app.EmbeddedKafka;
import io.fleetgate.testing.GatewayHarness;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The audit producer's shipped batching: a burst of events reaches the topic in a few large,
 * compressed requests, not one small request per linger. Every read writes an event, and the
 * broker and the topic's two readers pay per request (README "Performance").
 */
class AuditBatchingTest {
    @TempDir
    Path dir;

    @Test
    void aBurstOfEventsGoesOutInFewCompressedRequestsWithTheShippedSettings() throws Exception {
        AuditPublisher.Batching shipped = shippedBatching();
        assertThat(shipped).isEqualTo(new AuditPublisher.Batching(50, 262_144, "lz4"));
        try (EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("broker"), GatewayHarness.freePort(), GatewayHarness.freePort())) {
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
                admin.createTopics(List.of(new NewTopic(AuditTopic.NAME, 6, (short) 1))).all().get();
            }
            Clock clock = Clock.systemUTC();
            AuditOutbox outbox = new AuditOutbox(10_000, AuditJournal.open(dir.resolve("journal"), 64L * 1024 * 1024, 1000, clock),
                    "run-a", () -> true, clock);
            AuditPublisher publisher = new AuditPublisher(Map.of("bootstrap.servers", kafka.bootstrapServers()), AuditTopic.NAME,
                    outbox, shipped, 2000, 1000, () -> true, clock);
            publisher.start();
            try {
                int events = 3_000;
                for (int i = 0; i < events; i++) {
                    assertThat(outbox.offer(AuditOutboxTest.event("alice"))).isTrue();
                }
                Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> publisher.publishedEvents().sum() == events);

                // one account's events share a partition: ~500 of these fit a 256 KB batch
                assertThat(publisher.producerMetric("records-per-request-avg")).as("events per request").isGreaterThan(100);
                assertThat(publisher.producerMetric("compression-rate-avg")).as("compressed size / size").isLessThan(0.6);
                assertThat(new AuditTopic(kafka.bootstrapServers()).readUntil(records -> records.size() >= events,
                        Duration.ofSeconds(20))).hasSize(events);
            } finally {
                publisher.stop();
            }
        }
    }

    @Test
    void anUnknownCompressionTypeIsRefusedWithTheSettingsName() {
        assertThatThrownBy(() -> new AuditPublisher.Batching(50, 262_144, "brotli"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("fleetgate.audit.kafka.compression")
                .hasMessageContaining("brotli");
    }

    private static AuditPublisher.Batching shippedBatching() throws Exception {
        Properties shipped = new Properties();
        try (InputStream in = AuditBatchingTest.class.getResourceAsStream("/application.properties")) {
            shipped.load(in);
        }
        return new AuditPublisher.Batching(Integer.parseInt(shipped.getProperty("fleetgate.audit.kafka.linger-ms").trim()),
                Integer.parseInt(shipped.getProperty("fleetgate.audit.kafka.batch-bytes").trim()),
                shipped.getProperty("fleetgate.audit.kafka.compression").trim());
    }
}
