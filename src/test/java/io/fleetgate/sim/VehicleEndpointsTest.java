package io.fleetgate.sim;

import io.fleetgate.testing.MutableClock;
import static io.fleetgate.sim.SimulatedFleet.DEMO_ACCESS_TOKEN;
import static io.fleetgate.sim.SimulatedFleet.DEMO_ENERGY_SITE_ID;
import static io.fleetgate.sim.SimulatedFleet.DEMO_EU_VIN_ONLINE;
import static io.fleetgate.sim.SimulatedFleet.DEMO_VIN_ASLEEP;
import static io.fleetgate.sim.SimulatedFleet.DEMO_VIN_OFFLINE;
import static io.fleetgate.sim.SimulatedFleet.DEMO_VIN_ONLINE;
import static io.fleetgate.sim.SimulatedFleet.DEMO_VIN_SIGNING;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fleetgate.vcp.crypto.EcKeyPair;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Products, vehicle reads, sleep and wake-up, fleet_status and REST commands. */
class VehicleEndpointsTest {

    private static final Instant START = Instant.parse("2026-03-01T12:00:00Z");
    private static final MutableClock CLOCK = new MutableClock(START);

    @RegisterExtension
    static final SimulatorPerClass SIM = SimulatorPerClass.demo(CLOCK);
    private final SimHttp http = new SimHttp();

    @Test
    void listsVehiclesAndEnergySitesAsProducts() {
        JsonNode body = http.json(get("/api/1/products"));

        assertThat(body.get("count").asInt()).isEqualTo(5);
        List<JsonNode> products = new ArrayList<>();
        body.get("response").forEach(products::add);
        assertThat(products).filteredOn(p -> p.get("device_type").asText().equals("vehicle"))
                .extracting(p -> p.get("vin").asText())
                .containsExactly(DEMO_VIN_ONLINE, DEMO_VIN_SIGNING, DEMO_VIN_ASLEEP, DEMO_VIN_OFFLINE);
        JsonNode signing = products.get(1);
        assertThat(signing.get("command_signing").asText()).isEqualTo("required");
        assertThat(products.get(0).get("command_signing").asText()).isEqualTo("allowed");
        assertThat(signing.get("id").asLong()).isPositive();
        assertThat(signing.get("id_s").asText()).isEqualTo(signing.get("id").asText());
        JsonNode energy = products.get(4);
        assertThat(energy.get("device_type").asText()).isEqualTo("energy");
        assertThat(energy.get("energy_site_id").asLong()).isEqualTo(DEMO_ENERGY_SITE_ID);
        assertThat(energy.has("site_name")).isTrue();
        assertThat(energy.at("/components/battery").asBoolean()).isTrue();
    }

    @Test
    void listsVehiclesWithCountAndPagination() {
        JsonNode body = http.json(get("/api/1/vehicles"));

        assertThat(body.get("response")).hasSize(4);
        assertThat(body.get("count").asInt()).isEqualTo(4);
        assertThat(body.at("/pagination/current").asInt()).isEqualTo(1);
        assertThat(body.at("/pagination/pages").asInt()).isEqualTo(1);
        assertThat(body.at("/pagination/next").isNull()).isTrue();
        assertThat(body.at("/response/2/state").asText()).isEqualTo("asleep");
    }

    @Test
    void pagesTheVehicleList() {
        JsonNode body = http.json(get("/api/1/vehicles?page=2&per_page=3"));

        assertThat(body.get("response")).hasSize(1);
        assertThat(body.at("/response/0/vin").asText()).isEqualTo(DEMO_VIN_OFFLINE);
        assertThat(body.at("/pagination/previous").asInt()).isEqualTo(1);
        assertThat(body.at("/pagination/pages").asInt()).isEqualTo(2);
    }

