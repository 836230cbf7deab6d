package io.fleetgate.gateway;

import static io.fleetgate.gateway.TokenCheckTest.assertError;
import static io.fleetgate.gateway.TokenCheckTest.body;
import static io.fleetgate.testing.TestFleet.ALICE;
import static io.fleetgate.testing.TestFleet.NA_VIN;
import static org.assertj.core.api.Assertions.assertThat;

import io.fleetgate.testing.GatewayHarness;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Bad input gets a 4xx in the envelope, never reaches upstream, and never shows a stack trace. */
class BadInputTest {
    private static final int ONE_MIB = 1024 * 1024;
    private static GatewayHarness harness;

    @BeforeAll
    static void start() {
        harness = GatewayHarness.standard();
    }

    @AfterAll
    static void stop() {
        harness.close();
    }

    @BeforeEach
    void clearLog() {
        harness.simulator().clearRequests();
    }

    @Test
    void malformedVinIs400AndNotForwarded() {
        for (String vin : new String[] {"123", "5YJ3E1EA7KF10000I", "5YJ3E1EA7KF1000011", "%20"}) {
            HttpResponse<byte[]> response = harness.get("/api/1/vehicles/" + vin + "/vehicle_data", ALICE.gatewayToken());
            assertError(response, 400, "invalid_request");
        }
        assertThat(harness.simulator().requests()).isEmpty();
    }

    @Test
    void malformedJsonIs400AndNotForwarded() {
        HttpResponse<byte[]> response = harness.post("/api/1/vehicles/" + NA_VIN + "/command/set_charge_limit",
                ALICE.gatewayToken(), "{\"percent\": 80");
        assertError(response, 400, "invalid_request");
        assertThat(body(response)).doesNotContain("Exception").doesNotContain("at io.");
        assertThat(harness.simulator().requests()).isEmpty();
    }

    @Test
    void bodyOverOneMebibyteIs413AndNotForwarded() {
        HttpResponse<byte[]> response = harness.post("/api/1/vehicles/fleet_status", ALICE.gatewayToken(), jsonOfSize(ONE_MIB + 1));
        assertError(response, 413, "invalid_request");
        assertThat(harness.simulator().requests()).isEmpty();
    }

    @Test
    void chunkedBodyOverOneMebibyteIs413Too() throws Exception {
        byte[] big = jsonOfSize(4 * ONE_MIB).getBytes(StandardCharsets.UTF_8);
        // a body publisher of unknown length makes the client send it chunked, without Content-Length
        HttpRequest request = HttpRequest.newBuilder(URI.create(harness.url("/api/1/vehicles/fleet_status")))
                .header("Authorization", "Bearer " + ALICE.gatewayToken())
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(big)))
                .build();
        HttpResponse<byte[]> response = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofByteArray());
        assertError(response, 413, "invalid_request");
        assertThat(harness.simulator().requests()).isEmpty();
    }

    @Test
    void bodyOfExactlyOneMebibyteIsAccepted() {
        HttpResponse<byte[]> response = harness.post("/api/1/vehicles/fleet_status", ALICE.gatewayToken(), jsonOfSize(ONE_MIB));
        assertThat(response.statusCode()).as(body(response)).isEqualTo(200);
        assertThat(harness.simulator().requests()).hasSize(1);
    }

    @Test
    void jsonSentWithAFormContentTypeIsStillTakenAsJson() {
        HttpResponse<byte[]> response = harness.send("POST", "/api/1/vehicles/fleet_status",
                Map.of("Authorization", "Bearer " + ALICE.gatewayToken(), "Content-Type", "application/x-www-form-urlencoded"),
                ("{\"vins\":[\"" + NA_VIN + "\"]}").getBytes(StandardCharsets.UTF_8));
        assertThat(response.statusCode()).as(body(response)).isEqualTo(200);
        assertThat(harness.simulator().requests()).singleElement()
                .satisfies(r -> assertThat(r.body()).isEqualTo("{\"vins\":[\"" + NA_VIN + "\"]}"));
    }

    @Test
    void malformedSiteIdAndMalformedVinListAre400() {
        assertError(harness.get("/api/1/energy_sites/12ab/site_info", ALICE.gatewayToken()), 400, "invalid_request");
        assertError(harness.post("/api/1/vehicles/fleet_status", ALICE.gatewayToken(), "{\"vins\":[\"nope\"]}"),
                400, "invalid_request");
        assertError(harness.post("/api/1/vehicles/fleet_status", ALICE.gatewayToken(), "{\"vins\":\"" + NA_VIN + "\"}"),
                400, "invalid_request");
        assertThat(harness.simulator().requests()).isEmpty();
    }

    /** {@code {"vins":["<vin>"],"pad":"xxx..."}} of exactly {@code size} bytes. */
    private static String jsonOfSize(int size) {
        String head = "{\"vins\":[\"" + NA_VIN + "\"],\"pad\":\"";
        String tail = "\"}";
        char[] pad = new char[size - head.length() - tail.length()];
        Arrays.fill(pad, 'x');
        return head + new String(pad) + tail;
    }
}
