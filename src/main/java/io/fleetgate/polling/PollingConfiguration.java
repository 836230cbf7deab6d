package io.fleetgate.polling;

import io.fleetgate.json.JsonMappers;
import io.fleetgate.kafka.KafkaClientConfig;
import java.time.Duration;
import java.util.Map;
import org.apache.camel.CamelContext;
import org.apache.camel.spi.PropertiesComponent;

/**
 * Binds the server-side polling settings (settings {@code fleetgate.polling.*}) for
 * {@code routes/polling.camel.yaml} and {@code /api/auto/{vin}}:
 * <ul>
 *   <li>{@code pollingSettings}: {@link PollingSettings}, which vehicles are polled (every replica);</li>
 *   <li>{@code pollingOwnership}: {@link PollingOwnership}, which of them this replica polls.</li>
 * </ul>
 */
public final class PollingConfiguration {
    private PollingConfiguration() {}

    public static void bind(CamelContext context) {
        PropertiesComponent properties = context.getPropertiesComponent();
        Map<String, Object> kafkaClients = KafkaClientConfig.of(required(properties, "fleetgate.kafka.bootstrap-servers"),
                properties::resolveProperty);
        String topic = required(properties, "fleetgate.topics.polling");
        PollingSettings settings = new PollingSettings(kafkaClients, topic, JsonMappers.newMapper(),
                Duration.ofMillis(Long.parseLong(required(properties, "fleetgate.polling.write-timeout-ms"))));
        PollingOwnership ownership = new PollingOwnership(kafkaClients, topic, required(properties, "fleetgate.polling.consumer-group"),
                Duration.ofMillis(Long.parseLong(required(properties, "fleetgate.polling.session-timeout-ms"))),
                Duration.ofMillis(Long.parseLong(required(properties, "fleetgate.polling.heartbeat-interval-ms"))));
        try {
            context.addService(settings, true, true);
            context.addService(ownership, true, true);
        } catch (Exception e) {
            throw new IllegalStateException("cannot start the polling settings: " + e, e);
        }
        context.getRegistry().bind("pollingSettings", settings);
        context.getRegistry().bind("pollingOwnership", ownership);
    }

    private static String required(PropertiesComponent properties, String key) {
        return properties.resolveProperty(key).map(String::trim).filter(v -> !v.isEmpty())
                .orElseThrow(() -> new IllegalStateException("setting " + key + " is required"));
    }
}
