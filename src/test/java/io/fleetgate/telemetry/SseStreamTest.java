package io.fleetgate.telemetry;

import static io.fleetgate.telemetry.TeslemetryShapesTest.datum;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fleetgate.telemetry.proto.VehicleAlertsProto.Audience;
import io.fleetgate.telemetry.proto.VehicleAlertsProto.VehicleAlert;
import io.fleetgate.telemetry.proto.VehicleAlertsProto.VehicleAlerts;
import io.fleetgate.telemetry.proto.VehicleConnectivityProto.ConnectivityEvent;
import io.fleetgate.telemetry.proto.VehicleConnectivityProto.VehicleConnectivity;
import io.fleetgate.telemetry.proto.VehicleData;
import io.fleetgate.telemetry.proto.VehicleData.Field;
import io.fleetgate.telemetry.proto.VehicleData.Payload;
import io.fleetgate.telemetry.proto.VehicleData.Value;
import io.fleetgate.testing.GatewayHarness;
import io.fleetgate.testing.GatewayPerClass;
import io.fleetgate.testing.TestAccount;
import io.fleetgate.testing.TestFleet;
import io.fleetgate.testing.TopicRecords;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * GET /sse and /sse/{vin} over real HTTP on loopback, fed by fleet-telemetry records written to
 * the embedded broker as fleet-telemetry writes them: the last values first, then live events;
 * topics=, cache=, keep-alive, Last-Event-ID, location scope and the refusals before a stream.
 * Each test has vehicles of its own, so the tests share one gateway.
 */
class SseStreamTest {
    static final Duration WAIT = Duration.ofSeconds(15);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> ALL = TestAccount.ALL_SCOPES;

    // partitions of fleetgate.vehicle-events.v1 (12): 200001 is on 3, 200002 on 4
    static final String SNAPSHOT_VIN = "5YJ3E1EA7KF200001";
    static final String RESUME_VIN = "5YJ3E1EA7KF200002";
    static final String TOPICS_VIN = "5YJ3E1EA7KF200003";
    static final String LOCATION_VIN = "5YJ3E1EA7KF200004";
    static final String QUIET_VIN = "5YJ3E1EA7KF200005";

    static final TestAccount STREAMER = account("streamer", ALL, null, SNAPSHOT_VIN, RESUME_VIN);
    static final TestAccount TOPICS = account("topics", ALL, null, TOPICS_VIN, QUIET_VIN);
    static final TestAccount NO_LOCATION = account("no-location", List.of("vehicle_device_data"), null, LOCATION_VIN);
    static final TestAccount WITH_LOCATION = account("with-location", ALL, null, LOCATION_VIN);
    static final TestAccount NO_DATA_SCOPE = account("no-data-scope", List.of("user_data", "vehicle_cmds"), null, QUIET_VIN);
    static final TestAccount LAPSED = account("lapsed", ALL, "2020-01-01T00:00:00Z", QUIET_VIN);
    /** Alice's simulated vehicle, with a budget of 1 credit a day that one data request (2) spends. */
    static final TestAccount BROKE = new TestAccount("broke", "na", TestFleet.ALICE.teslaToken(), "gw-broke", ALL,
            List.of(TestFleet.NA_VIN), List.of(), null);

    @RegisterExtension
    static final GatewayPerClass GATEWAY = new GatewayPerClass(() -> GatewayHarness.builder()
            .accounts(STREAMER, TOPICS, NO_LOCATION, WITH_LOCATION, NO_DATA_SCOPE, LAPSED)
            .accountYaml(BROKE.yaml() + "    credit-budget: {credits: 1, period: day}\n")
            .setting("fleetgate.stream.keep-alive-ms", "400")
            .declaredPartitions() // the events topic's 12: resume ids name several partitions
            .start());

    static TestAccount account(String id, List<String> scopes, String activeUntil, String... vins) {
        return new TestAccount(id, "na", "tesla-token-" + id, "gw-" + id, scopes, List.of(vins), List.of(), activeUntil);
    }

    private static int port() {
        return Integer.parseInt(GATEWAY.harness().settings().get("camel.server.port"));
    }

