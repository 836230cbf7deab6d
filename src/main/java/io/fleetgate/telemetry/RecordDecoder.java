package io.fleetgate.telemetry;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import io.fleetgate.telemetry.proto.VehicleAlertsProto.VehicleAlerts;
import io.fleetgate.telemetry.proto.VehicleConnectivityProto.VehicleConnectivity;
import io.fleetgate.telemetry.proto.VehicleData.Payload;
import io.fleetgate.telemetry.proto.VehicleErrorsProto.VehicleErrors;

/** Decodes a fleet-telemetry record's value, in the configured {@link TelemetryFormat}, to its message. */
public final class RecordDecoder {

    /** The value is not a record of its topic's type; says why without quoting the value. */
    public static final class UndecodableRecord extends Exception {
        UndecodableRecord(String reason) {
            super(reason);
        }
    }

    private final TelemetryFormat format;
    private final ObjectMapper json;

    public RecordDecoder(TelemetryFormat format, ObjectMapper json) {
        this.format = format;
        this.json = json;
    }

    public TelemetryFormat format() {
        return format;
    }

    public Message decode(RecordType type, byte[] value) throws UndecodableRecord {
        if (value == null || value.length == 0) {
            throw new UndecodableRecord("empty value");
        }
        return format == TelemetryFormat.PROTOBUF ? fromProtobuf(type, value) : fromJson(type, value);
    }

    private static Message fromProtobuf(RecordType type, byte[] value) throws UndecodableRecord {
        try {
            return switch (type) {
                case DATA -> Payload.parseFrom(value);
                case ALERTS -> VehicleAlerts.parseFrom(value);
                case ERRORS -> VehicleErrors.parseFrom(value);
                case CONNECTIVITY -> VehicleConnectivity.parseFrom(value);
            };
        } catch (InvalidProtocolBufferException e) {
            throw new UndecodableRecord("not a protobuf " + type.txtype() + " record: " + e.getMessage());
        }
    }

    private Message fromJson(RecordType type, byte[] value) throws UndecodableRecord {
        JsonNode tree;
        try {
            tree = json.readTree(value);
        } catch (JsonProcessingException e) {
            // Jackson's message quotes the input: only where it broke is said
            throw new UndecodableRecord(e.getLocation() == null ? "not JSON"
                    : "not JSON (at byte " + e.getLocation().getByteOffset() + ")");
        } catch (java.io.IOException e) {
            throw new UndecodableRecord("not JSON");
        }
        if (tree == null) {
            throw new UndecodableRecord("not JSON");
        }
        try {
            return switch (type) {
                case DATA -> ProtoJson.merge(tree, Payload.newBuilder()).build();
                case ALERTS -> ProtoJson.merge(tree, VehicleAlerts.newBuilder()).build();
                case ERRORS -> ProtoJson.merge(tree, VehicleErrors.newBuilder()).build();
                case CONNECTIVITY -> ProtoJson.merge(tree, VehicleConnectivity.newBuilder()).build();
            };
        } catch (ProtoJson.NotThisMessage e) {
            throw new UndecodableRecord("not a protojson " + type.txtype() + " record: " + e.getMessage());
        }
    }
}
