package io.fleetgate.sim;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The simulated vehicles' motion (what their telemetry reports) and, once started, the
 * fleet-telemetry emitter that streams it. The control API drives, parks and charges vehicles
 * here whether or not anything streams.
 */
public final class SimTelemetry {
    private final SimulatedFleet fleet;
    private final Map<String, SimMotion> motions = new ConcurrentHashMap<>();
    private final Map<String, SplittableRandom> randoms = new ConcurrentHashMap<>();
    private volatile TelemetryEmitter emitter;

    SimTelemetry(SimulatedFleet fleet) {
        this.fleet = fleet;
    }

    /** The vehicle starts driving (and is online: a car on the road is awake). */
    public void drive(String vin) {
        fleet.bringOnline(vin);
        motions.compute(vin, (v, m) -> current(v, m).doing(SimMotion.Activity.DRIVING));
    }

    /** The vehicle stops where it is, in park. */
    public void park(String vin) {
        fleet.vehicle(vin);
        motions.compute(vin, (v, m) -> current(v, m).doing(SimMotion.Activity.PARKED));
    }

    /** The vehicle is plugged in and charges towards its limit (and is online). */
    public void charge(String vin) {
        fleet.bringOnline(vin);
        motions.compute(vin, (v, m) -> current(v, m).doing(SimMotion.Activity.CHARGING));
    }

    /** parked, driving or charging. */
    public String activity(String vin) {
        fleet.vehicle(vin);
        return motions.compute(vin, this::current).activity().name().toLowerCase(java.util.Locale.ROOT);
    }

    /** The emitter, while one streams. */
    public Optional<TelemetryEmitter> emitter() {
        return Optional.ofNullable(emitter);
    }

    void attach(TelemetryEmitter started) {
        this.emitter = started;
    }

    void detach(TelemetryEmitter stopped) {
        if (emitter == stopped) {
            emitter = null;
        }
    }

    /** Moves the vehicle on by {@code elapsed} and returns where it is now. */
    SimMotion advance(String vin, Duration elapsed) {
        SplittableRandom random = randoms.computeIfAbsent(vin, v -> new SplittableRandom(v.hashCode()));
        return motions.compute(vin, (v, m) -> current(v, m).advance(elapsed, random));
    }

    void reset() {
        motions.clear();
        randoms.clear();
    }

    private SimMotion current(String vin, SimMotion known) {
        if (known != null) {
            return known;
        }
        SimVehicle vehicle = fleet.vehicle(vin);
        return SimMotion.of(CarTraits.of(vehicle, fleet.findUser(vehicle.ownerId()).orElse(null)));
    }
}
