package io.fleetgate.vcp.jws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fleetgate.json.JsonMappers;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * The claims are written as Go's encoding/json writes a decoded map (Go 1.22+, which
 * vehicle-command's go.mod requires): expected strings follow the Go encoder's documented rules.
 */
class GoJsonTest {
    private static final ObjectMapper MAPPER = JsonMappers.newMapper();

    @Test
    void sortsKeysAtEveryLevelByUtf8Bytes() throws Exception {
        assertThat(marshal("{\"b\":1,\"a\":{\"z\":[{\"y\":1,\"x\":2}],\"Z\":null},\"\\uffff\":1,\"\\ud83d\\ude00\":2,\"é\":3}"))
                .isEqualTo("{\"a\":{\"Z\":null,\"z\":[{\"x\":2,\"y\":1}]},\"b\":1,\"é\":3,\"\uffff\":1,\"\ud83d\ude00\":2}");
    }

    @Test
    void writesNumbersAsGoFloat64() throws Exception {
        assertThat(marshal("[1,1.0,-2,0.5,1e2,1767225600,123456789012345678,0.1,1e20,1e21,1.5e300,1e-6,1e-7,"
                + "-2.5e-9,5e-324,-0.0,100.250]"))
                .isEqualTo("[1,1,-2,0.5,100,1767225600,123456789012345680,0.1,100000000000000000000,1e+21,1.5e+300,"
                        + "0.000001,1e-7,-2.5e-9,5e-324,-0,100.25]");
    }

    @Test
    void escapesStringsAsGoDoes() throws Exception {
        assertThat(marshal("[\"<a href='x'>&</a>\",\"quote\\\" back\\\\ slash/\",\"\\b\\f\\n\\r\\t\\u0001\\u001f\\u007f\","
                + "\"\\u2028\\u2029é€😀\",\"\\ud800 lone\"]"))
                .isEqualTo("[\"\\u003ca href='x'\\u003e\\u0026\\u003c/a\\u003e\",\"quote\\\" back\\\\ slash/\","
                        + "\"\\b\\f\\n\\r\\t\\u0001\\u001f\u007f\",\"\\u2028\\u2029é€😀\",\"\ufffd lone\"]");
    }

    @Test
    void refusesNumbersBeyondFloat64() {
        assertThatThrownBy(() -> marshal("[1e400]")).isInstanceOf(IllegalArgumentException.class);
    }

    private static String marshal(String json) throws Exception {
        return new String(GoJson.marshal(MAPPER.readTree(json)), StandardCharsets.UTF_8);
    }
}
