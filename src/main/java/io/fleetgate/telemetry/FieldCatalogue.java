package io.fleetgate.telemetry;

import com.fasterxml.jackson.databind.JsonNode;
import io.fleetgate.json.JsonMappers;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Every field a vehicle can stream, read from {@code telemetry/fields.json} (whose {@code about}
 * block says where each value comes from), in {@code vehicle_data.proto} order.
 */
public final class FieldCatalogue {
    public static final String RESOURCE = "/telemetry/fields.json";

    private final Map<String, FieldSpec> fields;

    private FieldCatalogue(Map<String, FieldSpec> fields) {
        this.fields = Collections.unmodifiableMap(fields);
    }

    /** The catalogue on the class path, read once: it never changes, and two parts of the start use it. */
    public static FieldCatalogue load() {
        return Packaged.CATALOGUE;
    }

    private static final class Packaged {
        static final FieldCatalogue CATALOGUE = readPackaged();
    }

    private static FieldCatalogue readPackaged() {
        try (InputStream in = FieldCatalogue.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is not on the class path");
            }
            return read(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + RESOURCE, e);
        }
    }

    static FieldCatalogue read(InputStream in) throws IOException {
        JsonNode root = JsonMappers.newMapper().readTree(in);
        Map<String, FieldSpec> fields = new LinkedHashMap<>();
        root.path("fields").fields().forEachRemaining(entry -> fields.put(entry.getKey(), spec(entry.getKey(), entry.getValue())));
        if (fields.isEmpty()) {
            throw new IllegalStateException(RESOURCE + " lists no fields");
        }
        return new FieldCatalogue(fields);
    }

    private static FieldSpec spec(String name, JsonNode node) {
        JsonNode interval = required(node, name, "interval_seconds");
        Set<String> scopes = new LinkedHashSet<>();
        node.path("scopes").forEach(scope -> scopes.add(scope.asText()));
        return new FieldSpec(name, required(node, name, "number").asInt(), required(node, name, "type").asText(),
                required(interval, name, "default").asInt(), required(interval, name, "min").asInt(),
                required(interval, name, "max").asInt(), node.path("resend_interval_seconds").path("min").asInt(1),
                node.has("minimum_delta"), scopes, node.path("version").asText(null));
    }

    private static JsonNode required(JsonNode node, String field, String key) {
        JsonNode value = node.get(key);
        if (value == null || value.isNull()) {
            throw new IllegalStateException(RESOURCE + ": " + field + " has no " + key);
        }
        return value;
    }

    public Optional<FieldSpec> field(String name) {
        return Optional.ofNullable(fields.get(name));
    }

    /** All fields, in proto order. */
    public Collection<FieldSpec> fields() {
        return fields.values();
    }
}
