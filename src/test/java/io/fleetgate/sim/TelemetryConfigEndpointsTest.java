package io.fleetgate.sim;

import static io.fleetgate.sim.SimulatedFleet.DEMO_ACCESS_TOKEN;
import static io.fleetgate.sim.SimulatedFleet.DEMO_VIN_ASLEEP;
import static io.fleetgate.sim.SimulatedFleet.DEMO_VIN_OFFLINE;
import static io.fleetgate.sim.SimulatedFleet.DEMO_VIN_ONLINE;
import static io.fleetgate.sim.SimulatedFleet.DEMO_VIN_SIGNING;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetgate.testing.MutableClock;
import io.fleetgate.vcp.crypto.EcKeyPair;
import io.fleetgate.vcp.jws.JwsSigner;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The Fleet API's streaming configuration as the simulator plays it: signed configs in, held per vehicle. */
class TelemetryConfigEndpointsTest {
    private static final Instant START = Instant.parse("2026-03-01T12:00:00Z");
    private static final MutableClock CLOCK = new MutableClock(START);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final EcKeyPair FLEET_KEY = EcKeyPair.generate(new SecureRandom());
    private static final EcKeyPair OTHER_KEY = EcKeyPair.generate(new SecureRandom());

    @RegisterExtension
    static final SimulatorPerClass SIM = SimulatorPerClass.demo(CLOCK);
    private final SimHttp http = new SimHttp();

    private static ObjectNode config() {
        ObjectNode config = JSON.createObjectNode().put("hostname", "telemetry.example.org").put("port", 4443)
                .put("ca", "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n")
                .put("exp", START.plusSeconds(86_400).getEpochSecond());
        config.putObject("fields").putObject("BatteryLevel").put("interval_seconds", 60);
        config.putArray("alert_types").add("service");
        return config;
    }

