package io.fleetgate.vcp;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fleetgate.json.JsonMappers;
import java.util.Base64;

/**
 * The JSON bodies of {@code POST /api/1/vehicles/{vin}/signed_command}: the request
 * {@code {"routable_message": "<base64>"}} and the answer {@code {"response": "<base64>"}}, both
 * standard base64 with padding.
 */
public final class FleetApiBodies {
    private static final ObjectMapper JSON = JsonMappers.newMapper();

    private FleetApiBodies() {
    }

    public static String signedCommandBody(byte[] routableMessage) {
        return JSON.createObjectNode()
                .put("routable_message", Base64.getEncoder().encodeToString(routableMessage)).toString();
    }

    /** The RoutableMessage bytes of a {@code signed_command} request body (the simulator's side). */
    public static byte[] routableMessageOf(String signedCommandBody) throws VcpException {
        return field(signedCommandBody, "routable_message", Verdict.CLIENT_ERROR);
    }

    public static String responseBody(byte[] routableMessage) {
        return JSON.createObjectNode()
                .put("response", Base64.getEncoder().encodeToString(routableMessage)).toString();
    }

    /**
     * The RoutableMessage bytes of a 200 answer. An unreadable answer came after the vehicle may
     * have acted, so it is {@link Verdict#MAY_HAVE_SUCCEEDED}.
     */
    public static byte[] responseOf(String responseBody) throws VcpException {
        return field(responseBody, "response", Verdict.MAY_HAVE_SUCCEEDED);
    }

    private static byte[] field(String body, String name, Verdict onError) throws VcpException {
        try {
            JsonNode node = body == null ? null : JSON.readTree(body);
            JsonNode value = node == null ? null : node.get(name);
            if (value == null || !value.isTextual()) {
                throw new VcpException(onError, "body has no base64 \"" + name + "\"");
            }
            return Base64.getDecoder().decode(value.asText());
        } catch (JsonProcessingException | IllegalArgumentException e) {
            throw new VcpException(onError, "body is not {\"" + name + "\": \"<base64>\"}", e);
        }
    }
}
