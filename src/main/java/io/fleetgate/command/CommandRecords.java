package io.fleetgate.command;

import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.camel.support.service.ServiceSupport;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The command lanes' one Kafka producer, for their attempt marks and their results: what lanes
 * write within the linger shares one produce request, whichever topic it goes to. The broker
 * answers each request at about the cost of its records (bench/run's Kafka section), and two
 * producers sent one request each per linger.
 */
public final class CommandRecords extends ServiceSupport {
    private final Properties producerProperties;
    private final Duration timeout;
    private KafkaProducer<String, String> producer;

    /**
     * @param clientConfig bootstrap servers and security settings (KafkaClientConfig)
     * @param timeout how long a write may wait to be taken and acknowledged
     * @param requestTimeout one produce request's own timeout (at most {@code timeout}): a busy broker is asked again
     * @param linger how long a write waits for other lanes' writes to share its produce request
     */
    public CommandRecords(Map<String, Object> clientConfig, Duration timeout, Duration requestTimeout, Duration linger) {
        this.timeout = timeout;
        producerProperties = new Properties();
        producerProperties.putAll(clientConfig);
        producerProperties.put(ProducerConfig.ACKS_CONFIG, "all");
        producerProperties.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        producerProperties.put(ProducerConfig.LINGER_MS_CONFIG, (int) linger.toMillis());
        producerProperties.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, (int) timeout.toMillis());
        producerProperties.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
        producerProperties.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) Math.min(timeout.toMillis(), requestTimeout.toMillis()));
        producerProperties.put(ProducerConfig.CLIENT_ID_CONFIG, "fleetgate-command-records");
        producerProperties.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        producerProperties.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    }

    /** Completes when Kafka acknowledged the record, or fails when it did not take it. */
    public CompletableFuture<Void> send(String topic, String key, String value) {
        CompletableFuture<Void> acknowledged = new CompletableFuture<>();
        try {
            producer.send(new ProducerRecord<>(topic, key, value), (metadata, failure) -> {
                if (failure == null) {
                    acknowledged.complete(null);
                } else {
                    acknowledged.completeExceptionally(failure);
                }
            });
        } catch (RuntimeException notTaken) {
            // no metadata within the timeout, or the producer closed
            acknowledged.completeExceptionally(notTaken);
        }
        return acknowledged;
    }

    /** Sends the record and waits for Kafka's acknowledgement, at most the timeout. */
    public void sendAcknowledged(String topic, String key, String value)
            throws InterruptedException, ExecutionException, TimeoutException {
        send(topic, key, value).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    protected void doStart() {
        producer = new KafkaProducer<>(producerProperties);
    }

    @Override
    protected void doStop() {
        if (producer != null) {
            producer.close(Duration.ofSeconds(2));
        }
    }
}
