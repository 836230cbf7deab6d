package io.fleetgate.telemetry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import com.google.protobuf.Timestamp;
import io.fleetgate.telemetry.proto.VehicleAlertsProto.Audience;
import io.fleetgate.telemetry.proto.VehicleAlertsProto.VehicleAlert;
import io.fleetgate.telemetry.proto.VehicleAlertsProto.VehicleAlerts;
import io.fleetgate.telemetry.proto.VehicleConnectivityProto.ConnectivityEvent;
import io.fleetgate.telemetry.proto.VehicleConnectivityProto.VehicleConnectivity;
import io.fleetgate.telemetry.proto.VehicleData;
import io.fleetgate.telemetry.proto.VehicleData.Datum;
import io.fleetgate.telemetry.proto.VehicleData.Payload;
import io.fleetgate.telemetry.proto.VehicleData.Value;
import io.fleetgate.telemetry.proto.VehicleErrorsProto.VehicleError;
import io.fleetgate.telemetry.proto.VehicleErrorsProto.VehicleErrors;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.TreeMap;

/**
 * fleet-telemetry records in Teslemetry's event shapes (reference streaming.md section 3.2):
 * <ul>
 *   <li>{@code data}: the record's signals as one flat map, field name to value: numbers, booleans
 *       and strings as sent; enums by their prefixed names ({@code ShiftStateD}); locations as
 *       {@code {latitude, longitude}}; doors and tire locations as objects of booleans by their
 *       proto names; a {@link VehicleData.Time} as seconds after midnight; {@code invalid} (the signal
 *       is unavailable) as {@code null};</li>
 *   <li>{@code alerts}: {@code [{name, audiences, startedAt, endedAt?}]};</li>
 *   <li>{@code errors}: {@code [{createdAt, name, tags, body}]};</li>
 *   <li>{@code connectivity}: {@code networkInterface} and {@code status} as fleet-telemetry names
 *       them ({@code wifi}, {@code CONNECTED});</li>
 *   <li>{@code state}: {@code online}, {@code asleep} or {@code offline};</li>
 *   <li>{@code vehicle_data}: a Fleet API {@code vehicle_data} document, as Tesla gave it;</li>
 *   <li>{@code config}: {@code {fields: {<Field>: {interval_seconds, ...}}}}.</li>
 * </ul>
 * Every event ends with {@code createdAt} (UTC, nine fraction digits) and {@code vin}.
 */
public final class TeslemetryEvents {
    private static final DateTimeFormatter CREATED_AT =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSSSSS'Z'").withZone(ZoneOffset.UTC);
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    /** A data record mapped: the event (null when no signal was left) and the signals it had to skip. */
    public record DataEvent(VehicleEvent event, int unknownFields) {}

    /** {@code createdAt} as Teslemetry writes it: {@code 2024-03-15T10:24:54.092491867Z}. */
    public static String createdAt(Instant at) {
        return CREATED_AT.format(at);
    }

    /**
     * The record's signals as one {@code data} event. A signal these protos do not name (newer
     * firmware) is skipped and counted; a signal repeated within the record keeps its last value.
     */
    public DataEvent data(String vin, Payload payload, Instant fallbackCreatedAt) {
        Instant at = payload.hasCreatedAt() ? instant(payload.getCreatedAt()) : fallbackCreatedAt;
        ObjectNode data = NODES.objectNode();
        int unknown = 0;
        for (Datum datum : payload.getDataList()) {
            String field = fieldName(datum);
            if (field == null) {
                unknown++;
                continue;
            }
            data.set(field, value(datum.getValue()));
        }
        if (data.isEmpty()) {
            return new DataEvent(null, unknown);
        }
        return new DataEvent(event(vin, EventTopic.DATA, at, body -> body.set("data", data)), unknown);
    }

    /** The datum's field name, or null for {@code Unknown} and numbers these protos do not know. */
    static String fieldName(Datum datum) {
        VehicleData.Field key = datum.getKey();
        return key == VehicleData.Field.Unknown || key == VehicleData.Field.UNRECOGNIZED ? null : key.name();
    }

    /** One signal's value in Teslemetry's form. */
    public static JsonNode value(Value value) {
        if (value.getValueCase() == Value.ValueCase.VALUE_NOT_SET || value.getValueCase() == Value.ValueCase.INVALID) {
            return NODES.nullNode();
        }
        FieldDescriptor field = value.getOneofFieldDescriptor(Value.getDescriptor().getOneofs().get(0));
        Object raw = value.getField(field);
        return switch (field.getJavaType()) {
            case STRING -> NODES.textNode((String) raw);
            case INT -> NODES.numberNode((Integer) raw);
            case LONG -> NODES.numberNode((Long) raw);
            // the float's own shortest decimal (81.5, 0.1), not its widened double (0.10000000149011612)
            case FLOAT -> finite((Float) raw) ? NODES.numberNode(Double.parseDouble(Float.toString((Float) raw))) : NODES.nullNode();
            case DOUBLE -> finite((Double) raw) ? NODES.numberNode((Double) raw) : NODES.nullNode();
            case BOOLEAN -> NODES.booleanNode((Boolean) raw);
            case ENUM -> {
                EnumValueDescriptor e = (EnumValueDescriptor) raw;
                // a number these protos do not name has index -1
                yield e.getIndex() < 0 ? NODES.nullNode() : NODES.textNode(e.getName());
            }
            case MESSAGE -> message((Message) raw);
            case BYTE_STRING -> NODES.nullNode();
        };
    }

