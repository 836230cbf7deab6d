package io.fleetgate.telemetry;

/** A vehicle event with its place on the events topic (for a cached last value: the event that set it). */
public record StreamedEvent(EventId id, VehicleEvent event) {}
