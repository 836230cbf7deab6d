package io.fleetgate.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.nio.charset.StandardCharsets;

/**
 * Every JSON mapper Fleetgate makes comes from here. Jackson's default buffer pool is per thread,
 * and requests run on virtual threads: each request would keep its own parse and write buffers
 * (about 12 KB) for as long as it waits, 300 MB across a storm of 25,000 waiting commands. One
 * pool shared by all threads keeps a handful.
 */
public final class JsonMappers {
    private static final JsonFactory FACTORY = JsonFactory.builder()
            .recyclerPool(JsonRecyclerPools.sharedConcurrentDequePool())
            .build();

    /** Writes trees as {@code JsonNode.toString()} does, whose mapper keeps its buffers per thread. */
    private static final ObjectMapper TREES = newMapper();

    private JsonMappers() {}

    /**
     * The tree's compact JSON, as {@code node.toString()} gives it, with the shared buffer pool: on a
     * virtual thread {@code toString()} allocates fresh buffers (about 16 KB) every call.
     */
    public static String write(JsonNode node) {
        try {
            return TREES.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree could not be written", e);
        }
    }

    /**
     * {@link #write}'s JSON as UTF-8 bytes (through the string: Jackson's own UTF-8 writer would
     * escape characters beyond the BMP, such as emoji, as surrogate pairs, which toString does not).
     */
    public static byte[] writeBytes(JsonNode node) {
        return write(node).getBytes(StandardCharsets.UTF_8);
    }

    /** A new mapper (configure it freely) whose parsers and generators share one buffer pool. */
    public static ObjectMapper newMapper() {
        return new JsonMapper(FACTORY);
    }
}
