package io.fleetgate.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/** Reads {@code fleetgate.audit.v1} from the beginning with a plain consumer, as a billing system would. */
final class AuditTopic {
    static final String NAME = "fleetgate.audit.v1";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String bootstrapServers;

    AuditTopic(String bootstrapServers) {
        this.bootstrapServers = bootstrapServers;
    }

    /** Every record, re-read from the start until one matches or the deadline passes. */
    List<ConsumerRecord<String, byte[]>> readUntil(Predicate<List<ConsumerRecord<String, byte[]>>> done, Duration deadline) {
        long until = System.nanoTime() + deadline.toNanos();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class))) {
            List<TopicPartition> partitions = consumer.partitionsFor(NAME, Duration.ofSeconds(10)).stream()
                    .map(p -> new TopicPartition(NAME, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
            while (true) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
                if (done.test(records) || System.nanoTime() > until) {
                    return records;
                }
            }
        }
    }

    /** The events matching {@code which}, once at least {@code count} are there (or the deadline passed). */
    List<JsonNode> await(int count, Predicate<JsonNode> which) {
        return events(readUntil(records -> events(records).stream().filter(which).count() >= count, Duration.ofSeconds(20)))
                .stream().filter(which).toList();
    }

    /**
     * The one event matching {@code which}: once it is there, the topic is read again after a quiet
     * period, so a late second event for the same request fails the test instead of passing unseen.
     */
    JsonNode awaitOne(Predicate<JsonNode> which) {
        List<JsonNode> first = await(1, which);
        org.assertj.core.api.Assertions.assertThat(first).as("an audit event arrived").isNotEmpty();
        List<JsonNode> all = settled(SETTLE, which);
        org.assertj.core.api.Assertions.assertThat(all).as("exactly one audit event, also after %s", SETTLE).hasSize(1);
        return all.getFirst();
    }

    /** How long a topic stays quiet before a count is final (a late duplicate would show by then). */
    static final Duration SETTLE = Duration.ofMillis(Long.getLong("fleetgate.test.settle-ms", 1500));

    /** All events there are after a quiet {@code settle} period: to show something did not arrive. */
    List<JsonNode> settled(Duration settle, Predicate<JsonNode> which) {
        return events(readUntil(records -> false, settle)).stream().filter(which).toList();
    }

    static List<JsonNode> events(List<ConsumerRecord<String, byte[]>> records) {
        return records.stream().map(r -> json(r.value())).toList();
    }

    static JsonNode json(byte[] value) {
        try {
            return JSON.readTree(new String(value, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
