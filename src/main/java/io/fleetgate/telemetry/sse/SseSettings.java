package io.fleetgate.telemetry.sse;

import java.time.Duration;

/**
 * Settings {@code fleetgate.stream.*} and the streamed-signal weight.
 *
 * @param keepAlive          a comment line at least this often
 * @param bufferEvents       live events a connection may hold unsent; one more and it is closed
 * @param closeGrace         how long a cut-off client has to read what was sent before the connection is dropped
 * @param connectionsPerAccount open streams per account on one replica; one more is 429
 * @param meteringInterval   one audit event per connection this often (and one at its close)
 * @param signalsPerCredit   data signals delivered per credit charged
 */
public record SseSettings(Duration keepAlive, int bufferEvents, Duration closeGrace, int connectionsPerAccount,
                          Duration meteringInterval, long signalsPerCredit) {

    public SseSettings {
        if (keepAlive.isZero() || keepAlive.isNegative() || meteringInterval.isZero() || meteringInterval.isNegative()) {
            throw new IllegalArgumentException("fleetgate.stream.keep-alive-ms and metering-interval-ms must be positive");
        }
        if (bufferEvents < 1 || connectionsPerAccount < 1 || signalsPerCredit < 1) {
            throw new IllegalArgumentException("fleetgate.stream.buffer-events, connections-per-account and "
                    + "fleetgate.audit.credits.signals-per-credit must be at least 1");
        }
    }
}
