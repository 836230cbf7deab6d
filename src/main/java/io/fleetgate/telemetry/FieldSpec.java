package io.fleetgate.telemetry;

import java.util.Set;

/**
 * One streamable fleet-telemetry field: its {@code vehicle_data.proto} number, value type, the
 * limits of its {@code interval_seconds} (and the default used when a caller asks for none), the
 * least {@code resend_interval_seconds}, whether it takes a {@code minimum_delta}, the scopes a
 * caller needs to receive it, and the first firmware that sends it.
 */
public record FieldSpec(
        String name,
        int number,
        String type,
        int defaultInterval,
        int minInterval,
        int maxInterval,
        int minResendInterval,
        boolean takesMinimumDelta,
        Set<String> scopes,
        String firmware) {

    public static final String LOCATION_SCOPE = "vehicle_location";

    public FieldSpec {
        scopes = Set.copyOf(scopes);
    }

    /** Position, route or place: only for callers granted {@code vehicle_location}. */
    public boolean needsLocationScope() {
        return scopes.contains(LOCATION_SCOPE);
    }
}
