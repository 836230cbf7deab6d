package io.fleetgate.sim;

import static io.fleetgate.sim.SimulatedFleet.DEMO_ACCESS_TOKEN;
import static io.fleetgate.sim.SimulatedFleet.DEMO_VIN_ASLEEP;
import static io.fleetgate.sim.SimulatedFleet.DEMO_VIN_OFFLINE;
import static io.fleetgate.sim.SimulatedFleet.DEMO_VIN_ONLINE;
import static io.fleetgate.sim.SimulatedFleet.DEMO_VIN_SIGNING;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fleetgate.testing.MutableClock;
import io.fleetgate.vcp.CommandOutcome;
import io.fleetgate.vcp.Commands;
import io.fleetgate.vcp.Domain;
import io.fleetgate.vcp.Verdict;
import io.fleetgate.vcp.VehicleCommand;
import io.fleetgate.vcp.crypto.EcKeyPair;
import io.fleetgate.vcp.proto.UniversalMessage.MessageFault_E;
import io.fleetgate.vcp.session.HandshakeRequest;
import io.fleetgate.vcp.session.SignedCommand;
import io.fleetgate.vcp.session.VcpClient;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code signed_command} over real HTTP: a {@link VcpClient} handshakes and signs against the
 * simulated vehicles; pairing through the control API; fleet_status; the cloud's 422 and 503.
 */
class SignedCommandsTest {

    private static final Instant START = Instant.parse("2026-03-01T10:00:00Z");
    private static final MutableClock CLOCK = new MutableClock(START);
    private static final String PAIRING_DOMAIN = "fleetgate.example";

    private static final ObjectMapper JSON = new ObjectMapper();
    @RegisterExtension
    static final SimulatorPerClass SIM = SimulatorPerClass.demo(CLOCK);
    private final SimHttp http = new SimHttp();
    private EcKeyPair fleetKey;
    private VcpClient client;

    @BeforeEach
    void pairingKeyAndClient() throws Exception {
        fleetKey = EcKeyPair.fromScalarHex("22".repeat(32));
        client = new VcpClient(fleetKey, PAIRING_DOMAIN, CLOCK, new SplittableRandom(5));
    }

    @Test
    void acceptsASignedCommandFromAPairedKeyAndLogsWhichCommandItCarried() throws Exception {
        HttpResponse<String> paired = control("POST", "/sim/vehicles/" + DEMO_VIN_SIGNING + "/keys",
                keyBody(fleetKey));
        assertThat(paired.statusCode()).as(paired.body()).isEqualTo(200);
        assertThat(http.json(paired).get("paired_keys")).extracting(JsonNode::asText).containsExactly(hex(fleetKey));

        assertThat(handshake(DEMO_VIN_SIGNING, Domain.INFOTAINMENT).verdict()).isEqualTo(Verdict.SUCCEEDED);
        assertThat(handshake(DEMO_VIN_SIGNING, Domain.VCSEC).verdict()).isEqualTo(Verdict.SUCCEEDED);
        assertThat(client.sessions().get(DEMO_VIN_SIGNING, Domain.INFOTAINMENT).orElseThrow().vehiclePublicKey())
                .isEqualTo(SIM.simulator().vehiclePublicKey(DEMO_VIN_SIGNING, Domain.INFOTAINMENT));
        assertThat(send(DEMO_VIN_SIGNING, "flash_lights").verdict()).isEqualTo(Verdict.SUCCEEDED);
        assertThat(send(DEMO_VIN_SIGNING, "door_lock").verdict()).isEqualTo(Verdict.SUCCEEDED);

        List<RecordedRequest> calls = SIM.simulator().requests(DEMO_VIN_SIGNING);
        assertThat(calls).extracting(RecordedRequest::path)
                .containsOnly("/api/1/vehicles/" + DEMO_VIN_SIGNING + "/signed_command");
        assertThat(calls).extracting(RecordedRequest::status).containsOnly(200);
        assertThat(calls).extracting(RecordedRequest::command)
                .containsExactly(null, null, "flash_lights", "door_lock");
        JsonNode logged = http.json(control("GET", "/sim/requests?vin=" + DEMO_VIN_SIGNING, null));
        assertThat(logged.get(2).get("command").asText()).isEqualTo("flash_lights");
    }