    @Test
    void showsOneVehicleByVinOrIdWithoutWakingIt() {
        JsonNode byVin = http.json(get("/api/1/vehicles/" + DEMO_VIN_ASLEEP)).get("response");
        JsonNode byId = http.json(get("/api/1/vehicles/" + byVin.get("id").asText())).get("response");

        assertThat(byVin.get("state").asText()).isEqualTo("asleep");
        assertThat(byVin.get("display_name").asText()).isEqualTo("Sleepy Three");
        assertThat(byId.get("vin").asText()).isEqualTo(DEMO_VIN_ASLEEP);
        assertThat(SIM.simulator().fleet().vehicle(DEMO_VIN_ASLEEP).state()).isEqualTo(VehicleState.ASLEEP);
    }

    @Test
    void answers404ForVehicleOfAnotherUser() {
        HttpResponse<String> response = get("/api/1/vehicles/" + DEMO_EU_VIN_ONLINE + "/vehicle_data");

        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(http.json(response).get("error").asText()).isEqualTo("not_found");
    }

    @Test
    void returnsOnlyTheRequestedVehicleDataSections() {
        JsonNode data = http.json(get("/api/1/vehicles/" + DEMO_VIN_ONLINE
                + "/vehicle_data?endpoints=charge_state%3Bclimate_state")).get("response");

        assertThat(data.get("vin").asText()).isEqualTo(DEMO_VIN_ONLINE);
        assertThat(data.get("state").asText()).isEqualTo("online");
        assertThat(data.at("/charge_state/battery_level").isInt()).isTrue();
        assertThat(data.at("/climate_state/inside_temp").isNumber()).isTrue();
        assertThat(data.has("drive_state")).isFalse();
        assertThat(data.has("vehicle_state")).isFalse();
        assertThat(data.at("/charge_state/timestamp").asLong()).isEqualTo(START.toEpochMilli());
    }

    @Test
    void addsGpsToDriveStateOnlyWhenLocationDataIsRequested() {
        JsonNode plain = http.json(get("/api/1/vehicles/" + DEMO_VIN_ONLINE + "/vehicle_data")).get("response");
        JsonNode located = http.json(get("/api/1/vehicles/" + DEMO_VIN_ONLINE
                + "/vehicle_data?endpoints=location_data;vehicle_state")).get("response");

        assertThat(plain.has("charge_state")).isTrue();
        assertThat(plain.has("vehicle_config")).isTrue();
        assertThat(plain.at("/drive_state").has("latitude")).isFalse();
        assertThat(located.at("/drive_state/latitude").isNumber()).isTrue();
        assertThat(located.at("/vehicle_state/car_version").asText()).startsWith("2024.44.25.3 ");
        assertThat(located.has("charge_state")).isFalse();
        assertThat(located.has("location_data")).isFalse();
    }

    @Test
    void answers408ForVehicleDataWhenAsleepOrOffline() {
        for (String vin : List.of(DEMO_VIN_ASLEEP, DEMO_VIN_OFFLINE)) {
            HttpResponse<String> response = get("/api/1/vehicles/" + vin + "/vehicle_data");

            assertThat(response.statusCode()).isEqualTo(408);
            JsonNode body = http.json(response);
            assertThat(body.get("response").isNull()).isTrue();
            assertThat(body.get("error").asText()).isEqualTo("vehicle unavailable: vehicle is offline or asleep");
            assertThat(body.get("error_description").asText()).isEmpty();
        }
    }

    @Test
    void wakesAfterTheWakeDelayByTheInjectedClock() {
        HttpResponse<String> wake = post("/api/1/vehicles/" + DEMO_VIN_ASLEEP + "/wake_up", null);

        assertThat(wake.statusCode()).isEqualTo(200);
        assertThat(http.json(wake).at("/response/state").asText()).isEqualTo("asleep");
        assertThat(stateOf(DEMO_VIN_ASLEEP)).isEqualTo("asleep");

        CLOCK.advance(Duration.ofMillis(1999));
        assertThat(stateOf(DEMO_VIN_ASLEEP)).isEqualTo("asleep");
        assertThat(get("/api/1/vehicles/" + DEMO_VIN_ASLEEP + "/vehicle_data").statusCode()).isEqualTo(408);

        CLOCK.advance(Duration.ofMillis(1));
        assertThat(stateOf(DEMO_VIN_ASLEEP)).isEqualTo("online");
        assertThat(get("/api/1/vehicles/" + DEMO_VIN_ASLEEP + "/vehicle_data").statusCode()).isEqualTo(200);
    }

