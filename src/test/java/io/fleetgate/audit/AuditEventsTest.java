package io.fleetgate.audit;

import static io.fleetgate.testing.TestFleet.ALICE;
import static io.fleetgate.testing.TestFleet.BERND;
import static io.fleetgate.testing.TestFleet.CHEN;
import static io.fleetgate.testing.TestFleet.EU_VIN;
import static io.fleetgate.testing.TestFleet.NA_SITE;
import static io.fleetgate.testing.TestFleet.NA_VIN;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fleetgate.ingress.EndpointClass;
import io.fleetgate.ingress.ExchangeKeys;
import io.fleetgate.testing.GatewayHarness;
import io.fleetgate.testing.SimControl;
import io.fleetgate.testing.TestAccount;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangePattern;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** CONTRACT sections 7 and 8: one event per request on fleetgate.audit.v1, with its credits, never a token. */
class AuditEventsTest {
    /** Bernd's Tesla account, recorded in Fleetgate as NA: upstream answers 421 once. */
    private static final TestAccount MOVED = new TestAccount("moved", "na", BERND.teslaToken(), "gw-moved",
            TestAccount.ALL_SCOPES, List.of(EU_VIN), List.of(), null);
    private static final List<TestAccount> ACCOUNTS = List.of(ALICE, BERND, CHEN, MOVED);

    private static GatewayHarness harness;
    private static AuditTopic topic;

    @BeforeAll
    static void start() {
        harness = GatewayHarness.builder().accounts(ACCOUNTS.toArray(TestAccount[]::new)).start();
        topic = new AuditTopic(harness.gateway().kafkaBootstrapServers());
    }

    @AfterAll
    static void stop() {
        harness.close();
    }

    @Test
    void aReadYieldsOneEventSayingWhoAskedWhatAndWhatItCost() {
        Instant before = Instant.now();
        HttpResponse<byte[]> response = get("/api/1/vehicles/" + NA_VIN + "/vehicle_data", ALICE.gatewayToken(),
                "python tesla_fleet_api 1.0");
        assertThat(response.statusCode()).isEqualTo(200);

        JsonNode event = topic.awaitOne(library("python tesla_fleet_api 1.0"));
        assertThat(UUID.fromString(event.get("event_id").asText())).isNotNull();
        assertThat(Instant.parse(event.get("time").asText())).isBetween(before.minusSeconds(1), Instant.now());
        assertThat(event.get("account_id").asText()).isEqualTo("alice");
        assertThat(event.get("token_name").asText()).as("the token's name, never its value").isEqualTo("alice-token");
        assertThat(event.get("client_ip").asText()).isEqualTo("127.0.0.1");
        assertThat(event.get("method").asText()).isEqualTo("GET");
        assertThat(event.get("path_template").asText()).isEqualTo("/api/1/vehicles/{vin}/vehicle_data");
        assertThat(event.get("endpoint_class").asText()).isEqualTo("vehicle_read");
        assertThat(event.get("vin").asText()).isEqualTo(NA_VIN);
        assertThat(event.get("energy_site_id").isNull()).isTrue();
        assertThat(event.get("command").isNull()).isTrue();
        assertThat(event.get("command_id").isNull()).isTrue();
        assertThat(event.get("status").asInt()).isEqualTo(200);
        assertThat(event.get("attempts").asInt()).isEqualTo(1);
        assertThat(event.get("woke_vehicle").asBoolean()).isFalse();
        assertThat(event.get("credits").asInt()).isEqualTo(2);
        assertThat(event.get("latency_ms").asLong()).isGreaterThanOrEqualTo(0);
        assertThat(event.get("region").asText()).isEqualTo("na");
        assertThat(event.get("source").asText()).isEqualTo("rest");

        // exactly one: nothing else for this request turns up later
        assertThat(topic.settled(Duration.ofSeconds(1), library("python tesla_fleet_api 1.0"))).hasSize(1);
        assertThat(recordsOf(event.get("event_id").asText())).extracting(ConsumerRecord::key).containsExactly("alice");
    }

    @Test
    void aRequestWithoutTokenIsRecordedAnonymouslyAndChargesNothing() {
        assertThat(get("/api/1/vehicles/" + NA_VIN, null, "audit-test no-token").statusCode()).isEqualTo(401);

        JsonNode event = topic.awaitOne(library("audit-test no-token"));
        assertThat(event.get("status").asInt()).isEqualTo(401);
        assertThat(event.get("token_name").isNull()).isTrue();
        assertThat(event.get("credits").asInt()).isZero();
        assertThat(event.get("attempts").asInt()).isZero();
        assertThat(event.get("account_id").isNull()).isTrue();
        assertThat(recordsOf(event.get("event_id").asText())).extracting(ConsumerRecord::key).containsExactly("anonymous");
    }

