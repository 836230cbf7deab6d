package io.fleetgate.polling;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.camel.support.service.ServiceSupport;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.utils.Utils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which replica polls which vehicle: the one a consumer group assigns the VIN's partition of
 * {@code fleetgate.polling.v1} (as {@code account.RefreshOwnership} does for token refresh). Kafka
 * gives each partition to one member at a time; when a replica stops or dies, its partitions, and
 * so its vehicles, move to the others. The records themselves are read by {@link PollingSettings}.
 */
public final class PollingOwnership extends ServiceSupport {
    private static final Logger LOG = LoggerFactory.getLogger(PollingOwnership.class);

    private final Map<String, Object> clientConfig;
    private final String topic;
    private final String group;
    private final Set<Integer> owned = ConcurrentHashMap.newKeySet();
    private volatile int partitions;
    private volatile KafkaConsumer<String, String> consumer;
    private Thread poller;
    private final Duration sessionTimeout;
    private final Duration heartbeatInterval;

    /**
     * @param sessionTimeout how long the group waits for a replica that stopped answering before its
     *                       vehicles move to another (a dead replica's polls stop for about this long)
     */
    public PollingOwnership(Map<String, Object> clientConfig, String topic, String group, Duration sessionTimeout,
                            Duration heartbeatInterval) {
        this.sessionTimeout = sessionTimeout;
        this.heartbeatInterval = heartbeatInterval;
        this.clientConfig = Map.copyOf(clientConfig);
        this.topic = topic;
        this.group = group;
    }

    /** True while this replica holds the VIN's partition. */
    public boolean owns(String vin) {
        int count = partitions;
        return count > 0 && owned.contains(partitionOf(vin, count));
    }

    /** The partitions this replica holds now. */
    public Set<Integer> ownedPartitions() {
        return Set.copyOf(owned);
    }

    @Override
    protected void doStart() {
        Properties c = new Properties();
        c.putAll(clientConfig);
        c.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "true");
        c.put(ConsumerConfig.CLIENT_ID_CONFIG, "fleetgate-polling-ownership");
        c.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, (int) sessionTimeout.toMillis());
        c.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, (int) heartbeatInterval.toMillis());
        consumer = new KafkaConsumer<>(c);
        poller = Thread.ofPlatform().daemon().name("fleetgate-polling-ownership").start(this::poll);
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
            partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).size();
            consumer.subscribe(List.of(topic), new ConsumerRebalanceListener() {
                @Override
                public void onPartitionsRevoked(Collection<TopicPartition> revoked) {
                    revoked.forEach(tp -> owned.remove(tp.partition()));
                }

                @Override
                public void onPartitionsLost(Collection<TopicPartition> lost) {
                    lost.forEach(tp -> owned.remove(tp.partition()));
                }

                @Override
                public void onPartitionsAssigned(Collection<TopicPartition> assigned) {
                    assigned.forEach(tp -> owned.add(tp.partition()));
                    LOG.info("polling: this replica now polls the vehicles of partitions {} of {}", Set.copyOf(owned), topic);
                }
            });
            while (isRunAllowed()) {
                // the records are PollingSettings' to read; this consumer only holds the assignment
                consumer.poll(Duration.ofMillis(500));
            }
        } catch (WakeupException e) {
            // stopping
        } catch (RuntimeException e) {
            LOG.error("polling ownership stopped: {}", e.toString());
        } finally {
            owned.clear();
            consumer.close(Duration.ofSeconds(5));
        }
    }

    /** Kafka's default partitioner for a keyed record. */
    static int partitionOf(String vin, int partitionCount) {
        return Utils.toPositive(Utils.murmur2(vin.getBytes(StandardCharsets.UTF_8))) % partitionCount;
    }
}
