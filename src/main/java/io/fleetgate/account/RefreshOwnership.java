package io.fleetgate.account;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fleetgate.json.JsonMappers;
import io.fleetgate.kafka.PartitionOwnership;
import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.Properties;
import org.apache.camel.support.service.ServiceSupport;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which replica refreshes which account: the one a consumer group assigns the account's
 * partition of {@code fleetgate.token-refresh.v1} (account id as key, Kafka's own partitioner).
 * Kafka hands each partition to exactly one member; a partition is taken from its old owner
 * (which first finishes any refresh in progress) before it is given to the new one, so a single-
 * use refresh token is never presented by two replicas. The same topic carries refresh requests
 * from replicas that met a 401 for an account they do not own.
 */
public final class RefreshOwnership extends ServiceSupport {
    private static final Logger LOG = LoggerFactory.getLogger(RefreshOwnership.class);
    private static final ObjectMapper JSON = JsonMappers.newMapper();

    /** Bootstrap servers and security settings of every Kafka client ({@code KafkaClientConfig}). */
    private final Map<String, Object> clientConfig;
    private final String topic;
    private final TokenRefresher refresher;
    private final KafkaAccountStore store;
    private final PartitionOwnership partitions;
    private KafkaProducer<String, String> producer;

    public RefreshOwnership(Map<String, Object> clientConfig, String topic, String group, TokenRefresher refresher,
                            KafkaAccountStore store) {
        this.clientConfig = Map.copyOf(clientConfig);
        this.topic = topic;
        this.refresher = refresher;
        this.store = store;
        Map<String, Object> consumer = Map.of(
                ConsumerConfig.GROUP_ID_CONFIG, group,
                // a request sent before this group first had its partitions assigned is still answered
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.CLIENT_ID_CONFIG, "fleetgate-token-refresh");
        this.partitions = new PartitionOwnership(new PartitionOwnership.Settings("token refresh", clientConfig, topic,
                consumer, Duration.ofMillis(200), this::requested, this::release));
        refresher.ownedBy(this);
    }

    /** True while this replica holds the account's partition. */
    public boolean owns(String accountId) {
        return partitions.owns(accountId);
    }

    /** Asks the owning replica to refresh the account whose token (by fingerprint) upstream refused. */
    void askOwnerToRefresh(String accountId, String staleFingerprint) {
        String value = JSON.createObjectNode().put("account_id", accountId).put("stale_token_sha256_prefix", staleFingerprint).toString();
        producer.send(new ProducerRecord<>(topic, accountId, value), (metadata, error) -> {
            if (error != null) {
                LOG.warn("account {}: the refresh request could not be sent: {}", accountId, error.getClass().getSimpleName());
            }
        });
    }

    @Override
    protected void doStart() {
        Properties p = new Properties();
        p.putAll(clientConfig);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.LINGER_MS_CONFIG, "0");
        p.put(ProducerConfig.CLIENT_ID_CONFIG, "fleetgate-token-refresh-requests");
        producer = new KafkaProducer<>(p);
        partitions.start();
    }

    @Override
    protected void doStop() {
        partitions.stop();
        if (producer != null) {
            producer.close(Duration.ofSeconds(2));
        }
    }

    /** No new refresh starts for these partitions; one in progress finishes (and is written) first. */
    private void release(Collection<Integer> partitionsGone) {
        int count = partitions.partitionCount();
        for (Account account : store.all()) {
            if (count > 0 && partitionsGone.contains(PartitionOwnership.partitionOf(account.id(), count))) {
                refresher.awaitIdle(account.id());
            }
        }
    }

    private void requested(ConsumerRecord<String, String> record) {
        try {
            JsonNode request = JSON.readTree(record.value());
            refresher.refreshRequested(request.path("account_id").asText(record.key()),
                    request.path("stale_token_sha256_prefix").asText(null));
        } catch (Exception e) {
            LOG.warn("skipping an unreadable refresh request at offset {} of {}", record.offset(), topic);
        }
    }
}
