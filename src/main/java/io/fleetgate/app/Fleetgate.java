package io.fleetgate.app;

import java.util.Map;
import org.apache.camel.CamelContext;
import org.apache.camel.main.Main;

/**
 * One Fleetgate instance: Camel Main with Fleetgate's beans and its routes (packaged in the jar,
 * or the folder of {@code fleetgate.routes-dir}). Settings given here win over
 * application.properties (tests and demo mode use that).
 */
public final class Fleetgate implements AutoCloseable {
    private final Main main = new Main();
    private final KafkaSetup kafka = new KafkaSetup();

    public Fleetgate(Map<String, String> overrides) {
        main.addMainListener(new Preflight());
        main.addMainListener(kafka);
        main.configure().addConfiguration(new FleetgateConfiguration());
        overrides.forEach(main::addOverrideProperty);
    }

    /** Starts and returns once the HTTP ingress is listening. */
    public Fleetgate start() throws Exception {
        main.start();
        return this;
    }

    /** Starts and blocks until the JVM is asked to stop. */
    public void run() throws Exception {
        main.run();
    }

    /** The Kafka cluster in use: the configured one, or the embedded broker's address. */
    public String kafkaBootstrapServers() {
        return kafka.bootstrapServers();
    }

    public CamelContext context() {
        return main.getCamelContext();
    }

    @Override
    public void close() throws Exception {
        try {
            main.stop();
        } finally {
            // Main runs its after-stop listeners only when run() returns, not on stop()
            kafka.stopEmbedded();
        }
    }
}
