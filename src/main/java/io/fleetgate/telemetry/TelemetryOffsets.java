package io.fleetgate.telemetry;

import io.fleetgate.kafka.PollListener;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.camel.component.kafka.consumer.CommitManager;
import org.apache.camel.component.kafka.consumer.KafkaManualCommit;
import org.apache.camel.component.kafka.consumer.KafkaManualCommitFactory;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The telemetry ingest's offsets ({@code routes/telemetry.camel.yaml}'s manual commit factory and
 * consumer listener), committed at most once per interval per consumer. Committing after every
 * poll was two synchronous round trips per poll (Camel's commit manager and the writer's), about
 * a tenth of Fleetgate's CPU at 2,000 records/s (bench/run stream, with the broker's group
 * coordinator). A record read again because its offset was not committed yet is skipped by its
 * place on the state topic, which {@link VehicleEventWriter} writes before it commits, so
 * committing less often costs a restart some re-reading, never a duplicate event.
 *
 * <p>As the route's factory this class makes Camel use no commit manager of its own. A record's
 * commit is called on its consumer's thread once all its events are acknowledged
 * ({@link VehicleEventWriter#awaitWritten}) and only notes the offset. As the route's consumer
 * listener it is told of every poll, also those that bring nothing, on the consumer's thread: when
 * the consumer's last commit is an interval old, what it noted for the partitions it still has is
 * committed, without waiting, so a quiet partition's last offsets are committed too (its lag reads
 * 0).
 */
public final class TelemetryOffsets extends PollListener implements KafkaManualCommitFactory {
    private static final Logger LOG = LoggerFactory.getLogger(TelemetryOffsets.class);

    private final long intervalNanos;
    /** Per consumer (each is used by its own thread only): what it noted, and when it last committed. */
    private final Map<Consumer<?, ?>, Noted> consumers = new ConcurrentHashMap<>();

    public TelemetryOffsets(Duration interval) {
        if (interval.isNegative()) {
            throw new IllegalArgumentException("fleetgate.telemetry.commit-interval-ms must not be negative");
        }
        this.intervalNanos = interval.toNanos();
    }

    private static final class Noted {
        final Map<TopicPartition, Long> next = new HashMap<>();
        long lastCommit = System.nanoTime();
    }

    @Override
    public KafkaManualCommit newInstance(CamelExchangePayload camel, KafkaRecordPayload record, CommitManager manager) {
        Consumer<?, ?> consumer = camel.consumer;
        TopicPartition partition = record.partition;
        long next = record.recordOffset + 1;
        return () -> consumers.computeIfAbsent(consumer, c -> new Noted()).next.merge(partition, next, Math::max);
    }

    /** After each poll, on the consumer's thread: commits what it noted once its last commit is an interval old. */
    @Override
    public boolean afterConsume(Object polled) {
        Noted noted = polled instanceof Consumer<?, ?> consumer ? consumers.get(consumer) : null;
        long now = System.nanoTime();
        if (noted == null || noted.next.isEmpty() || now - noted.lastCommit < intervalNanos) {
            return true;
        }
        commit((Consumer<?, ?>) polled, noted, now);
        return true;
    }

    private static void commit(Consumer<?, ?> consumer, Noted noted, long now) {
        noted.lastCommit = now;
        Set<TopicPartition> assigned = consumer.assignment();
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        // a partition taken away meanwhile is its next owner's to commit
        noted.next.forEach((tp, offset) -> {
            if (assigned.contains(tp)) {
                offsets.put(tp, new OffsetAndMetadata(offset));
            }
        });
        noted.next.clear();
        if (!offsets.isEmpty()) {
            consumer.commitAsync(offsets, (committed, failure) -> {
                if (failure != null) {
                    // read again after a restart or a rebalance, and skipped by the records' places
                    LOG.debug("telemetry offsets {} not committed: {}", offsets, failure.toString());
                }
            });
        }
    }
}
