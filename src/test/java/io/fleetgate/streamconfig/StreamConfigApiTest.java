package io.fleetgate.streamconfig;

import static io.fleetgate.testing.TestFleet.ALICE;
import static io.fleetgate.testing.TestFleet.NA_VIN;
import static io.fleetgate.testing.TestFleet.NA_VIN_ASLEEP;
import static io.fleetgate.testing.TestFleet.NA_VIN_NOT_SUBSCRIBED;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetgate.sim.RecordedRequest;
import io.fleetgate.telemetry.FieldCatalogue;
import io.fleetgate.testing.GatewayHarness;
import io.fleetgate.testing.TestAccount;
import io.fleetgate.testing.TopicRecords;
import io.fleetgate.vcp.jws.JwsSigner;
import io.fleetgate.vcp.jws.JwsVerifier;
import io.fleetgate.vcp.jws.VerifiedJws;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.camel.builder.NotifyBuilder;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Teslemetry's {@code /api/config/{vin}} (streaming.md 3.3) over real HTTP, in front of the
 * simulator, which checks the signed config as a car would and holds it.
 */
class StreamConfigApiTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final FieldCatalogue CATALOGUE = FieldCatalogue.load();
    private static final String HOSTNAME = "telemetry.fleetgate.test";
    private static final String CA = "-----BEGIN CERTIFICATE-----\nMIIBfakeCAforTests\n-----END CERTIFICATE-----";
    /** A VIN in the subscription that Tesla does not know for this account. */
    private static final String VIN_TESLA_DOES_NOT_KNOW = "5YJ3E1EA7KF199999";
    private static final TestAccount NO_LOCATION = new TestAccount("no-location", "na", ALICE.teslaToken(), "gw-no-location",
            List.of("openid", "vehicle_device_data", "vehicle_cmds"), List.of(NA_VIN, VIN_TESLA_DOES_NOT_KNOW), List.of(), null);
    private static final TestAccount NO_DATA = new TestAccount("no-data", "na", ALICE.teslaToken(), "gw-no-data",
            List.of("openid", "user_data"), List.of(NA_VIN), List.of(), null);
    /** Only its own requests: its audit events are the metered ones. */
    private static final TestAccount METERED = new TestAccount("metered", "na", ALICE.teslaToken(), "gw-metered",
            TestAccount.ALL_SCOPES, List.of(NA_VIN_ASLEEP), List.of(), null);

    private static GatewayHarness harness;
    private static byte[] fleetKey;

    @BeforeAll
    static void start() throws Exception {
        harness = GatewayHarness.builder().accounts(ALICE, NO_LOCATION, NO_DATA, METERED)
                .setting("fleetgate.vcp.private-key-file", Files.createTempDirectory("fleetgate-jws").resolve("key.pem").toString())
                .setting("fleetgate.vcp.generate-key", "true")
                .setting("fleetgate.telemetry.server.hostname", HOSTNAME)
                .setting("fleetgate.telemetry.server.port", "4443")
                // as an environment variable or -D gives it: one line, \n for the line breaks
                .setting("fleetgate.telemetry.server.ca", CA.replace("\n", "\\n"))
                .start();
        fleetKey = HexFormat.of().parseHex(JSON.readTree(harness.get("/api/key", null).body()).at("/response/public_key").asText());
        harness.simulator().fleet().pairKeyWithAll(fleetKey);
    }

    @AfterAll
    static void stop() {
        harness.close();
    }

    @BeforeEach
    void noConfigs() {
        for (String vin : List.of(NA_VIN, NA_VIN_ASLEEP)) {
            harness.send("DELETE", "/api/config/" + vin, GatewayHarness.bearer(ALICE.gatewayToken()), null);
        }
    }

    @Test
    void postSendsAConfigSignedWithTheFleetKeyNamingTheServerFromSettings() throws Exception {
        HttpResponse<byte[]> answer = send("POST", NA_VIN, ALICE,
                "{\"fields\":{\"BatteryLevel\":{\"interval_seconds\":60},\"VehicleSpeed\":null},\"prefer_typed\":true}");

        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(answer.headers().firstValue("x-region")).hasValue("na");
        JsonNode body = JSON.readTree(answer.body());
        assertThat(names(body)).as("flat, as Teslemetry answers").containsExactlyInAnyOrder("updated_vehicles", "skipped_vehicles", "ignoredFields");
        assertThat(body.get("updated_vehicles").asInt()).isEqualTo(1);
        assertThat(body.at("/skipped_vehicles/missing_key")).isEmpty();
        assertThat(body.get("ignoredFields")).isEmpty();

        // what reached "Tesla": a token that verifies with the fleet key, carrying the config Fleetgate built
        RecordedRequest sent = lastJwsRequest();
        JsonNode request = JSON.readTree(sent.body());
        assertThat(request.get("vins")).extracting(JsonNode::asText).containsExactly(NA_VIN);
        assertThat(sent.headers().get("Authorization")).as("the account's Tesla token upstream").isEqualTo("Bearer " + ALICE.teslaToken());
        VerifiedJws verified = new JwsVerifier(Clock.systemUTC())
                .verify(request.get("token").asText(), fleetKey, JwsSigner.TELEMETRY_AUDIENCE);
        ObjectNode config = verified.config();
        assertThat(config.get("hostname").asText()).isEqualTo(HOSTNAME);
        assertThat(config.get("port").asInt()).isEqualTo(4443);
        assertThat(config.get("ca").asText()).isEqualTo(CA);
        assertThat(config.get("alert_types")).extracting(JsonNode::asText).containsExactly("service");
        assertThat(config.get("prefer_typed").asBoolean()).isTrue();
        assertThat(Instant.ofEpochSecond(config.get("exp").asLong()))
                .isBetween(Instant.now().plus(Duration.ofDays(364)), Instant.now().plus(Duration.ofDays(366)));
        assertThat(config.at("/fields/BatteryLevel/interval_seconds").asInt()).isEqualTo(60);
        assertThat(config.at("/fields/VehicleSpeed/interval_seconds").asInt()).as("null: the default")
                .isEqualTo(CATALOGUE.field("VehicleSpeed").orElseThrow().defaultInterval());
        // and the vehicle holds exactly that
        assertThat(harness.simulator().fleet().telemetryConfigs().config(NA_VIN)).contains(config);
    }

    @Test
    void getAnswersTheConfigFlatWithPending() throws Exception {
        send("POST", NA_VIN, ALICE, "{\"fields\":{\"Odometer\":{\"interval_seconds\":300,\"minimum_delta\":1.5}}}");
        HttpResponse<byte[]> answer = send("GET", NA_VIN, ALICE, null);

        assertThat(answer.statusCode()).isEqualTo(200);
        JsonNode body = JSON.readTree(answer.body());
        assertThat(body.has("response")).isFalse();
        assertThat(body.get("hostname").asText()).isEqualTo(HOSTNAME);
        assertThat(body.get("port").asInt()).isEqualTo(4443);
        assertThat(body.get("ca").asText()).isEqualTo(CA);
        assertThat(body.get("exp").isNumber()).isTrue();
        assertThat(body.get("pending").asBoolean()).as("the car is online: it has fetched it").isFalse();
        assertThat(body.at("/fields/Odometer/interval_seconds").asInt()).isEqualTo(300);
        assertThat(body.at("/fields/Odometer/minimum_delta").asDouble()).isEqualTo(1.5);

        // a sleeping car has not fetched its config yet
        send("POST", NA_VIN_ASLEEP, ALICE, "{\"fields\":{\"Odometer\":{\"interval_seconds\":300}}}");
        assertThat(JSON.readTree(send("GET", NA_VIN_ASLEEP, ALICE, null).body()).get("pending").asBoolean()).isTrue();
    }

    @Test
    void patchMergesIntoTheCurrentFieldsAndNullMeansTheDefaultInterval() throws Exception {
        send("POST", NA_VIN, ALICE, "{\"fields\":{\"BatteryLevel\":{\"interval_seconds\":60},\"Odometer\":{\"interval_seconds\":120}},"
                + "\"delivery_policy\":\"latest\"}");
        HttpResponse<byte[]> patched = send("PATCH", NA_VIN, ALICE,
                "{\"fields\":{\"Odometer\":null,\"Soc\":{\"interval_seconds\":30}}}");

        assertThat(patched.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(patched.body()).get("updated_vehicles").asInt()).isEqualTo(1);
        JsonNode fields = JSON.readTree(send("GET", NA_VIN, ALICE, null).body()).get("fields");
        assertThat(names(fields)).containsExactlyInAnyOrder("BatteryLevel", "Odometer", "Soc");
        assertThat(fields.at("/BatteryLevel/interval_seconds").asInt()).as("untouched").isEqualTo(60);
        assertThat(fields.at("/Odometer/interval_seconds").asInt()).as("null: back to the default, not removed")
                .isEqualTo(CATALOGUE.field("Odometer").orElseThrow().defaultInterval());
        assertThat(fields.at("/Soc/interval_seconds").asInt()).isEqualTo(30);
        assertThat(harness.simulator().fleet().telemetryConfigs().config(NA_VIN).orElseThrow().get("delivery_policy").asText())
                .as("settings the PATCH does not name stay").isEqualTo("latest");

        // POST replaces: only what it names is left
        send("POST", NA_VIN, ALICE, "{\"fields\":{\"Soc\":{\"interval_seconds\":45}}}");
        assertThat(names(JSON.readTree(send("GET", NA_VIN, ALICE, null).body()).get("fields"))).containsExactly("Soc");
    }

    @Test
    void patchOfAVehicleWithoutAConfigCreatesOne() throws Exception {
        assertThat(send("GET", NA_VIN, ALICE, null).statusCode()).isEqualTo(404);
        assertThat(send("PATCH", NA_VIN, ALICE, "{\"fields\":{\"Gear\":null}}").statusCode()).isEqualTo(200);
        assertThat(names(JSON.readTree(send("GET", NA_VIN, ALICE, null).body()).get("fields"))).containsExactly("Gear");
    }

    @Test
    void deleteStopsStreamingAndThenGetIs404() throws Exception {
        send("POST", NA_VIN, ALICE, "{\"fields\":{\"Gear\":null}}");
        HttpResponse<byte[]> deleted = send("DELETE", NA_VIN, ALICE, null);

        assertThat(deleted.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(deleted.body())).isEqualTo(JSON.readTree("{\"response\":{\"updated_vehicles\":1}}"));
        assertThat(harness.simulator().fleet().telemetryConfigs().config(NA_VIN)).isEmpty();
        HttpResponse<byte[]> read = send("GET", NA_VIN, ALICE, null);
        assertError(read, 404, "not_found");
        assertThat(new String(read.body(), StandardCharsets.UTF_8)).contains(NA_VIN);
    }

    @Test
    void badConfigsAre400NamingTheFieldAndNothingIsSent() throws Exception {
        int before = harness.simulator().requests().size();
        assertError(send("POST", NA_VIN, ALICE, "{\"fields\":{\"NoSuchField\":{\"interval_seconds\":60}}}"), 400, "invalid_request",
                "NoSuchField");
        int min = CATALOGUE.field("BatteryLevel").orElseThrow().minInterval();
        assertError(send("PATCH", NA_VIN, ALICE, "{\"fields\":{\"BatteryLevel\":{\"interval_seconds\":" + (min - 1) + "}}}"), 400,
                "invalid_request", "BatteryLevel");
        assertError(send("POST", NA_VIN, ALICE, "{\"hostname\":\"evil.example.com\",\"fields\":{\"Gear\":null}}"), 400,
                "invalid_request", "hostname");
        assertError(send("POST", NA_VIN, ALICE, "{\"port\":1,\"fields\":{\"Gear\":null}}"), 400, "invalid_request", "port");
        assertError(send("POST", NA_VIN, ALICE, "{\"fields\":{}}"), 400, "invalid_request", "at least one field");
        // PATCH too, before reading the current config: an empty change is refused, not read for
        assertError(send("PATCH", NA_VIN, ALICE, "{}"), 400, "invalid_request", "at least one field");
        assertError(send("PATCH", NA_VIN, ALICE, "{\"fields\":{}}"), 400, "invalid_request", "at least one field");
        assertError(send("PATCH", NA_VIN, ALICE, "{\"prefer_typed\":true}"), 400, "invalid_request", "at least one field");
        assertError(send("POST", NA_VIN, ALICE, "{\"fields\":"), 400, "invalid_request", "JSON");
        assertError(send("POST", NA_VIN, ALICE, null), 400, "invalid_request", "fields");
        assertError(send("PATCH", NA_VIN, ALICE, "{\"fields\":{\"Soc\":{\"interval_seconds\":\"often\"}}}"), 400, "invalid_request", "Soc");
        assertThat(harness.simulator().requests()).as("nothing of this reaches Tesla").hasSize(before);
    }

    @Test
    void callersAreHeldToTheirSubscriptionAndScopes() throws Exception {
        int before = harness.simulator().requests().size();
        assertError(send("GET", NA_VIN, null, null), 401, "missing_token");
        assertError(harness.send("GET", "/api/config/" + NA_VIN, GatewayHarness.bearer("gw-nobody"), null), 401, "invalid_token");
        assertError(send("GET", NA_VIN_NOT_SUBSCRIBED, ALICE, null), 402, "vehicle_subscription_required");
        assertError(send("POST", NA_VIN_NOT_SUBSCRIBED, ALICE, "{\"fields\":{\"Gear\":null}}"), 402, "vehicle_subscription_required");
        assertError(send("GET", NA_VIN, NO_DATA, null), 403, "invalid_scope", "vehicle_device_data");
        assertError(send("DELETE", NA_VIN, NO_DATA, null), 403, "invalid_scope");
        // position fields need vehicle_location, others do not
        assertError(send("PATCH", NA_VIN, NO_LOCATION, "{\"fields\":{\"Location\":null,\"Gear\":null}}"), 403, "invalid_scope", "Location");
        assertError(send("GET", "not-a-vin", ALICE, null), 400, "invalid_request", "VIN");
        assertThat(harness.simulator().requests()).as("nothing refused reaches Tesla").hasSize(before);

        assertThat(send("PATCH", NA_VIN, NO_LOCATION, "{\"fields\":{\"Gear\":null}}").statusCode()).isEqualTo(200);
        assertThat(send("PATCH", NA_VIN, ALICE, "{\"fields\":{\"Location\":null}}").statusCode()).isEqualTo(200);
        assertThat(send("PUT", NA_VIN, ALICE, "{}").statusCode()).isEqualTo(405);
    }

    @Test
    void aVehicleTeslaDoesNotKnowGetsTeslasAnswer() throws Exception {
        HttpResponse<byte[]> answer = send("GET", VIN_TESLA_DOES_NOT_KNOW, NO_LOCATION, null);
        assertThat(answer.statusCode()).isEqualTo(404);
        assertThat(JSON.readTree(answer.body()).get("error").asText()).isEqualTo("not_found");
        assertThat(harness.simulator().requests(VIN_TESLA_DOES_NOT_KNOW)).extracting(RecordedRequest::status).containsExactly(404);
    }

    @Test
    void fieldsTheVehiclesFirmwareDoesNotStreamAreIgnoredAndListed() throws Exception {
        String since = CATALOGUE.field("LightsHazardsActive").orElseThrow().firmware();
        assertThat(since).isEqualTo("2025.2.6");
        harness.simulator().fleet().updateVehicle(NA_VIN_ASLEEP, v -> v.withFirmwareVersion("2024.38.7"));
        try {
            // Fleetgate learns the firmware from a fleet_status answer that passes through
            assertThat(harness.post("/api/1/vehicles/fleet_status", ALICE.gatewayToken(),
                    "{\"vins\":[\"" + NA_VIN_ASLEEP + "\"]}").statusCode()).isEqualTo(200);
            HttpResponse<byte[]> answer = send("POST", NA_VIN_ASLEEP, ALICE,
                    "{\"fields\":{\"LightsHazardsActive\":null,\"Gear\":null}}");

            assertThat(answer.statusCode()).isEqualTo(200);
            assertThat(JSON.readTree(answer.body()).get("ignoredFields")).extracting(JsonNode::asText).containsExactly("LightsHazardsActive");
            assertThat(names(harness.simulator().fleet().telemetryConfigs().config(NA_VIN_ASLEEP).orElseThrow().get("fields")))
                    .containsExactly("Gear");
            // nothing left to send: refused, and nothing sent
            int before = harness.simulator().requests().size();
            assertError(send("POST", NA_VIN_ASLEEP, ALICE, "{\"fields\":{\"LightsHazardsActive\":null}}"), 400, "invalid_request",
                    "LightsHazardsActive");
            assertError(send("PATCH", NA_VIN_ASLEEP, ALICE, "{\"fields\":{\"LightsHazardsActive\":null}}"), 400, "invalid_request",
                    "LightsHazardsActive", "2024.38.7");
            assertThat(harness.simulator().requests()).hasSize(before);
        } finally {
            harness.simulator().fleet().updateVehicle(NA_VIN_ASLEEP, v -> v.withFirmwareVersion(io.fleetgate.sim.SimVehicle.DEFAULT_FIRMWARE));
            harness.post("/api/1/vehicles/fleet_status", ALICE.gatewayToken(), "{\"vins\":[\"" + NA_VIN_ASLEEP + "\"]}");
        }
    }

    @Test
    void eachCallTeslaBillsIsChargedAsADataRequest() throws Exception {
        // PATCH reads the current config and sends the new one: two calls
        assertThat(send("PATCH", NA_VIN_ASLEEP, METERED, "{\"fields\":{\"Gear\":null}}").statusCode()).isEqualTo(200);
        assertThat(send("GET", NA_VIN_ASLEEP, METERED, null).statusCode()).isEqualTo(200);
        assertThat(send("POST", NA_VIN_ASLEEP, METERED, "{\"fields\":{\"Nope\":null}}").statusCode()).isEqualTo(400);

        List<JsonNode> events = auditEvents(METERED, 3);
        assertThat(events).extracting(e -> e.get("method").asText()).containsExactly("PATCH", "GET", "POST");
        assertThat(events).allSatisfy(e -> {
            assertThat(e.get("path_template").asText()).isEqualTo("/api/config/{vin}");
            assertThat(e.get("vin").asText()).isEqualTo(NA_VIN_ASLEEP);
            assertThat(e.get("endpoint_class").asText()).isEqualTo("gateway");
        });
        assertThat(events).extracting(e -> e.get("credits").asInt()).containsExactly(4, 2, 0);
        assertThat(events).extracting(e -> e.get("status").asInt()).containsExactly(200, 200, 400);
        for (JsonNode event : events) {
            assertThat(event.toString()).doesNotContain(METERED.gatewayToken()).doesNotContain(ALICE.teslaToken());
        }
    }

    @Test
    void aChangeGoesOnTheStreamAsAConfigEvent() throws Exception {
        TopicRecords topics = new TopicRecords(harness.kafkaBootstrapServers());
        int before = configEvents(topics).size();
        send("PATCH", NA_VIN, ALICE, "{\"fields\":{\"ChargeAmps\":{\"interval_seconds\":60}}}");

        List<JsonNode> events = awaitConfigEvents(topics, before + 1);
        assertThat(events).hasSizeGreaterThan(before);
        JsonNode changed = events.getLast();
        assertThat(names(changed)).as("Teslemetry's config event").containsExactlyInAnyOrder("config", "createdAt", "vin");
        assertThat(changed.get("vin").asText()).isEqualTo(NA_VIN);
        assertThat(changed.at("/config/fields/ChargeAmps/interval_seconds").asInt()).isEqualTo(60);
        assertThat(changed.get("createdAt").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{9}Z");

        send("DELETE", NA_VIN, ALICE, null);
        JsonNode deleted = awaitConfigEvents(topics, before + 2).getLast();
        assertThat(deleted.at("/config/fields").isObject()).isTrue();
        assertThat(deleted.at("/config/fields")).as("no fields once deleted").isEmpty();
    }

    private static List<JsonNode> awaitConfigEvents(TopicRecords topics, int count) {
        topics.await("fleetgate.vehicle-events.v1", StreamConfigApiTest::isConfigEventOfNaVin, count, Duration.ofSeconds(20));
        return configEvents(topics);
    }

    private static List<JsonNode> configEvents(TopicRecords topics) {
        return topics.all("fleetgate.vehicle-events.v1").stream().filter(StreamConfigApiTest::isConfigEventOfNaVin)
                .map(r -> {
                    try {
                        return JSON.readTree(r.value());
                    } catch (IOException e) {
                        throw new IllegalStateException(e);
                    }
                }).toList();
    }

    private static boolean isConfigEventOfNaVin(ConsumerRecord<String, String> r) {
        return NA_VIN.equals(r.key()) && r.value().startsWith("{\"config\"");
    }

    private static List<JsonNode> auditEvents(TestAccount account, int count) {
        List<ConsumerRecord<String, String>> records = new TopicRecords(harness.kafkaBootstrapServers())
                .awaitSettled("fleetgate.audit.v1", r -> r.value().contains("\"account_id\":\"" + account.id() + "\""), count,
                        Duration.ofSeconds(20));
        return records.stream().map(r -> {
            try {
                return JSON.readTree(r.value());
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }).toList();
    }

    private static RecordedRequest lastJwsRequest() {
        List<RecordedRequest> sent = harness.simulator().requests().stream()
                .filter(r -> r.path().equals("/api/1/vehicles/fleet_telemetry_config_jws")).toList();
        assertThat(sent).isNotEmpty();
        return sent.getLast();
    }

    private static HttpResponse<byte[]> send(String method, String vin, TestAccount caller, String body) {
        Map<String, String> headers = new java.util.HashMap<>();
        if (caller != null) {
            headers.putAll(GatewayHarness.bearer(caller.gatewayToken()));
        }
        if (body != null) {
            headers.put("Content-Type", "application/json");
        }
        return harness.send(method, "/api/config/" + vin, headers, body == null ? null : body.getBytes(StandardCharsets.UTF_8));
    }

    static void assertError(HttpResponse<byte[]> response, int status, String error, String... mentioning) throws IOException {
        String text = new String(response.body(), StandardCharsets.UTF_8);
        assertThat(response.statusCode()).as(text).isEqualTo(status);
        JsonNode body = JSON.readTree(response.body());
        assertThat(names(body)).containsExactlyInAnyOrder("response", "error", "error_description");
        assertThat(body.get("response").isNull()).isTrue();
        assertThat(body.get("error").asText()).isEqualTo(error);
        for (String word : mentioning) {
            assertThat(body.get("error_description").asText()).contains(word);
        }
    }

    static List<String> names(JsonNode node) {
        List<String> names = new java.util.ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
