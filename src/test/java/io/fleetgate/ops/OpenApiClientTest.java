package io.fleetgate.ops;

import static io.fleetgate.testing.TestFleet.ALICE;
import static io.fleetgate.testing.TestFleet.NA_VIN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.fleetgate.client.ApiClient;
import io.fleetgate.client.ApiException;
import io.fleetgate.client.api.GatewayApi;
import io.fleetgate.client.api.VehicleCommandApi;
import io.fleetgate.client.api.VehicleReadApi;
import io.fleetgate.client.model.CommandResponse;
import io.fleetgate.client.model.ErrorEnvelope;
import io.fleetgate.client.model.UsageReport;
import io.fleetgate.client.model.UsageRow;
import io.fleetgate.client.model.Vehicle;
import io.fleetgate.client.model.VehicleData;
import io.fleetgate.sim.RecordedRequest;
import io.fleetgate.testing.GatewayHarness;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Java client the build generates from openapi/fleetgate.json (openapi-generator, native
 * library, into target/generated-test-sources) against a running Fleetgate in front of the
 * simulator, as an integrator would use it: what it sends is what the gateway takes, what the
 * gateway answers reads into the client's types.
 */
class OpenApiClientTest {
    private static GatewayHarness harness;

    @BeforeAll
    static void start() {
        harness = GatewayHarness.builder().accounts(ALICE).start();
    }

    @AfterAll
    static void stop() {
        harness.close();
    }

    @Test
    void listsTheAccountsVehicles() throws ApiException {
        var vehicles = new VehicleReadApi(client(ALICE.gatewayToken())).listVehicles();

        assertThat(vehicles.getResponse()).extracting(Vehicle::getVin).contains(NA_VIN);
        assertThat(vehicles.getResponse()).filteredOn(v -> NA_VIN.equals(v.getVin()))
                .singleElement().satisfies(v -> assertThat(v.getState()).isEqualTo("online"));
    }

    @Test
    void readsVehicleDataSectionsItAskedFor() throws ApiException {
        VehicleData data = new VehicleReadApi(client(ALICE.gatewayToken())).getVehicleData(NA_VIN, "charge_state").getResponse();

        assertThat(data.getVin()).isEqualTo(NA_VIN);
        assertThat(data.getChargeState()).containsKey("battery_level");
        assertThat(data.getClimateState()).as("a section not asked for").isNullOrEmpty();
    }

    @Test
    void sendsACommandThatReachesTheVehicle() throws ApiException {
        CommandResponse answer = new VehicleCommandApi(client(ALICE.gatewayToken()))
                .sendCommand(NA_VIN, "set_charge_limit", Map.of("percent", 75));

        assertThat(answer.getResponse().getResult()).isTrue();
        assertThat(harness.simulator().requests(NA_VIN)).map(RecordedRequest::path)
                .contains("/api/1/vehicles/" + NA_VIN + "/command/set_charge_limit");
        assertThat(harness.simulator().requests(NA_VIN)).filteredOn(r -> r.path().endsWith("/command/set_charge_limit"))
                .allSatisfy(r -> assertThat(r.body()).contains("\"percent\"").contains("75"));
    }

    @Test
    void readsTheUsageOfTheCallsItMade() throws ApiException {
        ApiClient client = client(ALICE.gatewayToken());
        new VehicleReadApi(client).listVehicles();

        UsageReport usage = new GatewayApi(client).getUsage(null, null).getResponse();

        assertThat(usage.getAccountId()).isEqualTo(ALICE.id());
        assertThat(usage.getRequests()).isPositive();
        assertThat(usage.getByEndpoint()).extracting(UsageRow::getEndpoint).contains("GET /api/1/vehicles");
        assertThat(usage.getFrom()).isBefore(usage.getTo());
    }

    @Test
    void aRefusalIsTheTypedErrorEnvelope() throws Exception {
        ApiException refused = catchThrowableOfType(ApiException.class,
                () -> new VehicleReadApi(client("not-a-gateway-token")).listVehicles());

        assertThat(refused.getCode()).isEqualTo(401);
        ErrorEnvelope envelope = client("x").getObjectMapper().readValue(refused.getResponseBody(), ErrorEnvelope.class);
        assertThat(envelope.getError()).isEqualTo("invalid_token");
        assertThat(envelope.getErrorDescription()).isNotBlank();
        assertThat(envelope.getResponse()).isNull();
    }

    /** The generated client on this gateway's base URL, with a gateway token as the document's bearer scheme says. */
    private static ApiClient client(String gatewayToken) {
        ApiClient client = new ApiClient();
        client.updateBaseUri(harness.url(""));
        client.setRequestInterceptor(request -> request.header("Authorization", "Bearer " + gatewayToken));
        return client;
    }
}
