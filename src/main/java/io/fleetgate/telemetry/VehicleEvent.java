package io.fleetgate.telemetry;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.Objects;

/**
 * One event in Teslemetry's shape, e.g.
 * {@code {"data":{"BatteryLevel":81.5},"createdAt":"2026-11-26T18:00:07.412000000Z","vin":"5YJ..."}}.
 *
 * @param vin       the vehicle (also the Kafka key)
 * @param topic     which Teslemetry topic it belongs to
 * @param createdAt the event's {@code createdAt}
 * @param body      the whole event as sent; callers must not change it
 */
public record VehicleEvent(String vin, EventTopic topic, Instant createdAt, ObjectNode body) {

    public VehicleEvent {
        Objects.requireNonNull(vin, "vin");
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(body, "body");
    }

    /** The event as one line of JSON, as on the events topic and in an SSE {@code data:} line. */
    public String json() {
        return body.toString();
    }

    /** This event marked {@code "isCache": true}: a last value replayed, not a change seen now. */
    public VehicleEvent asCache() {
        ObjectNode copy = body.deepCopy();
        copy.put("isCache", true);
        return new VehicleEvent(vin, topic, createdAt, copy);
    }
}
