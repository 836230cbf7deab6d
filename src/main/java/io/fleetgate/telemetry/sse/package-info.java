/**
 * Server-sent events, {@code GET /sse} and {@code GET /sse/{vin}} (CONTRACT section 10), behind
 * {@code routes/stream.camel.yaml}: {@link io.fleetgate.telemetry.sse.SseRequests} decides whether
 * a caller may stream and what it asked for; {@link io.fleetgate.telemetry.sse.SseStreams} opens
 * the stream on the event loop the request came in on and keeps one
 * {@link io.fleetgate.telemetry.sse.SseConnection} per client, fed by the replica's
 * {@link io.fleetgate.telemetry.VehicleEventFeed} without a thread of its own; every event's
 * {@code id:} is the stream's {@link io.fleetgate.telemetry.sse.SseCursor}, and
 * a {@link io.fleetgate.telemetry.SignalMeter} per connection audits the signals it delivered.
 */
package io.fleetgate.telemetry.sse;