    @Test
    void repeatedWakeUpDoesNotRestartTheCountdown() {
        post("/api/1/vehicles/" + DEMO_VIN_OFFLINE + "/wake_up", null);
        CLOCK.advance(Duration.ofSeconds(1));
        post("/api/1/vehicles/" + DEMO_VIN_OFFLINE + "/wake_up", null);
        CLOCK.advance(Duration.ofSeconds(1));

        assertThat(stateOf(DEMO_VIN_OFFLINE)).isEqualTo("online");
    }

    @Test
    void wakesAtOnceWithZeroDelay() {
        SIM.simulator().fleet().setWakeDelay(DEMO_VIN_ASLEEP, 0);

        HttpResponse<String> wake = post("/api/1/vehicles/" + DEMO_VIN_ASLEEP + "/wake_up", null);

        assertThat(http.json(wake).at("/response/state").asText()).isEqualTo("online");
    }

    @Test
    void neverWakesWithNegativeDelay() {
        SIM.simulator().fleet().setWakeDelay(DEMO_VIN_ASLEEP, -1);

        post("/api/1/vehicles/" + DEMO_VIN_ASLEEP + "/wake_up", null);
        CLOCK.advance(Duration.ofDays(1));

        assertThat(stateOf(DEMO_VIN_ASLEEP)).isEqualTo("asleep");
        assertThat(post("/api/1/vehicles/" + DEMO_VIN_ASLEEP + "/command/flash_lights", "{}").statusCode())
                .isEqualTo(408);
    }

    @Test
    void reportsKeyPairingAndSigningInFleetStatus() throws Exception {
        byte[] fleetKey = EcKeyPair.fromScalarHex("11".repeat(32)).publicKeyBytes();
        SIM.simulator().fleet().pairKey(DEMO_VIN_ONLINE, fleetKey);
        SIM.simulator().fleet().pairKey(DEMO_VIN_SIGNING, fleetKey);

        JsonNode status = http.json(post("/api/1/vehicles/fleet_status", "{\"vins\":[\"" + DEMO_VIN_ONLINE
                + "\",\"" + DEMO_VIN_SIGNING + "\",\"" + DEMO_VIN_OFFLINE + "\"]}")).get("response");

        assertThat(status.get("key_paired_vins")).extracting(JsonNode::asText)
                .containsExactly(DEMO_VIN_ONLINE, DEMO_VIN_SIGNING);
        assertThat(status.get("unpaired_vins")).extracting(JsonNode::asText).containsExactly(DEMO_VIN_OFFLINE);
        JsonNode signing = status.at("/vehicle_info/" + DEMO_VIN_SIGNING);
        assertThat(signing.get("vehicle_command_protocol_required").asBoolean()).isTrue();
        assertThat(signing.get("firmware_version").asText()).isEqualTo("2024.44.25.3");
        assertThat(signing.get("total_number_of_keys").asInt()).isEqualTo(5);
        assertThat(status.at("/vehicle_info/" + DEMO_VIN_OFFLINE + "/total_number_of_keys").asInt()).isEqualTo(4);
        assertThat(signing.has("fleet_telemetry_version")).isTrue();
        assertThat(status.at("/vehicle_info/" + DEMO_VIN_ONLINE + "/vehicle_command_protocol_required").asBoolean())
                .isFalse();
    }

    @Test
    void answers400ForFleetStatusWithoutVins() {
        HttpResponse<String> response = post("/api/1/vehicles/fleet_status", "{\"vin\":\"x\"}");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(http.json(response).get("error").asText()).isEqualTo("invalid_field");
    }

