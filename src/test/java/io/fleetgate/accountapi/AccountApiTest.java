package io.fleetgate.accountapi;

import static io.fleetgate.testing.TestFleet.ALICE;
import static io.fleetgate.testing.TestFleet.BERND;
import static io.fleetgate.testing.TestFleet.EU_VIN;
import static io.fleetgate.testing.TestFleet.NA_SITE;
import static io.fleetgate.testing.TestFleet.NA_VIN;
import static io.fleetgate.testing.TestFleet.NA_VIN_ASLEEP;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fleetgate.sim.SimulatedFleet;
import io.fleetgate.testing.GatewayHarness;
import io.fleetgate.testing.TestAccount;
import io.fleetgate.testing.TestFleet;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Teslemetry's own endpoints (reference: teslemetry-and-peers.md 1.2, 1.3) as Fleetgate serves them. */
class AccountApiTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TestAccount LAPSED = new TestAccount("lapsed", "na", ALICE.teslaToken(), "gw-lapsed",
            List.of("openid", "vehicle_device_data"), List.of(NA_VIN), List.of(), "2020-01-01T00:00:00Z");
    private static final TestAccount LEARNER = new TestAccount("learner", "na", ALICE.teslaToken(), "gw-learner",
            TestAccount.ALL_SCOPES, List.of(NA_VIN, NA_VIN_ASLEEP), List.of(), null);

    private static GatewayHarness harness;

    @BeforeAll
    static void start() {
        SimulatedFleet fleet = TestFleet.fleet();
        fleet.setRequiresSigning(NA_VIN_ASLEEP, true);
        harness = GatewayHarness.builder().fleet(fleet).accounts(ALICE, BERND, LAPSED, LEARNER).start();
    }

    @AfterAll
    static void stop() {
        harness.close();
    }

    @Test
    void pingAnswersWithoutAToken() throws IOException {
        HttpResponse<byte[]> response = harness.get("/api/ping", null);
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
        JsonNode body = JSON.readTree(response.body());
        assertThat(fields(body)).containsExactly("response");
        assertThat(body.get("response").isTextual()).isTrue();
        assertThat(body.get("response").asText()).isEqualTo("pong");
    }

    @Test
    void testIsTrueForAValidTokenAnd401Otherwise() throws IOException {
        int forwarded = harness.simulator().requests().size();
        HttpResponse<byte[]> valid = harness.get("/api/test", ALICE.gatewayToken());
        assertThat(valid.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(valid.body())).isEqualTo(JSON.readTree("{\"response\":true}"));
        assertThat(valid.headers().firstValue("x-region")).hasValue("na");
        // the query form works too, as on /api/1/
        assertThat(harness.get("/api/test?token=" + BERND.gatewayToken(), null).statusCode()).isEqualTo(200);

        assertRefused(harness.get("/api/test", "not-a-token"), 401, "invalid_token");
        assertRefused(harness.get("/api/test", null), 401, "missing_token");
        assertThat(harness.simulator().requests()).as("nothing of this reaches Tesla").hasSize(forwarded);
    }

    @Test
    void metadataHasTeslemetrysShape() throws IOException {
        JsonNode alice = metadata(ALICE);
        assertThat(fields(alice)).containsExactlyInAnyOrder("uid", "region", "scopes", "vehicles", "energy_sites", "subscription", "vins");
        assertThat(alice.get("uid").asText()).isEqualTo("alice");
        assertThat(alice.get("region").asText()).isEqualTo("NA");
        assertThat(texts(alice.get("scopes"))).containsExactlyInAnyOrderElementsOf(TestAccount.ALL_SCOPES);
        assertThat(fields(alice.get("vehicles"))).containsExactlyInAnyOrderElementsOf(ALICE.vins());
        for (String vin : ALICE.vins()) {
            JsonNode vehicle = alice.get("vehicles").get(vin);
            assertThat(fields(vehicle)).containsExactlyInAnyOrder("access", "signing", "firmware", "polling");
            assertThat(vehicle.get("access").isBoolean()).isTrue();
            assertThat(vehicle.get("access").asBoolean()).isTrue();
        }
        assertThat(fields(alice.get("energy_sites"))).containsExactly(String.valueOf(NA_SITE));
        assertThat(fields(alice.get("energy_sites").get(String.valueOf(NA_SITE)))).containsExactly("access");
        assertThat(alice.get("energy_sites").get(String.valueOf(NA_SITE)).get("access").asBoolean()).isTrue();
        assertThat(alice.get("subscription").isObject()).isTrue();
        assertThat(fields(alice.get("subscription"))).as("no end when the subscription does not end").isEmpty();
        assertThat(texts(alice.get("vins"))).containsExactlyInAnyOrderElementsOf(ALICE.vins());

        JsonNode bernd = metadata(BERND);
        assertThat(bernd.get("region").asText()).isEqualTo("EU");
        assertThat(fields(bernd.get("vehicles"))).containsExactly(EU_VIN);
        assertThat(fields(bernd.get("energy_sites"))).isEmpty();
    }

    @Test
    void aLapsedSubscriptionHasNoAccessAndSaysWhenItEnded() throws IOException {
        JsonNode lapsed = metadata(LAPSED);
        assertThat(lapsed.get("vehicles").get(NA_VIN).get("access").asBoolean()).isFalse();
        assertThat(lapsed.get("subscription").get("end").asText()).isEqualTo("2020-01-01T00:00:00Z");
        assertThat(texts(lapsed.get("scopes"))).containsExactlyInAnyOrder("openid", "vehicle_device_data");
    }

    @Test
    void signingAndFirmwareAreNullUntilLearnedFromFleetStatusAndVehicleData() throws IOException {
        String firmware = harness.simulator().fleet().vehicle(NA_VIN).firmwareVersion();
        JsonNode before = metadata(LEARNER).get("vehicles");
        assertThat(before.get(NA_VIN).get("signing").isNull()).isTrue();
        assertThat(before.get(NA_VIN).get("firmware").isNull()).isTrue();
        assertThat(before.get(NA_VIN_ASLEEP).get("signing").isNull()).isTrue();
        assertThat(before.get(NA_VIN_ASLEEP).get("firmware").isNull()).isTrue();

        assertThat(harness.get("/api/1/vehicles/" + NA_VIN + "/vehicle_data", LEARNER.gatewayToken()).statusCode()).isEqualTo(200);
        JsonNode afterRead = metadata(LEARNER).get("vehicles");
        assertThat(afterRead.get(NA_VIN).get("firmware").asText()).as("from vehicle_state.car_version").isEqualTo(firmware);
        assertThat(afterRead.get(NA_VIN_ASLEEP).get("firmware").isNull()).as("asleep: no answer seen yet").isTrue();

        assertThat(harness.post("/api/1/vehicles/fleet_status", LEARNER.gatewayToken(),
                "{\"vins\":[\"" + NA_VIN + "\",\"" + NA_VIN_ASLEEP + "\"]}").statusCode()).isEqualTo(200);
        JsonNode after = metadata(LEARNER).get("vehicles");
        assertThat(after.get(NA_VIN).get("signing").isBoolean()).isTrue();
        assertThat(after.get(NA_VIN).get("signing").asBoolean()).isFalse();
        assertThat(after.get(NA_VIN_ASLEEP).get("signing").asBoolean()).isTrue();
        assertThat(after.get(NA_VIN_ASLEEP).get("firmware").asText()).as("from fleet_status")
                .isEqualTo(harness.simulator().fleet().vehicle(NA_VIN_ASLEEP).firmwareVersion());
    }

    @Test
    void metadataNeedsAValidToken() throws IOException {
        assertRefused(harness.get("/api/metadata", null), 401, "missing_token");
        assertRefused(harness.get("/api/metadata", "gw-nobody"), 401, "invalid_token");
    }

    private static JsonNode metadata(TestAccount account) throws IOException {
        HttpResponse<byte[]> response = harness.get("/api/metadata", account.gatewayToken());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("x-region")).hasValue(account.region());
        return JSON.readTree(response.body());
    }

    private static void assertRefused(HttpResponse<byte[]> response, int status, String error) throws IOException {
        assertThat(response.statusCode()).isEqualTo(status);
        JsonNode body = JSON.readTree(response.body());
        assertThat(fields(body)).containsExactlyInAnyOrder("response", "error", "error_description");
        assertThat(body.get("response").isNull()).isTrue();
        assertThat(body.get("error").asText()).isEqualTo(error);
    }

    private static List<String> fields(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static List<String> texts(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(v -> values.add(v.asText()));
        return values;
    }
}
