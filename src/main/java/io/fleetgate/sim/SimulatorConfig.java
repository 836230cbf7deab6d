package io.fleetgate.sim;

import java.time.Clock;
import java.util.Objects;

/**
 * Where the simulator listens and what it simulates.
 *
 * @param host        interface to bind, also used in the base URLs it reports
 * @param controlPort port of the control API; 0 picks a free port
 * @param naPort      port of the {@code na} regional server; 0 picks a free port
 * @param euPort      port of the {@code eu} regional server; 0 picks a free port
 * @param cnPort      port of the {@code cn} regional server; 0 picks a free port
 * @param fleet       the model the servers answer from (mutated by wake-ups, commands and control calls)
 * @param clock       time source for wake-ups, timestamps, the request log and the vehicles'
 *                    command-protocol clocks
 * @param vehicleKeySeed seeds each vehicle's command-protocol keys and epochs (with its VIN), so
 *                    runs with the same seed are repeatable
 */
public record SimulatorConfig(String host, int controlPort, int naPort, int euPort, int cnPort,
                              SimulatedFleet fleet, Clock clock, long vehicleKeySeed) {

    public static final String LOOPBACK = "127.0.0.1";
    public static final long DEFAULT_VEHICLE_KEY_SEED = 0x5EED_F1EE_7CA7L;

    public SimulatorConfig {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(fleet, "fleet");
        Objects.requireNonNull(clock, "clock");
        for (int port : new int[] {controlPort, naPort, euPort, cnPort}) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port out of range: " + port);
            }
        }
    }

    /** With the default vehicle key seed. */
    public SimulatorConfig(String host, int controlPort, int naPort, int euPort, int cnPort,
                           SimulatedFleet fleet, Clock clock) {
        this(host, controlPort, naPort, euPort, cnPort, fleet, clock, DEFAULT_VEHICLE_KEY_SEED);
    }

    /** Loopback, every port chosen by the OS, system clock: for tests. */
    public static SimulatorConfig ephemeral(SimulatedFleet fleet) {
        return new SimulatorConfig(LOOPBACK, 0, 0, 0, 0, fleet, Clock.systemUTC());
    }

    /** Loopback, control 8090, na 8091, eu 8092, cn 8093, system clock: for demo mode. */
    public static SimulatorConfig standalone(SimulatedFleet fleet) {
        return new SimulatorConfig(LOOPBACK, 8090, 8091, 8092, 8093, fleet, Clock.systemUTC());
    }

    public SimulatorConfig withClock(Clock newClock) {
        return new SimulatorConfig(host, controlPort, naPort, euPort, cnPort, fleet, newClock, vehicleKeySeed);
    }

    public SimulatorConfig withVehicleKeySeed(long seed) {
        return new SimulatorConfig(host, controlPort, naPort, euPort, cnPort, fleet, clock, seed);
    }

    int portOf(String region) {
        return switch (region) {
            case "na" -> naPort;
            case "eu" -> euPort;
            case "cn" -> cnPort;
            default -> throw new IllegalArgumentException("unknown region: " + region);
        };
    }
}
