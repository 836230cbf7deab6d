package io.fleetgate.app;

import java.nio.file.Path;
import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.MainListenerSupport;
import org.apache.camel.spi.PropertiesComponent;

/**
 * {@code --demo} within Camel Main's start: the simulator on {@code fleetgate.demo.simulator-port}
 * before Fleetgate's beans are made, its settings as overrides; once Fleetgate is ready, the
 * simulator streams telemetry as fleet-telemetry to the embedded broker (every
 * {@code fleetgate.demo.telemetry-interval-ms}) and the welcome is printed; the simulator is
 * closed with Fleetgate.
 */
final class DemoSetup extends MainListenerSupport implements AutoCloseable {
    static final String SIMULATOR_PORT = "fleetgate.demo.simulator-port";
    static final String TELEMETRY_INTERVAL = "fleetgate.demo.telemetry-interval-ms";

    private volatile DemoMode demo;

    @Override
    public void beforeConfigure(BaseMainSupport main) {
        PropertiesComponent properties = main.getCamelContext().getPropertiesComponent();
        DemoMode started = DemoMode.start(Preflight.port(properties, SIMULATOR_PORT), Preflight.port(properties, "camel.server.port"));
        demo = started;
        started.settings().forEach(properties::addOverrideProperty);
    }

    @Override
    public void afterStart(BaseMainSupport main) {
        DemoMode started = demo;
        if (started != null) {
            // the simulator plays fleet-telemetry too, on the broker Fleetgate uses (the embedded one)
            PropertiesComponent properties = main.getCamelContext().getPropertiesComponent();
            String bootstrap = properties.resolveProperty("fleetgate.kafka.bootstrap-servers").orElseThrow();
            started.simulator().startTelemetry(new io.fleetgate.sim.TelemetryStreaming(
                    io.fleetgate.kafka.KafkaClientConfig.of(bootstrap, properties),
                    properties.resolveProperty("fleetgate.telemetry.namespace").orElseThrow().trim(),
                    java.time.Duration.ofMillis(Long.parseLong(
                            properties.resolveProperty(TELEMETRY_INTERVAL).orElse("1000").trim()))));
            started.printWelcome(Path.of(DemoMode.DEMO_FLEET_KEY).toAbsolutePath().getParent());
        }
    }

    @Override
    public void afterStop(BaseMainSupport main) {
        close();
    }

    @Override
    public synchronized void close() {
        if (demo != null) {
            demo.close();
            demo = null;
        }
    }
}