    static void sendData(GatewayHarness harness, String vin, VehicleData.Datum... data) {
        try (FleetTelemetryTopics fleetTelemetry = new FleetTelemetryTopics(harness.kafkaBootstrapServers())) {
            fleetTelemetry.send(RecordType.DATA, vin, Payload.newBuilder().setVin(vin).addAllData(List.of(data)).build().toByteArray());
        }
    }

    static VehicleData.Datum battery(double level) {
        return datum(Field.BatteryLevel, Value.newBuilder().setDoubleValue(level));
    }

    static VehicleData.Datum name(String text) {
        return datum(Field.VehicleName, Value.newBuilder().setStringValue(text));
    }

    private static VehicleData.Datum location() {
        return datum(Field.Location, Value.newBuilder().setLocationValue(
                VehicleData.LocationValue.newBuilder().setLatitude(37.4419).setLongitude(-122.143)));
    }

    private static LastValues lastValues() {
        return GATEWAY.harness().gateway().context().getRegistry().lookupByNameAndType("lastValues", LastValues.class);
    }

    private static void awaitLastValue(String vin, String key, String value) {
        Awaitility.await().atMost(WAIT).until(() -> lastValues().get(vin, key).map(v -> v.value().asText().equals(value)).orElse(false));
    }

    /**
     * Until the event feed has handed out the event that set the vehicle's last value of {@code key}:
     * a stream opened then starts after it. The last values and the feed read different topics, so
     * the value can be known while its event is still on its way to the feed (and would come live).
     */
    private static void awaitFeedPastLastValue(String vin, String key) {
        EventId event = lastValues().get(vin, key).orElseThrow().eventId();
        VehicleEventFeed feed = GATEWAY.harness().gateway().context().getRegistry().findSingleByType(VehicleEventFeed.class);
        Awaitility.await().atMost(WAIT).until(() -> {
            VehicleEventFeed.Started probe = feed.subscribeFromNow(java.util.Set.of(vin), e -> false, e -> { });
            try (VehicleEventFeed.Subscription subscription = probe.subscription()) {
                return probe.from().getOrDefault(event.partition(), 0L) > event.offset();
            }
        });
    }

    @Test
    void lastValuesComeFirstMarkedIsCacheThenLiveEvents() throws Exception {
        sendData(GATEWAY.harness(), SNAPSHOT_VIN, battery(80.5), name("Snapshot"));
        awaitLastValue(SNAPSHOT_VIN, "data.VehicleName", "Snapshot");

        try (SseClient client = SseClient.connect(port(), "/sse/" + SNAPSHOT_VIN, "gw-streamer")) {
            assertThat(client.status).isEqualTo(200);
            assertThat(client.headers.get("content-type")).startsWith("text/event-stream");
            List<SseClient.Event> cached = client.awaitEvents(2, WAIT);
            assertThat(cached).allSatisfy(e -> assertThat(e.json().path("isCache").asBoolean()).isTrue());
            assertThat(SseClient.values(cached, "BatteryLevel")).containsExactly("80.5");
            assertThat(SseClient.values(cached, "VehicleName")).containsExactly("Snapshot");
            // the cache's id is where the stream stands: the live events after it
            assertThat(cached).extracting(SseClient.Event::id).containsOnly(cached.get(0).id());

            sendData(GATEWAY.harness(), SNAPSHOT_VIN, battery(81.0));
            SseClient.Event live = client.awaitEvent(e -> !e.json().has("isCache"), WAIT);
            assertThat(live.json().path("data").toString()).isEqualTo("{\"BatteryLevel\":81.0}");
            assertThat(live.json().path("vin").asText()).isEqualTo(SNAPSHOT_VIN);
            assertThat(live.id()).matches("3-\\d+");
            assertThat(Long.parseLong(live.id().substring(2))).isGreaterThan(Long.parseLong(cached.get(0).id().substring(2)));
            // every event a single data: line with an id: before it, then a blank line
            List<String> lines = client.lines;
            for (int i = 0; i < lines.size(); i++) {
                if (lines.get(i).startsWith("data: ")) {
                    assertThat(lines.get(i - 1)).startsWith("id: ");
                    assertThat(lines.get(i + 1)).isEmpty();
                }
            }
        }
    }

