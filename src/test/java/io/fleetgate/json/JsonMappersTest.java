package io.fleetgate.json;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** Trees written through the shared buffer pool read exactly as {@code JsonNode.toString()} writes them. */
class JsonMappersTest {
    private static final String TRICKY = """
            {"text":"é ü \\u2028 \\"quoted\\" \\\\ \\n\\t</script>","emoji":"🚗","big":12345678901234567890,
             "decimal":1.50,"exp":1e-7,"negative":-0.0,"nothing":null,"yes":true,
             "list":[1,"two",{"three":[3]}],"empty":{},"none":[]}""";

    @Test
    void writesWhatToStringWrites() throws Exception {
        JsonNode tree = JsonMappers.newMapper().readTree(TRICKY);
        assertThat(JsonMappers.write(tree)).isEqualTo(tree.toString());
        assertThat(new String(JsonMappers.writeBytes(tree), StandardCharsets.UTF_8)).isEqualTo(tree.toString());
    }

    @Test
    void writesTheSameOnManyVirtualThreadsAtOnce() throws Exception {
        JsonNode tree = JsonMappers.newMapper().readTree(TRICKY);
        try (var threads = Executors.newVirtualThreadPerTaskExecutor()) {
            var written = java.util.stream.IntStream.range(0, 500)
                    .mapToObj(n -> threads.submit(() -> JsonMappers.write(tree))).toList();
            for (Future<String> json : written) {
                assertThat(json.get()).isEqualTo(tree.toString());
            }
        }
    }
}
