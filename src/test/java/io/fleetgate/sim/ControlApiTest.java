package io.fleetgate.sim;

import io.fleetgate.testing.MutableClock;
import static io.fleetgate.sim.SimulatedFleet.DEMO_ACCESS_TOKEN;
import static io.fleetgate.sim.SimulatedFleet.DEMO_EU_VIN_ONLINE;
import static io.fleetgate.sim.SimulatedFleet.DEMO_VIN_ASLEEP;
import static io.fleetgate.sim.SimulatedFleet.DEMO_VIN_ONLINE;
import static io.fleetgate.sim.SimulatedFleet.DEMO_VIN_SIGNING;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The control API: vehicle state, wake delay, request log, reset and its input checks. */
class ControlApiTest {

    private static final Instant START = Instant.parse("2026-03-01T08:00:00Z");
    private static final MutableClock CLOCK = new MutableClock(START);

    @RegisterExtension
    static final SimulatorPerClass SIM = SimulatorPerClass.demo(CLOCK);
    private final SimHttp http = new SimHttp();

    @Test
    void listsVehiclesWithRegionStateAndSigning() {
        JsonNode vehicles = http.json(control("GET", "/sim/vehicles", null));

        assertThat(vehicles).hasSize(6);
        JsonNode signing = find(vehicles, DEMO_VIN_SIGNING);
        assertThat(signing.get("region").asText()).isEqualTo("na");
        assertThat(signing.get("state").asText()).isEqualTo("online");
        assertThat(signing.get("requires_signing").asBoolean()).isTrue();
        assertThat(find(vehicles, DEMO_EU_VIN_ONLINE).get("region").asText()).isEqualTo("eu");
    }

    @Test
    void putsVehiclesToSleepOfflineAndOnline() {
        assertThat(http.json(control("POST", "/sim/vehicles/" + DEMO_VIN_ONLINE + "/sleep", null))
                .get("state").asText()).isEqualTo("asleep");
        assertThat(vehicleDataStatus(DEMO_VIN_ONLINE)).isEqualTo(408);

        control("POST", "/sim/vehicles/" + DEMO_VIN_ONLINE + "/offline", null);
        assertThat(SIM.simulator().fleet().vehicle(DEMO_VIN_ONLINE).state()).isEqualTo(VehicleState.OFFLINE);

        control("POST", "/sim/vehicles/" + DEMO_VIN_ONLINE + "/online", null);
        assertThat(vehicleDataStatus(DEMO_VIN_ONLINE)).isEqualTo(200);
    }

    @Test
    void setsTheWakeDelay() {
        HttpResponse<String> response = control("POST", "/sim/vehicles/" + DEMO_VIN_ASLEEP + "/wake-delay",
                "{\"seconds\": 10}");
        http.post(SIM.simulator().baseUrl("na") + "/api/1/vehicles/" + DEMO_VIN_ASLEEP + "/wake_up",
                DEMO_ACCESS_TOKEN, null);

        assertThat(http.json(response).get("wake_delay_seconds").asInt()).isEqualTo(10);
        CLOCK.advance(Duration.ofSeconds(9));
        assertThat(vehicleDataStatus(DEMO_VIN_ASLEEP)).isEqualTo(408);
        CLOCK.advance(Duration.ofSeconds(1));
        assertThat(vehicleDataStatus(DEMO_VIN_ASLEEP)).isEqualTo(200);
    }

    @Test
    void setsANegativeWakeDelaySoTheVehicleNeverWakes() {
        control("POST", "/sim/vehicles/" + DEMO_VIN_ASLEEP + "/wake-delay", "{\"seconds\": -1}");
        http.post(SIM.simulator().baseUrl("na") + "/api/1/vehicles/" + DEMO_VIN_ASLEEP + "/wake_up",
                DEMO_ACCESS_TOKEN, null);
        CLOCK.advance(Duration.ofHours(1));

        assertThat(vehicleDataStatus(DEMO_VIN_ASLEEP)).isEqualTo(408);
    }

