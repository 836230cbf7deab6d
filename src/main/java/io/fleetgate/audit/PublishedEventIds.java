package io.fleetgate.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fleetgate.json.JsonMappers;
import io.fleetgate.kafka.KafkaClientConfig;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The event ids on the audit topic since a moment: what an earlier run sent from its journal
 * without seeing Kafka's acknowledgement, so that this run does not send it again.
 */
final class PublishedEventIds {
    private static final ObjectMapper JSON = JsonMappers.newMapper();
    /** Records are stamped by the producer's clock when sent (or the broker's): allow for a skew. */
    private static final Duration CLOCK_MARGIN = Duration.ofMinutes(5);
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private PublishedEventIds() {}

    /**
     * Every event id on the topic stamped from {@code sinceMillis} (less a margin) up to its end now.
     *
     * @throws RuntimeException when Kafka does not answer, or the topic is not read in time
     */
    static Set<UUID> since(Map<String, Object> clientConfig, String topic, long sinceMillis) {
        Set<UUID> ids = new HashSet<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(KafkaClientConfig.topicReader(clientConfig,
                "fleetgate-audit-journal-check", ByteArrayDeserializer.class))) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(10)).stream()
                    .map(info -> new TopicPartition(topic, info.partition())).toList();
            consumer.assign(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, Duration.ofSeconds(10));
            Map<TopicPartition, Long> at = new HashMap<>();
            partitions.forEach(p -> at.put(p, Math.max(0, sinceMillis - CLOCK_MARGIN.toMillis())));
            Map<TopicPartition, OffsetAndTimestamp> starts = consumer.offsetsForTimes(at, Duration.ofSeconds(10));
            for (TopicPartition partition : partitions) {
                OffsetAndTimestamp start = starts.get(partition);
                consumer.seek(partition, start != null ? start.offset() : ends.get(partition));
            }
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p) < ends.get(p))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the audit topic was not read back in " + TIMEOUT.toSeconds() + " s");
                }
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    eventId(record.value()).ifPresent(ids::add);
                }
            }
        }
        return ids;
    }

    private static java.util.Optional<UUID> eventId(byte[] value) {
        try {
            JsonNode id = JSON.readTree(value).get("event_id");
            return id == null ? java.util.Optional.empty() : java.util.Optional.of(UUID.fromString(id.asText()));
        } catch (Exception notAnEvent) {
            return java.util.Optional.empty();
        }
    }
}
