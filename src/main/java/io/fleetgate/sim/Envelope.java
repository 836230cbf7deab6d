package io.fleetgate.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Optional;

/** The Fleet API success envelope {@code {"response": ...}}, and JSON body parsing for handlers. */
final class Envelope {

    private final ObjectMapper json;

    Envelope(ObjectMapper json) {
        this.json = json;
    }

    Reply ok(JsonNode response) {
        return Reply.json(200, wrap(response).toString());
    }

    /** A list answer: {@code {"response":[...],"count":n}}. */
    Reply okList(ArrayNode items) {
        return Reply.json(200, wrap(items).put("count", items.size()).toString());
    }

    ObjectNode wrap(JsonNode response) {
        ObjectNode node = json.createObjectNode();
        node.set("response", response);
        return node;
    }

    /** The request body as JSON; an empty body reads as {@code {}}; empty Optional when malformed. */
    Optional<JsonNode> parse(String body) {
        if (body == null || body.isBlank()) {
            return Optional.of(json.createObjectNode());
        }
        try {
            return Optional.of(json.readTree(body));
        } catch (java.io.IOException malformed) {
            return Optional.empty();
        }
    }

    ObjectMapper mapper() {
        return json;
    }
}
