package io.fleetgate.kafka;

import static io.fleetgate.testing.KafkaClientMetrics.fetches;
import static org.assertj.core.api.Assertions.assertThat;

import io.fleetgate.app.EmbeddedKafka;
import io.fleetgate.testing.GatewayHarness;
import java.nio.file.Files;
import java.time.Duration;
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

    private static PartitionOwnership ownership(String name,
                                                java.util.function.Consumer<org.apache.kafka.clients.consumer.ConsumerRecord<String, String>> records) {
        Map<String, Object> consumer = Map.of(ConsumerConfig.GROUP_ID_CONFIG, "group-" + name,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest", ConsumerConfig.CLIENT_ID_CONFIG, "ownership-" + name);
        return new PartitionOwnership(new PartitionOwnership.Settings(name, clientConfig, "owned", consumer,
                Duration.ofMillis(200), records, released -> { }));
    }
}
