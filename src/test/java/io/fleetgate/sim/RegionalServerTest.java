package io.fleetgate.sim;

import static io.fleetgate.sim.SimulatedFleet.DEMO_ACCESS_TOKEN;
import static io.fleetgate.sim.SimulatedFleet.DEMO_EU_ACCESS_TOKEN;
import static io.fleetgate.sim.SimulatedFleet.DEMO_VIN_ONLINE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Authentication, regions, scopes, unknown paths and the request log of the regional servers. */
class RegionalServerTest {

    private static final String NARROW_TOKEN = "sim-na-user-data-only";

    @RegisterExtension
    static final SimulatorPerClass SIM = SimulatorPerClass.of(() -> SimulatedFleet.demo()
            .addUser(SimUser.of("narrow", "na", NARROW_TOKEN).withScopes(Set.of("openid", "user_data")))
            .addUser(SimUser.of("shanghai", "cn", "sim-cn-token")));
    private final SimHttp http = new SimHttp();

    @Test
    void runsThreeRegionalServersOnDistinctLoopbackPorts() {
        assertThat(Set.of(SIM.simulator().baseUrl("na"), SIM.simulator().baseUrl("eu"),
                SIM.simulator().baseUrl("cn"), SIM.simulator().controlUrl())).hasSize(4);
        assertThat(SIM.simulator().baseUrl("na")).matches("http://127\\.0\\.0\\.1:\\d+");
    }

