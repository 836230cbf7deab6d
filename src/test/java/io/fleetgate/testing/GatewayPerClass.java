package io.fleetgate.testing;

import java.util.function.Supplier;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One gateway for a whole test class, as a {@code @RegisterExtension static} field: started before
 * the first test, closed after the last, and the simulator's request log cleared before each test
 * (so "nothing reached the simulator" means this test's requests).
 */
public final class GatewayPerClass implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback {
    private final Supplier<GatewayHarness> start;
    private GatewayHarness harness;

    public GatewayPerClass(Supplier<GatewayHarness> start) {
        this.start = start;
    }

    public GatewayHarness harness() {
        return harness;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        harness = start.get();
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        harness.simulator().clearRequests();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        harness.close();
    }
}