    @Test
    void anUnknownPathIsRecordedWithoutTemplateAndChargesNothing() {
        assertThat(get("/api/1/no_such_endpoint", ALICE.gatewayToken(), "audit-test unknown-path").statusCode()).isEqualTo(404);

        JsonNode event = topic.awaitOne(library("audit-test unknown-path"));
        assertThat(event.get("status").asInt()).isEqualTo(404);
        assertThat(event.get("credits").asInt()).isZero();
        assertThat(event.get("attempts").asInt()).isZero();
        assertThat(event.get("path_template").isNull()).isTrue();
        assertThat(event.get("account_id").asText()).isEqualTo("alice");
    }

    @Test
    void anEnergyReadCarriesItsSiteId() {
        assertThat(get("/api/1/energy_sites/" + NA_SITE + "/live_status", ALICE.gatewayToken(), "audit-test energy")
                .statusCode()).isEqualTo(200);

        JsonNode event = topic.awaitOne(library("audit-test energy"));
        assertThat(event.get("energy_site_id").asLong()).isEqualTo(NA_SITE);
        assertThat(event.get("vin").isNull()).isTrue();
        assertThat(event.get("endpoint_class").asText()).isEqualTo("energy_read");
        assertThat(event.get("path_template").asText()).isEqualTo("/api/1/energy_sites/{site}/live_status");
        assertThat(event.get("credits").asInt()).isEqualTo(2);
    }

    @Test
    void a421ReRouteCountsAndChargesBothUpstreamCalls() {
        assertThat(get("/api/1/vehicles/" + EU_VIN + "/vehicle_data", MOVED.gatewayToken(), "audit-test re-route")
                .statusCode()).isEqualTo(200);

        JsonNode event = topic.awaitOne(library("audit-test re-route"));
        assertThat(event.get("status").asInt()).isEqualTo(200);
        assertThat(event.get("attempts").asInt()).isEqualTo(2);
        assertThat(event.get("credits").asInt()).isEqualTo(4);
        assertThat(event.get("region").asText()).isEqualTo("eu");
    }

    @Test
    void anUpstream5xxIsNotCharged() {
        new SimControl(harness.simulator()).script("""
                {"vin":"%s","path":"/recent_alerts","responses":[{"status":503}]}
                """.formatted(NA_VIN));
        assertThat(get("/api/1/vehicles/" + NA_VIN + "/recent_alerts", ALICE.gatewayToken(), "audit-test 5xx")
                .statusCode()).isEqualTo(503);

        JsonNode event = topic.awaitOne(library("audit-test 5xx"));
        assertThat(event.get("status").asInt()).isEqualTo(503);
        assertThat(event.get("attempts").asInt()).isEqualTo(1);
        assertThat(event.get("credits").asInt()).isZero();
    }

    @Test
    void noGatewayOrTeslaTokenEverReachesTheAuditTopic() {
        String library = "audit-test tokens";
        List<Integer> statuses = new ArrayList<>();
        statuses.add(get("/api/1/vehicles/" + NA_VIN + "/vehicle_data?token=" + ALICE.gatewayToken() + "&endpoints=charge_state",
                null, library).statusCode());
        statuses.add(get("/api/1/vehicles?token=" + CHEN.gatewayToken(), null, library).statusCode());
        statuses.add(get("/api/1/vehicles/" + EU_VIN, BERND.gatewayToken(), library).statusCode());
        statuses.add(get("/api/1/vehicles/" + EU_VIN + "?token=" + MOVED.gatewayToken(), null, library).statusCode());
        statuses.add(get("/api/1/no_such_endpoint?token=" + ALICE.gatewayToken(), null, library).statusCode());
        statuses.add(get("/api/1/vehicles?token=not-a-gateway-token-4711", null, library).statusCode());
        statuses.add(get("/api/1/vehicles", "bearer-not-a-gateway-token-4712", library).statusCode());
        assertThat(statuses).containsExactly(200, 200, 200, 200, 404, 401, 401);
        topic.await(statuses.size(), library(library));

        List<String> secrets = new ArrayList<>(List.of("not-a-gateway-token-4711", "bearer-not-a-gateway-token-4712"));
        ACCOUNTS.forEach(a -> {
            secrets.add(a.gatewayToken());
            secrets.add(a.teslaToken());
        });
        List<ConsumerRecord<String, byte[]>> all = topic.readUntil(records -> false, Duration.ofSeconds(1));
        assertThat(all).hasSizeGreaterThanOrEqualTo(statuses.size());
        for (ConsumerRecord<String, byte[]> record : all) {
            StringBuilder everything = new StringBuilder(String.valueOf(record.key()))
                    .append(new String(record.value(), StandardCharsets.UTF_8));
            for (Header header : record.headers()) {
                everything.append(header.key()).append(new String(header.value(), StandardCharsets.UTF_8));
            }
            assertThat(everything.toString()).as("an audit record").doesNotContain(secrets).doesNotContain("token=");
        }
    }

