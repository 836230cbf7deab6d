package io.fleetgate.ops;

import org.apache.camel.impl.health.AbstractHealthCheck;

/**
 * A check for operators, in the full health list ({@code /observe/health}) only: neither a
 * readiness nor a liveness check, for a state that should neither take the replica out of the
 * Service nor restart it.
 */
abstract class StateCheck extends AbstractHealthCheck {

    StateCheck(String id) {
        super("fleetgate", id);
    }

    @Override
    public final boolean isReadiness() {
        return false;
    }

    @Override
    public final boolean isLiveness() {
        return false;
    }
}
