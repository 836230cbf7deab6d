package io.fleetgate.audit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fleetgate.app.EmbeddedKafka;
import io.fleetgate.testing.GatewayHarness;
import io.fleetgate.testing.MutableClock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run killed while it replayed its journal: some entries were on the topic already without
 * their acknowledgement reaching the checkpoint. The next run reads the topic since the
 * checkpoint's "sent since" first, skips those, and sends the rest: each event once on the topic,
 * each with the name of the run that counted it.
 */
class AuditJournalReplayTest {
    private EmbeddedKafka kafka;
    @TempDir
    Path dir;

    @BeforeEach
    void startBroker() throws Exception {
        kafka = EmbeddedKafka.start(dir.resolve("broker"), GatewayHarness.freePort(), GatewayHarness.freePort());
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(AuditTopic.NAME, 6, (short) 1))).all().get();
        }
    }

    @AfterEach
    void stopBroker() {
        kafka.close();
    }

    @Test
    void entriesAKilledRunSentAreFoundOnTheTopicAndNotSentAgain() throws Exception {
        MutableClock clock = new MutableClock(Clock.systemUTC().instant());
        Path journalDir = dir.resolve("journal");
        AuditJournal earlier = AuditJournal.open(journalDir, 1024 * 1024, 1000, clock);
        List<AuditEvent> events = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            events.add(AuditOutboxTest.event(i % 2 == 0 ? "alice" : "bernd"));
            earlier.append(AuditEventJson.bytes(events.get(i)), "run-a");
        }
        // the earlier run took 25 out, sent 15, and saw 5 acknowledged before it was killed
        List<AuditJournal.Entry> taken = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            taken.add(earlier.next());
        }
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of("bootstrap.servers", kafka.bootstrapServers(),
                "key.serializer", StringSerializer.class.getName(), "value.serializer", ByteArraySerializer.class.getName()))) {
            for (int i = 0; i < 15; i++) {
                producer.send(new ProducerRecord<>(AuditTopic.NAME, events.get(i).partitionKey(), taken.get(i).value())).get();
            }
        }
        for (int i = 0; i < 5; i++) {
            earlier.acknowledge(taken.get(i));
        }
        earlier.checkpoint();
        Path killed = Files.createDirectory(dir.resolve("killed"));
        try (Stream<Path> files = Files.list(journalDir)) {
            for (Path file : files.filter(f -> !f.getFileName().toString().equals(".lock")).toList()) {
                Files.copy(file, killed.resolve(file.getFileName()));
            }
        }
        earlier.close();

        AuditJournal journal = AuditJournal.open(killed, 1024 * 1024, 1000, clock);
        AuditOutbox outbox = new AuditOutbox(10, journal, "run-b", () -> true, clock);
        AuditPublisher publisher = new AuditPublisher(Map.of("bootstrap.servers", kafka.bootstrapServers()), AuditTopic.NAME,
                outbox, new AuditPublisher.Batching(5, 64 * 1024, "lz4"), 2000, 1000, () -> true, clock);
        publisher.start();
        try {
            AuditTopic topic = new AuditTopic(kafka.bootstrapServers());
            Awaitility.await().atMost(Duration.ofSeconds(30))
                    .until(() -> topic.readUntil(r -> false, Duration.ofMillis(500)).size() >= 40);
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> outbox.waiting() == 0);
            List<ConsumerRecord<String, byte[]>> records = topic.readUntil(r -> false, Duration.ofSeconds(2));

            Map<String, Long> perEvent = records.stream().collect(Collectors.groupingBy(
                    r -> AuditTopic.json(r.value()).path("event_id").asText(), Collectors.counting()));
            assertThat(perEvent).as("each event once").hasSize(40).allSatisfy((id, n) -> assertThat(n).isEqualTo(1L));
            assertThat(perEvent.keySet()).containsExactlyInAnyOrderElementsOf(events.stream().map(e -> e.eventId().toString()).toList());
            assertThat(publisher.foundOnTopicEvents().sum()).as("sent by the killed run, not acknowledged").isEqualTo(10);
            assertThat(publisher.replayedEvents().sum()).isEqualTo(25);
            Set<String> origins = records.stream().skip(0)
                    .map(r -> r.headers().lastHeader(AuditPublisher.ORIGIN_HEADER))
                    .filter(h -> h != null).map(h -> new String(h.value(), StandardCharsets.UTF_8)).collect(Collectors.toSet());
            assertThat(origins).as("the run that counted them").containsExactly("run-a");
            List<ConsumerRecord<String, byte[]>> published = records.stream()
                    .filter(r -> r.headers().lastHeader(AuditPublisher.ORIGIN_HEADER) != null).toList();
            assertThat(published).isNotEmpty().allSatisfy(r -> assertThat(
                    new String(r.headers().lastHeader(AuditPublisher.EVENT_ID_HEADER).value(), StandardCharsets.US_ASCII))
                    .as("the event-id header, so its run finds it without reading the JSON")
                    .isEqualTo(AuditTopic.json(r.value()).path("event_id").asText()));
            assertThat(journal.bytes()).as("nothing left on disk").isZero();
        } finally {
            publisher.stop();
        }
    }

    @Test
    void eventsInMemoryAndTheJournalReachTheTopicInTheOrderTheyCame() throws Exception {
        MutableClock clock = new MutableClock(Clock.systemUTC().instant());
        AuditJournal journal = AuditJournal.open(dir.resolve("ordered"), 1024 * 1024, 1000, clock);
        AuditOutbox outbox = new AuditOutbox(3, journal, "run-c", () -> true, clock);
        List<UUID> offered = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            AuditEvent event = AuditOutboxTest.event("alice"); // one key: one partition, the topic's order is theirs
            offered.add(event.eventId());
            outbox.offer(event);
        }
        AuditPublisher publisher = new AuditPublisher(Map.of("bootstrap.servers", kafka.bootstrapServers()), AuditTopic.NAME,
                outbox, new AuditPublisher.Batching(5, 64 * 1024, "lz4"), 2000, 1000, () -> true, clock);
        publisher.start();
        try {
            for (int i = 30; i < 60; i++) {
                AuditEvent event = AuditOutboxTest.event("alice");
                offered.add(event.eventId());
                outbox.offer(event);
            }
            AuditTopic topic = new AuditTopic(kafka.bootstrapServers());
            List<JsonNode> events = topic.await(60, e -> "alice".equals(e.path("account_id").asText()));
            assertThat(events).extracting(e -> UUID.fromString(e.path("event_id").asText())).containsExactlyElementsOf(offered);
        } finally {
            publisher.stop();
        }
    }
}
