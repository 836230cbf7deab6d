package io.fleetgate.sim;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * Where the simulator, playing fleet-telemetry, writes its records and how often.
 *
 * @param kafka     the Kafka client settings (bootstrap servers, security) of the broker to write to
 * @param namespace fleet-telemetry's namespace: records go to {@code <namespace>_V}, {@code _alerts}, {@code _errors}, {@code _connectivity}
 * @param interval  how often each online vehicle sends what changed (driving and charging ones change each time)
 */
public record TelemetryStreaming(Map<String, Object> kafka, String namespace, Duration interval) {

    public TelemetryStreaming {
        kafka = Map.copyOf(kafka);
        Objects.requireNonNull(namespace, "namespace");
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("the telemetry interval must be positive");
        }
    }

    public static TelemetryStreaming to(String bootstrapServers, String namespace, Duration interval) {
        return new TelemetryStreaming(Map.of("bootstrap.servers", bootstrapServers), namespace, interval);
    }
}
