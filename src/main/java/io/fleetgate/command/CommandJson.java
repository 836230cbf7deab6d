package io.fleetgate.command;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.fleetgate.json.JsonMappers;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** JSON of command records and results. */
public final class CommandJson {
    private static final TypeReference<Map<String, Object>> FIELDS = new TypeReference<>() {};
    static final ObjectMapper MAPPER = JsonMappers.newMapper()
            .registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private CommandJson() {}

    public static CommandRequest readRequest(String json) throws IOException {
        return MAPPER.readValue(json, CommandRequest.class);
    }

    public static CommandResult readResult(String json) throws IOException {
        return MAPPER.readValue(json, CommandResult.class);
    }

    public static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write " + value.getClass().getSimpleName(), e);
        }
    }

    /** A command's JSON parameters as the field map the command catalog reads; empty for none. */
    public static Map<String, Object> fields(JsonNode parameters) {
        return parameters == null || parameters.isNull() ? Map.of() : MAPPER.convertValue(parameters, FIELDS);
    }

    /** An upstream body as JSON when it is JSON, else as a JSON string; null when empty. */
    public static JsonNode bodyNode(byte[] body) {
        if (body == null || body.length == 0) {
            return null;
        }
        try {
            return MAPPER.readTree(body);
        } catch (IOException e) {
            return TextNode.valueOf(new String(body, StandardCharsets.UTF_8));
        }
    }

    /** The bytes a REST caller gets for a result's response. */
    public static byte[] bodyBytes(JsonNode response) {
        if (response == null) {
            return new byte[0];
        }
        return response.isTextual() ? response.asText().getBytes(StandardCharsets.UTF_8) : JsonMappers.writeBytes(response);
    }
}
