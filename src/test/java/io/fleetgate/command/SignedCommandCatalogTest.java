package io.fleetgate.command;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fleetgate.testing.CommandFleet;
import io.fleetgate.testing.CommandSamples;
import io.fleetgate.testing.GatewayHarness;
import io.fleetgate.testing.SimControl;
import io.fleetgate.testing.TestAccount;
import io.fleetgate.vcp.Commands;
import io.fleetgate.vcp.DecodedAction;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Every command of the signing catalog end to end: a REST command to a vehicle that requires
 * signing and has the fleet key paired goes through the command lane, Fleetgate's signer and the
 * simulated vehicle's verifier, and the simulator's request log (control API) shows the action
 * the vehicle decoded — equal to the one the REST body asked for, parameters included. The
 * bodies come from the catalog's own parameter descriptions, so a new command is covered here
 * without touching this test.
 */
class SignedCommandCatalogTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TestAccount OPS = CommandFleet.account();
    private static final CommandFleet.Vins VINS = new CommandFleet.Vins();
    private static GatewayHarness harness;
    private static SimControl control;
    private static String vin;

    @BeforeAll
    static void start() throws Exception {
        harness = GatewayHarness.builder().fleet(CommandFleet.fleet()).accounts(OPS)
                .setting("fleetgate.vcp.private-key-file", Files.createTempDirectory("fleetgate-signing").resolve("key.pem").toString())
                .setting("fleetgate.vcp.generate-key", "true")
                .setting("fleetgate.vcp.domain", "fleet.example.org")
                .setting("fleetgate.signing.retry-step-ms", "100")
                .start();
        control = new SimControl(harness.simulator());
        byte[] fleetKey = HexFormat.of().parseHex(
                JSON.readTree(harness.get("/api/key", null).body()).get("response").get("public_key").asText());
        vin = VINS.next();
        harness.simulator().fleet().bringOnline(vin);
        harness.simulator().fleet().setRequiresSigning(vin, true);
        harness.simulator().fleet().pairKey(vin, fleetKey);
        // fleet_status tells Fleetgate the vehicle requires signing: every command below goes signed at once
        assertThat(harness.post("/api/1/vehicles/fleet_status", OPS.gatewayToken(), "{\"vins\":[\"" + vin + "\"]}").statusCode())
                .isEqualTo(200);
    }

    @AfterAll
    static void stop() {
        harness.close();
    }

    @Test
    void theSamplesCoverEveryCommandOfTheCatalogAndBothSeatHeaterSpellings() {
        Set<String> sampled = new TreeSet<>();
        CommandSamples.all().forEach(sample -> sampled.add(sample.command()));
        assertThat(sampled).isEqualTo(Commands.names());
        assertThat(CommandSamples.of("remote_seat_heater_request")).extracting(sample -> sample.body().keySet())
                .anySatisfy(keys -> assertThat(keys).contains("seat_position").doesNotContain("heater"))
                .anySatisfy(keys -> assertThat(keys).contains("heater").doesNotContain("seat_position"));
    }

    @TestFactory
    Stream<DynamicTest> everyCommandIsSignedVerifiedAndExecutedAsIntended() {
        return CommandSamples.all().stream().map(sample -> DynamicTest.dynamicTest(sample.toString(), () -> {
            DecodedAction intended = DecodedAction.of(Commands.fromRest(sample.command(), sample.body()).orElseThrow());
            harness.simulator().clearRequests();

            HttpResponse<byte[]> response = harness.post("/api/1/vehicles/" + vin + "/command/" + sample.command(),
                    OPS.gatewayToken(), JSON.writeValueAsString(sample.body()));
            assertThat(response.statusCode()).as(new String(response.body())).isEqualTo(200);
            JsonNode result = JSON.readTree(response.body()).get("response");
            assertThat(result.get("result").asBoolean()).as(result.toString()).isTrue();

            List<JsonNode> log = StreamSupport.stream(control.get("/sim/requests?vin=" + vin).spliterator(), false).toList();
            // nothing unsigned: the command went through signed_command only
            assertThat(log).noneSatisfy(entry -> assertThat(entry.get("path").asText()).contains("/command/"));
            List<JsonNode> executed = log.stream().filter(entry -> !entry.get("action").isNull()).toList();
            assertThat(executed).hasSize(1);
            assertThat(executed.getFirst().get("command").asText()).isEqualTo(sample.command());
            assertThat(executed.getFirst().get("action")).isEqualTo(JSON.readTree(intended.toString()));
        }));
    }

    @Test
    void aBadSeatHeaterParameterIs400NamingTheFieldAndNothingIsSent() throws Exception {
        harness.simulator().clearRequests();
        for (String body : new String[] {"{\"heater\":1,\"level\":7}", "{\"seat_position\":12,\"level\":1}", "{\"level\":1}",
                "{\"heater\":1,\"seat_position\":2,\"level\":1}"}) {
            HttpResponse<byte[]> response = harness.post("/api/1/vehicles/" + vin + "/command/remote_seat_heater_request",
                    OPS.gatewayToken(), body);
            assertThat(response.statusCode()).as(body).isEqualTo(400);
            JsonNode error = JSON.readTree(response.body());
            assertThat(error.get("error").asText()).isEqualTo("invalid_request");
            assertThat(error.get("error_description").asText()).as(body).containsAnyOf("level", "seat_position");
        }
        HttpResponse<byte[]> cooler = harness.post("/api/1/vehicles/" + vin + "/command/remote_seat_cooler_request",
                OPS.gatewayToken(), "{\"seat_position\":1,\"seat_cooler_level\":\"icy\"}");
        assertThat(cooler.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(cooler.body()).get("error_description").asText()).contains("seat_cooler_level");
        assertThat(harness.simulator().requests(vin)).isEmpty();
    }

    @Test
    void anUnknownCommandIs400InvalidCommandAndNothingIsSent() throws Exception {
        harness.simulator().clearRequests();
        HttpResponse<byte[]> response = harness.post("/api/1/vehicles/" + vin + "/command/open_pod_bay_doors",
                OPS.gatewayToken(), "{}");
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(response.body()).get("error").asText()).isEqualTo("invalid_command");
        assertThat(harness.simulator().requests(vin)).isEmpty();
    }
}