    /** The config as a JSON reader sees it (numbers the size they are written at). */
    private static JsonNode parsed(ObjectNode config) {
        try {
            return JSON.readTree(config.toString());
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private HttpResponse<String> configure(String token, String... vins) {
        ObjectNode body = JSON.createObjectNode().put("token", token);
        for (String vin : vins) {
            body.withArray("vins").add(vin);
        }
        return http.post(SIM.simulator().baseUrl("na") + "/api/1/vehicles/fleet_telemetry_config_jws", DEMO_ACCESS_TOKEN,
                body.toString());
    }

    private JsonNode held(String vin) {
        return http.json(http.get(SIM.simulator().baseUrl("na") + "/api/1/vehicles/" + vin + "/fleet_telemetry_config",
                DEMO_ACCESS_TOKEN)).get("response");
    }

    @Test
    void aVehiclePairedWithTheSigningKeyHoldsTheSignedConfig() {
        SIM.simulator().fleet().pairKey(DEMO_VIN_ONLINE, FLEET_KEY.publicKeyBytes());
        HttpResponse<String> answer = configure(new JwsSigner(FLEET_KEY).signTelemetryConfig(config()), DEMO_VIN_ONLINE);

        assertThat(answer.statusCode()).isEqualTo(200);
        JsonNode response = http.json(answer).get("response");
        assertThat(response.get("updated_vehicles").asInt()).isEqualTo(1);
        assertThat(response.get("skipped_vehicles")).isEqualTo(JSON.createObjectNode().<ObjectNode>set("missing_key", JSON.createArrayNode())
                .<ObjectNode>set("unsupported_hardware", JSON.createArrayNode())
                .<ObjectNode>set("unsupported_firmware", JSON.createArrayNode())
                .set("max_configs", JSON.createArrayNode()));
        JsonNode held = held(DEMO_VIN_ONLINE);
        assertThat(held.get("config")).as("the claims without iss and aud").isEqualTo(parsed(config()));
        assertThat(held.get("synced").asBoolean()).isTrue();
        assertThat(held.get("key_paired").asBoolean()).isTrue();
        assertThat(held.get("limit_reached").asBoolean()).isFalse();
        // what an emitter follows, and what the control API shows
        assertThat(SIM.simulator().fleet().telemetryConfigs().config(DEMO_VIN_ONLINE)).contains((ObjectNode) parsed(config()));
        JsonNode control = http.json(http.get(SIM.simulator().controlUrl() + "/sim/vehicles/" + DEMO_VIN_ONLINE + "/telemetry-config", null));
        assertThat(control.get("config")).isEqualTo(parsed(config()));
        assertThat(control.get("synced").asBoolean()).isTrue();
    }

    @Test
    void aVehicleWithoutTheKeyIsSkippedAsMissingKey() {
        SIM.simulator().fleet().pairKey(DEMO_VIN_ONLINE, FLEET_KEY.publicKeyBytes());
        JsonNode response = http.json(configure(new JwsSigner(OTHER_KEY).signTelemetryConfig(config()),
                DEMO_VIN_ONLINE, SimulatedFleet.DEMO_EU_VIN_ONLINE)).get("response");

        assertThat(response.get("updated_vehicles").asInt()).isZero();
        assertThat(response.at("/skipped_vehicles/missing_key")).extracting(JsonNode::asText)
                .containsExactly(DEMO_VIN_ONLINE, SimulatedFleet.DEMO_EU_VIN_ONLINE);
        assertThat(held(DEMO_VIN_ONLINE).get("config").isNull()).isTrue();
    }

    @Test
    void aTokenThatDoesNotVerifyIsRefusedAndNothingIsHeld() {
        SIM.simulator().fleet().pairKey(DEMO_VIN_ONLINE, FLEET_KEY.publicKeyBytes());
        String token = new JwsSigner(FLEET_KEY).signTelemetryConfig(config());
        String[] parts = token.split("\\.");
        ObjectNode forged = (ObjectNode) readSegment(parts[1]);
        forged.put("hostname", "attacker.example.com");
        String tampered = parts[0] + "." + Base64.getUrlEncoder().withoutPadding()
                .encodeToString(forged.toString().getBytes(StandardCharsets.UTF_8)) + "." + parts[2];

        assertInvalid(configure(tampered, DEMO_VIN_ONLINE), "signature");
        assertInvalid(configure("not-a-jws", DEMO_VIN_ONLINE), "three segments");
        assertInvalid(configure(new JwsSigner(FLEET_KEY).sign(config(), JwsSigner.fleetAudience("Other")), DEMO_VIN_ONLINE), "aud");
        ObjectNode expired = config().put("exp", START.minusSeconds(1).getEpochSecond());
        assertInvalid(configure(new JwsSigner(FLEET_KEY).signTelemetryConfig(expired), DEMO_VIN_ONLINE), "expired");
        ObjectNode noHost = config();
        noHost.remove("hostname");
        assertInvalid(configure(new JwsSigner(FLEET_KEY).signTelemetryConfig(noHost), DEMO_VIN_ONLINE), "hostname");
        assertThat(held(DEMO_VIN_ONLINE).get("config").isNull()).isTrue();
    }

    @Test
    void oldFirmwareAndCarsWithoutTheProtocolAreSkippedWithTheirReason() {
        SimulatedFleet fleet = SIM.simulator().fleet();
        fleet.pairKeyWithAll(FLEET_KEY.publicKeyBytes());
        fleet.updateVehicle(DEMO_VIN_OFFLINE, v -> v.withFirmwareVersion("2024.20.9"));
        fleet.setProtocolSupported(DEMO_VIN_SIGNING, false);
        JsonNode response = http.json(configure(new JwsSigner(FLEET_KEY).signTelemetryConfig(config()),
                DEMO_VIN_OFFLINE, DEMO_VIN_SIGNING, DEMO_VIN_ONLINE)).get("response");

        assertThat(response.get("updated_vehicles").asInt()).isEqualTo(1);
        assertThat(response.at("/skipped_vehicles/unsupported_firmware")).extracting(JsonNode::asText).containsExactly(DEMO_VIN_OFFLINE);
        assertThat(response.at("/skipped_vehicles/unsupported_hardware")).extracting(JsonNode::asText).containsExactly(DEMO_VIN_SIGNING);
    }

    @Test
    void aSleepingVehicleHasItsConfigPendingUntilItIsOnline() {
        SIM.simulator().fleet().pairKey(DEMO_VIN_ASLEEP, FLEET_KEY.publicKeyBytes());
        configure(new JwsSigner(FLEET_KEY).signTelemetryConfig(config()), DEMO_VIN_ASLEEP);

        assertThat(held(DEMO_VIN_ASLEEP).get("synced").asBoolean()).isFalse();
        SIM.simulator().fleet().bringOnline(DEMO_VIN_ASLEEP);
        assertThat(held(DEMO_VIN_ASLEEP).get("synced").asBoolean()).isTrue();
    }

    @Test
    void deleteRemovesTheConfigOnce() {
        SIM.simulator().fleet().pairKey(DEMO_VIN_ONLINE, FLEET_KEY.publicKeyBytes());
        configure(new JwsSigner(FLEET_KEY).signTelemetryConfig(config()), DEMO_VIN_ONLINE);
        String url = SIM.simulator().baseUrl("na") + "/api/1/vehicles/" + DEMO_VIN_ONLINE + "/fleet_telemetry_config";

        assertThat(http.json(http.send("DELETE", url, DEMO_ACCESS_TOKEN, null)).at("/response/updated_vehicles").asInt()).isEqualTo(1);
        assertThat(held(DEMO_VIN_ONLINE).get("config").isNull()).isTrue();
        assertThat(http.json(http.send("DELETE", url, DEMO_ACCESS_TOKEN, null)).at("/response/updated_vehicles").asInt()).isZero();
        assertThat(SIM.simulator().fleet().telemetryConfigs().config(DEMO_VIN_ONLINE)).isEmpty();
    }

    @Test
    void aResetForgetsEveryConfig() {
        SIM.simulator().fleet().pairKey(DEMO_VIN_ONLINE, FLEET_KEY.publicKeyBytes());
        configure(new JwsSigner(FLEET_KEY).signTelemetryConfig(config()), DEMO_VIN_ONLINE);
        SIM.simulator().reset();
        assertThat(SIM.simulator().fleet().telemetryConfigs().config(DEMO_VIN_ONLINE)).isEmpty();
    }

    @Test
    void firmwareVersionsCompareByTheirNumbers() {
        assertThat(TelemetryConfigEndpoints.atLeast("2024.44.25.3", "2024.26")).isTrue();
        assertThat(TelemetryConfigEndpoints.atLeast("2024.26", "2024.26")).isTrue();
        assertThat(TelemetryConfigEndpoints.atLeast("2024.8.9", "2024.26")).isFalse();
        assertThat(TelemetryConfigEndpoints.atLeast("2023.44.30", "2024.26")).isFalse();
    }

    private void assertInvalid(HttpResponse<String> answer, String mentioning) {
        assertThat(answer.statusCode()).isEqualTo(400);
        JsonNode body = http.json(answer);
        assertThat(body.get("response").isNull()).isTrue();
        assertThat(body.get("error").asText()).isEqualTo("invalid_field");
        assertThat(body.get("error_description").asText()).contains(mentioning);
    }

    private static JsonNode readSegment(String segment) {
        try {
            return JSON.readTree(Base64.getUrlDecoder().decode(segment));
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
