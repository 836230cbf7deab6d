package io.fleetgate.telemetry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.Objects;

/**
 * The last value of one thing Fleetgate knows of a vehicle, as kept on the compacted
 * {@code fleetgate.vehicle-state.v1}: a {@code data} field (with its name), or the vehicle's
 * {@code connectivity} or {@code state}.
 *
 * @param vin       the vehicle
 * @param topic     {@link EventTopic#DATA}, {@link EventTopic#CONNECTIVITY} or {@link EventTopic#STATE}
 * @param field     the signal's name for {@code data}; null otherwise
 * @param value     the value as in the event: a data value, {@code {"networkInterface","status"}}, or the state text
 * @param createdAt the {@code createdAt} of the event that set it
 * @param eventId   that event's place on the events topic
 */
public record LastValue(String vin, EventTopic topic, String field, JsonNode value, Instant createdAt, EventId eventId) {

    public LastValue {
        Objects.requireNonNull(vin, "vin");
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(value, "value");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(eventId, "eventId");
        if ((topic == EventTopic.DATA) != (field != null)) {
            throw new IllegalArgumentException("a data value names its field, nothing else does");
        }
        if (topic == EventTopic.ALERTS || topic == EventTopic.ERRORS) {
            throw new IllegalArgumentException("alerts and errors are events, not values");
        }
    }

    /** Within the vehicle: {@code data.BatteryLevel}, {@code connectivity}, {@code state}. */
    public String key() {
        return field != null ? "data." + field : topic.wire();
    }

    /** The state topic's record key: {@code <VIN>/<key>}, e.g. {@code 5YJ3E1EA6LF000001/data.BatteryLevel}. */
    public String recordKey() {
        return vin + "/" + key();
    }

    /** The value as the event a client would have seen, marked {@code isCache}. */
    public VehicleEvent asCachedEvent() {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        switch (topic) {
            case DATA -> body.putObject("data").set(field, value);
            case CONNECTIVITY -> body.setAll((ObjectNode) value);
            case STATE -> body.set("state", value);
            default -> throw new IllegalStateException(topic.wire());
        }
        body.put("createdAt", TeslemetryEvents.createdAt(createdAt));
        body.put("vin", vin);
        body.put("isCache", true);
        return new VehicleEvent(vin, topic, createdAt, body);
    }

    /** Whether this value was set by a later event than {@code other}'s (Kafka's order, not the vehicle's clock). */
    boolean isAfter(LastValue other) {
        return eventId.partition() != other.eventId.partition() || eventId.offset() > other.eventId.offset();
    }
}