    @Test
    void logsTheDecodedActionWithItsParameters() throws Exception {
        control("POST", "/sim/vehicles/" + DEMO_VIN_SIGNING + "/keys", keyBody(fleetKey));
        assertThat(handshake(DEMO_VIN_SIGNING, Domain.INFOTAINMENT).verdict()).isEqualTo(Verdict.SUCCEEDED);
        assertThat(send(DEMO_VIN_SIGNING, Commands.fromRest("remote_seat_heater_request",
                Map.of("heater", 2, "level", 2)).orElseThrow()).verdict()).isEqualTo(Verdict.SUCCEEDED);
        assertThat(send(DEMO_VIN_SIGNING, Commands.fromRest("set_charge_limit",
                Map.of("percent", 72)).orElseThrow()).verdict()).isEqualTo(Verdict.SUCCEEDED);

        JsonNode logged = http.json(control("GET", "/sim/requests?vin=" + DEMO_VIN_SIGNING, null));
        assertThat(logged.get(0).get("action").isNull()).as("a handshake executes nothing").isTrue();
        // written out by hand from the vehicle's definitions: seat index 2 is rear left, level 2 medium
        assertThat(logged.get(1).get("action")).isEqualTo(JSON.readTree("""
                {"name":"remote_seat_heater_request","domain":"INFOTAINMENT","action":{"hvacSeatHeaterActions":
                 {"hvacSeatHeaterAction":[{"SEAT_HEATER_MED":{},"CAR_SEAT_REAR_LEFT":{}}]}}}"""));
        assertThat(logged.get(2).get("action")).isEqualTo(JSON.readTree("""
                {"name":"set_charge_limit","domain":"INFOTAINMENT","action":{"chargingSetLimitAction":{"percent":72}}}"""));
        assertThat(SIM.simulator().requests(DEMO_VIN_SIGNING).get(2).action())
                .isEqualTo("{\"name\":\"set_charge_limit\",\"domain\":\"INFOTAINMENT\",\"action\":{\"chargingSetLimitAction\":{\"percent\":72}}}");
    }

    @Test
    void refusesAnUnpairedKeyWithAFaultTheClientTreatsAsPermanent() throws Exception {
        HttpResponse<String> response = signedCommand(DEMO_VIN_SIGNING,
                client.sessionRequest(DEMO_VIN_SIGNING, Domain.INFOTAINMENT).body());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(http.json(response).get("response").asText()).isNotEmpty();

        CommandOutcome outcome = handshake(DEMO_VIN_SIGNING, Domain.INFOTAINMENT);
        assertThat(outcome.verdict()).isEqualTo(Verdict.PERMANENT);
        assertThat(outcome.fault()).isEqualTo(MessageFault_E.MESSAGEFAULT_ERROR_UNKNOWN_KEY_ID);
        assertThat(outcome.reason()).contains("https://tesla.com/_ak/" + PAIRING_DOMAIN);
    }

    @Test
    void unpairingAKeyEndsItsSessions() throws Exception {
        SIM.simulator().fleet().pairKey(DEMO_VIN_ONLINE, fleetKey.publicKeyBytes());
        assertThat(handshake(DEMO_VIN_ONLINE, Domain.INFOTAINMENT).verdict()).isEqualTo(Verdict.SUCCEEDED);
        assertThat(send(DEMO_VIN_ONLINE, "honk_horn").verdict()).isEqualTo(Verdict.SUCCEEDED);

        HttpResponse<String> unpaired = control("DELETE", "/sim/vehicles/" + DEMO_VIN_ONLINE + "/keys/"
                + hex(fleetKey), null);
        assertThat(unpaired.statusCode()).as(unpaired.body()).isEqualTo(200);
        assertThat(http.json(unpaired).get("key_paired").asBoolean()).isFalse();

        CommandOutcome refused = send(DEMO_VIN_ONLINE, "honk_horn");
        assertThat(refused.verdict()).isEqualTo(Verdict.PERMANENT);
        assertThat(refused.fault()).isEqualTo(MessageFault_E.MESSAGEFAULT_ERROR_UNKNOWN_KEY_ID);
        assertThat(SIM.simulator().requests(DEMO_VIN_ONLINE)).extracting(RecordedRequest::command)
                .containsExactly(null, "honk_horn", null);
    }

