package io.fleetgate.account;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fleetgate.json.JsonMappers;
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
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Utils;
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
    private final String group;
    private final TokenRefresher refresher;
    private final KafkaAccountStore store;
    private final Set<Integer> owned = ConcurrentHashMap.newKeySet();
    private volatile int partitions;
    private volatile KafkaConsumer<String, String> consumer;
    private KafkaProducer<String, String> producer;
    private Thread poller;

    public RefreshOwnership(Map<String, Object> clientConfig, String topic, String group, TokenRefresher refresher,
                            KafkaAccountStore store) {
        this.clientConfig = Map.copyOf(clientConfig);
        this.topic = topic;
        this.group = group;
        this.refresher = refresher;
        this.store = store;
        refresher.ownedBy(this);
    }

    /** True while this replica holds the account's partition. */
    public boolean owns(String accountId) {
        int count = partitions;
        return count > 0 && owned.contains(partitionOf(accountId, count));
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
        Properties c = new Properties();
        c.putAll(clientConfig);
        c.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        // a request sent before this group first had its partitions assigned is still answered
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "true");
        c.put(ConsumerConfig.CLIENT_ID_CONFIG, "fleetgate-token-refresh");
        consumer = new KafkaConsumer<>(c);
        Properties p = new Properties();
        p.putAll(clientConfig);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.LINGER_MS_CONFIG, "0");
        p.put(ProducerConfig.CLIENT_ID_CONFIG, "fleetgate-token-refresh-requests");
        producer = new KafkaProducer<>(p);
        poller = Thread.ofPlatform().daemon().name("fleetgate-token-refresh").start(this::poll);
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
        if (producer != null) {
            producer.close(Duration.ofSeconds(2));
        }
    }

    private void poll() {
        try {
            partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).size();
            consumer.subscribe(List.of(topic), new ConsumerRebalanceListener() {
                @Override
                public void onPartitionsRevoked(Collection<TopicPartition> revoked) {
                    release(revoked);
                }

                @Override
                public void onPartitionsLost(Collection<TopicPartition> lost) {
                    release(lost);
                }

                // the partitions last logged: a rebalance that hands back the same ones (a broker restart) says nothing
                private java.util.Set<Integer> told = java.util.Set.of();

                @Override
                public void onPartitionsAssigned(Collection<TopicPartition> assigned) {
                    assigned.forEach(tp -> owned.add(tp.partition()));
                    if (!told.equals(java.util.Set.copyOf(owned))) {
                        told = java.util.Set.copyOf(owned);
                        LOG.info("token refresh: this replica now owns partitions {} of {}", owned, topic);
                    }
                }
            });
            while (isRunAllowed()) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                    requested(record);
                }
            }
        } catch (WakeupException e) {
            // stopping
        } catch (RuntimeException e) {
            LOG.error("token refresh ownership stopped: {}", e.toString());
        } finally {
            owned.clear();
            consumer.close(Duration.ofSeconds(5));
        }
    }

    /** No new refresh starts for these partitions; one in progress finishes (and is written) first. */
    private void release(Collection<TopicPartition> partitionsGone) {
        partitionsGone.forEach(tp -> owned.remove(tp.partition()));
        int count = partitions;
        for (Account account : store.all()) {
            if (count > 0 && partitionsGone.stream().anyMatch(tp -> tp.partition() == partitionOf(account.id(), count))) {
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

    /** Kafka's default partitioner for a keyed record. */
    static int partitionOf(String accountId, int partitionCount) {
        return Utils.toPositive(Utils.murmur2(accountId.getBytes(StandardCharsets.UTF_8))) % partitionCount;
    }
}
