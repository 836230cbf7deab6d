package io.fleetgate.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.junit.jupiter.api.Test;

/** Fleetgate's own Kafka clients get the kafka component's security settings, named as Kafka names them. */
class KafkaClientConfigTest {

    @Test
    void mapsTheKafkaComponentsSecurityOptionsToClientProperties() {
        Map<String, String> settings = new HashMap<>();
        settings.put("camel.component.kafka.security-protocol", "SASL_SSL");
        settings.put("camel.component.kafka.sasl-mechanism", "SCRAM-SHA-512");
        settings.put("camel.component.kafka.sasl-jaas-config",
                "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"fleetgate\" password=\"pw\";");
        settings.put("camel.component.kafka.ssl-truststore-location", "/etc/fleetgate/kafka-truststore/ca.crt");
        settings.put("camel.component.kafka.ssl-truststore-type", "PEM");
        settings.put("camel.component.kafka.ssl-keystore-location", "/etc/fleetgate/kafka-keystore/user.p12");
        settings.put("camel.component.kafka.ssl-keystore-password", "secret");
        settings.put("camel.component.kafka.ssl-endpoint-algorithm", "https");
        settings.put("camel.component.kafka.brokers", "ignored:9092");       // the bootstrap servers come separately
        settings.put("camel.component.kafka.poll-timeout-ms", "500");       // not a security setting

        Map<String, Object> config = KafkaClientConfig.of("kafka-0:9093", key -> Optional.ofNullable(settings.get(key)));

        assertThat(config).containsExactlyInAnyOrderEntriesOf(Map.of(
                "bootstrap.servers", "kafka-0:9093",
                "security.protocol", "SASL_SSL",
                "sasl.mechanism", "SCRAM-SHA-512",
                "sasl.jaas.config", settings.get("camel.component.kafka.sasl-jaas-config"),
                "ssl.truststore.location", "/etc/fleetgate/kafka-truststore/ca.crt",
                "ssl.truststore.type", "PEM",
                "ssl.keystore.location", "/etc/fleetgate/kafka-keystore/user.p12",
                "ssl.keystore.password", "secret",
                "ssl.endpoint.identification.algorithm", "https"));
    }

    @Test
    void withoutSecurityOptionsOnlyTheBootstrapServers() {
        assertThat(KafkaClientConfig.of("127.0.0.1:9092", key -> Optional.of("  ")))
                .containsExactly(Map.entry("bootstrap.servers", "127.0.0.1:9092"));
    }

    @Test
    void everyMappedPropertyIsOneTheAdminClientAndTheConsumerKnow() {
        assertThat(KafkaClientConfig.SECURITY_OPTIONS.values())
                .allSatisfy(key -> assertThat(AdminClientConfig.configNames()).contains(key))
                .allSatisfy(key -> assertThat(ConsumerConfig.configNames()).contains(key));
    }
}