    @Test
    void answers503WithTheVehicleUnavailableBodyUntilTheCarIsAwake() throws Exception {
        SIM.simulator().pairKeyWithAll(fleetKey.publicKeyBytes());
        HandshakeRequest request = client.sessionRequest(DEMO_VIN_ASLEEP, Domain.INFOTAINMENT);

        HttpResponse<String> asleep = signedCommand(DEMO_VIN_ASLEEP, request.body());
        assertThat(asleep.statusCode()).isEqualTo(503);
        JsonNode body = http.json(asleep);
        assertThat(body.get("response").isNull()).isTrue();
        assertThat(body.get("error").asText()).isEqualTo("vehicle unavailable: vehicle is offline or asleep");
        assertThat(signedCommand(DEMO_VIN_OFFLINE, client.sessionRequest(DEMO_VIN_OFFLINE, Domain.VCSEC).body())
                .statusCode()).isEqualTo(503);

        http.post(SIM.simulator().baseUrl("na") + "/api/1/vehicles/" + DEMO_VIN_ASLEEP + "/wake_up",
                DEMO_ACCESS_TOKEN, null);
        CLOCK.advance(Duration.ofSeconds(SimVehicle.DEFAULT_WAKE_DELAY_SECONDS));
        assertThat(handshake(DEMO_VIN_ASLEEP, Domain.INFOTAINMENT).verdict()).isEqualTo(Verdict.SUCCEEDED);
        assertThat(send(DEMO_VIN_ASLEEP, "flash_lights").verdict()).isEqualTo(Verdict.SUCCEEDED);
    }

    @Test
    void answers422ForAVehicleWithoutTheCommandProtocol() {
        SIM.simulator().fleet().setProtocolSupported(DEMO_VIN_ONLINE, false);
        SIM.simulator().pairKeyWithAll(fleetKey.publicKeyBytes());

        HttpResponse<String> response = signedCommand(DEMO_VIN_ONLINE,
                client.sessionRequest(DEMO_VIN_ONLINE, Domain.INFOTAINMENT).body());

        assertThat(response.statusCode()).isEqualTo(422);
        assertThat(http.json(response).get("error").asText()).isEqualTo("invalid_resource");
        assertThat(http.post(SIM.simulator().baseUrl("na") + "/api/1/vehicles/" + DEMO_VIN_ONLINE + "/command/flash_lights",
                DEMO_ACCESS_TOKEN, "{}").statusCode()).isEqualTo(200);
    }

    @Test
    void stillRefusesUnsignedRestCommandsToACarThatRequiresSigning() {
        SIM.simulator().pairKeyWithAll(fleetKey.publicKeyBytes());

        HttpResponse<String> response = http.post(SIM.simulator().baseUrl("na") + "/api/1/vehicles/" + DEMO_VIN_SIGNING
                + "/command/flash_lights", DEMO_ACCESS_TOKEN, "{}");

        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(http.json(response).get("error").asText()).startsWith("Tesla Vehicle Command Protocol required");
    }

    @ParameterizedTest
    @ValueSource(strings = {"{}", "{\"routable_message\":42}", "{\"routable_message\":\"not base64!\"}", "nope"})
    void answers400ForABodyWithoutARoutableMessage(String body) {
        HttpResponse<String> response = signedCommand(DEMO_VIN_ONLINE, body);

        assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
        assertThat(http.json(response).get("error").asText()).isEqualTo("invalid_field");
    }

    @Test
    void answers404ForAnotherUsersVehicle() {
        HttpResponse<String> response = signedCommand(SimulatedFleet.DEMO_EU_VIN_ONLINE,
                client.sessionRequest(SimulatedFleet.DEMO_EU_VIN_ONLINE, Domain.VCSEC).body());

        assertThat(response.statusCode()).isEqualTo(404);
    }

