package io.fleetgate.command;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.InvalidProtocolBufferException;
import io.fleetgate.vcp.Domain;
import io.fleetgate.vcp.proto.UniversalMessage.Destination;
import io.fleetgate.vcp.proto.UniversalMessage.RoutableMessage;
import java.util.Base64;

/**
 * What a caller's own {@code signed_command} body must be before anything is done for it (a
 * state check, a wake-up, a call Tesla bills): {@code {"routable_message": "<base64>"}} whose
 * bytes are a RoutableMessage to the vehicle's VCSEC or infotainment domain, carrying a command
 * or a session request (reference: command-protocol.md sections 1.1, 1.2 and 4). Fleetgate does
 * not sign or change it; a message that passes is forwarded as it came. Other body fields are
 * ignored, as for every command.
 */
final class SignedCommandBodies {
    static final String FIELD = "routable_message";

    private SignedCommandBodies() {
    }

    /** Why the body cannot be a signed command (naming the field, never quoting it), or null when it can. */
    static String problem(JsonNode parameters) {
        JsonNode value = parameters == null ? null : parameters.get(FIELD);
        if (value == null || value.isNull()) {
            return "missing parameter " + FIELD;
        }
        if (!value.isTextual()) {
            return FIELD + " must be a string of standard base64";
        }
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(value.asText());
        } catch (IllegalArgumentException notBase64) {
            return FIELD + " is not standard base64";
        }
        if (bytes.length == 0) {
            return FIELD + " is empty";
        }
        RoutableMessage message;
        try {
            message = RoutableMessage.parseFrom(bytes);
        } catch (InvalidProtocolBufferException notProtobuf) {
            return FIELD + " is not an encoded RoutableMessage";
        }
        if (!message.hasToDestination()
                || message.getToDestination().getSubDestinationCase() != Destination.SubDestinationCase.DOMAIN) {
            return FIELD + " has no to_destination domain";
        }
        if (Domain.of(message.getToDestination().getDomain()).isEmpty()) {
            return FIELD + " is addressed to domain " + message.getToDestination().getDomainValue()
                    + "; a vehicle takes signed messages for VCSEC (2) or INFOTAINMENT (3)";
        }
        return switch (message.getPayloadCase()) {
            case PROTOBUF_MESSAGE_AS_BYTES, SESSION_INFO_REQUEST -> null;
            default -> FIELD + " carries neither a command (protobuf_message_as_bytes) nor a session_info_request";
        };
    }
}
