package io.fleetgate.ingress;

/** What kind of Fleet API request this is: it decides the route a request takes. */
public enum EndpointClass {
    /** Vehicle data and other vehicle reads: proxied directly, never wake a vehicle. */
    VEHICLE_READ,
    /** {@code command/*}, {@code wake_up}, {@code signed_command}. */
    VEHICLE_COMMAND,
    ENERGY_READ,
    ENERGY_COMMAND,
    USER,
    PARTNER,
    /** Everything else: charging history, invitations, telemetry configuration, ... */
    OTHER,
    /** Fleetgate's own endpoints ({@code /api/ping}, {@code /api/metadata}, {@code /api/usage}, ...): never proxied. */
    GATEWAY
}