    @Test
    void cacheFalseSendsOnlyLiveEvents() throws Exception {
        sendData(GATEWAY.harness(), SNAPSHOT_VIN, name("Known before"));
        awaitLastValue(SNAPSHOT_VIN, "data.VehicleName", "Known before");
        awaitFeedPastLastValue(SNAPSHOT_VIN, "data.VehicleName");
        try (SseClient client = SseClient.connect(port(), "/sse/" + SNAPSHOT_VIN + "?cache=false", "gw-streamer")) {
            Awaitility.await().atMost(WAIT).until(() -> client.comments.size() >= 2);
            sendData(GATEWAY.harness(), SNAPSHOT_VIN, name("Live only"));
            SseClient.Event first = client.awaitEvents(1, WAIT).get(0);
            assertThat(first.json().path("data").toString()).isEqualTo("{\"VehicleName\":\"Live only\"}");
            assertThat(first.json().has("isCache")).isFalse();
        }
    }

    @Test
    void topicsSelectTheKindsOfEventsSent() throws Exception {
        TopicRecords topics = new TopicRecords(GATEWAY.harness().kafkaBootstrapServers());
        try (SseClient client = SseClient.connect(port(), "/sse/" + TOPICS_VIN + "?topics=alerts,connectivity&cache=false", "gw-topics");
             FleetTelemetryTopics fleetTelemetry = new FleetTelemetryTopics(GATEWAY.harness().kafkaBootstrapServers())) {
            assertThat(client.status).isEqualTo(200);
            fleetTelemetry.send(RecordType.DATA, TOPICS_VIN, Payload.newBuilder().addData(name("Filtered out")).build().toByteArray());
            fleetTelemetry.send(RecordType.ALERTS, TOPICS_VIN, VehicleAlerts.newBuilder().setVin(TOPICS_VIN)
                    .addAlerts(VehicleAlert.newBuilder().setName("Custom_BrakeFluidLow").addAudiences(Audience.Customer)).build().toByteArray());
            fleetTelemetry.send(RecordType.CONNECTIVITY, TOPICS_VIN, VehicleConnectivity.newBuilder().setVin(TOPICS_VIN)
                    .setConnectionId("c-1").setStatus(ConnectivityEvent.CONNECTED).setNetworkInterface("wifi").build().toByteArray());

            List<SseClient.Event> events = client.awaitEvents(2, WAIT);
            // the data event was published too, and not sent
            topics.await("fleetgate.vehicle-events.v1", r -> r.value().contains("Filtered out"), 1, WAIT);
            TopicRecords.settle();
            assertThat(client.events()).hasSize(2);
            assertThat(events.get(0).json().path("alerts").get(0).path("name").asText()).isEqualTo("Custom_BrakeFluidLow");
            assertThat(events.get(1).json().path("status").asText()).isEqualTo("CONNECTED");
        }
    }

    @Test
    void anEmptyOrUnknownTopicOrCacheValueIs400BeforeTheStream() throws Exception {
        for (String query : List.of("topics=", "topics=data,", "topics=data,bogus", "topics=DATA", "cache=maybe")) {
            try (SseClient client = SseClient.connect(port(), "/sse?" + query, "gw-topics")) {
                assertThat(client.status).as(query).isEqualTo(400);
                assertEnvelope(client, "invalid_request");
            }
        }
        // Teslemetry names Fleetgate has no events for are accepted
        try (SseClient client = SseClient.connect(port(), "/sse?topics=vehicle_data,credits", "gw-topics")) {
            assertThat(client.status).isEqualTo(200);
        }
        try (SseClient client = SseClient.connect(port(), "/sse", Map.of("Authorization", "Bearer gw-topics", "Last-Event-ID", "3-x"))) {
            assertThat(client.status).isEqualTo(400);
            assertEnvelope(client, "invalid_request");
        }
    }

