package io.fleetgate.gateway;

import static io.fleetgate.gateway.TokenCheckTest.assertError;
import static io.fleetgate.gateway.TokenCheckTest.body;
import static io.fleetgate.testing.TestFleet.ALICE;
import static io.fleetgate.testing.TestFleet.NA_VIN;
import static org.assertj.core.api.Assertions.assertThat;

import io.fleetgate.testing.GatewayHarness;
import io.fleetgate.testing.GatewayPerClass;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Bad input gets a 4xx in the envelope, never reaches upstream, and never shows a stack trace. */
class BadInputTest {
    private static final int ONE_MIB = 1024 * 1024;
    @RegisterExtension
    static final GatewayPerClass GATEWAY = new GatewayPerClass(() -> GatewayHarness.standard());

    @Test
    void malformedVinIs400AndNotForwarded() {
        for (String vin : new String[] {"123", "5YJ3E1EA7KF10000I", "5YJ3E1EA7KF1000011", "%20"}) {
            HttpResponse<byte[]> response = GATEWAY.harness().get("/api/1/vehicles/" + vin + "/vehicle_data", ALICE.gatewayToken());
            assertError(response, 400, "invalid_request");
        }
        assertThat(GATEWAY.harness().simulator().requests()).isEmpty();
    }

    @Test
    void malformedJsonIs400AndNotForwarded() {
        HttpResponse<byte[]> response = GATEWAY.harness().post("/api/1/vehicles/" + NA_VIN + "/command/set_charge_limit",
                ALICE.gatewayToken(), "{\"percent\": 80");
        assertError(response, 400, "invalid_request");
        assertThat(body(response)).doesNotContain("Exception").doesNotContain("at io.");
        assertThat(GATEWAY.harness().simulator().requests()).isEmpty();
    }

    @Test
    void bodyOverOneMebibyteIs413AndNotForwarded() {
        HttpResponse<byte[]> response = GATEWAY.harness().post("/api/1/vehicles/fleet_status", ALICE.gatewayToken(), jsonOfSize(ONE_MIB + 1));
        assertError(response, 413, "invalid_request");
        assertThat(GATEWAY.harness().simulator().requests()).isEmpty();
    }

    @Test
    void chunkedBodyOverOneMebibyteIs413Too() throws Exception {
        byte[] big = jsonOfSize(4 * ONE_MIB).getBytes(StandardCharsets.UTF_8);
        // a body publisher of unknown length makes the client send it chunked, without Content-Length
        HttpRequest request = HttpRequest.newBuilder(URI.create(GATEWAY.harness().url("/api/1/vehicles/fleet_status")))
                .header("Authorization", "Bearer " + ALICE.gatewayToken())
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(big)))
                .build();
        HttpResponse<byte[]> response = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofByteArray());
        assertError(response, 413, "invalid_request");
        assertThat(GATEWAY.harness().simulator().requests()).isEmpty();
    }

    @Test
    void bodyOfExactlyOneMebibyteIsAccepted() {
        HttpResponse<byte[]> response = GATEWAY.harness().post("/api/1/vehicles/fleet_status", ALICE.gatewayToken(), jsonOfSize(ONE_MIB));
        assertThat(response.statusCode()).as(body(response)).isEqualTo(200);
        assertThat(GATEWAY.harness().simulator().requests()).hasSize(1);
    }

    @Test
    void jsonSentWithAFormContentTypeIsStillTakenAsJson() {
        HttpResponse<byte[]> response = GATEWAY.harness().send("POST", "/api/1/vehicles/fleet_status",
                Map.of("Authorization", "Bearer " + ALICE.gatewayToken(), "Content-Type", "application/x-www-form-urlencoded"),
                ("{\"vins\":[\"" + NA_VIN + "\"]}").getBytes(StandardCharsets.UTF_8));
        assertThat(response.statusCode()).as(body(response)).isEqualTo(200);
        assertThat(GATEWAY.harness().simulator().requests()).singleElement()
                .satisfies(r -> assertThat(r.body()).isEqualTo("{\"vins\":[\"" + NA_VIN + "\"]}"));
    }

    @Test
    void malformedSiteIdAndMalformedVinListAre400() {
        assertError(GATEWAY.harness().get("/api/1/energy_sites/12ab/site_info", ALICE.gatewayToken()), 400, "invalid_request");
        assertError(GATEWAY.harness().post("/api/1/vehicles/fleet_status", ALICE.gatewayToken(), "{\"vins\":[\"nope\"]}"),
                400, "invalid_request");
        assertError(GATEWAY.harness().post("/api/1/vehicles/fleet_status", ALICE.gatewayToken(), "{\"vins\":\"" + NA_VIN + "\"}"),
                400, "invalid_request");
        assertThat(GATEWAY.harness().simulator().requests()).isEmpty();
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
