package io.fleetgate.kafka;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;

/** Where a {@link TopicFollower} starts reading each partition of its topic. */
@FunctionalInterface
public interface StartPosition {

    /** Seeks the consumer, which has just been assigned the partitions, to where reading starts. */
    void seek(Consumer<?, ?> consumer, List<TopicPartition> partitions);

    /** Every record the topic still holds. */
    static StartPosition beginning() {
        return (consumer, partitions) -> consumer.seekToBeginning(partitions);
    }

    /** Only what is written from now on. */
    static StartPosition end() {
        return (consumer, partitions) -> consumer.seekToEnd(partitions);
    }

    /**
     * The first record stamped at or after the instant, asked for when reading starts; a
     * partition with none is read from its end.
     */
    static StartPosition from(Supplier<Instant> instant) {
        return (consumer, partitions) -> {
            long from = instant.get().toEpochMilli();
            Map<TopicPartition, Long> query = new HashMap<>();
            partitions.forEach(tp -> query.put(tp, from));
            Map<TopicPartition, OffsetAndTimestamp> offsets = consumer.offsetsForTimes(query);
            for (TopicPartition tp : partitions) {
                OffsetAndTimestamp found = offsets.get(tp);
                if (found != null) {
                    consumer.seek(tp, found.offset());
                } else {
                    consumer.seekToEnd(List.of(tp));
                }
            }
        };
    }
}
