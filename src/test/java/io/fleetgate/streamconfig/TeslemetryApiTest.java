package io.fleetgate.streamconfig;

import static io.fleetgate.streamconfig.StreamConfigApiTest.assertError;
import static io.fleetgate.streamconfig.StreamConfigApiTest.names;
import static io.fleetgate.testing.TestFleet.ALICE;
import static io.fleetgate.testing.TestFleet.NA_VIN;
import static io.fleetgate.testing.TestFleet.NA_VIN_ASLEEP;
import static io.fleetgate.testing.TestFleet.NA_VIN_NOT_SUBSCRIBED;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetgate.account.GatewayToken;
import io.fleetgate.sim.RecordedRequest;
import io.fleetgate.telemetry.FieldCatalogue;
import io.fleetgate.telemetry.FieldSpec;
import io.fleetgate.testing.GatewayHarness;
import io.fleetgate.testing.TestAccount;
import io.fleetgate.testing.TopicRecords;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The field catalogue, /api/vehicle_config, /api/refresh and /api/userdata over real HTTP, in front of the simulator. */
class TeslemetryApiTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final FieldCatalogue CATALOGUE = FieldCatalogue.load();
    private static final TestAccount NO_LOCATION = new TestAccount("no-location", "na", ALICE.teslaToken(), "gw-no-location",
            List.of("openid", "vehicle_device_data"), List.of(NA_VIN), List.of(), null);
    private static final TestAccount NO_DATA = new TestAccount("no-data", "na", ALICE.teslaToken(), "gw-no-data",
            List.of("openid", "user_data"), List.of(NA_VIN), List.of(), null);
    /** Its own requests only: its audit events are the refresh's. */
    private static final TestAccount REFRESHER = new TestAccount("refresher", "na", ALICE.teslaToken(), "gw-refresher",
            TestAccount.ALL_SCOPES, List.of(NA_VIN, NA_VIN_ASLEEP), List.of(), null);
    private static final String BUDGETED_TOKEN = "gw-budgeted-secret-value";
    private static final String BUDGETED_OTHER_TOKEN = "gw-budgeted-other-secret";
    /** An operator's shortcut in the accounts file: the token is named after its own value. */
    private static final String BUDGETED_LAZY_TOKEN = "gw-budgeted-lazy-token";

    private static GatewayHarness harness;

    @BeforeAll
    static void start() {
        harness = GatewayHarness.builder().accounts(ALICE, NO_LOCATION, NO_DATA, REFRESHER)
                .accountYaml("""
                          - id: budgeted
                            region: eu
                            tesla-access-token: tesla-token-of-budgeted-never-shown
                            scopes: [openid, vehicle_device_data]
                            gateway-tokens:
                              - name: dashboard
                                sha256: %s
                              - name: dispatch
                                sha256: %s
                              - name: %s
                                sha256: %s
                            subscription:
                              active-until: 2099-01-01T00:00:00Z
                              vins: [%s]
                              energy-sites: []
                            credit-budget: {credits: 5000, period: day}
                        """.formatted(GatewayToken.hash(BUDGETED_TOKEN), GatewayToken.hash(BUDGETED_OTHER_TOKEN), BUDGETED_LAZY_TOKEN,
                        GatewayToken.hash(BUDGETED_LAZY_TOKEN), NA_VIN))
                .start();
    }

    @AfterAll
    static void stop() {
        harness.close();
    }

    @Test
    void theFieldCatalogueListsEveryFieldWithItsLimitsAndScopes() throws IOException {
        HttpResponse<byte[]> api = harness.get("/api/fields", null);
        HttpResponse<byte[]> teslemetrys = harness.get("/fields.json", null);

        assertThat(api.statusCode()).as("no token needed").isEqualTo(200);
        assertThat(teslemetrys.statusCode()).isEqualTo(200);
        JsonNode fields = JSON.readTree(api.body());
        assertThat(JSON.readTree(teslemetrys.body())).isEqualTo(fields);
        assertThat(names(fields)).containsExactlyElementsOf(CATALOGUE.fields().stream().map(FieldSpec::name).toList());
        for (FieldSpec spec : CATALOGUE.fields()) {
            JsonNode field = fields.get(spec.name());
            assertThat(field.get("type").asText()).isEqualTo(spec.type());
            assertThat(field.at("/interval_seconds/default").asInt()).isEqualTo(spec.defaultInterval());
            assertThat(field.at("/interval_seconds/min").asInt()).isEqualTo(spec.minInterval());
            assertThat(field.at("/interval_seconds/max").asInt()).isEqualTo(spec.maxInterval());
            assertThat(field.at("/resend_interval_seconds/min").asInt()).isEqualTo(spec.minResendInterval());
            assertThat(field.has("minimum_delta")).as(spec.name()).isEqualTo(spec.takesMinimumDelta());
            assertThat(field.get("scopes")).extracting(JsonNode::asText).containsExactlyInAnyOrderElementsOf(spec.scopes());
        }
        assertThat(fields.at("/BatteryLevel/interval_seconds/min").asInt()).isEqualTo(10);
        assertThat(fields.at("/Location/scopes")).extracting(JsonNode::asText).contains("vehicle_location");
        assertThat(fields.at("/Gear/scopes")).extracting(JsonNode::asText).doesNotContain("vehicle_location");
    }

    @Test
    void vehicleConfigIsTheVehicleDataSectionInAResponse() throws IOException {
        int before = harness.simulator().requests(NA_VIN).size();
        HttpResponse<byte[]> answer = harness.get("/api/vehicle_config/" + NA_VIN, ALICE.gatewayToken());

        assertThat(answer.statusCode()).isEqualTo(200);
        List<RecordedRequest> sent = harness.simulator().requests(NA_VIN);
        assertThat(sent).hasSize(before + 1);
        assertThat(sent.getLast().path()).isEqualTo("/api/1/vehicles/" + NA_VIN + "/vehicle_data");
        assertThat(sent.getLast().query()).isEqualTo("endpoints=vehicle_config");
        JsonNode body = JSON.readTree(answer.body());
        assertThat(names(body)).containsExactly("response");
        JsonNode direct = JSON.readTree(harness.direct("na", "GET", "/api/1/vehicles/" + NA_VIN + "/vehicle_data?endpoints=vehicle_config",
                ALICE.teslaToken(), null).body());
        // the same section but for the moment it was read
        ObjectNode expected = ((ObjectNode) direct.at("/response/vehicle_config")).deepCopy();
        ObjectNode got = ((ObjectNode) body.get("response")).deepCopy();
        assertThat(got.remove("timestamp").isNumber()).isTrue();
        expected.remove("timestamp");
        assertThat(got).isEqualTo(expected);
        assertThat(body.at("/response/car_type").isTextual()).isTrue();
    }

    @Test
    void readsNeverWakeAVehicle() throws IOException {
        HttpResponse<byte[]> config = harness.get("/api/vehicle_config/" + NA_VIN_ASLEEP, ALICE.gatewayToken());
        HttpResponse<byte[]> refresh = harness.get("/api/refresh/" + NA_VIN_ASLEEP, ALICE.gatewayToken());

        for (HttpResponse<byte[]> answer : List.of(config, refresh)) {
            assertThat(answer.statusCode()).as("Tesla's 408, as it came").isEqualTo(408);
            assertThat(JSON.readTree(answer.body()).get("error").asText()).contains("vehicle unavailable");
        }
        assertThat(harness.simulator().requests(NA_VIN_ASLEEP)).noneMatch(r -> r.path().endsWith("/wake_up"));
        assertThat(harness.simulator().fleet().vehicle(NA_VIN_ASLEEP).isOnline()).isFalse();
    }

    @Test
    void perVehicleReadsAreHeldToTheSubscriptionAndScope() throws IOException {
        int before = harness.simulator().requests().size();
        for (String path : List.of("/api/vehicle_config/", "/api/refresh/")) {
            assertError(harness.get(path + NA_VIN, null), 401, "missing_token");
            assertError(harness.get(path + NA_VIN_NOT_SUBSCRIBED, ALICE.gatewayToken()), 402, "vehicle_subscription_required");
            assertError(harness.get(path + NA_VIN, NO_DATA.gatewayToken()), 403, "invalid_scope");
            assertError(harness.get(path + "5YJ3E1EA7KF10000I", ALICE.gatewayToken()), 400, "invalid_request", "VIN");
        }
        assertThat(harness.simulator().requests()).as("nothing refused reaches Tesla").hasSize(before);
    }

    @Test
    void refreshReadsVehicleDataNowAndIsChargedAsADataRequest() throws IOException {
        HttpResponse<byte[]> answer = harness.get("/api/refresh/" + NA_VIN, REFRESHER.gatewayToken());

        assertThat(answer.statusCode()).isEqualTo(200);
        JsonNode data = JSON.readTree(answer.body()).get("response");
        assertThat(data.get("vin").asText()).isEqualTo(NA_VIN);
        assertThat(names(data)).contains("charge_state", "climate_state", "drive_state", "vehicle_config", "vehicle_state");
        assertThat(data.at("/drive_state/latitude").isNumber()).as("with vehicle_location, the position").isTrue();
        // on the stream as a vehicle_data event, and its telemetry values become last values
        List<ConsumerRecord<String, String>> streamed = new TopicRecords(harness.kafkaBootstrapServers())
                .await("fleetgate.vehicle-events.v1", r -> NA_VIN.equals(r.key()) && r.value().startsWith("{\"vehicle_data\""),
                        1, Duration.ofSeconds(20));
        assertThat(streamed).isNotEmpty();
        JsonNode vehicleData = JSON.readTree(streamed.getFirst().value());
        assertThat(names(vehicleData)).containsExactlyInAnyOrder("vehicle_data", "createdAt", "vin");
        assertThat(vehicleData.at("/vehicle_data/charge_state/battery_level")).isEqualTo(data.at("/charge_state/battery_level"));
        String eventId = streamed.getFirst().partition() + "-" + streamed.getFirst().offset();
        List<ConsumerRecord<String, String>> lastValues = new TopicRecords(harness.kafkaBootstrapServers())
                .await("fleetgate.vehicle-state.v1", r -> (NA_VIN + "/data.BatteryLevel").equals(r.key())
                        && r.value().contains("\"event_id\":\"" + eventId + "\""), 1, Duration.ofSeconds(20));
        assertThat(lastValues).as("BatteryLevel's last value is the refresh's").hasSize(1);
        assertThat(JSON.readTree(lastValues.getFirst().value()).get("value").asDouble())
                .isEqualTo(data.at("/charge_state/battery_level").asDouble());

        List<ConsumerRecord<String, String>> events = new TopicRecords(harness.kafkaBootstrapServers())
                .awaitSettled("fleetgate.audit.v1", r -> r.value().contains("\"account_id\":\"refresher\""), 1, Duration.ofSeconds(20));
        assertThat(events).hasSize(1);
        JsonNode event = JSON.readTree(events.getFirst().value());
        assertThat(event.get("path_template").asText()).isEqualTo("/api/refresh/{vin}");
        assertThat(event.get("vin").asText()).isEqualTo(NA_VIN);
        assertThat(event.get("credits").asInt()).as("one data request").isEqualTo(2);
        assertThat(event.get("attempts").asInt()).isEqualTo(1);

        // without vehicle_location: no position asked for
        JsonNode withoutLocation = JSON.readTree(harness.get("/api/refresh/" + NA_VIN, NO_LOCATION.gatewayToken()).body()).get("response");
        assertThat(withoutLocation.at("/drive_state/latitude").isMissingNode()).isTrue();
    }

    @Test
    void userdataDescribesTheAccountAndNeverASecret() throws IOException {
        HttpResponse<byte[]> answer = harness.get("/api/userdata", BUDGETED_TOKEN);

        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(answer.headers().firstValue("x-region")).hasValue("eu");
        String raw = new String(answer.body(), StandardCharsets.UTF_8);
        assertThat(raw).doesNotContain(BUDGETED_TOKEN).doesNotContain(BUDGETED_OTHER_TOKEN)
                .doesNotContain(GatewayToken.hash(BUDGETED_TOKEN)).doesNotContain(GatewayToken.hash(BUDGETED_OTHER_TOKEN))
                .doesNotContain("tesla-token-of-budgeted-never-shown").doesNotContainIgnoringCase("sha256");
        JsonNode user = JSON.readTree(answer.body()).get("response");
        assertThat(user.get("id").asText()).isEqualTo("budgeted");
        assertThat(user.get("region").asText()).isEqualTo("eu");
        assertThat(user.get("scopes")).extracting(JsonNode::asText).containsExactly("openid", "vehicle_device_data");
        assertThat(user.get("sign_in_required").asBoolean()).isFalse();
        assertThat(user.at("/subscription/active").asBoolean()).isTrue();
        assertThat(user.at("/subscription/active_until").asText()).isEqualTo("2099-01-01T00:00:00Z");
        assertThat(user.at("/subscription/vins")).extracting(JsonNode::asText).containsExactly(NA_VIN);
        assertThat(user.get("gateway_token_names")).extracting(JsonNode::asText).containsExactly("dashboard", "dispatch");
        assertThat(user.get("token_name").asText()).isEqualTo("dashboard");
        assertThat(user.at("/credits/budget").asLong()).isEqualTo(5000);
        assertThat(user.at("/credits/period").asText()).isEqualTo("day");
        assertThat(user.at("/credits/spent").asLong()).isZero();
        Instant today = Instant.now().atOffset(ZoneOffset.UTC).toLocalDate().atStartOfDay().toInstant(ZoneOffset.UTC);
        assertThat(user.at("/credits/period_start").asText()).isEqualTo(today.toString());
        assertThat(user.at("/credits/renews_at").asText()).isEqualTo(today.plus(Duration.ofDays(1)).toString());
    }

    @Test
    void userdataNeverNamesATokenAfterItsValue() throws IOException {
        HttpResponse<byte[]> answer = harness.get("/api/userdata", BUDGETED_LAZY_TOKEN);

        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(new String(answer.body(), StandardCharsets.UTF_8)).doesNotContain(BUDGETED_LAZY_TOKEN);
        JsonNode user = JSON.readTree(answer.body()).get("response");
        assertThat(user.get("token_name").isNull()).isTrue();
        assertThat(user.get("gateway_token_names")).extracting(JsonNode::asText).containsExactly("dashboard", "dispatch");
        // and a caller with another token of the account does not learn it either
        assertThat(new String(harness.get("/api/userdata", BUDGETED_TOKEN).body(), StandardCharsets.UTF_8))
                .doesNotContain(BUDGETED_LAZY_TOKEN);
    }

    @Test
    void userdataWithoutABudgetCountsTheMonthsSpending() throws IOException {
        // a read first, so this month has spending
        assertThat(harness.get("/api/1/vehicles/" + NA_VIN + "/vehicle_data", NO_LOCATION.gatewayToken()).statusCode()).isEqualTo(200);
        String raw = new String(harness.get("/api/userdata?token=" + NO_LOCATION.gatewayToken(), null).body(), StandardCharsets.UTF_8);
        assertThat(raw).doesNotContain(NO_LOCATION.gatewayToken()).doesNotContain(ALICE.teslaToken());
        JsonNode credits = JSON.readTree(raw).at("/response/credits");
        assertThat(credits.get("budget").isNull()).isTrue();
        assertThat(credits.get("period").asText()).isEqualTo("month");
        assertThat(credits.get("period_start").asText())
                .isEqualTo(YearMonth.now(ZoneOffset.UTC).atDay(1).atStartOfDay().toInstant(ZoneOffset.UTC).toString());
        assertThat(credits.get("spent").asLong()).as("this replica counts its own events at once").isGreaterThanOrEqualTo(2);
        assertError(harness.get("/api/userdata", null), 401, "missing_token");
        assertError(harness.get("/api/userdata", "gw-nobody"), 401, "invalid_token");
    }
}
