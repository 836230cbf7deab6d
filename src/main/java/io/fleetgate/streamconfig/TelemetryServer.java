package io.fleetgate.streamconfig;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The fleet-telemetry server vehicles stream to, and what every config Fleetgate signs says of it
 * (settings {@code fleetgate.telemetry.server.*}). Callers never choose these (CONTRACT section 10).
 *
 * @param hostname       the server's host name, as its TLS certificate names it
 * @param port           its port
 * @param ca             the PEM of the CA that issued its certificate; empty when a public CA did
 * @param alertTypes     which alerts vehicles send ({@code service}, {@code customer}, {@code service-fix})
 * @param configLifetime how long a config holds: its {@code exp} is this long after it is sent
 */
public record TelemetryServer(String hostname, int port, Optional<String> ca, List<String> alertTypes, Duration configLifetime) {
    private static final java.util.Set<String> ALERT_TYPES = java.util.Set.of("service", "customer", "service-fix");

    public TelemetryServer {
        Objects.requireNonNull(hostname, "hostname");
        if (hostname.isBlank()) {
            throw new IllegalArgumentException("the fleet-telemetry hostname is required");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("the fleet-telemetry port is 1-65535, got " + port);
        }
        ca = ca.filter(pem -> !pem.isBlank());
        alertTypes = List.copyOf(alertTypes);
        for (String type : alertTypes) {
            if (!ALERT_TYPES.contains(type)) {
                throw new IllegalArgumentException("an alert type is service, customer or service-fix, got " + type);
            }
        }
        if (configLifetime.isNegative() || configLifetime.isZero()) {
            throw new IllegalArgumentException("a config lifetime is positive");
        }
    }
}
