package io.fleetgate.polling;

import io.fleetgate.kafka.PartitionOwnership;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.apache.camel.support.service.ServiceSupport;
import org.apache.kafka.clients.consumer.ConsumerConfig;

/**
 * Which replica polls which vehicle: the one a consumer group assigns the VIN's partition of
 * {@code fleetgate.polling.v1} (as {@code account.RefreshOwnership} does for token refresh). Kafka
 * gives each partition to one member at a time; when a replica stops or dies, its partitions, and
 * so its vehicles, move to the others. The records themselves are read by {@link PollingSettings}.
 */
public final class PollingOwnership extends ServiceSupport {
    private final PartitionOwnership partitions;

    /**
     * @param sessionTimeout how long the group waits for a replica that stopped answering before its
     *                       vehicles move to another (a dead replica's polls stop for about this long)
     */
    public PollingOwnership(Map<String, Object> clientConfig, String topic, String group, Duration sessionTimeout,
                            Duration heartbeatInterval) {
        Map<String, Object> consumer = Map.of(
                ConsumerConfig.GROUP_ID_CONFIG, group,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest",
                ConsumerConfig.CLIENT_ID_CONFIG, "fleetgate-polling-ownership",
                ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, (int) sessionTimeout.toMillis(),
                ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, (int) heartbeatInterval.toMillis());
        // the records are PollingSettings' to read; this consumer only holds the assignment
        this.partitions = new PartitionOwnership(new PartitionOwnership.Settings("polling", clientConfig, topic, consumer,
                Duration.ofMillis(500), null, released -> { }));
    }

    /** True while this replica holds the VIN's partition. */
    public boolean owns(String vin) {
        return partitions.owns(vin);
    }

    /** The partitions this replica holds now. */
    public Set<Integer> ownedPartitions() {
        return partitions.ownedPartitions();
    }

    @Override
    protected void doStart() {
        partitions.start();
    }

    @Override
    protected void doStop() {
        partitions.stop();
    }
}
