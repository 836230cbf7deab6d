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

    /**
     * The demo fleet's simulator on loopback: its control API on {@code simulatorPort} and the
     * regions na, eu and cn on the three ports after it (0: free ports for all four).
     */
    static DemoMode start(int simulatorPort, int gatewayPort) {
        int p = simulatorPort;
        SimulatorConfig config = new SimulatorConfig(SimulatorConfig.LOOPBACK, p, p == 0 ? 0 : p + 1, p == 0 ? 0 : p + 2,
                p == 0 ? 0 : p + 3, SimulatedFleet.demo(), java.time.Clock.systemUTC());
        return start(config, gatewayPort, DEMO_FLEET_KEY);
    }

    /** The admin API's token in demo mode (never use it anywhere else). */
    static final String DEMO_ADMIN_TOKEN = "demo-admin-token";

    Map<String, String> settings() {
        return Map.ofEntries(
                Map.entry("fleetgate.accounts.token-encryption-key", demoTokenKey()),
                Map.entry("fleetgate.admin.token", DEMO_ADMIN_TOKEN),
                Map.entry("fleetgate.tesla.auth-url", simulator.tokenUrl()),
                Map.entry("fleetgate.tesla.client-id", "fleetgate-demo"),
                Map.entry("camel.server.port", String.valueOf(gatewayPort)),
                Map.entry("fleetgate.vcp.private-key-file", fleetKeyFile),
                Map.entry("fleetgate.vcp.generate-key", "true"),
                Map.entry("fleetgate.vcp.domain", "localhost"),
                // configs name a fleet-telemetry server on this machine; the simulator streams to Kafka itself
                Map.entry("fleetgate.telemetry.server.hostname", "localhost"),
                Map.entry("fleetgate.telemetry.server.port", "4443"),
                // a demo's webhook receiver runs on this machine, so loopback and private addresses are allowed
                Map.entry("fleetgate.webhooks.allow-private-addresses", "true"),
                Map.entry("fleetgate.accounts.file", DEMO_ACCOUNTS),
                Map.entry("fleetgate.regions.na.base-url", simulator.baseUrl("na")),
                Map.entry("fleetgate.regions.eu.base-url", simulator.baseUrl("eu")),
                Map.entry("fleetgate.regions.cn.base-url", simulator.baseUrl("cn")));
    }

    /**
     * The key that encrypts Tesla tokens on the demo's accounts topic: made on the first start and
     * kept beside the demo fleet key, so the demo's Kafka data stays readable across restarts.
     */
    private String demoTokenKey() {
        java.nio.file.Path file = java.nio.file.Path.of(fleetKeyFile).toAbsolutePath().resolveSibling("demo-token-encryption.key");
        try {
            if (!java.nio.file.Files.exists(file)) {
                java.nio.file.Files.createDirectories(file.getParent());
                java.nio.file.Files.writeString(file, io.fleetgate.account.TokenCipher.newKey() + "\n");
            }
            return java.nio.file.Files.readString(file).trim();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot keep the demo token encryption key in " + file, e);
        }
    }

    FleetApiSimulator simulator() {
        return simulator;
    }

    /** @param dataDir where the demo keeps its Kafka log and keys */
    void printWelcome(java.nio.file.Path dataDir) {
        String gateway = "http://localhost:" + gatewayPort;
        String welcome = """

                Fleetgate demo
                  gateway        %s   (gateway token: demo-token; second account, EU: demo-token-eu)
                  admin API      %s/admin/accounts   (admin token: demo-admin-token)
                  console        %s/console/   (sign in with the admin token)
                  simulator      %s/sim/vehicles   (Fleet API regions: na %s, eu %s, cn %s)
                  data           %s   (Kafka log, demo keys; delete it to start afresh)
                  try            curl -H 'Authorization: Bearer demo-token' %s/api/1/vehicles

                """.formatted(gateway, gateway, gateway, simulator.controlUrl(), simulator.baseUrl("na"), simulator.baseUrl("eu"),
                simulator.baseUrl("cn"), dataDir, gateway);
        // one write: log lines of other threads (on stderr) do not land inside it
        byte[] bytes = welcome.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        System.out.write(bytes, 0, bytes.length);
        System.out.flush();
    }

    @Override
    public void close() {
        simulator.close();
    }
}
