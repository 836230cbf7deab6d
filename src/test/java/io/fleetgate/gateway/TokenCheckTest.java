package io.fleetgate.gateway;

import static io.fleetgate.testing.TestFleet.ALICE;
import static io.fleetgate.testing.TestFleet.NA_SITE;
import static io.fleetgate.testing.TestFleet.NA_SITE_NOT_SUBSCRIBED;
import static io.fleetgate.testing.TestFleet.NA_VIN;
import static io.fleetgate.testing.TestFleet.NA_VIN_NOT_SUBSCRIBED;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fleetgate.sim.RecordedRequest;
import io.fleetgate.testing.GatewayHarness;
import io.fleetgate.testing.GatewayPerClass;
import io.fleetgate.testing.TestAccount;
import io.fleetgate.testing.TestFleet;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** CONTRACT section 1: tokens, subscriptions, scopes and the error envelope, as a caller sees them. */
class TokenCheckTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TestAccount EXPIRED = new TestAccount("expired", "na", "tesla-token-alice", "gw-expired",
            TestAccount.ALL_SCOPES, List.of(NA_VIN), List.of(), "2020-01-01T00:00:00Z");
    private static final TestAccount NO_ENERGY_SCOPE = new TestAccount("reader", "na", "tesla-token-alice", "gw-reader",
            List.of("vehicle_device_data"), List.of(NA_VIN), List.of(NA_SITE), null);

    @RegisterExtension
    static final GatewayPerClass GATEWAY = new GatewayPerClass(() -> GatewayHarness.builder().accounts(ALICE, TestFleet.BERND, TestFleet.CHEN, EXPIRED, NO_ENERGY_SCOPE).start());

    @Test
    void noTokenIs401MissingTokenAndNothingIsForwarded() {
        HttpResponse<byte[]> response = GATEWAY.harness().get("/api/1/vehicles", null);
        assertError(response, 401, "missing_token");
        assertThat(GATEWAY.harness().simulator().requests()).isEmpty();
    }

    @Test
    void unknownTokenIs401InvalidTokenAndTheTokenIsNotEchoed() {
        HttpResponse<byte[]> response = GATEWAY.harness().get("/api/1/vehicles", "not-a-real-token-123");
        assertError(response, 401, "invalid_token");
        assertThat(body(response)).doesNotContain("not-a-real-token-123");
        HttpResponse<byte[]> viaQuery = GATEWAY.harness().get("/api/1/vehicles?token=not-a-real-token-456", null);
        assertError(viaQuery, 401, "invalid_token");
        assertThat(body(viaQuery)).doesNotContain("not-a-real-token-456");
        assertThat(GATEWAY.harness().simulator().requests()).isEmpty();
    }

    @Test
    void bearerTokenIsAcceptedAndUpstreamGetsTheAccountsTeslaToken() {
        HttpResponse<byte[]> response = GATEWAY.harness().get("/api/1/vehicles/" + NA_VIN, ALICE.gatewayToken());
        assertThat(response.statusCode()).isEqualTo(200);
        RecordedRequest upstream = GATEWAY.harness().simulator().requests(NA_VIN).getFirst();
        assertThat(header(upstream, "Authorization")).isEqualTo("Bearer " + ALICE.teslaToken());
        assertThat(upstream.headers().toString()).doesNotContain(ALICE.gatewayToken());
    }

    @Test
    void queryTokenIsAcceptedAndNeverReachesUpstream() {
        HttpResponse<byte[]> response = GATEWAY.harness().get(
                "/api/1/vehicles/" + NA_VIN + "/vehicle_data?token=" + ALICE.gatewayToken() + "&endpoints=charge_state%3Bclimate_state", null);
        assertThat(response.statusCode()).isEqualTo(200);
        RecordedRequest upstream = GATEWAY.harness().simulator().requests(NA_VIN).getFirst();
        assertThat(upstream.query()).isEqualTo("endpoints=charge_state%3Bclimate_state");
        assertThat(upstream.toString()).doesNotContain(ALICE.gatewayToken());
        assertThat(header(upstream, "Authorization")).isEqualTo("Bearer " + ALICE.teslaToken());
    }

    @Test
    void accountWithoutActiveSubscriptionIs402SubscriptionRequired() {
        assertError(GATEWAY.harness().get("/api/1/vehicles/" + NA_VIN, EXPIRED.gatewayToken()), 402, "subscription_required");
        assertThat(GATEWAY.harness().simulator().requests()).isEmpty();
    }

    @Test
    void vinOutsideTheSubscriptionIs402VehicleSubscriptionRequired() {
        assertError(GATEWAY.harness().get("/api/1/vehicles/" + NA_VIN_NOT_SUBSCRIBED + "/vehicle_data", ALICE.gatewayToken()),
                402, "vehicle_subscription_required");
        assertError(GATEWAY.harness().get("/api/1/dx/warranty/details?vin=" + NA_VIN_NOT_SUBSCRIBED, ALICE.gatewayToken()),
                402, "vehicle_subscription_required");
        assertError(GATEWAY.harness().post("/api/1/vehicles/fleet_status", ALICE.gatewayToken(),
                "{\"vins\":[\"" + NA_VIN + "\",\"" + NA_VIN_NOT_SUBSCRIBED + "\"]}"), 402, "vehicle_subscription_required");
        assertThat(GATEWAY.harness().simulator().requests()).isEmpty();
    }

    @Test
    void energySiteOutsideTheSubscriptionIs402VehicleSubscriptionRequired() {
        assertError(GATEWAY.harness().get("/api/1/energy_sites/" + NA_SITE_NOT_SUBSCRIBED + "/live_status", ALICE.gatewayToken()),
                402, "vehicle_subscription_required");
        assertThat(GATEWAY.harness().simulator().requests()).isEmpty();
        assertThat(GATEWAY.harness().get("/api/1/energy_sites/" + NA_SITE + "/live_status", ALICE.gatewayToken()).statusCode())
                .isEqualTo(200);
    }

    @Test
    void missingScopeIs403InvalidScope() {
        assertError(GATEWAY.harness().get("/api/1/energy_sites/" + NA_SITE + "/site_info", NO_ENERGY_SCOPE.gatewayToken()),
                403, "invalid_scope");
        assertError(GATEWAY.harness().post("/api/1/vehicles/" + NA_VIN + "/command/flash_lights", NO_ENERGY_SCOPE.gatewayToken(), "{}"),
                403, "invalid_scope");
        assertThat(GATEWAY.harness().simulator().requests()).isEmpty();
        assertThat(GATEWAY.harness().get("/api/1/vehicles/" + NA_VIN, NO_ENERGY_SCOPE.gatewayToken()).statusCode()).isEqualTo(200);
    }

    @Test
    void unknownPathIs404NotFoundAndUnknownCommandIs400InvalidCommand() {
        assertError(GATEWAY.harness().get("/api/1/vehicles/" + NA_VIN + "/teleport", ALICE.gatewayToken()), 404, "not_found");
        assertError(GATEWAY.harness().post("/api/1/vehicles/" + NA_VIN + "/command/launch_rocket", ALICE.gatewayToken(), "{}"),
                400, "invalid_command");
        assertThat(GATEWAY.harness().simulator().requests()).isEmpty();
    }

    @Test
    void everyResponseCarriesTheRegionOfTheAccountItServed() {
        assertThat(GATEWAY.harness().get("/api/1/vehicles", ALICE.gatewayToken()).headers().firstValue("x-region")).contains("na");
        assertThat(GATEWAY.harness().get("/api/1/vehicles", TestFleet.BERND.gatewayToken()).headers().firstValue("x-region")).contains("eu");
        assertThat(GATEWAY.harness().get("/api/1/vehicles", TestFleet.CHEN.gatewayToken()).headers().firstValue("x-region")).contains("cn");
        // refusals too: after the token check with the account's region, before it with the default
        assertThat(GATEWAY.harness().get("/api/1/nothing", TestFleet.BERND.gatewayToken()).headers().firstValue("x-region")).contains("eu");
        assertThat(GATEWAY.harness().get("/api/1/vehicles", null).headers().firstValue("x-region")).contains("na");
    }

    @Test
    void errorResponsesNeverEchoRequestHeaders() {
        HttpResponse<byte[]> response = GATEWAY.harness().send("GET", "/api/1/vehicles/" + NA_VIN_NOT_SUBSCRIBED,
                Map.of("Authorization", "Bearer " + ALICE.gatewayToken(), "X-Custom", "abc"), null);
        assertThat(response.statusCode()).isEqualTo(402);
        assertThat(response.headers().map().keySet()).noneMatch(h -> h.equalsIgnoreCase("authorization") || h.equalsIgnoreCase("x-custom"));
    }

    static void assertError(HttpResponse<byte[]> response, int status, String error) {
        assertThat(response.statusCode()).as(body(response)).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
        assertThat(response.headers().firstValue("x-region")).isPresent();
        try {
            JsonNode node = JSON.readTree(response.body());
            assertThat(node.has("response") && node.get("response").isNull()).as("response: null").isTrue();
            assertThat(node.get("error").asText()).isEqualTo(error);
            assertThat(node.get("error_description").asText()).isNotBlank();
        } catch (java.io.IOException e) {
            throw new AssertionError("not JSON: " + body(response), e);
        }
    }

    static String body(HttpResponse<byte[]> response) {
        return new String(response.body(), StandardCharsets.UTF_8);
    }

    static String header(RecordedRequest request, String name) {
        return request.headers().entrySet().stream()
                .filter(e -> e.getKey().equalsIgnoreCase(name))
                .map(Map.Entry::getValue)
                .findFirst().orElse(null);
    }
}
