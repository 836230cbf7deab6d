package io.fleetgate.kafka;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.apache.camel.support.service.ServiceSupport;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The partitions of one topic that a consumer group gives this replica, and so the keys (VINs,
 * account ids) it is in charge of. Kafka hands each partition to one member at a time; when a
 * replica stops or dies, its partitions move to the others. Partitions are released (the
 * {@code beforeRelease} hook runs) before Kafka gives them to another member.
 */
public final class PartitionOwnership extends ServiceSupport {
    private static final Logger LOG = LoggerFactory.getLogger(PartitionOwnership.class);

    /**
     * @param purpose         names the thread and the log line ("polling", "token refresh")
     * @param clientConfig    bootstrap servers and security settings ({@link KafkaClientConfig})
     * @param consumerConfig  group id, offset reset, client id and timeouts of this group's consumer
     * @param records         what to do with each record read; null when the group only holds the
     *                        assignment (another consumer reads the topic): its partitions are then
     *                        paused, so this consumer sends the broker heartbeats and no fetches
     * @param beforeRelease   runs with the partitions this replica is about to lose
     */
    public record Settings(String purpose, Map<String, Object> clientConfig, String topic, Map<String, Object> consumerConfig,
                           Duration pollTimeout, Consumer<ConsumerRecord<String, String>> records,
                           Consumer<Collection<Integer>> beforeRelease) {
    }

    private final Settings settings;
    private final Set<Integer> owned = ConcurrentHashMap.newKeySet();
    private volatile int partitions;
    private volatile KafkaConsumer<String, String> consumer;
    private Thread poller;
    // the partitions last logged: a rebalance that hands back the same ones (a broker's restart) says nothing
    private Set<Integer> told = Set.of();

    public PartitionOwnership(Settings settings) {
        this.settings = settings;
    }

    /** True while this replica holds the key's partition. */
    public boolean owns(String key) {
        int count = partitions;
        return count > 0 && owned.contains(partitionOf(key, count));
    }

    /** The partitions this replica holds now. */
    public Set<Integer> ownedPartitions() {
        return Set.copyOf(owned);
    }

    /** How many partitions the topic has; 0 until the consumer has read it. */
    public int partitionCount() {
        return partitions;
    }

    /** Kafka's default partitioner for a keyed record. */
    public static int partitionOf(String key, int partitionCount) {
        return BuiltInPartitioner.partitionForKey(key.getBytes(StandardCharsets.UTF_8), partitionCount);
    }

    @Override
    protected void doStart() {
        Properties c = new Properties();
        c.putAll(settings.clientConfig());
        c.putAll(settings.consumerConfig());
        c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "true");
        consumer = new KafkaConsumer<>(c);
        poller = Thread.ofPlatform().daemon().name("fleetgate-" + settings.purpose().replace(' ', '-') + "-ownership")
                .start(this::poll);
    }

    @Override
    protected void doStop() throws InterruptedException {
        KafkaConsumer<String, String> c = consumer;
        if (c != null) {
            c.wakeup();
        }
        if (poller != null) {
            poller.join(10_000);
        }
    }

    private void poll() {
        try {
            partitions = consumer.partitionsFor(settings.topic(), Duration.ofSeconds(30)).size();
            consumer.subscribe(List.of(settings.topic()), new ConsumerRebalanceListener() {
                @Override
                public void onPartitionsRevoked(Collection<TopicPartition> revoked) {
                    release(revoked);
                }

                @Override
                public void onPartitionsLost(Collection<TopicPartition> lost) {
                    release(lost);
                }

                @Override
                public void onPartitionsAssigned(Collection<TopicPartition> assigned) {
                    assigned.forEach(tp -> owned.add(tp.partition()));
                    if (settings.records() == null) {
                        consumer.pause(assigned);
                    }
                    if (!told.equals(owned)) {
                        told = Set.copyOf(owned);
                        LOG.info("{}: this replica now owns partitions {} of {}", settings.purpose(), told, settings.topic());
                    }
                }
            });
            while (isRunAllowed()) {
                ConsumerRecords<String, String> records = consumer.poll(settings.pollTimeout());
                if (settings.records() != null) { // paused partitions give none
                    records.forEach(settings.records());
                }
            }
        } catch (WakeupException e) {
            // stopping
        } catch (RuntimeException e) {
            LOG.error("{} ownership stopped: {}", settings.purpose(), e.toString());
        } finally {
            owned.clear();
            GroupExit.leaveAndClose(consumer);
        }
    }

    private void release(Collection<TopicPartition> gone) {
        List<Integer> numbers = gone.stream().map(TopicPartition::partition).toList();
        owned.removeAll(numbers);
        settings.beforeRelease().accept(numbers);
    }
}
