/**
 * The bundled Fleet API simulator: Tesla's Fleet API played on loopback, for tests and demo mode.
 *
 * <p>{@link io.fleetgate.sim.FleetApiSimulator#start} binds one HTTP server per region
 * ({@code na}, {@code eu}, {@code cn}) and a control API. The regional servers answer from a
 * {@link io.fleetgate.sim.SimulatedFleet} with the Fleet API's bodies and status codes:
 * 401 for an unknown token, 421 (with {@code Alt-Svc} and the {@code use base URL:} text) for a
 * user of another region, 404 for a vehicle or site of another user, 408 while a vehicle is asleep
 * or offline, 403 for an unsigned command to a vehicle that requires signing. A wake-up completes
 * after the vehicle's wake delay by the configured clock, checked lazily, so tests can use a fake
 * clock.
 *
 * <p>{@code signed_command} speaks the Vehicle Command Protocol: each vehicle has a verifier from
 * {@code io.fleetgate.vcp.vehicle} (keys seeded by {@link io.fleetgate.sim.SimulatorConfig#vehicleKeySeed}
 * and the VIN) that accepts commands signed with a key in the vehicle's keychain; unpaired keys get
 * the protocol's UNKNOWN_KEY_ID fault. Not online: 503 with the vehicle-unavailable body; a vehicle
 * without the protocol ({@link io.fleetgate.sim.SimVehicle#protocolSupported}): 422. The request
 * log names the command an accepted signed message carried.
 *
 * <p>Streaming configuration: {@code fleet_telemetry_config_jws} takes a config signed
 * {@code Tesla.SS256} by a key in the vehicle's keychain ({@link io.fleetgate.vcp.jws.JwsVerifier});
 * each vehicle holds its config in {@link io.fleetgate.sim.TelemetryConfigs}
 * ({@code SimulatedFleet.telemetryConfigs()}), answered by {@code GET} and removed by
 * {@code DELETE .../fleet_telemetry_config}.
 *
 * <p>Control API (JSON):
 * <ul>
 *   <li>{@code GET /sim/vehicles}</li>
 *   <li>{@code POST /sim/vehicles/{vin}/sleep | offline | online}</li>
 *   <li>{@code POST /sim/vehicles/{vin}/wake-delay} {@code {"seconds": n}} (negative: never wakes)</li>
 *   <li>{@code POST /sim/vehicles/{vin}/keys} {@code {"public_key": "04..."}} pairs a command key,
 *       {@code DELETE /sim/vehicles/{vin}/keys/{hex}} unpairs it, {@code POST /sim/keys} pairs it
 *       with every vehicle</li>
 *   <li>{@code POST /sim/script} {@code {"vin"|"site": .., "path": "/command/flash_lights",
 *       "responses": [{"status":429,"headers":{"Retry-After":"2"},"body":..,"latency_ms":50}]}}</li>
 *   <li>{@code GET /sim/vehicles/{vin}/telemetry-config}: the fleet-telemetry config the vehicle holds</li>
 *   <li>{@code GET /sim/requests?vin=}, {@code DELETE /sim/requests}, {@code POST /sim/reset}</li>
 *   <li>{@code POST /sim/vehicles/{vin}/drive | park | charge}: what its telemetry shows;
 *       {@code POST /sim/vehicles/{vin}/alerts} and {@code /errors}: the vehicle sends one now</li>
 * </ul>
 *
 * <p>As fleet-telemetry ({@link io.fleetgate.sim.FleetApiSimulator#startTelemetry}, on its own in
 * demo mode): {@link io.fleetgate.sim.TelemetryEmitter} writes online vehicles' signals, their
 * connectivity, and alerts and errors asked for, to Kafka's {@code <namespace>_*} topics.
 *
 * <p>Run standalone with the demo fleet: {@link io.fleetgate.sim.SimulatorMain}.
 */
package io.fleetgate.sim;
