package io.fleetgate.sim;

import io.fleetgate.testing.MutableClock;
import java.time.Instant;
import java.util.function.Supplier;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One simulator for a whole test class, as a {@code @RegisterExtension static} field: started on
 * free loopback ports before the first test, closed after the last, and reset before each test,
 * with its clock (if it was given one) set back to where the clock stood when this was made.
 */
final class SimulatorPerClass implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback {
    private final Supplier<SimulatedFleet> fleet;
    private final MutableClock clock;
    private final Instant start;
    private FleetApiSimulator simulator;

    private SimulatorPerClass(Supplier<SimulatedFleet> fleet, MutableClock clock) {
        this.fleet = fleet;
        this.clock = clock;
        this.start = clock == null ? null : clock.instant();
    }

    /** The demo fleet on the system clock. */
    static SimulatorPerClass demo() {
        return new SimulatorPerClass(SimulatedFleet::demo, null);
    }

    /** The demo fleet on a clock the tests move. */
    static SimulatorPerClass demo(MutableClock clock) {
        return new SimulatorPerClass(SimulatedFleet::demo, clock);
    }

    /** A fleet of the test's own, built when the simulator starts, on the system clock. */
    static SimulatorPerClass of(Supplier<SimulatedFleet> fleet) {
        return new SimulatorPerClass(fleet, null);
    }

    FleetApiSimulator simulator() {
        return simulator;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        SimulatorConfig config = SimulatorConfig.ephemeral(fleet.get());
        simulator = FleetApiSimulator.start(clock == null ? config : config.withClock(clock));
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        if (clock != null) {
            clock.set(start);
        }
        simulator.reset();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        simulator.close();
    }
}
