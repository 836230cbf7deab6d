package io.fleetgate.gateway;

import static io.fleetgate.gateway.TokenCheckTest.body;
import static io.fleetgate.testing.TestFleet.ALICE;
import static io.fleetgate.testing.TestFleet.NA_SITE;
import static io.fleetgate.testing.TestFleet.NA_VIN;
import static io.fleetgate.testing.TestFleet.NA_VIN_ASLEEP;
import static org.assertj.core.api.Assertions.assertThat;

import io.fleetgate.testing.GatewayHarness;
import io.fleetgate.testing.SimControl;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Reads come back exactly as the Fleet API gave them: status, body bytes and the headers callers use. */
class PassThroughFidelityTest {
    private static GatewayHarness harness;

    @BeforeAll
    static void start() {
        harness = GatewayHarness.builder().accounts(ALICE)
                .simulatorClock(Clock.fixed(Instant.parse("2026-11-26T10:00:00Z"), ZoneOffset.UTC))
                .start();
    }

    @AfterAll
    static void stop() {
        harness.close();
    }

    static Stream<Arguments> readEndpoints() {
        String v = "/api/1/vehicles/" + NA_VIN;
        return Stream.of(
                Arguments.of("GET", "/api/1/products", null),
                Arguments.of("GET", "/api/1/users/me", null),
                Arguments.of("GET", "/api/1/users/region", null),
                Arguments.of("GET", "/api/1/users/orders", null),
                Arguments.of("GET", "/api/1/users/feature_config", null),
                Arguments.of("GET", "/api/1/vehicles", null),
                Arguments.of("GET", "/api/1/vehicles?page=1&per_page=2", null),
                Arguments.of("GET", v, null),
                Arguments.of("GET", v + "/vehicle_data", null),
                Arguments.of("GET", v + "/vehicle_data?endpoints=charge_state%3Bclimate_state", null),
                Arguments.of("GET", v + "/mobile_enabled", null),
                Arguments.of("GET", v + "/nearby_charging_sites", null),
                Arguments.of("GET", v + "/recent_alerts", null),
                Arguments.of("GET", v + "/release_notes", null),
                Arguments.of("GET", v + "/service_data", null),
                Arguments.of("GET", v + "/drivers", null),
                Arguments.of("GET", v + "/fleet_telemetry_config", null),
                Arguments.of("GET", "/api/1/energy_sites/" + NA_SITE + "/site_info", null),
                Arguments.of("GET", "/api/1/energy_sites/" + NA_SITE + "/live_status", null),
                Arguments.of("POST", "/api/1/vehicles/fleet_status", "{\"vins\":[\"" + NA_VIN + "\"]}"));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("readEndpoints")
    void readIsPassedThroughUnchanged(String method, String path, String jsonBody) {
        byte[] body = jsonBody == null ? null : jsonBody.getBytes(StandardCharsets.UTF_8);
        HttpResponse<byte[]> direct = harness.direct("na", method, path, ALICE.teslaToken(), body);
        HttpResponse<byte[]> viaGateway = harness.send(method, path,
                jsonBody == null ? GatewayHarness.bearer(ALICE.gatewayToken())
                        : java.util.Map.of("Authorization", "Bearer " + ALICE.gatewayToken(), "Content-Type", "application/json"),
                body);

        assertThat(direct.statusCode()).as("the simulator serves " + path).isEqualTo(200);
        assertThat(viaGateway.statusCode()).isEqualTo(direct.statusCode());
        assertThat(body(viaGateway)).isEqualTo(body(direct));
        assertThat(viaGateway.body()).isEqualTo(direct.body());
        assertThat(viaGateway.headers().firstValue("Content-Type")).isEqualTo(direct.headers().firstValue("Content-Type"));
        // written whole with its length (ingress.AnswerBody), not streamed in chunks
        assertThat(viaGateway.headers().firstValue("Content-Length")).contains(String.valueOf(viaGateway.body().length));
        assertThat(viaGateway.headers().firstValue("Transfer-Encoding")).isEmpty();
    }

    @Test
    void asleepVehicleDataAnswers408AsTheFleetApiDoesWithoutWakingIt() {
        String path = "/api/1/vehicles/" + NA_VIN_ASLEEP + "/vehicle_data";
        HttpResponse<byte[]> viaGateway = harness.get(path, ALICE.gatewayToken());
        HttpResponse<byte[]> direct = harness.direct("na", "GET", path, ALICE.teslaToken(), null);
        assertThat(viaGateway.statusCode()).isEqualTo(408);
        assertThat(viaGateway.body()).isEqualTo(direct.body());
        assertThat(harness.simulator().requests(NA_VIN_ASLEEP)).noneMatch(r -> r.path().endsWith("/wake_up"));
    }

    @Test
    void rateLimitAndRetryAfterHeadersPassThroughAndOthersDoNot() {
        new SimControl(harness.simulator()).script("""
                {"vin":"%s","path":"/vehicle_data","responses":[
                  {"status":429,"headers":{"Retry-After":"37","RateLimit-Limit":"60","RateLimit-Remaining":"0",
                   "RateLimit-Reset":"37","X-Internal-Host":"node-17","Set-Cookie":"s=1"}}]}
                """.formatted(NA_VIN));
        HttpResponse<byte[]> response = harness.get("/api/1/vehicles/" + NA_VIN + "/vehicle_data", ALICE.gatewayToken());
        assertThat(response.statusCode()).isEqualTo(429);
        assertThat(response.headers().firstValue("Retry-After")).contains("37");
        assertThat(response.headers().firstValue("RateLimit-Limit")).contains("60");
        assertThat(response.headers().firstValue("RateLimit-Remaining")).contains("0");
        assertThat(response.headers().firstValue("RateLimit-Reset")).contains("37");
        assertThat(response.headers().firstValue("X-Internal-Host")).isEmpty();
        assertThat(response.headers().firstValue("Set-Cookie")).isEmpty();
        assertThat(body(response)).contains("Retry in");
    }

    @Test
    void upstreamErrorBodiesAndStatusesPassThrough() {
        new SimControl(harness.simulator()).script("""
                {"vin":"%s","path":"/service_data","responses":[{"status":424}]}
                """.formatted(NA_VIN));
        HttpResponse<byte[]> response = harness.get("/api/1/vehicles/" + NA_VIN + "/service_data", ALICE.gatewayToken());
        assertThat(response.statusCode()).isEqualTo(424);
        assertThat(body(response)).contains("\"error\"");
        // one attempt only: reads are not retried, and the upstream client never retries on its own
        assertThat(harness.simulator().requests(NA_VIN).stream().filter(r -> r.path().endsWith("/service_data") && r.status() == 424))
                .hasSize(1);
    }
}
