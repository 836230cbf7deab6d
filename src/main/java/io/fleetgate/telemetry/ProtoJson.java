package io.fleetgate.telemetry;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import com.google.protobuf.Timestamp;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.Iterator;
import java.util.Map;

/**
 * Reads protojson, as fleet-telemetry writes it with {@code transmit_decoded_records}, into the
 * same messages the protobuf form decodes to, so both formats map to events by one path.
 * Field names in lowerCamel (JSON names) or as in the .proto; enums by name or number; int64 as
 * strings or numbers; {@code Timestamp} as RFC 3339; {@code null} as unset. Lenient where it costs
 * nothing: unknown fields are ignored, and an enum name it does not know leaves the field unset
 * (a signal newer than these protos becomes {@code Unknown}, which the mapping skips).
 */
final class ProtoJson {

    /** The JSON is not a record of this type. */
    static final class NotThisMessage extends Exception {
        NotThisMessage(String message) {
            super(message);
        }
    }

    private ProtoJson() {}

    static <B extends Message.Builder> B merge(JsonNode json, B builder) throws NotThisMessage {
        if (!json.isObject()) {
            throw new NotThisMessage("expected a JSON object for " + builder.getDescriptorForType().getName());
        }
        mergeObject(json, builder);
        return builder;
    }

    private static void mergeObject(JsonNode json, Message.Builder builder) throws NotThisMessage {
        Descriptor type = builder.getDescriptorForType();
        for (Iterator<Map.Entry<String, JsonNode>> it = json.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            FieldDescriptor field = fieldNamed(type, entry.getKey());
            JsonNode value = entry.getValue();
            if (field == null || value.isNull()) {
                continue;
            }
            if (field.isMapField()) {
                mergeMap(field, value, builder);
            } else if (field.isRepeated()) {
                if (!value.isArray()) {
                    throw new NotThisMessage(field.getName() + " must be an array");
                }
                for (JsonNode element : value) {
                    Object read = read(field, element, builder);
                    if (read != null) {
                        builder.addRepeatedField(field, read);
                    }
                }
            } else {
                Object read = read(field, value, builder);
                if (read != null) {
                    builder.setField(field, read);
                }
            }
        }
    }

    private static FieldDescriptor fieldNamed(Descriptor type, String name) {
        for (FieldDescriptor field : type.getFields()) {
            if (field.getJsonName().equals(name) || field.getName().equals(name)) {
                return field;
            }
        }
        return null;
    }

    private static void mergeMap(FieldDescriptor field, JsonNode value, Message.Builder builder) throws NotThisMessage {
        if (!value.isObject()) {
            throw new NotThisMessage(field.getName() + " must be an object");
        }
        Descriptor entryType = field.getMessageType();
        FieldDescriptor keyField = entryType.findFieldByNumber(1);
        FieldDescriptor valueField = entryType.findFieldByNumber(2);
        for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            Message.Builder entry = builder.newBuilderForField(field);
            entry.setField(keyField, e.getKey());
            Object read = read(valueField, e.getValue(), entry);
            if (read != null) {
                entry.setField(valueField, read);
            }
            builder.addRepeatedField(field, entry.build());
        }
    }

    private static Object read(FieldDescriptor field, JsonNode value, Message.Builder parent) throws NotThisMessage {
        try {
            return switch (field.getJavaType()) {
                case INT -> (int) whole(field, value, Integer.MIN_VALUE, Integer.MAX_VALUE);
                case LONG -> whole(field, value, Long.MIN_VALUE, Long.MAX_VALUE);
                case FLOAT -> (float) decimal(field, value);
                case DOUBLE -> decimal(field, value);
                case BOOLEAN -> {
                    if (!value.isBoolean()) {
                        throw new NotThisMessage(field.getName() + " must be true or false");
                    }
                    yield value.booleanValue();
                }
                case STRING -> {
                    if (!value.isTextual()) {
                        throw new NotThisMessage(field.getName() + " must be a string");
                    }
                    yield value.textValue();
                }
                case BYTE_STRING -> ByteString.copyFrom(Base64.getDecoder().decode(value.asText()));
                case ENUM -> enumValue(field, value);
                case MESSAGE -> {
                    if (field.getMessageType().getFullName().equals(Timestamp.getDescriptor().getFullName())) {
                        yield timestamp(field, value);
                    }
                    Message.Builder child = parent.newBuilderForField(field);
                    merge(value, child);
                    yield child.build();
                }
            };
        } catch (IllegalArgumentException e) {
            throw new NotThisMessage(field.getName() + ": " + e.getMessage());
        }
    }

    private static long whole(FieldDescriptor field, JsonNode value, long min, long max) throws NotThisMessage {
        long number;
        if (value.isIntegralNumber() && value.canConvertToLong()) {
            number = value.longValue();
        } else if (value.isTextual()) {
            try {
                number = Long.parseLong(value.textValue().trim());
            } catch (NumberFormatException e) {
                throw new NotThisMessage(field.getName() + " must be a whole number");
            }
        } else {
            throw new NotThisMessage(field.getName() + " must be a whole number");
        }
        if (number < min || number > max) {
            throw new NotThisMessage(field.getName() + " is out of range");
        }
        return number;
    }

    private static double decimal(FieldDescriptor field, JsonNode value) throws NotThisMessage {
        if (value.isNumber()) {
            return value.doubleValue();
        }
        if (value.isTextual()) {
            String text = value.textValue().trim();
            return switch (text) {
                case "NaN" -> Double.NaN;
                case "Infinity" -> Double.POSITIVE_INFINITY;
                case "-Infinity" -> Double.NEGATIVE_INFINITY;
                default -> {
                    try {
                        yield Double.parseDouble(text);
                    } catch (NumberFormatException e) {
                        throw new NotThisMessage(field.getName() + " must be a number");
                    }
                }
            };
        }
        throw new NotThisMessage(field.getName() + " must be a number");
    }

    private static EnumValueDescriptor enumValue(FieldDescriptor field, JsonNode value) throws NotThisMessage {
        if (value.isTextual()) {
            // a name these protos do not know yet: left unset rather than failing the record
            return field.getEnumType().findValueByName(value.textValue());
        }
        if (value.isIntegralNumber()) {
            return field.getEnumType().findValueByNumberCreatingIfUnknown(value.intValue());
        }
        throw new NotThisMessage(field.getName() + " must be an enum name or number");
    }

    private static Timestamp timestamp(FieldDescriptor field, JsonNode value) throws NotThisMessage {
        if (!value.isTextual()) {
            throw new NotThisMessage(field.getName() + " must be an RFC 3339 time");
        }
        try {
            Instant at = Instant.parse(value.textValue());
            return Timestamp.newBuilder().setSeconds(at.getEpochSecond()).setNanos(at.getNano()).build();
        } catch (DateTimeParseException e) {
            throw new NotThisMessage(field.getName() + " must be an RFC 3339 time");
        }
    }
}
