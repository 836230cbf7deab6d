package io.fleetgate.ingress;

/** Where an endpoint names the vehicles it touches, so the subscription can be checked. */
public enum VinSource {
    NONE,
    /** {@code {vin}} in the path. */
    PATH,
    /** A {@code vin} query parameter (the {@code dx} endpoints). */
    QUERY,
    /** A {@code "vins": [...]} array in the JSON body. */
    BODY
}
