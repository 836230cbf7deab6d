package io.fleetgate.polling;

import static io.fleetgate.testing.TestFleet.ALICE;
import static io.fleetgate.testing.TestFleet.NA_VIN;
import static io.fleetgate.testing.TestFleet.NA_VIN_ASLEEP;
import static io.fleetgate.testing.TestFleet.NA_VIN_NOT_SUBSCRIBED;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fleetgate.sim.RecordedRequest;
import io.fleetgate.testing.GatewayHarness;
import io.fleetgate.testing.TestAccount;
import io.fleetgate.testing.TopicRecords;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Server-side polling over real HTTP, in front of the simulator: {@code /api/auto/{vin}} turns it
 * on and off; a Quartz schedule (every second here) reads vehicle_data of polled vehicles only
 * while they are online, publishes each read as a vehicle_data event and audits it; the setting
 * survives a restart of Fleetgate on the same Kafka.
 */
class ServerSidePollingTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final TestAccount NO_DATA = new TestAccount("no-data", "na", ALICE.teslaToken(), "gw-no-data",
            List.of("openid", "user_data"), List.of(NA_VIN), List.of(), null);
    private static final String BUDGETED_TOKEN = "gw-budgeted-poller";
    private static GatewayHarness harness;

    @BeforeAll
    static void start() {
        harness = GatewayHarness.builder().declaredPartitions().accounts(ALICE, NO_DATA)
                .accountYaml("""
                          - id: budgeted
                            region: na
                            tesla-access-token: %s
                            scopes: [openid, vehicle_device_data]
                            gateway-tokens:
                              - name: dashboard
                                sha256: %s
                            subscription:
                              active-until: 2099-01-01T00:00:00Z
                              vins: [%s]
                              energy-sites: []
                            credit-budget: {credits: 1, period: day}
                        """.formatted(ALICE.teslaToken(), io.fleetgate.account.GatewayToken.hash(BUDGETED_TOKEN), NA_VIN))
                .setting("fleetgate.polling.interval-ms", "1000")
                .start();
    }

    @AfterAll
    static void stop() {
        harness.close();
    }

    @BeforeEach
    void notPolled() {
        for (String vin : List.of(NA_VIN, NA_VIN_ASLEEP)) {
            send("DELETE", vin, ALICE.gatewayToken());
        }
        harness.simulator().fleet().putToSleep(NA_VIN_ASLEEP);
    }

    @Test
    void postTurnsPollingOnAndDeleteOffAsGetAndMetadataSay() throws IOException {
        assertThat(response(send("GET", NA_VIN, ALICE.gatewayToken()))).isFalse();

        HttpResponse<byte[]> on = send("POST", NA_VIN, ALICE.gatewayToken());
        assertThat(on.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(on.body())).isEqualTo(JSON.readTree("{\"response\":true}"));
        assertThat(on.headers().firstValue("x-region")).hasValue("na");
        assertThat(response(send("GET", NA_VIN, ALICE.gatewayToken()))).isTrue();
        JsonNode metadata = JSON.readTree(harness.get("/api/metadata", ALICE.gatewayToken()).body());
        assertThat(metadata.at("/vehicles/" + NA_VIN + "/polling").asBoolean()).isTrue();
        assertThat(metadata.at("/vehicles/" + NA_VIN_ASLEEP + "/polling").isBoolean()).isTrue();
        assertThat(metadata.at("/vehicles/" + NA_VIN_ASLEEP + "/polling").asBoolean()).isFalse();

        assertThat(response(send("DELETE", NA_VIN, ALICE.gatewayToken()))).isFalse();
        assertThat(response(send("GET", NA_VIN, ALICE.gatewayToken()))).isFalse();
    }

    @Test
    void aSettingJustWrittenStandsThoughTheReaderIsStillBehindIt() throws Exception {
        PollingSettings settings = harness.gateway().context().getRegistry().lookupByNameAndType("pollingSettings", PollingSettings.class);
        TopicRecords topics = new TopicRecords(harness.kafkaBootstrapServers());
        for (int round = 0; round < 20; round++) {
            // an older record the reader has not read yet when the newer setting is taken here
            topics.send("fleetgate.polling.v1", NA_VIN_ASLEEP,
                    "{\"vin\":\"%s\",\"account_id\":\"%s\",\"polling\":false}".formatted(NA_VIN_ASLEEP, ALICE.id()));
            settings.set(NA_VIN_ASLEEP, ALICE.id(), true, java.time.Instant.now());
            long until = System.nanoTime() + java.time.Duration.ofMillis(100).toNanos();
            while (System.nanoTime() < until) {
                assertThat(settings.isOn(NA_VIN_ASLEEP)).as("round %d: the setting written last", round).isTrue();
            }
        }
        settings.set(NA_VIN_ASLEEP, ALICE.id(), false, java.time.Instant.now());
    }

    @Test
    void refusalsComeInTheEnvelopeAndChangeNothing() throws IOException {
        assertError(send("POST", NA_VIN, null), 401, "missing_token");
        assertError(send("POST", NA_VIN, NO_DATA.gatewayToken()), 403, "invalid_scope");
        assertError(send("POST", NA_VIN_NOT_SUBSCRIBED, ALICE.gatewayToken()), 402, "vehicle_subscription_required");
        assertError(send("POST", "NOT-A-VIN", ALICE.gatewayToken()), 400, "invalid_request");
        assertThat(response(send("GET", NA_VIN, ALICE.gatewayToken()))).as("the refused POST changed nothing").isFalse();
    }

    @Test
    void pollsAnOnlineVehicleAtTheIntervalPublishesVehicleDataAndStopsWhenTurnedOff() throws Exception {
        TopicRecords topics = new TopicRecords(harness.kafkaBootstrapServers());
        Predicate<ConsumerRecord<String, String>> vehicleDataEvent = r -> NA_VIN.equals(r.key()) && r.value().startsWith("{\"vehicle_data\"");
        int eventsBefore = topics.all("fleetgate.vehicle-events.v1").stream().filter(vehicleDataEvent).toList().size();
        harness.simulator().clearRequests();

        assertThat(response(send("POST", NA_VIN, ALICE.gatewayToken()))).isTrue();
        Awaitility.await().atMost(WAIT).until(() -> vehicleDataReads(NA_VIN) >= 3);

        List<ConsumerRecord<String, String>> events = topics.await("fleetgate.vehicle-events.v1", vehicleDataEvent,
                eventsBefore + 3, WAIT);
        assertThat(events).hasSizeGreaterThanOrEqualTo(eventsBefore + 3);
        JsonNode event = JSON.readTree(events.getLast().value());
        assertThat(event.get("vin").asText()).isEqualTo(NA_VIN);
        assertThat(event.at("/vehicle_data/charge_state").isObject()).isTrue();
        // each poll: a state check, then the read; both data requests on the poll's audit event
        List<ConsumerRecord<String, String>> audited = topics.await("fleetgate.audit.v1",
                r -> r.value().contains("fleetgate-polling") && r.value().contains(NA_VIN), 3, WAIT);
        assertThat(audited).hasSizeGreaterThanOrEqualTo(3);
        JsonNode audit = JSON.readTree(audited.getFirst().value());
        assertThat(audit.get("account_id").asText()).isEqualTo("alice");
        assertThat(audit.get("path_template").asText()).isEqualTo("/api/auto/{vin}");
        assertThat(audit.get("credits").asInt()).as("two data requests").isEqualTo(4);
        // at the interval (1 s here), not faster: a late tick may run right after the one before it,
        // but n reads never fit in less than n - 2 intervals; and never a wake-up
        List<java.time.Instant> reads = harness.simulator().requests(NA_VIN).stream()
                .filter(r -> r.path().endsWith("/vehicle_data")).map(RecordedRequest::at).sorted().toList();
        assertThat(Duration.between(reads.getFirst(), reads.getLast()))
                .isGreaterThanOrEqualTo(Duration.ofSeconds(reads.size() - 2));
        assertThat(harness.simulator().requests(NA_VIN)).extracting(RecordedRequest::path).noneMatch(p -> p.endsWith("/wake_up"));

        assertThat(response(send("DELETE", NA_VIN, ALICE.gatewayToken()))).isFalse();
        Thread.sleep(3000); // a poll under way when it was turned off finishes
        long afterOff = vehicleDataReads(NA_VIN);
        Thread.sleep(3500);
        assertThat(vehicleDataReads(NA_VIN)).as("no read once turned off").isEqualTo(afterOff);
    }

    @Test
    void neverWakesASleepingVehicleAndPollsItOnceItIsOnline() throws Exception {
        harness.simulator().clearRequests();
        assertThat(response(send("POST", NA_VIN_ASLEEP, ALICE.gatewayToken()))).isTrue();

        // three ticks that found it asleep
        Awaitility.await().atMost(WAIT).until(() -> harness.simulator().requests(NA_VIN_ASLEEP).stream()
                .filter(r -> r.path().equals("/api/1/vehicles/" + NA_VIN_ASLEEP)).count() >= 3);
        assertThat(harness.simulator().requests(NA_VIN_ASLEEP)).extracting(RecordedRequest::path)
                .noneMatch(p -> p.endsWith("/wake_up")).noneMatch(p -> p.endsWith("/vehicle_data"));
        String metrics = new String(harness.httpClient().send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create(harness.managementUrl("/observe/metrics"))).build(),
                HttpResponse.BodyHandlers.ofByteArray()).body(), StandardCharsets.UTF_8);
        assertThat(metrics).containsPattern("fleetgate_polling_skipped_total\\{[^}]*state=\"asleep\"[^}]*\\} [1-9]");

        harness.simulator().fleet().bringOnline(NA_VIN_ASLEEP);
        Awaitility.await().atMost(WAIT).until(() -> vehicleDataReads(NA_VIN_ASLEEP) >= 1);
        assertThat(harness.simulator().requests(NA_VIN_ASLEEP)).extracting(RecordedRequest::path)
                .noneMatch(p -> p.endsWith("/wake_up"));
    }

    @Test
    void anAccountPastItsCreditBudgetIsNotPolled() throws Exception {
        harness.simulator().clearRequests();
        assertThat(response(send("POST", NA_VIN, BUDGETED_TOKEN))).isTrue();

        // the first poll spends 4 credits of a budget of 1; every later one is refused, at 0 credits
        List<ConsumerRecord<String, String>> refused = new TopicRecords(harness.kafkaBootstrapServers()).await("fleetgate.audit.v1",
                r -> r.value().contains("\"account_id\":\"budgeted\"") && r.value().contains("fleetgate-polling")
                        && r.value().contains("\"status\":402"), 2, WAIT);
        assertThat(refused).hasSizeGreaterThanOrEqualTo(2);
        assertThat(JSON.readTree(refused.getFirst().value()).get("credits").asInt()).isZero();
        assertThat(vehicleDataReads(NA_VIN)).as("only the poll within the budget read").isEqualTo(1);
        send("DELETE", NA_VIN, BUDGETED_TOKEN);
    }

    @Test
    void withTwoReplicasEachVehicleIsPolledByOne() throws Exception {
        Map<String, String> second = new java.util.HashMap<>(harness.settings());
        second.put("camel.main.name", "fleetgate-second");
        second.put("camel.server.port", String.valueOf(GatewayHarness.freePort()));
        second.put("camel.management.port", String.valueOf(GatewayHarness.freePort()));
        second.put("fleetgate.kafka.bootstrap-servers", harness.kafkaBootstrapServers());
        second.put("fleetgate.audit.journal-dir", harness.settings().get("fleetgate.audit.journal-dir") + "-second");
        second.put("fleetgate.usage.state-dir", harness.settings().get("fleetgate.usage.state-dir") + "-second");
        try (io.fleetgate.app.Fleetgate replica = new io.fleetgate.app.Fleetgate(second).start()) {
            PollingOwnership first = harness.gateway().context().getRegistry().lookupByNameAndType("pollingOwnership", PollingOwnership.class);
            PollingOwnership other = replica.context().getRegistry().lookupByNameAndType("pollingOwnership", PollingOwnership.class);
            // the group has settled: the six partitions shared, none held twice
            Awaitility.await().atMost(WAIT).until(() -> {
                java.util.Set<Integer> a = first.ownedPartitions();
                java.util.Set<Integer> b = other.ownedPartitions();
                return !a.isEmpty() && !b.isEmpty() && a.size() + b.size() == 6 && java.util.Collections.disjoint(a, b);
            });
            io.fleetgate.streamconfig.VehiclePoller firstPoller = harness.gateway().context().getRegistry()
                    .lookupByNameAndType("vehiclePoller", io.fleetgate.streamconfig.VehiclePoller.class);
            io.fleetgate.streamconfig.VehiclePoller otherPoller = replica.context().getRegistry()
                    .lookupByNameAndType("vehiclePoller", io.fleetgate.streamconfig.VehiclePoller.class);
            long firstBefore = firstPoller.polls();
            long otherBefore = otherPoller.polls();
            harness.simulator().clearRequests();

            assertThat(response(send("POST", NA_VIN, ALICE.gatewayToken()))).isTrue();
            Awaitility.await().atMost(WAIT).until(() -> vehicleDataReads(NA_VIN) >= 3
                    && firstPoller.polls() - firstBefore + otherPoller.polls() - otherBefore >= 3);
            send("DELETE", NA_VIN, ALICE.gatewayToken());

            boolean firstOwns = first.owns(NA_VIN);
            assertThat(other.owns(NA_VIN)).isNotEqualTo(firstOwns);
            long byFirst = firstPoller.polls() - firstBefore;
            long byOther = otherPoller.polls() - otherBefore;
            assertThat(firstOwns ? byOther : byFirst).as("the replica that does not own the VIN never polls it").isZero();
            assertThat(firstOwns ? byFirst : byOther).isGreaterThanOrEqualTo(3);
        }
    }

    @Test
    void pollingSurvivesARestartOfFleetgate() throws Exception {
        assertThat(response(send("POST", NA_VIN, ALICE.gatewayToken()))).isTrue();
        harness.restart();

        assertThat(response(send("GET", NA_VIN, ALICE.gatewayToken()))).as("read back from Kafka").isTrue();
        harness.simulator().clearRequests();
        Awaitility.await().atMost(WAIT).until(() -> vehicleDataReads(NA_VIN) >= 2);
    }

    private static long vehicleDataReads(String vin) {
        return harness.simulator().requests(vin).stream().filter(r -> r.path().endsWith("/vehicle_data")).count();
    }

    private static HttpResponse<byte[]> send(String method, String vin, String token) {
        return harness.send(method, "/api/auto/" + vin, token == null ? Map.of() : GatewayHarness.bearer(token), null);
    }

    private static boolean response(HttpResponse<byte[]> answer) throws IOException {
        assertThat(answer.statusCode()).as(new String(answer.body(), StandardCharsets.UTF_8)).isEqualTo(200);
        JsonNode body = JSON.readTree(answer.body());
        assertThat(body.get("response").isBoolean()).isTrue();
        return body.get("response").asBoolean();
    }

    private static void assertError(HttpResponse<byte[]> answer, int status, String error) throws IOException {
        assertThat(answer.statusCode()).as(new String(answer.body(), StandardCharsets.UTF_8)).isEqualTo(status);
        JsonNode body = JSON.readTree(answer.body());
        assertThat(body.get("response").isNull()).isTrue();
        assertThat(body.get("error").asText()).isEqualTo(error);
        assertThat(body.get("error_description").asText()).isNotBlank();
    }
}