    @Test
    void aKeepAliveCommentComesWithinTheInterval() throws Exception {
        try (SseClient client = SseClient.connect(port(), "/sse/" + QUIET_VIN + "?cache=false", "gw-topics")) {
            long start = System.nanoTime();
            // every 400 ms: three within 3.5 s leaves a loaded host a second's stall, and is far below a
            // stream that only says something when an event comes
            Awaitility.await().atMost(Duration.ofMillis(2500)).until(() -> client.comments.contains(": keep-alive"));
            Awaitility.await().atMost(Duration.ofMillis(2500)).until(() -> client.comments.stream().filter(": keep-alive"::equals).count() >= 3);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(3500));
            assertThat(client.events()).isEmpty();
        }
    }

    @Test
    void lastEventIdResumesOneVehicleWithNoGapAndNoDuplicate() throws Exception {
        String lastSeen;
        try (SseClient client = SseClient.connect(port(), "/sse/" + RESUME_VIN + "?cache=false", "gw-streamer")) {
            Awaitility.await().atMost(WAIT).until(() -> !client.comments.isEmpty());
            sendData(GATEWAY.harness(), RESUME_VIN, battery(1));
            sendData(GATEWAY.harness(), RESUME_VIN, battery(2));
            List<SseClient.Event> seen = client.awaitEvents(2, WAIT);
            assertThat(SseClient.values(seen, "BatteryLevel")).containsExactly("1.0", "2.0");
            lastSeen = seen.get(1).id();
        }
        // while away
        sendData(GATEWAY.harness(), RESUME_VIN, battery(3));
        sendData(GATEWAY.harness(), RESUME_VIN, battery(4));
        awaitLastValue(RESUME_VIN, "data.BatteryLevel", "4.0");

        try (SseClient client = SseClient.connect(port(), "/sse/" + RESUME_VIN,
                Map.of("Authorization", "Bearer gw-streamer", "Last-Event-ID", lastSeen))) {
            assertThat(client.status).isEqualTo(200);
            client.awaitEvents(2, WAIT);
            sendData(GATEWAY.harness(), RESUME_VIN, battery(5));
            List<SseClient.Event> resumed = client.awaitEvents(3, WAIT);
            TopicRecords.settle();
            // what was missed, in order, then live; no last values (the client has them), nothing twice
            assertThat(SseClient.values(client.events(), "BatteryLevel")).containsExactly("3.0", "4.0", "5.0");
            assertThat(resumed).noneMatch(e -> e.json().has("isCache"));
            assertThat(resumed).extracting(SseClient.Event::id).doesNotHaveDuplicates().doesNotContain(lastSeen);
        }
    }

    @Test
    void lastEventIdResumesEveryVehicleOfSseWithNoGapAndNoDuplicate() throws Exception {
        String lastSeen;
        try (SseClient client = SseClient.connect(port(), "/sse?cache=false&token=gw-streamer", Map.of())) {
            assertThat(client.status).isEqualTo(200);
            Awaitility.await().atMost(WAIT).until(() -> !client.comments.isEmpty());
            sendData(GATEWAY.harness(), SNAPSHOT_VIN, name("all-1"));
            sendData(GATEWAY.harness(), RESUME_VIN, name("all-2"));
            List<SseClient.Event> seen = client.awaitEvents(2, WAIT);
            assertThat(SseClient.values(seen, "VehicleName")).containsExactly("all-1", "all-2");
            lastSeen = seen.get(1).id();
            // one position per partition of the account's vehicles (3 and 4)
            assertThat(lastSeen).matches("3-\\d+\\.4-\\d+");
        }
        sendData(GATEWAY.harness(), SNAPSHOT_VIN, name("all-3"));
        sendData(GATEWAY.harness(), RESUME_VIN, name("all-4"));
        sendData(GATEWAY.harness(), SNAPSHOT_VIN, name("all-5"));
        awaitLastValue(SNAPSHOT_VIN, "data.VehicleName", "all-5");

        try (SseClient client = SseClient.connect(port(), "/sse?token=gw-streamer", Map.of("Last-Event-ID", lastSeen))) {
            assertThat(client.status).isEqualTo(200);
            client.awaitEvents(3, WAIT);
            sendData(GATEWAY.harness(), RESUME_VIN, name("all-6"));
            client.awaitEvents(4, WAIT);
            TopicRecords.settle();
            List<SseClient.Event> resumed = client.events();
            assertThat(SseClient.values(resumed, "VehicleName")).containsExactlyInAnyOrder("all-3", "all-4", "all-5", "all-6");
            // per vehicle in order
            assertThat(SseClient.values(resumed.stream().filter(e -> e.json().path("vin").asText().equals(SNAPSHOT_VIN)).toList(),
                    "VehicleName")).containsExactly("all-3", "all-5");
            assertThat(resumed.get(3).id()).matches("3-\\d+\\.4-\\d+");
        }
    }

    @Test
    void locationFieldsOnlyWithTheVehicleLocationScope() throws Exception {
        sendData(GATEWAY.harness(), LOCATION_VIN, battery(55), location());
        awaitLastValue(LOCATION_VIN, "data.BatteryLevel", "55.0");
        Awaitility.await().atMost(WAIT).until(() -> lastValues().get(LOCATION_VIN, "data.Location").isPresent());

        try (SseClient without = SseClient.connect(port(), "/sse/" + LOCATION_VIN, "gw-no-location");
             SseClient with = SseClient.connect(port(), "/sse/" + LOCATION_VIN, "gw-with-location")) {
            assertThat(with.awaitEvents(2, WAIT)).anyMatch(e -> e.json().path("data").has("Location"));
            List<SseClient.Event> cached = without.awaitEvents(1, WAIT);
            sendData(GATEWAY.harness(), LOCATION_VIN, battery(56), location());
            sendData(GATEWAY.harness(), LOCATION_VIN, location());
            sendData(GATEWAY.harness(), LOCATION_VIN, battery(57));
            with.awaitEvents(5, WAIT);
            without.awaitEvents(3, WAIT);
            TopicRecords.settle();
            assertThat(cached.get(0).json().path("data").toString()).isEqualTo("{\"BatteryLevel\":55.0}");
            // the location stripped from the data event; the event of nothing but a location not sent at all
            assertThat(without.events()).extracting(e -> e.json().path("data").toString())
                    .containsExactly("{\"BatteryLevel\":55.0}", "{\"BatteryLevel\":56.0}", "{\"BatteryLevel\":57.0}");
            assertThat(with.events()).filteredOn(e -> !e.json().has("isCache")).extracting(e -> e.json().path("data").toString())
                    .containsExactly("{\"BatteryLevel\":56.0,\"Location\":{\"latitude\":37.4419,\"longitude\":-122.143}}",
                            "{\"Location\":{\"latitude\":37.4419,\"longitude\":-122.143}}", "{\"BatteryLevel\":57.0}");
        }
    }

    @Test
    void theConsolesStreamShowsAVehicleAsItsAccountSeesItForTheAdminTokenAndChargesNothing() throws Exception {
        // the last values may hold the 61 before the event feed has handed it on, and a stream opened
        // in between gets it live, not cached (a value comes once): wait until a stream has had it live
        try (SseClient probe = SseClient.connect(port(), "/sse/" + LOCATION_VIN + "?cache=false", "gw-with-location")) {
            sendData(GATEWAY.harness(), LOCATION_VIN, battery(61), location());
            probe.awaitEvent(e -> e.json().path("data").path("BatteryLevel").asDouble() == 61.0, WAIT);
        }
        awaitLastValue(LOCATION_VIN, "data.BatteryLevel", "61.0");
        String target = "/admin/vehicles/" + LOCATION_VIN + "/sse";
        Map<String, String> admin = Map.of("Authorization", "Bearer " + GatewayHarness.ADMIN_TOKEN);
        // the first account by id that has the vehicle is no-location: its stream holds no location
        try (SseClient console = SseClient.connect(port(), target, admin)) {
            assertThat(console.status).isEqualTo(200);
            assertThat(console.headers.get("content-type")).startsWith("text/event-stream");
            SseClient.Event cached = console.awaitEvent(e -> e.json().path("data").has("BatteryLevel"), WAIT);
            assertThat(cached.json().path("isCache").asBoolean()).isTrue();
            sendData(GATEWAY.harness(), LOCATION_VIN, battery(62), location());
            SseClient.Event live = console.awaitEvent(e -> !e.json().has("isCache") && e.json().path("data").has("BatteryLevel"), WAIT);
            assertThat(live.json().path("data").toString()).isEqualTo("{\"BatteryLevel\":62.0}");
            assertThat(console.events()).noneMatch(e -> e.json().path("data").has("Location"));
        }
        // the admin token in the header only; a gateway token, even the account's, never opens it
        try (SseClient none = SseClient.connect(port(), target, (String) null);
             SseClient query = SseClient.connect(port(), target + "?token=" + GatewayHarness.ADMIN_TOKEN, Map.of());
             SseClient gateway = SseClient.connect(port(), target, "gw-no-location");
             SseClient unknown = SseClient.connect(port(), "/admin/vehicles/5YJ3E1EA7KF299999/sse", admin);
             SseClient malformed = SseClient.connect(port(), "/admin/vehicles/not-a-vin/sse", admin)) {
            assertThat(List.of(none.status, query.status, gateway.status, unknown.status, malformed.status))
                    .containsExactly(401, 401, 401, 404, 400);
            assertEnvelope(none, "missing_token");
            assertEnvelope(query, "missing_token");
            assertEnvelope(gateway, "invalid_token");
            assertEnvelope(unknown, "not_found");
            assertEnvelope(malformed, "invalid_request");
        }
        // what the console watched is not the account's traffic: its own stream is metered, the console's is not
        try (SseClient own = SseClient.connect(port(), "/sse/" + LOCATION_VIN, "gw-no-location")) {
            own.awaitEvents(1, WAIT);
        }
        Awaitility.await().atMost(WAIT).until(() -> usageEndpoints("no-location").contains("GET /sse/{vin}"));
        assertThat(usageEndpoints("no-location")).noneMatch(endpoint -> endpoint.contains("/admin/"));
    }

    private static List<String> usageEndpoints(String account) throws Exception {
        return JSON.readTree(GATEWAY.harness().get("/admin/accounts/" + account + "/usage", GatewayHarness.ADMIN_TOKEN).body())
                .path("response").path("by_endpoint").findValuesAsText("endpoint");
    }

    @Test
    void refusalsComeInTheEnvelopeBeforeTheStream() throws Exception {
        assertRefused("/sse", null, 401, "missing_token");
        assertRefused("/sse?token=nope", null, 401, "invalid_token");
        assertRefused("/sse", "nope", 401, "invalid_token");
        assertRefused("/sse", "gw-lapsed", 402, "subscription_required");
        assertRefused("/sse/" + QUIET_VIN, "gw-streamer", 402, "vehicle_subscription_required");
        assertRefused("/sse/not-a-vin", "gw-streamer", 400, "invalid_request");
        assertRefused("/sse", "gw-no-data-scope", 403, "invalid_scope");
        assertThat(GATEWAY.harness().get("/api/1/vehicles/" + TestFleet.NA_VIN + "/vehicle_data", "gw-broke").statusCode()).isEqualTo(200);
        assertRefused("/sse", "gw-broke", 402, "insufficient_credits");
        assertRefused("/sse/" + QUIET_VIN + "?token=gw-no-data-scope", null, 403, "invalid_scope");
        // the token either way opens the stream
        try (SseClient query = SseClient.connect(port(), "/sse/" + QUIET_VIN + "?token=gw-topics", Map.of());
             SseClient bearer = SseClient.connect(port(), "/sse/" + QUIET_VIN, "gw-topics")) {
            assertThat(query.status).isEqualTo(200);
            assertThat(bearer.status).isEqualTo(200);
            assertThat(bearer.headers.get("x-region")).isEqualTo("na");
        }
    }

    private static void assertRefused(String target, String bearer, int status, String error) throws Exception {
        try (SseClient client = SseClient.connect(port(), target, bearer)) {
            assertThat(client.status).as(target).isEqualTo(status);
            assertEnvelope(client, error);
        }
    }

    static void assertEnvelope(SseClient client, String error) throws Exception {
        assertThat(client.headers.get("content-type")).startsWith("application/json");
        JsonNode body = JSON.readTree(client.body);
        assertThat(body.has("response")).isTrue();
        assertThat(body.get("response").isNull()).isTrue();
        assertThat(body.path("error").asText()).isEqualTo(error);
        assertThat(body.path("error_description").asText()).isNotBlank();
    }
}