    @Test
    void listsRecordedRequestsOptionallyByVin() {
        http.get(SIM.simulator().baseUrl("na") + "/api/1/vehicles", DEMO_ACCESS_TOKEN);
        http.get(SIM.simulator().baseUrl("na") + "/api/1/vehicles/" + DEMO_VIN_ONLINE + "/vehicle_data?endpoints=charge_state",
                DEMO_ACCESS_TOKEN);
        http.get(SIM.simulator().baseUrl("eu") + "/api/1/vehicles", null);

        JsonNode all = http.json(control("GET", "/sim/requests", null));
        JsonNode forVin = http.json(control("GET", "/sim/requests?vin=" + DEMO_VIN_ONLINE, null));

        assertThat(all).hasSize(3);
        assertThat(all.get(2).get("region").asText()).isEqualTo("eu");
        assertThat(all.get(2).get("status").asInt()).isEqualTo(401);
        assertThat(forVin).hasSize(1);
        JsonNode entry = forVin.get(0);
        assertThat(entry.get("method").asText()).isEqualTo("GET");
        assertThat(entry.get("path").asText()).isEqualTo("/api/1/vehicles/" + DEMO_VIN_ONLINE + "/vehicle_data");
        assertThat(entry.get("query").asText()).isEqualTo("endpoints=charge_state");
        assertThat(entry.get("status").asInt()).isEqualTo(200);
        assertThat(entry.get("at").asText()).isEqualTo(START.toString());
        assertThat(entry.get("region").asText()).isEqualTo("na");
    }

    @Test
    void clearsTheRequestLog() {
        http.get(SIM.simulator().baseUrl("na") + "/api/1/vehicles", DEMO_ACCESS_TOKEN);

        assertThat(control("DELETE", "/sim/requests", null).statusCode()).isEqualTo(200);

        assertThat(http.json(control("GET", "/sim/requests", null))).isEmpty();
        assertThat(SIM.simulator().requests()).isEmpty();
    }

