/**
 * Streaming (CONTRACT section 10): fleet-telemetry's Kafka records in, Teslemetry-shaped vehicle
 * events and last values out, and the Java API that streams them to callers.
 *
 * <p>In ({@code routes/telemetry.camel.yaml}): {@link io.fleetgate.telemetry.TelemetryIngest}
 * decodes a record of {@code <namespace>_V}, {@code _alerts}, {@code _errors} or
 * {@code _connectivity} ({@link io.fleetgate.telemetry.RecordDecoder}, protobuf or protojson) and
 * maps it ({@link io.fleetgate.telemetry.TeslemetryEvents}) to {@link io.fleetgate.telemetry.VehicleEvent}s;
 * {@link io.fleetgate.telemetry.VehicleEventWriter} writes each to {@code fleetgate.vehicle-events.v1}
 * and the values it sets to {@code fleetgate.vehicle-state.v1}.
 * {@link io.fleetgate.telemetry.VehicleStateEvents} adds {@code state} events from what the
 * command stage learns in Fleet API answers.
 *
 * <p>Out, for SSE and webhooks:
 * <ul>
 *   <li>{@link io.fleetgate.telemetry.LastValues#snapshot(String)}: a vehicle's last values as
 *       events marked {@code isCache} (bean {@code lastValues});</li>
 *   <li>{@link io.fleetgate.telemetry.VehicleEventFeed#subscribe}: live events, optionally resumed
 *       after an {@link io.fleetgate.telemetry.EventId} ({@code <partition>-<offset>}, an SSE
 *       {@code Last-Event-ID}) with no gap and no duplicate (bean {@code vehicleEventFeed}).
 *       Subscribe first, then take the snapshot: nothing falls between them (an event may be in both).</li>
 * </ul>
 * A caller's filter decides what it sees (its subscribed VINs, its topics; location fields need
 * the {@code vehicle_location} scope): the feed hands every event to every filter.
 * {@link io.fleetgate.telemetry.VehicleEventFeed#subscribeFromNow} also says where a live
 * subscription starts on every partition, so a stream's cursor is exact from its first event.
 *
 * <p>SSE ({@code routes/stream.camel.yaml}) is {@code io.fleetgate.telemetry.sse}: the checks
 * before a stream ({@code SseRequests}), the streams on the HTTP server's event loop
 * ({@code SseStreams}, {@code SseConnection}) and their cursor ({@code SseCursor}). Both SSE
 * connections and webhook endpoints meter the signals they deliver with a {@code SignalMeter}.
 */
package io.fleetgate.telemetry;
