package io.fleetgate.sim;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.Vertx;
import java.time.Clock;

/** The shared parts of one running simulator, handed to the servers it builds. */
record SimServices(Vertx vertx, Clock clock, ObjectMapper json, SimulatedFleet fleet, RegionDirectory directory,
                   ScriptQueue scripts, RequestLog log, FleetErrors errors, VehicleVerifiers verifiers,
                   SimOAuth oauth, RegionOutages outages, SimTelemetry telemetry) {
}
