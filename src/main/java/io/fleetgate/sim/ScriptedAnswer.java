package io.fleetgate.sim;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import java.util.Objects;

/**
 * One queued answer from {@code POST /sim/script}.
 *
 * @param status    HTTP status to send
 * @param headers   headers to add (they win over the simulator's own)
 * @param body      body to send: a JSON text node is sent as plain text, anything else as JSON;
 *                  null means "the body the Fleet API would send with this status"
 * @param latencyMs delay before answering, on a Vert.x timer
 */
record ScriptedAnswer(int status, Map<String, String> headers, JsonNode body, long latencyMs) {

    ScriptedAnswer {
        Objects.requireNonNull(headers, "headers");
        headers = Map.copyOf(headers);
        body = body == null || body.isNull() || body.isMissingNode() ? null : body.deepCopy();
    }

    /** A success without a body is answered by the real endpoint, with the vehicle's state ignored. */
    boolean answeredByEndpoint() {
        return body == null && status >= 200 && status < 300;
    }
}