    @Test
    void aRequestThatBecameACommandRecordIsLeftToTheCommandStage() {
        ProducerTemplate template = harness.gateway().context().createProducerTemplate();
        template.send("direct:audit-request", ExchangePattern.InOut, exchange -> {
            exchange.setProperty(ExchangeKeys.CLIENT_LIBRARY, "audit-test command-record");
            exchange.setProperty(ExchangeKeys.COMMAND_ID, "cmd-7");
        });
        template.send("direct:audit-request", ExchangePattern.InOut, exchange ->
                exchange.setProperty(ExchangeKeys.CLIENT_LIBRARY, "audit-test no-command-record"));

        // both events would share the key "anonymous", so one partition: the second comes after the first
        topic.awaitOne(library("audit-test no-command-record"));
        assertThat(topic.settled(Duration.ofMillis(500), library("audit-test command-record"))).isEmpty();
    }

    @Test
    void aReadyEventOfTheCommandStageIsPublishedUnderItsAccount() {
        AuditEvent fromLane = AuditEvent.builder(UUID.randomUUID(), Instant.parse("2026-11-26T18:00:00Z"), AuditEvent.Source.KAFKA)
                .accountId("alice").clientLibrary("audit-test command-stage").method("POST")
                .pathTemplate("/api/1/vehicles/{vin}/command/{command}").endpointClass(EndpointClass.VEHICLE_COMMAND)
                .vin(NA_VIN).command("door_lock").commandId("cmd-42").status(200).attempts(3).wokeVehicle(true)
                .credits(21).latencyMs(31_000).region("na").build();
        AuditOutbox outbox = harness.gateway().context().getRegistry().lookupByNameAndType("auditOutbox", AuditOutbox.class);
        AuditEvent offered = AuditEvent.builder(UUID.randomUUID(), Instant.parse("2026-11-26T18:00:01Z"), AuditEvent.Source.KAFKA)
                .accountId("bernd").clientLibrary("audit-test command-stage").status(408).build();

        harness.gateway().context().createProducerTemplate().sendBody("direct:audit-event", fromLane);
        assertThat(outbox.offer(offered)).isTrue();

        topic.await(2, library("audit-test command-stage"));
        List<JsonNode> events = topic.settled(AuditTopic.SETTLE, library("audit-test command-stage"));
        assertThat(events).extracting(e -> e.get("event_id").asText())
                .containsExactlyInAnyOrder(fromLane.eventId().toString(), offered.eventId().toString());
        JsonNode lane = events.stream().filter(e -> e.get("command_id").asText().equals("cmd-42")).findFirst().orElseThrow();
        assertThat(lane.get("source").asText()).isEqualTo("kafka");
        assertThat(lane.get("command").asText()).isEqualTo("door_lock");
        assertThat(lane.get("woke_vehicle").asBoolean()).isTrue();
        assertThat(lane.get("credits").asInt()).isEqualTo(21);
        assertThat(lane.get("attempts").asInt()).isEqualTo(3);
        assertThat(recordsOf(fromLane.eventId().toString())).extracting(ConsumerRecord::key).containsExactly("alice");
        assertThat(recordsOf(offered.eventId().toString())).extracting(ConsumerRecord::key).containsExactly("bernd");
    }

    @Test
    void aFailureWhileAuditingNeitherChangesNorStopsTheCallersAnswer() throws Exception {
        CamelContext context = harness.gateway().context();
        AuditFailures failures = context.getRegistry().lookupByNameAndType("auditFailures", AuditFailures.class);
        long failedBefore = failures.failedEvents().sum();
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:audit-test-caller").routeId("audit-test-caller")
                        .setBody(constant("the caller's answer"))
                        .setHeader(Exchange.HTTP_RESPONSE_CODE, constant(200))
                        // not a number: describing this request fails
                        .setProperty(ExchangeKeys.UPSTREAM_CALLS, constant("many"))
                        .to("direct:audit-request")
                        .setHeader("x-after-audit", constant("reached"));
            }
        });

        Exchange answered = context.createProducerTemplate().send("direct:audit-test-caller", ExchangePattern.InOut, e -> { });

        assertThat(answered.getException()).isNull();
        assertThat(answered.getMessage().getBody(String.class)).isEqualTo("the caller's answer");
        assertThat(answered.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class)).isEqualTo(200);
        assertThat(answered.getMessage().getHeader("x-after-audit", String.class)).isEqualTo("reached");
        assertThat(failures.failedEvents().sum()).isEqualTo(failedBefore + 1);
    }

    private static HttpResponse<byte[]> get(String pathAndQuery, String gatewayToken, String clientLibrary) {
        Map<String, String> headers = new HashMap<>();
        if (gatewayToken != null) {
            headers.putAll(GatewayHarness.bearer(gatewayToken));
        }
        headers.put("X-Library", clientLibrary);
        return harness.send("GET", pathAndQuery, headers, null);
    }

    private static Predicate<JsonNode> library(String clientLibrary) {
        return event -> clientLibrary.equals(event.path("client_library").asText(null));
    }

    private static List<ConsumerRecord<String, byte[]>> recordsOf(String eventId) {
        return topic.readUntil(records -> records.stream().anyMatch(r -> eventId(r).equals(eventId)), Duration.ofSeconds(10))
                .stream().filter(r -> eventId(r).equals(eventId)).toList();
    }

    private static String eventId(ConsumerRecord<String, byte[]> record) {
        return AuditTopic.json(record.value()).path("event_id").asText();
    }
}