    @Test
    void failsToStartWhenAPortIsTaken() {
        int taken = Integer.parseInt(SIM.simulator().baseUrl("na").substring(SIM.simulator().baseUrl("na").lastIndexOf(':') + 1));
        SimulatorConfig clash = new SimulatorConfig("127.0.0.1", 0, 0, taken, 0, SimulatedFleet.demo(),
                Clock.systemUTC());

        assertThatThrownBy(() -> FleetApiSimulator.start(clash)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void answersStatusOkWithoutToken() {
        HttpResponse<String> response = http.get(SIM.simulator().baseUrl("eu") + "/status", null);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("ok");
    }

    @Test
    void answers401WithoutBearerToken() {
        HttpResponse<String> response = http.get(SIM.simulator().baseUrl("na") + "/api/1/products", null);

        assertThat(response.statusCode()).isEqualTo(401);
        JsonNode body = http.json(response);
        assertThat(body.get("response").isNull()).isTrue();
        assertThat(body.get("error").asText()).isEqualTo("invalid bearer token");
        assertThat(body.get("error_description").asText()).isEmpty();
        assertThat(body.get("txid").asText()).matches("[0-9a-f]{32}");
    }

    @Test
    void answers401ForUnknownToken() {
        HttpResponse<String> response = http.get(SIM.simulator().baseUrl("na") + "/api/1/products", "not-a-token");

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(http.json(response).get("error").asText()).isEqualTo("invalid bearer token");
    }

    @Test
    void answers421WithAltSvcForUserOfAnotherRegion() {
        HttpResponse<String> response = http.get(SIM.simulator().baseUrl("na") + "/api/1/products",
                DEMO_EU_ACCESS_TOKEN);

        String euBase = SIM.simulator().baseUrl("eu");
        assertThat(response.statusCode()).isEqualTo(421);
        assertThat(response.headers().firstValue("Alt-Svc")).contains("h2=" + euBase);
        JsonNode body = http.json(response);
        assertThat(body.get("error").asText()).isEqualTo("user out of region, use base URL: " + euBase
                + ", see https://developer.tesla.com/docs/fleet-api#regional-requirements");
        assertThat(body.get("txid").asText()).matches("[0-9a-f]{32}");
        assertThat(response.headers().firstValue("Content-Type")).contains("application/json");
    }

    @Test
    void answers421PointingToChinaForChineseUser() {
        HttpResponse<String> response = http.get(SIM.simulator().baseUrl("eu") + "/api/1/users/me", "sim-cn-token");

        assertThat(response.statusCode()).isEqualTo(421);
        assertThat(response.headers().firstValue("Alt-Svc")).contains("h2=" + SIM.simulator().baseUrl("cn"));
    }

    @Test
    void reportsRegionAndItsBaseUrl() {
        JsonNode na = http.json(http.get(SIM.simulator().baseUrl("na") + "/api/1/users/region", DEMO_ACCESS_TOKEN));
        JsonNode eu = http.json(http.get(SIM.simulator().baseUrl("eu") + "/api/1/users/region", DEMO_EU_ACCESS_TOKEN));

        assertThat(na.at("/response/region").asText()).isEqualTo("na");
        assertThat(na.at("/response/fleet_api_base_url").asText()).isEqualTo(SIM.simulator().baseUrl("na"));
        assertThat(eu.at("/response/region").asText()).isEqualTo("eu");
        assertThat(eu.at("/response/fleet_api_base_url").asText()).isEqualTo(SIM.simulator().baseUrl("eu"));
    }

    @Test
    void describesTheUser() {
        JsonNode me = http.json(http.get(SIM.simulator().baseUrl("na") + "/api/1/users/me",
                DEMO_ACCESS_TOKEN)).get("response");

        assertThat(me.get("email").asText()).isEqualTo("demo@example.com");
        assertThat(me.get("full_name").asText()).isEqualTo("Demo Driver");
        assertThat(me.has("profile_image_url")).isTrue();
        assertThat(me.has("vault_uuid")).isTrue();
    }

    @Test
    void answersUserReadsInTheEnvelope() {
        JsonNode feature = http.json(http.get(SIM.simulator().baseUrl("na") + "/api/1/users/feature_config",
                DEMO_ACCESS_TOKEN));
        JsonNode orders = http.json(http.get(SIM.simulator().baseUrl("na") + "/api/1/users/orders", DEMO_ACCESS_TOKEN));

        assertThat(feature.at("/response/signaling/enabled").asBoolean()).isTrue();
        assertThat(orders.get("response").isArray()).isTrue();
        assertThat(orders.get("count").asInt()).isEqualTo(orders.get("response").size());
        assertThat(orders.at("/response/0/orderStatus").asText()).isNotEmpty();
    }

    @Test
    void refusesEndpointsOutsideTheTokensScopes() {
        HttpResponse<String> vehicles = http.get(SIM.simulator().baseUrl("na") + "/api/1/vehicles", NARROW_TOKEN);
        HttpResponse<String> me = http.get(SIM.simulator().baseUrl("na") + "/api/1/users/me", NARROW_TOKEN);

        assertThat(vehicles.statusCode()).isEqualTo(403);
        assertThat(http.json(vehicles).get("error").asText()).isEqualTo("Unauthorized missing scopes");
        assertThat(me.statusCode()).isEqualTo(200);
    }

    @Test
    void answers404WithEnvelopeForUnknownPath() {
        HttpResponse<String> response = http.get(SIM.simulator().baseUrl("na") + "/api/1/nothing/here",
                DEMO_ACCESS_TOKEN);

        assertThat(response.statusCode()).isEqualTo(404);
        JsonNode body = http.json(response);
        assertThat(body.get("response").isNull()).isTrue();
        assertThat(body.get("error").asText()).isEqualTo("not_found");
    }

    @Test
    void recordsEveryRequestWithItsFinalStatus() {
        http.get(SIM.simulator().baseUrl("na") + "/api/1/products", null);
        http.get(SIM.simulator().baseUrl("na") + "/api/1/products", DEMO_EU_ACCESS_TOKEN);
        http.post(SIM.simulator().baseUrl("na") + "/api/1/vehicles/" + DEMO_VIN_ONLINE + "/command/honk_horn?x=1",
                DEMO_ACCESS_TOKEN, "{}");

        assertThat(SIM.simulator().requests()).extracting(RecordedRequest::status).containsExactly(401, 421, 200);
        RecordedRequest command = SIM.simulator().requests().get(2);
        assertThat(command.region()).isEqualTo("na");
        assertThat(command.method()).isEqualTo("POST");
        assertThat(command.path()).isEqualTo("/api/1/vehicles/" + DEMO_VIN_ONLINE + "/command/honk_horn");
        assertThat(command.query()).isEqualTo("x=1");
        assertThat(command.body()).isEqualTo("{}");
        assertThat(command.headers().get("authorization")).isEqualTo("Bearer " + DEMO_ACCESS_TOKEN);
        assertThat(command.at()).isNotNull();
        assertThat(SIM.simulator().requests().get(0).query()).isNull();
    }

    @Test
    void filtersRecordedRequestsByVinAndClearsThem() {
        http.get(SIM.simulator().baseUrl("na") + "/api/1/vehicles", DEMO_ACCESS_TOKEN);
        http.get(SIM.simulator().baseUrl("na") + "/api/1/vehicles/" + DEMO_VIN_ONLINE, DEMO_ACCESS_TOKEN);

        assertThat(SIM.simulator().requests()).hasSize(2);
        assertThat(SIM.simulator().requests(DEMO_VIN_ONLINE)).singleElement()
                .extracting(RecordedRequest::path).isEqualTo("/api/1/vehicles/" + DEMO_VIN_ONLINE);

        SIM.simulator().clearRequests();

        assertThat(SIM.simulator().requests()).isEmpty();
    }
}
