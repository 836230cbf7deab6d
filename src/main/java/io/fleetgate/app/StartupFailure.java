package io.fleetgate.app;

/**
 * A start that cannot succeed, told in one line an operator can act on: what failed and what to
 * do about it. {@link FleetgateApp} prints that line and exits; everything else is a detail.
 */
final class StartupFailure extends IllegalStateException {

    StartupFailure(String message) {
        super(message);
    }

    StartupFailure(String message, Throwable cause) {
        super(message, cause);
    }
}