    @Test
    void acceptsCommandForOnlineVehicle() {
        HttpResponse<String> response = post("/api/1/vehicles/" + DEMO_VIN_ONLINE + "/command/flash_lights", "{}");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).contains("application/json");
        assertThat(response.body()).isEqualTo("{\"response\":{\"result\":true,\"reason\":\"\"}}");
    }

    @Test
    void answers408ForCommandToSleepingVehicle() {
        HttpResponse<String> response = post("/api/1/vehicles/" + DEMO_VIN_ASLEEP + "/command/door_lock", null);

        assertThat(response.statusCode()).isEqualTo(408);
        assertThat(http.json(response).get("error").asText())
                .isEqualTo("vehicle unavailable: vehicle is offline or asleep");
    }

    @Test
    void answers403ForUnsignedCommandToVehicleThatRequiresSigning() {
        HttpResponse<String> response = post("/api/1/vehicles/" + DEMO_VIN_SIGNING + "/command/door_unlock", "{}");

        assertThat(response.statusCode()).isEqualTo(403);
        JsonNode body = http.json(response);
        assertThat(body.get("response").isNull()).isTrue();
        assertThat(body.get("error").asText()).isEqualTo("Tesla Vehicle Command Protocol required, please refer "
                + "to the documentation here: https://developer.tesla.com/docs/fleet-api"
                + "#2023-10-09-rest-api-vehicle-commands-endpoint-deprecation-warning");
        assertThat(body.get("txid").asText()).matches("[0-9a-f]{32}");
    }

    @Test
    void answers400ForUnknownCommandName() {
        HttpResponse<String> response = post("/api/1/vehicles/" + DEMO_VIN_ONLINE + "/command/make_coffee", "{}");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(http.json(response).get("error").asText()).isEqualTo("invalid_command");
    }

    @Test
    void answersTheOtherVehicleReads() {
        String base = "/api/1/vehicles/" + DEMO_VIN_ONLINE;

        assertThat(http.json(get(base + "/mobile_enabled")).at("/response/result").asBoolean()).isTrue();
        assertThat(http.json(get(base + "/nearby_charging_sites")).at("/response/superchargers/0/name").asText())
                .isNotEmpty();
        assertThat(http.json(get(base + "/recent_alerts")).at("/response/recent_alerts/0/name").asText())
                .isNotEmpty();
        assertThat(http.json(get(base + "/release_notes")).at("/response/release_notes/0/title").asText())
                .isNotEmpty();
        assertThat(http.json(get(base + "/service_data")).at("/response/service_status").asText())
                .isEqualTo("not_in_service");
        assertThat(http.json(get(base + "/drivers")).get("count").asInt()).isEqualTo(1);
        JsonNode telemetry = http.json(get(base + "/fleet_telemetry_config")).get("response");
        assertThat(telemetry.get("synced").asBoolean()).isTrue();
        assertThat(telemetry.get("key_paired").asBoolean()).isFalse();
    }

    @Test
    void answers408ForNearbyChargingSitesWhenAsleep() {
        assertThat(get("/api/1/vehicles/" + DEMO_VIN_ASLEEP + "/nearby_charging_sites").statusCode()).isEqualTo(408);
        assertThat(get("/api/1/vehicles/" + DEMO_VIN_ASLEEP + "/release_notes").statusCode()).isEqualTo(200);
    }

    private String stateOf(String vin) {
        return http.json(get("/api/1/vehicles/" + vin)).at("/response/state").asText();
    }

    private HttpResponse<String> get(String path) {
        return http.get(SIM.simulator().baseUrl("na") + path, DEMO_ACCESS_TOKEN);
    }

    private HttpResponse<String> post(String path, String body) {
        return http.post(SIM.simulator().baseUrl("na") + path, DEMO_ACCESS_TOKEN, body);
    }
}
