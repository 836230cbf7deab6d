package io.fleetgate.testing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** Reads and writes a topic the way any other Kafka client of Fleetgate's would. */
public final class TopicRecords {
    private final String bootstrapServers;

    public TopicRecords(String bootstrapServers) {
        this.bootstrapServers = bootstrapServers;
    }

    /** Every record now on the topic, from its beginning. */
    public List<ConsumerRecord<String, String>> all(String topic) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        List<ConsumerRecord<String, String>> records = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(p)) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(10)).stream()
                    .map(info -> new TopicPartition(topic, info.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            long deadline = System.currentTimeMillis() + 10_000;
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < ends.get(tp))
                    && System.currentTimeMillis() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
        }
        return records;
    }

    /** Polls the topic until {@code count} records match, or the timeout passes; returns the matches. */
    public List<ConsumerRecord<String, String>> await(String topic, Predicate<ConsumerRecord<String, String>> match,
                                                      int count, Duration timeout) {
        List<List<ConsumerRecord<String, String>>> last = new ArrayList<>(List.of(List.of()));
        try {
            Awaitility.await().atMost(timeout).pollInterval(Duration.ofMillis(100)).until(() -> {
                last.set(0, all(topic).stream().filter(match).toList());
                return last.get(0).size() >= count;
            });
        } catch (ConditionTimeoutException e) {
            // the caller asserts on what was found
        }
        return last.get(0);
    }

    /** Waits the quiet period after which a count of records is final (a late duplicate would be there by then). */
    public static void settle() {
        try {
            Thread.sleep(Long.getLong("fleetgate.test.settle-ms", 1500));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Like {@link #await}, then reads the topic again after a quiet period (1.5 s, or
     * {@code -Dfleetgate.test.settle-ms}), so a record that arrives late, a duplicate, is counted too.
     * For assertions of an exact count ("one result per command").
     */
    public List<ConsumerRecord<String, String>> awaitSettled(String topic, Predicate<ConsumerRecord<String, String>> match,
                                                             int count, Duration timeout) {
        await(topic, match, count, timeout);
        settle();
        return all(topic).stream().filter(match).toList();
    }

    public void send(String topic, String key, String value) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p)) {
            producer.send(new ProducerRecord<>(topic, key, value)).get();
        } catch (Exception e) {
            throw new IllegalStateException("cannot send to " + topic + ": " + e, e);
        }
    }
}