    @Test
    void resetRestoresFleetAndDropsScriptsAndLog() {
        control("POST", "/sim/vehicles/" + DEMO_VIN_ONLINE + "/sleep", null);
        SIM.simulator().fleet().addVehicle(SimVehicle.of("5YJ3E1EA0PF999999", 99L, "Extra", "demo",
                VehicleState.ONLINE));
        control("POST", "/sim/script", "{\"vin\":\"" + DEMO_VIN_SIGNING + "\",\"responses\":[{\"status\":500}]}");

        assertThat(control("POST", "/sim/reset", null).statusCode()).isEqualTo(200);

        assertThat(SIM.simulator().fleet().vehicle(DEMO_VIN_ONLINE).state()).isEqualTo(VehicleState.ONLINE);
        assertThat(SIM.simulator().fleet().findVehicle("5YJ3E1EA0PF999999")).isEmpty();
        assertThat(SIM.simulator().requests()).isEmpty();
        assertThat(http.get(SIM.simulator().baseUrl("na") + "/api/1/vehicles/" + DEMO_VIN_SIGNING, DEMO_ACCESS_TOKEN)
                .statusCode()).isEqualTo(200);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "",
            "{not json",
            "[]",
            "{\"responses\":[{\"status\":500}]}",
            "{\"vin\":\"5YJ3E1EA6LF000001\",\"site\":2252147483647,\"responses\":[{\"status\":500}]}",
            "{\"vin\":\"5YJ3E1EA0PF999999\",\"responses\":[{\"status\":500}]}",
            "{\"site\":42,\"responses\":[{\"status\":500}]}",
            "{\"site\":\"abc\",\"responses\":[{\"status\":500}]}",
            "{\"vin\":\"5YJ3E1EA6LF000001\"}",
            "{\"vin\":\"5YJ3E1EA6LF000001\",\"responses\":[]}",
            "{\"vin\":\"5YJ3E1EA6LF000001\",\"responses\":[42]}",
            "{\"vin\":\"5YJ3E1EA6LF000001\",\"responses\":[{\"status\":\"500\"}]}",
            "{\"vin\":\"5YJ3E1EA6LF000001\",\"responses\":[{\"status\":999}]}",
            "{\"vin\":\"5YJ3E1EA6LF000001\",\"responses\":[{\"status\":200,\"latency_ms\":-5}]}",
            "{\"vin\":\"5YJ3E1EA6LF000001\",\"responses\":[{\"status\":200,\"headers\":[\"x\"]}]}",
            "{\"vin\":\"5YJ3E1EA6LF000001\",\"responses\":[{\"status\":200,\"headers\":{\"X\":{\"a\":1}}}]}",
            "{\"vin\":\"5YJ3E1EA6LF000001\",\"responses\":[{\"status\":200,\"headers\":{\"X\":\"a\\nb\"}}]}",
            "{\"vin\":\"5YJ3E1EA6LF000001\",\"path\":7,\"responses\":[{\"status\":200}]}"})
    void answers400ForBadScriptInput(String body) {
        HttpResponse<String> response = control("POST", "/sim/script", body.isEmpty() ? null : body);

        assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
        assertThat(http.json(response).get("error").asText()).isEqualTo("bad_request");
        assertThat(http.json(response).get("error_description").asText()).isNotBlank();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "{}", "{\"seconds\":\"5\"}", "{\"seconds\":1.5}", "{\"seconds\":99999999999}", "nope"})
    void answers400ForBadWakeDelay(String body) {
        HttpResponse<String> response = control("POST", "/sim/vehicles/" + DEMO_VIN_ASLEEP + "/wake-delay",
                body.isEmpty() ? null : body);

        assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
    }

    @Test
    void aRegionalOutageAnswersEverythingThereWithItsStatusUntilLifted() {
        assertThat(control("POST", "/sim/regions/na/outage", "{\"status\": 503}").statusCode()).isEqualTo(200);
        HttpResponse<String> refused = http.get(SIM.simulator().baseUrl("na") + "/api/1/vehicles", DEMO_ACCESS_TOKEN);
        assertThat(refused.statusCode()).isEqualTo(503);
        assertThat(http.json(refused).get("response").isNull()).isTrue();
        assertThat(vehicleDataStatus(DEMO_VIN_ONLINE)).isEqualTo(503);
        assertThat(http.get(SIM.simulator().baseUrl("eu") + "/api/1/vehicles/" + DEMO_EU_VIN_ONLINE + "/vehicle_data",
                SimulatedFleet.DEMO_EU_ACCESS_TOKEN).statusCode()).as("other regions answer").isEqualTo(200);
        assertThat(control("POST", "/sim/regions/na/outage", "{\"status\": 404}").statusCode()).isEqualTo(400);
        assertThat(control("POST", "/sim/regions/xx/outage", "{\"status\": 503}").statusCode()).isEqualTo(400);

        assertThat(control("DELETE", "/sim/regions/na/outage", null).statusCode()).isEqualTo(200);
        assertThat(vehicleDataStatus(DEMO_VIN_ONLINE)).isEqualTo(200);
    }

    @Test
    void answers404ForUnknownVinOrPath() {
        assertThat(control("POST", "/sim/vehicles/5YJ3E1EA0PF999999/sleep", null).statusCode()).isEqualTo(404);
        assertThat(control("GET", "/sim/nothing", null).statusCode()).isEqualTo(404);
        assertThat(http.json(control("GET", "/sim/nothing", null)).get("error").asText()).isEqualTo("not_found");
    }

    private int vehicleDataStatus(String vin) {
        return http.get(SIM.simulator().baseUrl("na") + "/api/1/vehicles/" + vin + "/vehicle_data", DEMO_ACCESS_TOKEN)
                .statusCode();
    }

    private HttpResponse<String> control(String method, String path, String body) {
        return http.send(method, SIM.simulator().controlUrl() + path, null, body);
    }

    private static JsonNode find(JsonNode vehicles, String vin) {
        return StreamSupport.stream(vehicles.spliterator(), false)
                .filter(v -> v.get("vin").asText().equals(vin))
                .findFirst()
                .orElseThrow();
    }
}
