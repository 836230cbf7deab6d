package io.fleetgate.app;

import io.fleetgate.kafka.KafkaClientConfig;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
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

    /** The name under which the registry holds {@link #started()} for the beans that talk to Kafka at once. */
    static final String STARTED = "kafkaStarted";
    private static final Duration STOP_WAIT = Duration.ofSeconds(30);

    private EmbeddedKafka embedded;
    private String bootstrapServers;
    private Path dataDir;
    private final CompletableFuture<Void> started = new CompletableFuture<>();
    private Thread starting;
    private boolean stopped;

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
        Path brokerDir;
        int port;
        int controllerPort;
        if (bootstrapServers == null) {
            brokerDir = Path.of(properties.resolveProperty("fleetgate.kafka.embedded.data-dir").orElse("data/kafka"));
            port = port(properties, "fleetgate.kafka.embedded.port");
            controllerPort = port(properties, "fleetgate.kafka.embedded.controller-port");
            dataDir = brokerDir;
            bootstrapServers = EmbeddedKafka.bootstrapServers(port);
        } else {
            brokerDir = null;
            port = 0;
            controllerPort = 0;
        }
        properties.addOverrideProperty("camel.component.kafka.brokers", bootstrapServers);
        properties.addOverrideProperty("fleetgate.kafka.bootstrap-servers", bootstrapServers);
        // with the same security settings as the kafka component (camel.component.kafka.*)
        boolean createTelemetryTopics = Boolean.parseBoolean(properties.resolveProperty("fleetgate.telemetry.create-topics")
                .map(String::trim).orElse("false"));
        String namespace = properties.resolveProperty("fleetgate.telemetry.namespace").map(String::trim).orElse("");
        Map<String, Object> clientConfig = KafkaClientConfig.of(bootstrapServers, properties);
        List<KafkaTopics.Topic> telemetryTopics = createTelemetryTopics && !namespace.isEmpty()
                ? topics.fleetTelemetryTopics(namespace) : List.of();
        // the accounts are read to their end before Fleetgate serves: their topic first
        Set<String> accountsTopic = properties.resolveProperty("fleetgate.topics.accounts").map(String::trim)
                .filter(s -> !s.isEmpty()).map(Set::of).orElse(Set.of());
        main.getCamelContext().getRegistry().bind(STARTED, started);
        // the broker starts and the topics are made while Camel configures Fleetgate and builds its
        // routes: nothing talks to Kafka before started() completes (the routes start after it)
        synchronized (this) {
            starting = Thread.ofPlatform().name("fleetgate-kafka-start").start(() -> {
                try {
                    if (brokerDir != null) {
                        startEmbedded(brokerDir, port, controllerPort);
                    }
                    topics.createMissing(clientConfig, readyTimeout, telemetryTopics, accountsTopic);
                    started.complete(null);
                } catch (Throwable e) {
                    started.completeExceptionally(e);
                }
            });
        }
    }

    private void startEmbedded(Path brokerDir, int port, int controllerPort) {
        long startedAt = System.nanoTime();
        EmbeddedKafka broker = EmbeddedKafka.start(brokerDir, port, controllerPort);
        synchronized (this) {
            if (stopped) {
                // Fleetgate stopped (a failed start) while the broker was starting
                broker.close();
                throw new StartupFailure("Fleetgate stopped while the embedded Kafka broker was starting");
            }
            embedded = broker;
        }
        LOG.info("embedded Kafka broker on {} (data in {}) started in {} ms", broker.bootstrapServers(), brokerDir,
                (System.nanoTime() - startedAt) / 1_000_000);
    }

    /**
     * Completes once the Kafka cluster answers with the declared topics (the embedded broker up);
     * fails with what went wrong.
     */
    CompletableFuture<Void> started() {
        return started;
    }

    /** Waits for {@code started} (from the registry, under {@link #STARTED}); its failure is thrown as it was. */
    static void await(CompletableFuture<?> started) {
        try {
            started.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException failure) {
                throw failure;
            }
            throw new StartupFailure("Kafka did not start: " + e.getCause(), e.getCause());
        }
    }

    @Override
    public void afterStop(BaseMainSupport main) {
        stopEmbedded();
    }

    void stopEmbedded() {
        Thread starter;
        synchronized (this) {
            stopped = true;
            starter = starting;
        }
        if (starter != null) {
            try {
                // a broker half started would outlive Fleetgate
                starter.join(STOP_WAIT);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        synchronized (this) {
            if (embedded != null) {
                embedded.close();
                embedded = null;
            }
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
        String value = Preflight.setting(properties, "fleetgate.kafka.ready-timeout-ms").orElse("8000");
        try {
            long millis = Long.parseLong(value);
            if (millis > 0) {
                return Duration.ofMillis(millis);
            }
        } catch (NumberFormatException notANumber) {
            // said below
        }
        throw new StartupFailure("setting fleetgate.kafka.ready-timeout-ms must be a positive number of milliseconds, got: " + value);
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
