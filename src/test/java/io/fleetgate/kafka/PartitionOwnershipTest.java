package io.fleetgate.kafka;

import static io.fleetgate.testing.KafkaClientMetrics.fetches;
import static org.assertj.core.api.Assertions.assertThat;

import io.fleetgate.app.EmbeddedKafka;
import io.fleetgate.testing.GatewayHarness;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A group's partitions held by this replica; a group that only holds them never fetches. */
class PartitionOwnershipTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    private static EmbeddedKafka kafka;
    private static Map<String, Object> clientConfig;

    @BeforeAll
    static void startKafka() throws Exception {
        kafka = EmbeddedKafka.start(Files.createTempDirectory("fleetgate-ownership").resolve("kafka"),
                GatewayHarness.freePort(), GatewayHarness.freePort());
        clientConfig = Map.of("bootstrap.servers", kafka.bootstrapServers());
        try (Admin admin = Admin.create(clientConfig)) {
            admin.createTopics(List.of(new NewTopic("owned", 3, (short) 1))).all().get();
        }
    }

    @AfterAll
    static void stopKafka() {
        kafka.close();
    }

    @Test
    void aGroupThatOnlyHoldsTheAssignmentOwnsEveryPartitionAndSendsNoFetchWhileAReadingGroupReadsTheRecords() throws Exception {
        List<String> read = new CopyOnWriteArrayList<>();
        PartitionOwnership holding = ownership("holding", null);
        PartitionOwnership reading = ownership("reading", record -> read.add(record.value()));
        holding.start();
        reading.start();
        try {
            Awaitility.await().atMost(WAIT).until(() -> holding.ownedPartitions().size() == 3 && reading.ownedPartitions().size() == 3);
            assertThat(holding.ownedPartitions()).isEqualTo(Set.of(0, 1, 2));
            assertThat(holding.owns("5YJ3E1EA7KR000001")).isTrue();
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                    kafka.bootstrapServers(), ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName(),
                    ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName()))) {
                for (int i = 0; i < 6; i++) {
                    producer.send(new ProducerRecord<>("owned", "key" + i, "record" + i)).get();
                }
            }
            Awaitility.await().atMost(WAIT).until(() -> read.size() == 6);
            Thread.sleep(1000);
            assertThat(fetches("ownership-holding")).as("fetches of the group that only holds its partitions").isZero();
            assertThat(fetches("ownership-reading")).isPositive();
            assertThat(holding.ownedPartitions()).as("still held: the group's heartbeats go on").isEqualTo(Set.of(0, 1, 2));
        } finally {
            holding.stop();
            reading.stop();
        }
    }

    @Test
    void aStoppingMemberLeavesItsGroupAtOnceAndDoesNotWaitOutItsLastFetch() throws Exception {
        // the broker holds a fetch that finds nothing for up to fetch.max.wait.ms, the last one (which
        // closes the consumer's fetch session) too: 20 s here, so a plain close waits out its whole
        // timeout (5 s, measured) where leaving first takes about 0.2 s
        List<Collection<Integer>> releasedByFirst = new CopyOnWriteArrayList<>();
        PartitionOwnership first = member("first", releasedByFirst);
        PartitionOwnership second = member("second", new CopyOnWriteArrayList<>());
        first.start();
        Awaitility.await().atMost(WAIT).until(() -> first.ownedPartitions().size() == 3);
        second.start();
        Awaitility.await().atMost(WAIT).until(() -> first.ownedPartitions().size() + second.ownedPartitions().size() == 3
                && !second.ownedPartitions().isEmpty());
        Set<Integer> heldByFirst = first.ownedPartitions();
        Thread.sleep(500); // both fetching, nothing to read

        long stopping = System.nanoTime();
        first.stop();
        Duration stop = Duration.ofNanos(System.nanoTime() - stopping);
        try {
            assertThat(stop).as("the stop did not wait out the 5 s fetch").isLessThan(Duration.ofSeconds(4));
            assertThat(Set.copyOf(releasedByFirst.getLast())).as("its partitions were handed over first").isEqualTo(heldByFirst);
            // the leave reached the group: the other member has every partition long before a session timeout (45 s)
            Awaitility.await().atMost(Duration.ofSeconds(15)).until(() -> second.ownedPartitions().size() == 3);
        } finally {
            second.stop();
        }
    }

    private static PartitionOwnership member(String name, List<Collection<Integer>> released) {
        Map<String, Object> consumer = Map.of(ConsumerConfig.GROUP_ID_CONFIG, "group-leaving",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest", ConsumerConfig.CLIENT_ID_CONFIG, "ownership-leaving-" + name,
                ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 20000);
        return new PartitionOwnership(new PartitionOwnership.Settings(name, clientConfig, "owned", consumer,
                Duration.ofMillis(200), record -> { }, released::add));
    }

    private static PartitionOwnership ownership(String name,
                                                java.util.function.Consumer<org.apache.kafka.clients.consumer.ConsumerRecord<String, String>> records) {
        Map<String, Object> consumer = Map.of(ConsumerConfig.GROUP_ID_CONFIG, "group-" + name,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest", ConsumerConfig.CLIENT_ID_CONFIG, "ownership-" + name);
        return new PartitionOwnership(new PartitionOwnership.Settings(name, clientConfig, "owned", consumer,
                Duration.ofMillis(200), records, released -> { }));
    }
}