    @Test
    void fleetStatusFollowsPairingAndReportsWhetherSigningIsRequired() throws Exception {
        String vins = "{\"vins\":[\"" + DEMO_VIN_ONLINE + "\",\"" + DEMO_VIN_SIGNING + "\"]}";
        JsonNode before = fleetStatus(vins);
        assertThat(before.get("key_paired_vins")).isEmpty();
        assertThat(before.get("unpaired_vins")).extracting(JsonNode::asText)
                .containsExactly(DEMO_VIN_ONLINE, DEMO_VIN_SIGNING);
        assertThat(before.at("/vehicle_info/" + DEMO_VIN_SIGNING + "/vehicle_command_protocol_required").asBoolean())
                .isTrue();
        assertThat(before.at("/vehicle_info/" + DEMO_VIN_ONLINE + "/vehicle_command_protocol_required").asBoolean())
                .isFalse();

        HttpResponse<String> all = control("POST", "/sim/keys", keyBody(fleetKey));
        assertThat(all.statusCode()).as(all.body()).isEqualTo(200);
        assertThat(http.json(all)).hasSize(6).allSatisfy(v -> assertThat(v.get("key_paired").asBoolean()).isTrue());
        JsonNode after = fleetStatus(vins);
        assertThat(after.get("key_paired_vins")).extracting(JsonNode::asText)
                .containsExactly(DEMO_VIN_ONLINE, DEMO_VIN_SIGNING);
        assertThat(after.get("unpaired_vins")).isEmpty();

        control("DELETE", "/sim/vehicles/" + DEMO_VIN_ONLINE + "/keys/" + hex(fleetKey), null);
        assertThat(fleetStatus(vins).get("unpaired_vins")).extracting(JsonNode::asText).containsExactly(DEMO_VIN_ONLINE);
        JsonNode vehicles = http.json(control("GET", "/sim/vehicles", null));
        assertThat(find(vehicles, DEMO_VIN_SIGNING).get("paired_keys")).extracting(JsonNode::asText)
                .containsExactly(hex(fleetKey));
        assertThat(find(vehicles, DEMO_VIN_SIGNING).get("protocol_supported").asBoolean()).isTrue();

        SIM.simulator().reset();
        assertThat(fleetStatus(vins).get("key_paired_vins")).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "{}", "{\"public_key\":\"zz\"}", "{\"public_key\":\"0411\"}",
            "{\"public_key\":42}"})
    void answers400ForAKeyThatIsNotAP256Point(String body) {
        String notOnCurve = "{\"public_key\":\"04" + "00".repeat(64) + "\"}";
        for (String bad : List.of(body, notOnCurve)) {
            HttpResponse<String> response = control("POST", "/sim/vehicles/" + DEMO_VIN_ONLINE + "/keys",
                    bad.isEmpty() ? null : bad);
            assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
        }
        assertThat(control("POST", "/sim/vehicles/5YJ3E1EA0PF999999/keys", keyBody(fleetKey)).statusCode())
                .isEqualTo(404);
        assertThat(control("DELETE", "/sim/vehicles/" + DEMO_VIN_ONLINE + "/keys/beef", null).statusCode())
                .isEqualTo(400);
    }

    @Test
    void givesAVinTheSameKeysForTheSameSeed() {
        VehicleVerifiers first = new VehicleVerifiers(CLOCK, 42);
        VehicleVerifiers again = new VehicleVerifiers(CLOCK, 42);
        VehicleVerifiers other = new VehicleVerifiers(CLOCK, 43);

        again.publicKey(DEMO_VIN_ONLINE, Domain.VCSEC); // creation order does not matter
        assertThat(first.publicKey(DEMO_VIN_SIGNING, Domain.INFOTAINMENT))
                .isEqualTo(again.publicKey(DEMO_VIN_SIGNING, Domain.INFOTAINMENT))
                .isNotEqualTo(other.publicKey(DEMO_VIN_SIGNING, Domain.INFOTAINMENT))
                .isNotEqualTo(first.publicKey(DEMO_VIN_SIGNING, Domain.VCSEC))
                .isNotEqualTo(first.publicKey(DEMO_VIN_ONLINE, Domain.INFOTAINMENT));
    }

    private CommandOutcome handshake(String vin, Domain domain) {
        HandshakeRequest request = client.sessionRequest(vin, domain);
        HttpResponse<String> response = signedCommand(vin, request.body());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return client.acceptSessionInfo(request, response.body());
    }

    private CommandOutcome send(String vin, String command) throws Exception {
        return send(vin, Commands.named(command));
    }

    private CommandOutcome send(String vin, VehicleCommand command) throws Exception {
        SignedCommand signed = client.sign(vin, command);
        HttpResponse<String> response = signedCommand(vin, signed.body());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return client.decode(signed, response.body());
    }

    private HttpResponse<String> signedCommand(String vin, String body) {
        return http.post(SIM.simulator().baseUrl("na") + "/api/1/vehicles/" + vin + "/signed_command",
                DEMO_ACCESS_TOKEN, body);
    }

    private JsonNode fleetStatus(String body) {
        return http.json(http.post(SIM.simulator().baseUrl("na") + "/api/1/vehicles/fleet_status",
                DEMO_ACCESS_TOKEN, body))
                .get("response");
    }

    private HttpResponse<String> control(String method, String path, String body) {
        return http.send(method, SIM.simulator().controlUrl() + path, null, body);
    }

    private static String keyBody(EcKeyPair key) {
        return "{\"public_key\":\"" + hex(key) + "\"}";
    }

    private static String hex(EcKeyPair key) {
        return HexFormat.of().formatHex(key.publicKeyBytes());
    }

    private static JsonNode find(JsonNode vehicles, String vin) {
        return StreamSupport.stream(vehicles.spliterator(), false)
                .filter(v -> v.get("vin").asText().equals(vin))
                .findFirst()
                .orElseThrow();
    }
}
