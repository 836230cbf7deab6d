package io.fleetgate.limits;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fleetgate.testing.GatewayHarness;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/** Requests as a client behind a proxy makes them, and what the rate-limit tests read off the answers. */
final class LimitsHttp {
    private static final ObjectMapper JSON = new ObjectMapper();

    private LimitsHttp() {
    }

    /** The settings that make a test Fleetgate hold the contract's limits (the harness raises them for other tests). */
    static GatewayHarness.Builder contractLimits(GatewayHarness.Builder builder) {
        return builder.setting("fleetgate.limits.ip.per-window", "60")
                .setting("fleetgate.limits.site.per-window", "30")
                .setting("fleetgate.limits.window-seconds", "60");
    }

    /** A GET with the gateway token and, unless null, an {@code X-Forwarded-For} header. */
    static HttpResponse<byte[]> get(GatewayHarness harness, String forwardedFor, String path, String token) {
        Map<String, String> headers = new HashMap<>(GatewayHarness.bearer(token));
        if (forwardedFor != null) {
            headers.put("X-Forwarded-For", forwardedFor);
        }
        return harness.send("GET", path, headers, null);
    }

    static String header(HttpResponse<byte[]> response, String name) {
        return response.headers().firstValue(name).orElse(null);
    }

    static String body(HttpResponse<byte[]> response) {
        return new String(response.body(), StandardCharsets.UTF_8);
    }

    /** The three {@code RateLimit-*} values, limit/remaining/reset, e.g. {@code "60/59/60"}. */
    static String rateLimit(HttpResponse<byte[]> response) {
        return header(response, "RateLimit-Limit") + "/" + header(response, "RateLimit-Remaining") + "/"
                + header(response, "RateLimit-Reset");
    }

    /** A 429 {@code rate_limited} in the Fleet API's error envelope, with {@code Retry-After}. */
    static void assertRateLimited(HttpResponse<byte[]> response, long retryAfterSeconds) {
        assertThat(response.statusCode()).as(body(response)).isEqualTo(429);
        assertThat(header(response, "Content-Type")).startsWith("application/json");
        assertThat(header(response, "Retry-After")).isEqualTo(Long.toString(retryAfterSeconds));
        assertThat(header(response, "RateLimit-Remaining")).isEqualTo("0");
        assertThat(header(response, "RateLimit-Reset")).isEqualTo(Long.toString(retryAfterSeconds));
        try {
            JsonNode node = JSON.readTree(response.body());
            assertThat(node.get("response").isNull()).isTrue();
            assertThat(node.get("error").asText()).isEqualTo("rate_limited");
            assertThat(node.get("error_description").asText()).contains("Retry in " + retryAfterSeconds + " second");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
