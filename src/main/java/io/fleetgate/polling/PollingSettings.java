package io.fleetgate.polling;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fleetgate.kafka.KafkaClientConfig;
import io.fleetgate.kafka.StartPosition;
import io.fleetgate.kafka.TopicFollower;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.camel.support.service.ServiceSupport;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which vehicles are polled ({@code /api/auto/{vin}}), on the compacted {@code fleetgate.polling.v1}
 * (key VIN, {@code {"vin","account_id","polling","changed_at"}}): every replica reads it from the
 * beginning and follows it, so the setting survives restarts and every replica answers the same.
 * Its own topic rather than the account record: the account record is rewritten by token
 * refreshes on another replica, and a per-VIN key needs no read-modify-write of it.
 */
public final class PollingSettings extends ServiceSupport {
    private static final Logger LOG = LoggerFactory.getLogger(PollingSettings.class);

    /** One vehicle's setting: polled or not, and for which account. */
    public record Setting(String vin, String accountId, boolean on) {}

    /**
     * A setting and its offset on the topic (a VIN's records share a partition): the reader, which
     * may be behind, never puts an older record over a newer one this replica wrote and took at once.
     */
    private record Placed(Setting setting, long offset) {}

    private final Map<String, Placed> byVin = new ConcurrentHashMap<>();
    private final Map<String, Object> kafkaClients;
    private final String topic;
    private final ObjectMapper json;
    private final Duration writeTimeout;
    private final TopicFollower<String> follower;
    private KafkaProducer<String, String> producer;

    public PollingSettings(Map<String, Object> kafkaClients, String topic, ObjectMapper json, Duration writeTimeout) {
        this.kafkaClients = Map.copyOf(kafkaClients);
        this.topic = topic;
        this.json = json;
        this.writeTimeout = writeTimeout;
        this.follower = new TopicFollower<>("the polling settings",
                KafkaClientConfig.followerReader(kafkaClients, "fleetgate-polling-reader", StringDeserializer.class),
                topic, StartPosition.beginning(), this::read).paced(KafkaClientConfig.FOLLOWER_PACE);
    }

    @Override
    protected void doStart() {
        Properties p = new Properties();
        p.putAll(kafkaClients);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "0");
        p.put(ProducerConfig.CLIENT_ID_CONFIG, "fleetgate-polling-settings");
        producer = new KafkaProducer<>(p);
        follower.start();
    }

    @Override
    protected void doStop() {
        follower.stop();
        if (producer != null) {
            producer.close(Duration.ofSeconds(2));
        }
    }

    /** Whether the vehicle is polled (for any account). */
    public boolean isOn(String vin) {
        Placed placed = byVin.get(vin);
        return placed != null && placed.setting().on();
    }

    /** Every vehicle polled now. */
    public List<Setting> polled() {
        return byVin.values().stream().map(Placed::setting).filter(Setting::on).toList();
    }

    /**
     * Writes the setting and waits for Kafka's acknowledgement, then takes it here at once; throws
     * when Kafka did not take it (the caller gets 503, nothing changed).
     */
    public void set(String vin, String accountId, boolean on, Instant at) {
        String value = json.createObjectNode().put("vin", vin).put("account_id", accountId).put("polling", on)
                .put("changed_at", at.toString()).toString();
        RecordMetadata written;
        try {
            written = producer.send(new ProducerRecord<>(topic, vin, value)).get(writeTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while writing the polling setting", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new org.apache.kafka.common.KafkaException("the polling setting was not written: " + e.getClass().getSimpleName(), e);
        }
        keep(vin, new Placed(new Setting(vin, accountId, on), written.offset()));
    }

    /** Takes the setting unless a later one of the VIN is known already. */
    private void keep(String vin, Placed placed) {
        byVin.merge(vin, placed, (known, offered) -> offered.offset() >= known.offset() ? offered : known);
    }

    public boolean awaitCaughtUp(Duration timeout) throws InterruptedException {
        return follower.awaitCaughtUp(timeout);
    }

    private void read(ConsumerRecord<String, String> record) {
        if (record.key() == null) {
            return;
        }
        if (record.value() == null) {
            byVin.computeIfPresent(record.key(), (vin, known) -> known.offset() > record.offset() ? known : null);
            return;
        }
        try {
            JsonNode node = json.readTree(record.value());
            keep(record.key(), new Placed(new Setting(record.key(), node.path("account_id").asText(), node.path("polling").asBoolean()),
                    record.offset()));
        } catch (java.io.IOException | RuntimeException e) {
            LOG.warn("polling setting at {}-{} skipped: unreadable ({})", record.partition(), record.offset(), e.getClass().getSimpleName());
        }
    }
}
