package io.fleetgate.telemetry;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** Writes records to fleet-telemetry's topics as fleet-telemetry does: key VIN, its string headers, the value as given. */
public final class FleetTelemetryTopics implements AutoCloseable {
    static final String NAMESPACE = "tesla_telemetry";

    private final KafkaProducer<String, byte[]> producer;

    public FleetTelemetryTopics(String bootstrapServers) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        producer = new KafkaProducer<>(p);
    }

    public void send(RecordType type, String vin, byte[] value) {
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(type.topic(NAMESPACE), vin, value);
        Map.of("vin", vin, "receivedat", String.valueOf(System.currentTimeMillis()), "txid", "test-" + System.nanoTime(),
                        "txtype", type.txtype(), "version", "0", "timestamp", "0", "device_client_version", "1.2.0")
                .forEach((k, v) -> record.headers().add(k, v.getBytes(StandardCharsets.UTF_8)));
        try {
            producer.send(record).get();
        } catch (Exception e) {
            throw new IllegalStateException("cannot write to " + record.topic() + ": " + e, e);
        }
    }

    public void send(RecordType type, String vin, String json) {
        send(type, vin, json.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public void close() {
        producer.close();
    }
}
