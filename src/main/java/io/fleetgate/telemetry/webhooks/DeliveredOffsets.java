package io.fleetgate.telemetry.webhooks;

import io.fleetgate.kafka.PollListener;
import java.util.HashMap;
import java.util.Map;
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
 * The webhook group's offsets, committed only as far as {@link WebhookDelivery} says events were
 * delivered. Camel's own manual-commit managers also record every record its route has returned
 * from and commit that after each poll, i.e. what was dispatched, not delivered: a replica killed
 * then lost the events still waiting for an endpoint (WebhooksCrashTest). As the route's manual
 * commit factory this class makes Camel use no commit manager of its own; a delivery's commit only
 * notes the offset, and after every poll, on the consumer's own thread (the only one that may use
 * it), what was noted is committed. As the route's consumer listener it never pauses the consumer:
 * delivery failures are retried by the delivery, not by Kafka.
 */
public final class DeliveredOffsets extends PollListener implements KafkaManualCommitFactory {
    private static final Logger LOG = LoggerFactory.getLogger(DeliveredOffsets.class);

    /** Per partition, the next offset to commit (everything before it delivered or dead-lettered). */
    private final Map<TopicPartition, Long> ready = new ConcurrentHashMap<>();

    @Override
    public KafkaManualCommit newInstance(CamelExchangePayload camel, KafkaRecordPayload record, CommitManager manager) {
        TopicPartition partition = record.partition;
        long next = record.recordOffset + 1;
        return () -> ready.merge(partition, next, Math::max);
    }

    /** After each poll, on the consumer's thread: commits what was delivered since the last. */
    @Override
    public boolean afterConsume(Object consumer) {
        if (!ready.isEmpty() && consumer instanceof Consumer<?, ?> kafka) {
            Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
            ready.forEach((partition, next) -> offsets.put(partition, new OffsetAndMetadata(next)));
            offsets.forEach((partition, next) -> ready.remove(partition, next.offset()));
            kafka.commitAsync(offsets, (committed, failure) -> {
                if (failure != null) {
                    // a partition that moved away: its next owner delivers from the last commit again
                    LOG.debug("webhooks: offsets {} not committed: {}", offsets, failure.toString());
                }
            });
        }
        return true;
    }
}
