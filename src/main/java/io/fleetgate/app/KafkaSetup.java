package io.fleetgate.app;

import io.fleetgate.kafka.KafkaClientConfig;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.MainListenerSupport;
import org.apache.camel.spi.PropertiesComponent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Before the routes load: uses the Kafka cluster named by {@code fleetgate.kafka.bootstrap-servers},
 * or starts the embedded broker when none is named, points camel-kafka at it, and creates the
 * declared topics ({@code fleetgate.kafka.topics-file}) that are missing, all within
 * {@code fleetgate.kafka.ready-timeout-ms}. Stops the embedded broker after Camel has stopped.
 */
final class KafkaSetup extends MainListenerSupport {
    private static final Logger LOG = LoggerFactory.getLogger(KafkaSetup.class);

    private EmbeddedKafka embedded;
    private String bootstrapServers;
    private Path dataDir;

    @Override
    public void beforeConfigure(BaseMainSupport main) {
        PropertiesComponent properties = main.getCamelContext().getPropertiesComponent();
        // read first: a declarations file that is not there fails the start before a broker is up
        String topicsFile = properties.resolveProperty("fleetgate.kafka.topics-file").map(String::trim)
                .filter(s -> !s.isEmpty()).orElse(KafkaTopics.PACKAGED);
        KafkaTopics topics = KafkaTopics.load(topicsFile);
        Duration readyTimeout = readyTimeout(properties);
        bootstrapServers = properties.resolveProperty("fleetgate.kafka.bootstrap-servers")
                .map(String::trim).filter(s -> !s.isEmpty()).orElse(null);
        // a broker of Fleetgate's own is one node for one replica: partitions would share its work
        // among replicas it does not have, and a first start made ~140 of them (a second of CPU)
        int maxPartitions = 0;
        if (bootstrapServers == null) {
            maxPartitions = embeddedMaxPartitions(properties);
            dataDir = Path.of(properties.resolveProperty("fleetgate.kafka.embedded.data-dir").orElse("data/kafka"));
            int port = port(properties, "fleetgate.kafka.embedded.port");
            int controllerPort = port(properties, "fleetgate.kafka.embedded.controller-port");
            long started = System.nanoTime();
            EmbeddedKafka broker = EmbeddedKafka.start(dataDir, port, controllerPort);
            synchronized (this) {
                embedded = broker;
            }
            bootstrapServers = broker.bootstrapServers();
            LOG.info("embedded Kafka broker on {} (data in {}) started in {} ms", bootstrapServers, dataDir,
                    (System.nanoTime() - started) / 1_000_000);
        }
        properties.addOverrideProperty("camel.component.kafka.brokers", bootstrapServers);
        properties.addOverrideProperty("fleetgate.kafka.bootstrap-servers", bootstrapServers);
        // with the same security settings as the kafka component (camel.component.kafka.*)
        boolean createTelemetryTopics = Boolean.parseBoolean(properties.resolveProperty("fleetgate.telemetry.create-topics")
                .map(String::trim).orElse("false"));
        String namespace = properties.resolveProperty("fleetgate.telemetry.namespace").map(String::trim).orElse("");
        // the accounts are read to their end before Fleetgate serves: their topic first
        Set<String> accountsTopic = properties.resolveProperty("fleetgate.topics.accounts").map(String::trim)
                .filter(s -> !s.isEmpty()).map(Set::of).orElse(Set.of());
        topics.createMissing(KafkaClientConfig.of(bootstrapServers, properties), readyTimeout,
                createTelemetryTopics && !namespace.isEmpty() ? topics.fleetTelemetryTopics(namespace) : List.of(),
                accountsTopic, maxPartitions);
    }

    @Override
    public void afterStop(BaseMainSupport main) {
        stopEmbedded();
    }

    synchronized void stopEmbedded() {
        if (embedded != null) {
            long started = System.nanoTime();
            embedded.close();
            embedded = null;
            LOG.info("embedded Kafka broker stopped in {} ms", (System.nanoTime() - started) / 1_000_000);
        }
    }

    String bootstrapServers() {
        return bootstrapServers;
    }

    /** The embedded broker's data folder; empty when Fleetgate uses a Kafka cluster of its own. */
    java.util.Optional<Path> embeddedDataDir() {
        return java.util.Optional.ofNullable(dataDir);
    }

    private static Duration readyTimeout(PropertiesComponent properties) {
        return Duration.ofMillis(Preflight.wholeNumber(properties, "fleetgate.kafka.ready-timeout-ms", "8000", 1, Long.MAX_VALUE,
                "a positive number of milliseconds"));
    }

    private static int embeddedMaxPartitions(PropertiesComponent properties) {
        return (int) Preflight.wholeNumber(properties, "fleetgate.kafka.embedded.max-partitions", "1", 0, Integer.MAX_VALUE,
                "0 (each topic's declared partitions) or a positive number");
    }

    private static int port(PropertiesComponent properties, String key) {
        int port = Preflight.port(properties, key);
        if (port != 0) {
            return port;
        }
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException("no free port for the embedded Kafka broker", e);
        }
    }
}
