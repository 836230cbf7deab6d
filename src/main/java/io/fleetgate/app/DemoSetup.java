package io.fleetgate.app;

import java.nio.file.Path;
import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.MainListenerSupport;
import org.apache.camel.spi.PropertiesComponent;

/**
 * {@code --demo} within Camel Main's start: the simulator on {@code fleetgate.demo.simulator-port}
 * before Fleetgate's beans are made, its settings as overrides, the welcome once Fleetgate is
 * ready, and the simulator closed with Fleetgate.
 */
final class DemoSetup extends MainListenerSupport implements AutoCloseable {
    static final String SIMULATOR_PORT = "fleetgate.demo.simulator-port";

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
