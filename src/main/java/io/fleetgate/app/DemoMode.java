package io.fleetgate.app;

import io.fleetgate.sim.FleetApiSimulator;
import io.fleetgate.sim.SimulatedFleet;
import io.fleetgate.sim.SimulatorConfig;
import java.util.Map;

/**
 * {@code --demo}: the bundled Fleet API simulator with its demo fleet, and the settings that
 * point Fleetgate at it with the demo accounts (gateway token {@code demo-token}).
 */
final class DemoMode implements AutoCloseable {
    static final String DEMO_ACCOUNTS = "classpath:demo/accounts.yaml";

    static final String DEMO_FLEET_KEY = "data/demo-fleet-key.pem";

    private final FleetApiSimulator simulator;
    private final int gatewayPort;
    private final String fleetKeyFile;

    private DemoMode(FleetApiSimulator simulator, int gatewayPort, String fleetKeyFile) {
        this.simulator = simulator;
        this.gatewayPort = gatewayPort;
        this.fleetKeyFile = fleetKeyFile;
    }

    /** The simulator, with the demo fleet key (made on first start) paired with every vehicle. */
    static DemoMode start(SimulatorConfig simulatorConfig, int gatewayPort, String fleetKeyFile) {
        FleetApiSimulator simulator = FleetApiSimulator.start(simulatorConfig);
        FleetKey.load(fleetKeyFile, true).ifPresent(key -> simulator.pairKeyWithAll(key.publicKeyBytes()));
        return new DemoMode(simulator, gatewayPort, fleetKeyFile);
    }

    static DemoMode start() {
        return start(SimulatorConfig.standalone(SimulatedFleet.demo()), 8080, DEMO_FLEET_KEY);
    }

    Map<String, String> settings() {
        return Map.of(
                "camel.server.port", String.valueOf(gatewayPort),
                "fleetgate.vcp.private-key-file", fleetKeyFile,
                "fleetgate.vcp.generate-key", "true",
                "fleetgate.vcp.domain", "localhost",
                "fleetgate.accounts.file", DEMO_ACCOUNTS,
                "fleetgate.regions.na.base-url", simulator.baseUrl("na"),
                "fleetgate.regions.eu.base-url", simulator.baseUrl("eu"),
                "fleetgate.regions.cn.base-url", simulator.baseUrl("cn"));
    }

    FleetApiSimulator simulator() {
        return simulator;
    }

    void printWelcome() {
        String gateway = "http://localhost:" + gatewayPort;
        System.out.printf("""

                Fleetgate demo
                  gateway        %s   (gateway token: demo-token; second account, EU: demo-token-eu)
                  simulator      %s/sim/vehicles   (Fleet API regions: na %s, eu %s, cn %s)
                  try            curl -H 'Authorization: Bearer demo-token' %s/api/1/vehicles

                """, gateway, simulator.controlUrl(), simulator.baseUrl("na"), simulator.baseUrl("eu"),
                simulator.baseUrl("cn"), gateway);
    }

    @Override
    public void close() {
        simulator.close();
    }
}
