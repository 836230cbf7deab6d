package io.fleetgate.gateway;

import static io.fleetgate.gateway.TokenCheckTest.assertError;
import static io.fleetgate.gateway.TokenCheckTest.body;
import static io.fleetgate.testing.TestFleet.ALICE;
import static io.fleetgate.testing.TestFleet.NA_SITE;
import static io.fleetgate.testing.TestFleet.NA_VIN;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fleetgate.testing.GatewayHarness;
import io.fleetgate.testing.GatewayPerClass;
import io.fleetgate.testing.RawHttp;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
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
    void aCommandWhoseRecordWouldBeTooLargeToQueueIs413NotA503() {
        // found by FuzzedRequestsTest: a body within the 1 MiB limit plus the record's own fields
        // passed Kafka's limit, and the RecordTooLargeException was answered as an outage
        HttpResponse<byte[]> response = GATEWAY.harness().post("/api/1/vehicles/" + NA_VIN + "/command/honk_horn",
                ALICE.gatewayToken(), jsonOfSize(ONE_MIB));
        assertError(response, 413, "invalid_request");
        assertThat(body(response)).contains("too large to queue");
        assertThat(GATEWAY.harness().simulator().requests()).isEmpty();
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
    void aGetWithAFormContentTypeIsAnsweredAsAnyGetNotA500() {
        // found by FuzzedRequestsTest: the admin routes' body handler threw for a GET with a form type
        for (String type : List.of("application/x-www-form-urlencoded", "Multipart/Form-Data; boundary=x")) {
            HttpResponse<byte[]> admin = GATEWAY.harness().send("GET", "/admin/accounts/alice",
                    Map.of("Authorization", "Bearer " + GatewayHarness.ADMIN_TOKEN, "Content-Type", type),
                    "{\"vins\":[".getBytes(StandardCharsets.UTF_8));
            assertThat(admin.statusCode()).as(type + ": " + body(admin)).isEqualTo(200);
            assertThat(body(admin)).contains("\"alice\"");

            HttpResponse<byte[]> read = GATEWAY.harness().send("GET", "/api/1/vehicles/" + NA_VIN,
                    Map.of("Authorization", "Bearer " + ALICE.gatewayToken(), "Content-Type", type), new byte[0]);
            assertThat(read.statusCode()).as(type + ": " + body(read)).isEqualTo(200);
        }
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

    @Test
    void anEnergySiteCommandBodyTheFleetApiWouldRefuseIs400NamingTheFieldAndNotForwarded() throws Exception {
        Map<String, String> bad = new LinkedHashMap<>();
        bad.put("backup", "{\"backup_reserve_percent\":101}");
        bad.put("operation", "{\"default_real_mode\":\"eco\"}");
        bad.put("storm_mode", "{\"enabled\":\"yes\"}");
        bad.put("off_grid_vehicle_charging_reserve", "{}");
        bad.put("grid_import_export", "{\"customer_preferred_export_rule\":\"always\"}");
        bad.put("time_of_use_settings", "{\"tou_settings\":{}}");
        for (Map.Entry<String, String> command : bad.entrySet()) {
            HttpResponse<byte[]> response = GATEWAY.harness().post("/api/1/energy_sites/" + NA_SITE + "/" + command.getKey(),
                    ALICE.gatewayToken(), command.getValue());
            assertError(response, 400, "invalid_request");
            String field = switch (command.getKey()) {
                case "backup" -> "backup_reserve_percent";
                case "operation" -> "default_real_mode";
                case "storm_mode" -> "enabled";
                case "off_grid_vehicle_charging_reserve" -> "off_grid_vehicle_charging_reserve_percent";
                case "grid_import_export" -> "customer_preferred_export_rule";
                default -> "tou_settings.tariff_content_v2";
            };
            assertThat(new ObjectMapper().readTree(response.body()).get("error_description").asText())
                    .as(command.getKey()).contains(field);
        }
        assertError(GATEWAY.harness().post("/api/1/energy_sites/" + NA_SITE + "/backup", ALICE.gatewayToken(), null),
                400, "invalid_request");
        assertError(GATEWAY.harness().post("/api/1/energy_sites/" + NA_SITE + "/storm_mode", ALICE.gatewayToken(), "[true]"),
                400, "invalid_request");
        assertThat(GATEWAY.harness().simulator().requests()).isEmpty();
    }

    @Test
    void aBodyWithAByteOrderMarkOrTrailingTextIs400AndNotForwarded() {
        // found while fuzzing: accepted as JSON, then refused upstream, where the body went as it came
        for (String body : new String[] {"\uFEFF{\"enabled\":true}", "{\"enabled\":true} true", "{\"enabled\":true}{}"}) {
            assertError(GATEWAY.harness().post("/api/1/energy_sites/" + NA_SITE + "/storm_mode", ALICE.gatewayToken(), body),
                    400, "invalid_request");
            assertError(GATEWAY.harness().post("/api/1/vehicles/fleet_status", ALICE.gatewayToken(),
                    body.replace("{\"enabled\":true}", "{\"vins\":[\"" + NA_VIN + "\"]}")), 400, "invalid_request");
        }
        assertThat(GATEWAY.harness().simulator().requests()).isEmpty();
    }

    @Test
    void aValidEnergySiteCommandBodyIsForwardedAsItCameUnknownFieldsIncluded() {
        String[][] valid = {
                {"backup", "{\"backup_reserve_percent\":30,\"note\":\"unknown fields are left to Tesla\"}"},
                {"operation", "{\"default_real_mode\":\"autonomous\"}"},
                {"storm_mode", "{\"enabled\":true}"},
                {"off_grid_vehicle_charging_reserve", "{\"off_grid_vehicle_charging_reserve_percent\":0}"},
                {"grid_import_export", "{\"disallow_charge_from_grid_with_solar_installed\":true}"},
                {"time_of_use_settings", "{\"tou_settings\":{\"tariff_content_v2\":{\"version\":1}}}"}};
        for (String[] command : valid) {
            HttpResponse<byte[]> response = GATEWAY.harness().post("/api/1/energy_sites/" + NA_SITE + "/" + command[0],
                    ALICE.gatewayToken(), command[1]);
            assertThat(response.statusCode()).as(command[0] + ": " + body(response)).isEqualTo(200);
        }
        assertThat(GATEWAY.harness().simulator().requests()).extracting(r -> r.body())
                .containsExactly(Arrays.stream(valid).map(c -> c[1]).toArray(String[]::new));
    }

    @Test
    void aPathOrQueryWithBrokenPercentEncodingIs400InTheEnvelopeAndNotForwarded() throws Exception {
        // found by FuzzedRequestsTest: the router answered these with its own plain-text "Bad Request"
        RawHttp http = new RawHttp(URI.create(GATEWAY.harness().url("/")).getPort(), java.time.Duration.ofSeconds(10));
        for (String path : new String[] {"/api/1/vehicles/" + NA_VIN + "%zz", "/api/1/users/feat%%ure_config", "/a%G1pi/1/products",
                "/api/%%test", "/admin/accounts%", "/api/1/vehicles/%", "/admin/accounts/alice?x=%zz",
                "/admin/accounts/alice/subscription?token=" + ALICE.gatewayToken() + "&token=%zz", "/api/1/vehicles?token=%zz"}) {
            RawHttp.Response answer = http.send("GET", path, RawHttp.headers("Authorization", "Bearer " + ALICE.gatewayToken()),
                    null, false);
            assertThat(answer.status()).as(path).isEqualTo(400);
            assertThat(answer.header("content-type")).as(path).hasValue("application/json");
            assertThat(answer.header("x-region")).as(path).hasValue("na");
            assertThat(new ObjectMapper().readTree(answer.body()).get("error").asText()).as(path).isEqualTo("invalid_request");
        }
        assertThat(GATEWAY.harness().simulator().requests()).isEmpty();
    }

    @Test
    void rawNonAsciiBytesInThePathOrQueryAre400NotA500AndNotForwarded() throws Exception {
        // found by FuzzedRequestsTest: U+FB01 is EF AC 81 on the wire, read as Latin-1 it holds the
        // control character U+0081, and building the upstream URI failed with a 500 internal_error
        RawHttp http = new RawHttp(URI.create(GATEWAY.harness().url("/")).getPort(), java.time.Duration.ofSeconds(10));
        for (String target : new String[] {"/api/1/vehicles?x=\ufb01", "/api/1/dx/charging/invoice/\ufb01",
                "/api/1/vehicles/" + NA_VIN + "/vehicle_data?endpoints=charge_state\u00fc", "/api/ping?x=\u00e9"}) {
            RawHttp.Response answer = http.send("GET", target, RawHttp.headers("Authorization", "Bearer " + ALICE.gatewayToken()),
                    null, false);
            assertThat(answer.status()).as(target).isEqualTo(400);
            assertThat(answer.header("x-region")).as(target).hasValue("na");
            assertThat(new ObjectMapper().readTree(answer.body()).get("error").asText()).as(target).isEqualTo("invalid_request");
        }
        assertThat(GATEWAY.harness().simulator().requests()).isEmpty();
        // the same text percent-encoded is forwarded as usual
        assertThat(GATEWAY.harness().get("/api/1/vehicles?x=%EF%AC%81", ALICE.gatewayToken()).statusCode()).isEqualTo(200);
    }

    @Test
    void aRequestLineOrHeadersTooLongToReadAre414And431InTheEnvelopeAndNotForwarded() throws Exception {
        // Vert.x's decoder refuses these before any route or guard sees them; its own answers had no body
        RawHttp http = new RawHttp(URI.create(GATEWAY.harness().url("/")).getPort(), java.time.Duration.ofSeconds(10));
        Map<String, RawHttp.Response> answers = new LinkedHashMap<>();
        answers.put("a 5,000-byte request line", http.send("GET", "/api/1/vehicles?pad=" + "x".repeat(5_000),
                RawHttp.headers("Authorization", "Bearer " + ALICE.gatewayToken()), null, false));
        answers.put("9 KiB of headers", http.send("GET", "/api/1/vehicles",
                RawHttp.headers("Authorization", "Bearer " + ALICE.gatewayToken(), "X-Pad", "x".repeat(9 * 1024)), null, false));
        answers.put("a request line that is no HTTP", http.send("GET", "/api/1/vehicles HTTP/1.1 extra",
                RawHttp.headers("Authorization", "Bearer " + ALICE.gatewayToken()), null, false));
        Map<String, Integer> expected = Map.of("a 5,000-byte request line", 414, "9 KiB of headers", 431,
                "a request line that is no HTTP", 400);
        answers.forEach((what, answer) -> {
            assertThat(answer.status()).as(what).isEqualTo(expected.get(what));
            assertThat(answer.header("content-type")).as(what).hasValue("application/json");
            assertThat(answer.header("x-region")).as(what).hasValue("na");
            assertThat(answer.header("connection")).as(what).hasValue("close");
            try {
                assertThat(new ObjectMapper().readTree(answer.body()).get("error").asText()).as(what).isEqualTo("invalid_request");
            } catch (java.io.IOException notJson) {
                throw new AssertionError(what + ": the body is not the envelope: " + answer.bodyText(), notJson);
            }
        });
        assertThat(GATEWAY.harness().simulator().requests()).isEmpty();
        // and the port still serves what it can read
        assertThat(GATEWAY.harness().get("/api/1/vehicles", ALICE.gatewayToken()).statusCode()).isEqualTo(200);
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
