package io.fleetgate.kafka;

import static io.fleetgate.testing.KafkaClientMetrics.fetches;
import static org.assertj.core.api.Assertions.assertThat;

import io.fleetgate.app.EmbeddedKafka;
import io.fleetgate.testing.GatewayHarness;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A topic read from where it starts, caught up at the end offsets found at start, then followed. */
class TopicFollowerTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    private static EmbeddedKafka kafka;
    private static Map<String, Object> clientConfig;
    private static KafkaProducer<String, String> producer;

    @BeforeAll
    static void startKafka() throws Exception {
        kafka = EmbeddedKafka.start(Files.createTempDirectory("fleetgate-follower").resolve("kafka"),
                GatewayHarness.freePort(), GatewayHarness.freePort());
        clientConfig = Map.of("bootstrap.servers", kafka.bootstrapServers());
        try (Admin admin = Admin.create(clientConfig)) {
            admin.createTopics(List.of(new NewTopic("from-beginning", 2, (short) 1),
                    // stamped months back: kept for good, or the broker's first retention pass deletes them
                    new NewTopic("from-instant", 2, (short) 1).configs(java.util.Map.of("retention.ms", "-1")),
                    new NewTopic("paced", 2, (short) 1), new NewTopic("idle", 2, (short) 1),
                    new NewTopic("empty", 2, (short) 1))).all().get();
        }
        producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName(),
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName()));
    }

    @AfterAll
    static void stopKafka() {
        producer.close();
        kafka.close();
    }

    @Test
    void readsWhatTheTopicHeldBeforeItIsCaughtUpThenFollowsLaterRecords() throws Exception {
        for (String value : List.of("a", "b", "c")) {
            producer.send(new ProducerRecord<>("from-beginning", value, value)).get();
        }
        List<String> read = new CopyOnWriteArrayList<>();
        AtomicInteger readWhenCaughtUp = new AtomicInteger(-1);
        TopicFollower<String> follower = new TopicFollower<>("the test", reader("follower-beginning"),
                "from-beginning", StartPosition.beginning(), new TopicFollower.Reader<>() {
                    @Override
                    public void read(ConsumerRecord<String, String> record) {
                        read.add(record.value());
                    }

                    @Override
                    public void caughtUp() {
                        readWhenCaughtUp.set(read.size());
                    }
                });
        follower.start();
        try {
            assertThat(follower.awaitCaughtUp(WAIT)).isTrue();
            assertThat(follower.isCaughtUp()).isTrue();
            assertThat(readWhenCaughtUp).hasValue(3);
            assertThat(read).containsExactlyInAnyOrder("a", "b", "c");

            producer.send(new ProducerRecord<>("from-beginning", "d", "d")).get();
            Awaitility.await().atMost(WAIT).until(() -> read.contains("d"));
            assertThat(follower.positions().values().stream().mapToLong(Long::longValue).sum()).isEqualTo(4);
        } finally {
            follower.stop();
        }
        assertThat(Thread.getAllStackTraces().keySet()).extracting(Thread::getName)
                .doesNotContain("follower-beginning");
    }

    /** A new topic: nothing to wait for, where a first poll would wait out its timeout (a first start waited so for the accounts). */
    @Test
    @SuppressWarnings("unchecked")
    void anEmptyTopicIsCaughtUpBeforeTheFirstPollThenFollowed() throws Exception {
        List<String> read = new CopyOnWriteArrayList<>();
        AtomicInteger pollsWhenCaughtUp = new AtomicInteger(-1);
        TopicFollower<String>[] follower = new TopicFollower[1];
        follower[0] = new TopicFollower<>("the test", reader("follower-empty"), "empty", StartPosition.beginning(),
                new TopicFollower.Reader<>() {
                    @Override
                    public void read(ConsumerRecord<String, String> record) {
                        read.add(record.value());
                    }

                    @Override
                    public void caughtUp() {
                        pollsWhenCaughtUp.set((int) follower[0].polls());
                    }
                });
        follower[0].start();
        try {
            assertThat(follower[0].awaitCaughtUp(WAIT)).isTrue();
            assertThat(pollsWhenCaughtUp).hasValue(0);
            assertThat(follower[0].positions()).hasSize(2).allSatisfy((tp, offset) -> assertThat(offset).isZero());

            producer.send(new ProducerRecord<>("empty", "k", "first")).get();
            Awaitility.await().atMost(WAIT).until(() -> read.contains("first"));
        } finally {
            follower[0].stop();
        }
    }

    @Test
    void startsAtTheFirstRecordStampedAtTheInstantAndAtTheEndWhereThereIsNone() throws Exception {
        Instant start = Instant.parse("2026-03-01T00:00:00Z");
        producer.send(new ProducerRecord<>("from-instant", 0, start.minusSeconds(60).toEpochMilli(), "k", "before")).get();
        producer.send(new ProducerRecord<>("from-instant", 0, start.toEpochMilli(), "k", "at")).get();
        producer.send(new ProducerRecord<>("from-instant", 0, start.plusSeconds(60).toEpochMilli(), "k", "after")).get();
        producer.send(new ProducerRecord<>("from-instant", 1, start.minusSeconds(60).toEpochMilli(), "k", "old")).get();
        List<String> read = new CopyOnWriteArrayList<>();
        TopicFollower<String> follower = new TopicFollower<>("the test", reader("follower-instant"),
                "from-instant", StartPosition.from(() -> start), record -> read.add(record.value()));
        follower.start();
        try {
            assertThat(follower.awaitCaughtUp(WAIT)).isTrue();
            assertThat(read).containsExactly("at", "after");
        } finally {
            follower.stop();
        }
    }

    @Test
    void aPacedFollowerReadsARecordAfterAQuietSpellAtOnceThenPollsOncePerPaceUnlessSomeoneWaits() throws Exception {
        Duration pace = Duration.ofSeconds(5);
        List<String> read = new CopyOnWriteArrayList<>();
        AtomicInteger readSincePoll = new AtomicInteger();
        AtomicInteger pollsWithRecords = new AtomicInteger();
        TopicFollower<String> follower = new TopicFollower<String>("the test",
                KafkaClientConfig.promptReader(clientConfig, "follower-paced", StringDeserializer.class),
                "paced", StartPosition.beginning(), new TopicFollower.Reader<>() {
                    @Override
                    public void read(ConsumerRecord<String, String> record) {
                        read.add(record.value());
                        readSincePoll.incrementAndGet();
                    }

                    @Override
                    public void polled() {
                        if (readSincePoll.getAndSet(0) > 0) {
                            pollsWithRecords.incrementAndGet();
                        }
                    }
                }).paced(pace);
        follower.start();
        try {
            assertThat(follower.awaitCaughtUp(WAIT)).isTrue();
            long sent = System.nanoTime();
            producer.send(new ProducerRecord<>("paced", "k", "first")).get();
            Awaitility.await().atMost(pace.dividedBy(2)).pollInterval(Duration.ofMillis(10)).until(() -> read.contains("first"));

            // within the pace that read started: fifty more, then someone waits for them
            for (int i = 0; i < 50; i++) {
                producer.send(new ProducerRecord<>("paced", "k" + i, "r" + i));
                Thread.sleep(10);
            }
            producer.flush();
            follower.readToEnd().get(pace.toMillis() / 2, java.util.concurrent.TimeUnit.MILLISECONDS);
            assertThat(Duration.ofNanos(System.nanoTime() - sent)).isLessThan(pace);
            assertThat(read).hasSize(51);
            // a prompt reader unpaced polls about once per record here
            assertThat(pollsWithRecords.get()).isBetween(2, 6);
        } finally {
            // the poll that read the last records began a pace: stopping does not wait it out
            long stopping = System.nanoTime();
            follower.stop();
            assertThat(Duration.ofNanos(System.nanoTime() - stopping)).isLessThan(pace.dividedBy(2));
        }
    }

    @Test
    void aFollowerReaderAsksTheBrokerOncePerFiveSecondsWhileTheTopicIsIdleAndReadsARecordAtOnce() throws Exception {
        List<String> read = new CopyOnWriteArrayList<>();
        TopicFollower<String> follower = new TopicFollower<>("the test",
                KafkaClientConfig.followerReader(clientConfig, "follower-idle", StringDeserializer.class),
                "idle", StartPosition.beginning(), record -> read.add(record.value()));
        follower.start();
        try {
            assertThat(follower.awaitCaughtUp(WAIT)).isTrue();
            Thread.sleep(500);
            double before = fetches("follower-idle");
            Thread.sleep(4000);
            // a prompt reader's 500 ms wait made about eight here
            assertThat(fetches("follower-idle") - before).as("fetches in 4 idle seconds").isLessThanOrEqualTo(1);

            // its end offsets would wait behind the fetch out: refused, where a caller would wait 5 s
            org.assertj.core.api.Assertions.assertThatThrownBy(follower::readToEnd).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("followerReader");

            long sent = System.nanoTime();
            producer.send(new ProducerRecord<>("idle", "k", "woken")).get();
            Awaitility.await().atMost(WAIT).pollInterval(Duration.ofMillis(10)).until(() -> read.contains("woken"));
            assertThat(Duration.ofNanos(System.nanoTime() - sent)).as("read while the fetch waited").isLessThan(Duration.ofSeconds(1));
        } finally {
            long stopping = System.nanoTime();
            follower.stop();
            assertThat(Duration.ofNanos(System.nanoTime() - stopping)).as("stopped without waiting for the fetch")
                    .isLessThan(Duration.ofSeconds(2));
        }
    }

    private static Properties reader(String clientId) {
        return KafkaClientConfig.topicReader(clientConfig, clientId, StringDeserializer.class);
    }
}
