package io.fleetgate.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fleetgate.kafka.KafkaClientConfig;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/**
 * The chart's Kafka auth values reach Fleetgate's own Kafka clients: the camel.* properties file and
 * the secret files it mounts (cloud properties: file name = key) map to SASL over TLS with the CA.
 */
class KafkaClientSecurityTest {

    @Test
    void productionValuesGiveTheAppsOwnClientsSaslOverTls() {
        RenderedChart chart = RenderedChart.production();
        Properties camel = chart.camelProperties();
        for (JsonNode source : chart.volume("camel-secrets").path("projected").path("sources")) {
            source.path("secret").path("items").forEach(item -> camel.setProperty(item.path("path").asText(), "<from secret>"));
        }

        Map<String, Object> config = KafkaClientConfig.of("prod-kafka-bootstrap.kafka.svc:9093",
                key -> Optional.ofNullable(camel.getProperty(key)));

        assertThat(config).containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("sasl.mechanism", "SCRAM-SHA-512")
                .containsEntry("sasl.jaas.config", "<from secret>")
                .containsEntry("ssl.truststore.location", "/etc/fleetgate/kafka-truststore/ca.crt")
                .containsEntry("ssl.truststore.type", "PEM");
    }

    @Test
    void defaultValuesGivePlainText() {
        Properties camel = RenderedChart.defaults().camelProperties();
        Map<String, Object> config = KafkaClientConfig.of("fleetgate-kafka-bootstrap:9092", key -> Optional.ofNullable(camel.getProperty(key)));
        assertThat(config).containsExactlyInAnyOrderEntriesOf(Map.of(
                "bootstrap.servers", "fleetgate-kafka-bootstrap:9092", "security.protocol", "PLAINTEXT"));
    }
}
