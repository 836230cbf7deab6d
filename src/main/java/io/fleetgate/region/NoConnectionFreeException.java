package io.fleetgate.region;

import java.io.InterruptedIOException;

/**
 * Every pooled connection to a region's host stayed busy for the pool wait: this replica's own
 * load, not a failing host, so its breaker does not count it (the caller still gets a 504).
 */
public final class NoConnectionFreeException extends InterruptedIOException {
    public NoConnectionFreeException(String message) {
        super(message);
    }
}
