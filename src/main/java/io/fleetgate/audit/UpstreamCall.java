package io.fleetgate.audit;

import io.fleetgate.ingress.Classification;
import io.fleetgate.ingress.EndpointClass;

/** The kinds of Fleet API call Tesla prices differently (CONTRACT section 8). */
public enum UpstreamCall {
    /** A vehicle or energy-site command, {@code signed_command} included. */
    COMMAND,
    /** Any call that is neither a command nor a wake-up: vehicle data, vehicle lists, energy reads, ... */
    DATA_REQUEST,
    /** {@code POST /api/1/vehicles/{vin}/wake_up}. */
    WAKE_UP;

    private static final String WAKE_UP_SUFFIX = "/wake_up";

    /** What one upstream call of a classified request costs as. */
    public static UpstreamCall of(Classification classification) {
        return of(classification.endpointClass(), classification.pathTemplate());
    }

    public static UpstreamCall of(EndpointClass endpointClass, String pathTemplate) {
        return switch (endpointClass) {
            case VEHICLE_COMMAND -> pathTemplate != null && pathTemplate.endsWith(WAKE_UP_SUFFIX) ? WAKE_UP : COMMAND;
            case ENERGY_COMMAND -> COMMAND;
            default -> DATA_REQUEST;
        };
    }
}
