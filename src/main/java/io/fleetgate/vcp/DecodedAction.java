package io.fleetgate.vcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import io.fleetgate.json.JsonMappers;
import io.fleetgate.vcp.proto.CarServer;
import io.fleetgate.vcp.proto.Vcsec;
import java.math.BigDecimal;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * What a command payload asks the vehicle to do, in a stable comparable form: the REST name (null
 * for payloads outside the catalog), the domain, and the decoded protobuf action as JSON — every
 * field in field-number order, scalars always (so {@code "on": false} shows), unset messages and
 * oneof branches left out, enums by name, floats as their shortest decimal.
 *
 * @param name   the REST command name, or null
 * @param domain the domain that executes it
 * @param action the VCSEC {@code UnsignedMessage}, or the infotainment {@code VehicleAction}, as JSON
 */
public record DecodedAction(String name, Domain domain, JsonNode action) {
    private static final ObjectMapper JSON = JsonMappers.newMapper();

    /** Decodes a payload as the vehicle would; empty when it is not a message of the domain. */
    public static Optional<DecodedAction> of(Domain domain, byte[] payload) {
        try {
            Message action = domain == Domain.VCSEC
                    ? Vcsec.UnsignedMessage.parseFrom(payload)
                    : CarServer.Action.parseFrom(payload).getVehicleAction();
            return Optional.of(new DecodedAction(CommandNames.restName(domain, payload).orElse(null), domain, toJson(action)));
        } catch (InvalidProtocolBufferException e) {
            return Optional.empty();
        }
    }

    /** What a command built by {@link Commands} asks for. */
    public static DecodedAction of(VehicleCommand command) {
        return of(command.domain(), command.payload()).orElseThrow();
    }

    /** {@code {"name": ..., "domain": ..., "action": {...}}}. */
    public ObjectNode toJson() {
        ObjectNode node = JSON.createObjectNode();
        node.put("name", name);
        node.put("domain", domain.name());
        node.set("action", action);
        return node;
    }

    /** The canonical one-line text of {@link #toJson()}: equal actions, equal text. */
    @Override
    public String toString() {
        return toJson().toString();
    }

    private static ObjectNode toJson(Message message) {
        ObjectNode node = JSON.createObjectNode();
        List<FieldDescriptor> fields = message.getDescriptorForType().getFields().stream()
                .sorted(Comparator.comparingInt(FieldDescriptor::getNumber)).toList();
        for (FieldDescriptor field : fields) {
            if (field.isRepeated()) {
                if (message.getRepeatedFieldCount(field) > 0) {
                    ArrayNode values = node.putArray(field.getName());
                    for (int i = 0; i < message.getRepeatedFieldCount(field); i++) {
                        values.add(value(field, message.getRepeatedField(field, i)));
                    }
                }
            } else if ((field.getJavaType() != FieldDescriptor.JavaType.MESSAGE && field.getContainingOneof() == null)
                    || message.hasField(field)) {
                node.set(field.getName(), value(field, message.getField(field)));
            }
        }
        return node;
    }

    private static JsonNode value(FieldDescriptor field, Object value) {
        return switch (field.getJavaType()) {
            case MESSAGE -> toJson((Message) value);
            case ENUM -> JSON.getNodeFactory().textNode(((EnumValueDescriptor) value).getName());
            case FLOAT -> JSON.getNodeFactory().numberNode(new BigDecimal(Float.toString((Float) value)));
            case DOUBLE -> JSON.getNodeFactory().numberNode(new BigDecimal(Double.toString((Double) value)));
            case INT -> JSON.getNodeFactory().numberNode(field.getType() == FieldDescriptor.Type.UINT32
                    || field.getType() == FieldDescriptor.Type.FIXED32 ? Integer.toUnsignedLong((Integer) value) : (Integer) value);
            case LONG -> JSON.getNodeFactory().numberNode((Long) value);
            case BOOLEAN -> JSON.getNodeFactory().booleanNode((Boolean) value);
            case STRING -> JSON.getNodeFactory().textNode((String) value);
            case BYTE_STRING -> JSON.getNodeFactory().textNode(HexFormat.of().formatHex(((ByteString) value).toByteArray()));
        };
    }
}
