package io.fleetgate.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.Optional;

/**
 * Single values out of large JSON answers (a {@code vehicle_data} document) by streaming to them,
 * not by reading a tree: every answer passing through pays for this, so it reads no further than
 * the value.
 */
public final class JsonPaths {
    private static final JsonFactory FACTORY = JsonMappers.newMapper().getFactory();

    private JsonPaths() {}

    /** The text at a path of object fields, reading only as far as it has to. */
    public static Optional<String> textAt(byte[] json, String... path) throws IOException {
        try (JsonParser parser = FACTORY.createParser(json)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return Optional.empty();
            }
            int depth = 0;
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String name = parser.currentName();
                JsonToken value = parser.nextToken();
                if (!name.equals(path[depth])) {
                    parser.skipChildren();
                } else if (depth == path.length - 1) {
                    return value == JsonToken.VALUE_STRING ? Optional.of(parser.getText()) : Optional.empty();
                } else if (value == JsonToken.START_OBJECT) {
                    depth++;
                } else {
                    return Optional.empty();
                }
            }
            return Optional.empty(); // the object holding the next field ended without it
        }
    }
}
