package io.fleetgate.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;

/**
 * What the running routes cannot say about themselves, from {@code openapi/operations.yaml}: the
 * shared schemas, and per {@code "METHOD path"} the operation's id, parameters, request body,
 * answers and security. A response written as {@code {description, schema: Name}} is a JSON body of
 * that schema; an error status with a description only is the error envelope.
 */
final class OperationDescriptions {
    static final String RESOURCE = "openapi/operations.yaml";
    static final String ERROR_ENVELOPE = "#/components/schemas/ErrorEnvelope";

    private final ObjectNode components;
    private final ObjectNode operations;

    private OperationDescriptions(ObjectNode components, ObjectNode operations) {
        this.components = components;
        this.operations = operations;
    }

    static OperationDescriptions load() {
        try (InputStream in = OperationDescriptions.class.getClassLoader().getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is not on the classpath");
            }
            JsonNode root = new ObjectMapper(new YAMLFactory()).readTree(in);
            return new OperationDescriptions((ObjectNode) root.path("components"), (ObjectNode) root.path("operations"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + RESOURCE, e);
        }
    }

    /** The shared schemas (a copy: each document gets its own). */
    ObjectNode components() {
        return components.deepCopy();
    }

    boolean describes(String method, String path) {
        return operations.has(key(method, path));
    }

    /**
     * Lays the description of {@code method path} over the operation built from the route or the
     * endpoint table: parameters are added, answers replaced by status, anything else set.
     */
    void describe(String method, String path, ObjectNode operation) {
        JsonNode description = operations.get(key(method, path));
        if (description == null) {
            return;
        }
        for (Iterator<Map.Entry<String, JsonNode>> fields = description.fields(); fields.hasNext(); ) {
            Map.Entry<String, JsonNode> field = fields.next();
            switch (field.getKey()) {
                case "parameters" -> {
                    ArrayNode parameters = operation.has("parameters") ? (ArrayNode) operation.get("parameters")
                            : operation.putArray("parameters");
                    field.getValue().forEach(parameter -> parameters.add(parameter.deepCopy()));
                }
                case "responses" -> {
                    ObjectNode responses = operation.has("responses") ? (ObjectNode) operation.get("responses")
                            : operation.putObject("responses");
                    field.getValue().fields().forEachRemaining(answer ->
                            responses.set(answer.getKey(), response(answer.getKey(), answer.getValue())));
                }
                // the route's own text (e.g. the scopes an endpoint needs) stays, the description's follows
                case "description" -> operation.put("description", operation.has("description")
                        ? field.getValue().asText() + " " + operation.get("description").asText() : field.getValue().asText());
                default -> operation.set(field.getKey(), field.getValue().deepCopy());
            }
        }
    }

    /** An error answer in the envelope. */
    static ObjectNode errorResponse(ObjectNode responses, String status, String description) {
        ObjectNode response = responses.putObject(status).put("description", description);
        response.putObject("content").putObject("application/json").putObject("schema").put("$ref", ERROR_ENVELOPE);
        return response;
    }

    private static JsonNode response(String status, JsonNode written) {
        ObjectNode response = written.deepCopy();
        if (response.has("schema")) {
            String schema = response.remove("schema").asText();
            response.putObject("content").putObject("application/json").putObject("schema")
                    .put("$ref", "#/components/schemas/" + schema);
        } else if (!response.has("content") && status.charAt(0) >= '4') {
            response.putObject("content").putObject("application/json").putObject("schema").put("$ref", ERROR_ENVELOPE);
        }
        return response;
    }

    private static String key(String method, String path) {
        return method.toUpperCase(Locale.ROOT) + " " + path;
    }
}