    private static JsonNode message(Message message) {
        if (message instanceof VehicleData.LocationValue location) {
            return NODES.objectNode().put("latitude", location.getLatitude()).put("longitude", location.getLongitude());
        }
        if (message instanceof VehicleData.Time time) {
            return NODES.numberNode(time.getHour() * 3600 + time.getMinute() * 60 + time.getSecond());
        }
        // Doors, TireLocation: every flag by its proto name, set or not
        ObjectNode object = NODES.objectNode();
        for (FieldDescriptor field : message.getDescriptorForType().getFields()) {
            Object raw = message.getField(field);
            if (raw instanceof Boolean flag) {
                object.put(field.getName(), flag);
            } else if (raw instanceof Number number) {
                object.put(field.getName(), number.longValue());
            } else {
                object.put(field.getName(), String.valueOf(raw));
            }
        }
        return object;
    }

    public VehicleEvent alerts(String vin, VehicleAlerts record, Instant fallbackCreatedAt) {
        ArrayNode alerts = NODES.arrayNode();
        for (VehicleAlert alert : record.getAlertsList()) {
            ObjectNode a = alerts.addObject().put("name", alert.getName());
            ArrayNode audiences = a.putArray("audiences");
            for (Audience audience : alert.getAudiencesList()) {
                audiences.add(audience == Audience.UNRECOGNIZED ? "Unknown" : audience.name());
            }
            if (alert.hasStartedAt()) {
                a.put("startedAt", createdAt(instant(alert.getStartedAt())));
            }
            if (alert.hasEndedAt()) {
                a.put("endedAt", createdAt(instant(alert.getEndedAt())));
            }
        }
        Instant at = record.hasCreatedAt() ? instant(record.getCreatedAt()) : fallbackCreatedAt;
        return event(vin, EventTopic.ALERTS, at, body -> body.set("alerts", alerts));
    }

    public VehicleEvent errors(String vin, VehicleErrors record, Instant fallbackCreatedAt) {
        ArrayNode errors = NODES.arrayNode();
        for (VehicleError error : record.getErrorsList()) {
            ObjectNode e = errors.addObject();
            if (error.hasCreatedAt()) {
                e.put("createdAt", createdAt(instant(error.getCreatedAt())));
            }
            e.put("name", error.getName());
            ObjectNode tags = e.putObject("tags");
            // sorted: a map has no order on the wire, so one record always gives the same JSON
            for (Map.Entry<String, String> tag : new TreeMap<>(error.getTagsMap()).entrySet()) {
                tags.put(tag.getKey(), tag.getValue());
            }
            e.put("body", error.getBody());
        }
        Instant at = record.hasCreatedAt() ? instant(record.getCreatedAt()) : fallbackCreatedAt;
        return event(vin, EventTopic.ERRORS, at, body -> body.set("errors", errors));
    }

    public VehicleEvent connectivity(String vin, VehicleConnectivity record, Instant fallbackCreatedAt) {
        String status = record.getStatus() == ConnectivityEvent.UNRECOGNIZED
                ? "UNKNOWN" : record.getStatus().name();
        Instant at = record.hasCreatedAt() ? instant(record.getCreatedAt()) : fallbackCreatedAt;
        return event(vin, EventTopic.CONNECTIVITY, at, body -> body
                .put("networkInterface", record.getNetworkInterface())
                .put("status", status));
    }

    /** What Fleetgate learned of the vehicle from the Fleet API: {@code online}, {@code asleep} or {@code offline}. */
    public VehicleEvent state(String vin, String state, Instant at) {
        return event(vin, EventTopic.STATE, at, body -> body.put("state", state));
    }

    /** A {@code vehicle_data} document Fleetgate read (the {@code response} of the Fleet API's answer). */
    public VehicleEvent vehicleData(String vin, JsonNode vehicleData, Instant at) {
        return event(vin, EventTopic.VEHICLE_DATA, at, body -> body.set("vehicle_data", vehicleData.deepCopy()));
    }

    /** The vehicle's streaming fields after a change ({@code {}} once its config was deleted). */
    public VehicleEvent config(String vin, ObjectNode fields, Instant at) {
        return event(vin, EventTopic.CONFIG, at, body -> body.putObject("config").set("fields", fields.deepCopy()));
    }

    private static VehicleEvent event(String vin, EventTopic topic, Instant at, java.util.function.Consumer<ObjectNode> content) {
        ObjectNode body = NODES.objectNode();
        content.accept(body);
        body.put("createdAt", createdAt(at));
        body.put("vin", vin);
        return new VehicleEvent(vin, topic, at, body);
    }

    static Instant instant(Timestamp timestamp) {
        return Instant.ofEpochSecond(timestamp.getSeconds(), timestamp.getNanos());
    }

    private static boolean finite(double d) {
        return !Double.isNaN(d) && !Double.isInfinite(d);
    }
}
