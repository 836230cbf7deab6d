package io.fleetgate.kafka;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.function.Function;
import org.apache.camel.spi.PropertiesComponent;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * The settings of the Kafka clients Fleetgate makes by hand (topic creation, the health probe,
 * the command ledger's consumer): the bootstrap servers plus the same security settings the
 * Camel kafka component gets, read from its {@code camel.component.kafka.*} options, so the
 * operator sets SASL and TLS once (the Helm chart's {@code kafka.*} values) for every client.
 */
public final class KafkaClientConfig {
    static final String PREFIX = "camel.component.kafka.";

    /** Camel kafka component option (kebab-case) -> Kafka client property. */
    static final Map<String, String> SECURITY_OPTIONS = Map.ofEntries(
            Map.entry("security-protocol", "security.protocol"),
            Map.entry("sasl-mechanism", "sasl.mechanism"),
            Map.entry("sasl-jaas-config", "sasl.jaas.config"),
            Map.entry("sasl-kerberos-service-name", "sasl.kerberos.service.name"),
            Map.entry("ssl-truststore-location", "ssl.truststore.location"),
            Map.entry("ssl-truststore-type", "ssl.truststore.type"),
            Map.entry("ssl-truststore-password", "ssl.truststore.password"),
            Map.entry("ssl-keystore-location", "ssl.keystore.location"),
            Map.entry("ssl-keystore-type", "ssl.keystore.type"),
            Map.entry("ssl-keystore-password", "ssl.keystore.password"),
            Map.entry("ssl-key-password", "ssl.key.password"),
            Map.entry("ssl-endpoint-algorithm", "ssl.endpoint.identification.algorithm"),
            Map.entry("ssl-protocol", "ssl.protocol"),
            Map.entry("ssl-enabled-protocols", "ssl.enabled.protocols"));

    private KafkaClientConfig() {}

    /** Bootstrap servers and the security settings of the Camel kafka component's options. */
    public static Map<String, Object> of(String bootstrapServers, Function<String, Optional<String>> property) {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("bootstrap.servers", bootstrapServers);
        SECURITY_OPTIONS.forEach((option, clientKey) -> property.apply(PREFIX + option)
                .map(String::trim).filter(v -> !v.isEmpty())
                .ifPresent(value -> config.put(clientKey, value)));
        return config;
    }

    /**
     * How often a {@link TopicFollower#paced paced} follower polls at most while its topic is busy:
     * what the 64 KB / 20 ms gather gave (the followers had the broker answer each write several
     * times without it; the Kafka path took 2,870-5,056 commands/s at most instead of 2,348), while
     * an idle topic costs one fetch per 500 ms instead of 50 a second.
     */
    public static final Duration FOLLOWER_PACE = Duration.ofMillis(20);

    /**
     * A consumer that reads a topic by itself (assigned partitions, no group, nothing committed):
     * the client settings above, String keys, the given values, fetches gathered.
     */
    public static Properties topicReader(Map<String, Object> clientConfig, String clientId,
                                         Class<? extends Deserializer<?>> valueDeserializer) {
        Properties properties = new Properties();
        properties.putAll(clientConfig);
        properties.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        properties.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, valueDeserializer.getName());
        properties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        properties.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        // a fetch waits up to 20 ms for 64 KB, instead of one fetch per record: a reader that reads
        // a topic to its end once is done in a few fetches. A follower that stays reads through
        // promptReader, paced (FOLLOWER_PACE) when nothing waits on it.
        properties.put(ConsumerConfig.FETCH_MIN_BYTES_CONFIG, 65536);
        properties.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 20);
        return properties;
    }

    /**
     * A {@link #topicReader} for what someone waits on (a command's start, its result, a live
     * stream): each fetch is answered as soon as a record is there, not after the 20 ms gather (the
     * producers linger, so fetches still carry batches), and while the topic is idle one empty fetch
     * per 500 ms instead of 50 a second. bench/run's Kafka path: p50 13 ms instead of 19-28, and
     * 3,900 commands/s instead of 3,000 at the same CPU per command.
     */
    public static Properties promptReader(Map<String, Object> clientConfig, String clientId,
                                          Class<? extends Deserializer<?>> valueDeserializer) {
        Properties properties = topicReader(clientConfig, clientId, valueDeserializer);
        properties.put(ConsumerConfig.FETCH_MIN_BYTES_CONFIG, 1);
        properties.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 500);
        return properties;
    }

    /**
     * How long a {@link #followerReader}'s fetch waits at the broker for a first record: while its
     * topic is idle, one empty fetch per 5 s instead of two a second. An idle Fleetgate's followers
     * had the embedded broker answer about 16 fetches a second for nothing.
     */
    static final int FOLLOWER_FETCH_WAIT_MS = 5000;

    /**
     * A {@link #promptReader} for a {@link TopicFollower}, whose partitions are assigned once and
     * read forward: a fetch is still answered at the first record written, and an idle topic costs
     * one fetch per {@value #FOLLOWER_FETCH_WAIT_MS} ms. Only where nothing else is asked of the
     * consumer once it follows: a broker answers a connection's requests in turn, so end offsets
     * ({@link TopicFollower#readToEnd()}) would wait behind the fetch out, up to its 5 s; and a
     * consumer sends one fetch at a time to a broker, so partitions a group gives it then would be
     * read only once that fetch is back.
     */
    public static Properties followerReader(Map<String, Object> clientConfig, String clientId,
                                            Class<? extends Deserializer<?>> valueDeserializer) {
        Properties properties = promptReader(clientConfig, clientId, valueDeserializer);
        properties.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, FOLLOWER_FETCH_WAIT_MS);
        return properties;
    }

    /** {@link #of(String, Function)} with the settings of Camel's properties component. */
    public static Map<String, Object> of(String bootstrapServers, PropertiesComponent properties) {
        return of(bootstrapServers, properties::resolveProperty);
    }
}
