package io.fleetgate.ops;

import java.util.Map;
import java.util.function.BooleanSupplier;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

/**
 * One thing Fleetgate needs before it can serve callers (the accounts loaded; Redis, when the
 * limits live there), as a Camel readiness check: {@code /observe/health/ready} is DOWN while it
 * is not there. Never a liveness check: restarting the pod would not bring Redis back.
 */
public final class ReadinessCheck extends AbstractHealthCheck {
    private final BooleanSupplier ready;
    private final String downMessage;

    public ReadinessCheck(String id, BooleanSupplier ready, String downMessage) {
        super("fleetgate", id);
        this.ready = ready;
        this.downMessage = downMessage;
    }

    @Override
    public boolean isLiveness() {
        return false;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        boolean up;
        try {
            up = ready.getAsBoolean();
        } catch (RuntimeException e) {
            up = false;
        }
        if (up) {
            builder.up();
        } else {
            builder.down().message(downMessage);
        }
    }
}
