package io.fleetgate.telemetry.webhooks;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fleetgate.testing.AdminApi;
import io.fleetgate.testing.GatewayHarness;
import io.fleetgate.testing.ScrapedMetrics;
import io.fleetgate.testing.Tee;
import io.fleetgate.testing.TestFleet;
import io.fleetgate.testing.TopicRecords;
import io.vertx.core.Vertx;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Properties;
import java.util.function.Predicate;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringSerializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Webhooks end to end: endpoints added through the admin API, events written to
 * fleetgate.vehicle-events.v1 as the ingest writes them (key VIN, header fleetgate-event), and a
 * real HTTPS receiver on loopback with a self-signed certificate that Fleetgate trusts through
 * fleetgate.webhooks.trust-store. Loopback is allowed here (allow-private-addresses=true);
 * WebhookAddressesTest proves the default refuses it. Retries are shortened: 100 ms doubling to
 * 400 ms, an 8 s budget (an endpoint that comes up late must find its event still waiting on a slow host).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WebhooksTest {
    private static final String EVENTS = "fleetgate.vehicle-events.v1";
    private static final String DEAD_LETTERS = "fleetgate.webhook-dead-letters.v1";
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> SECRETS = new ArrayList<>();

    private static final ByteArrayOutputStream LOG = new ByteArrayOutputStream();
    private static PrintStream originalOut;
    private static PrintStream originalErr;
    private static Path dir;
    private static Vertx vertx;
    private static WebhookReceiver.Certificate certificate;
    private static WebhookReceiver receiver;
    private static GatewayHarness harness;
    private static KafkaProducer<String, String> producer;

    @BeforeAll
    static void start() throws Exception {
        originalOut = System.out;
        originalErr = System.err;
        System.setOut(new PrintStream(new Tee(LOG, originalOut), true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(new Tee(LOG, originalErr), true, StandardCharsets.UTF_8));
        dir = Files.createTempDirectory("webhooks-test");
        certificate = WebhookReceiver.Certificate.create(dir);
        vertx = Vertx.vertx();
        receiver = new WebhookReceiver(vertx, certificate).listen(0);
        harness = GatewayHarness.builder().accounts(TestFleet.ALICE, TestFleet.BERND)
                .setting("fleetgate.webhooks.allow-private-addresses", "true")
                .setting("fleetgate.webhooks.trust-store", certificate.pem().toString())
                .setting("fleetgate.webhooks.auto-offset-reset", "earliest")
                .setting("fleetgate.webhooks.initial-delay-ms", "100")
                .setting("fleetgate.webhooks.multiplier", "2")
                .setting("fleetgate.webhooks.max-delay-ms", "400")
                .setting("fleetgate.webhooks.budget-ms", "8000")
                .setting("fleetgate.webhooks.request-timeout-ms", "3000")
                .setting("fleetgate.webhooks.breaker-open-ms", "200")
                .setting("fleetgate.webhooks.metering-interval-ms", "300")
                .setting("fleetgate.audit.credits.signals-per-credit", "2")
                .start();
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, harness.kafkaBootstrapServers());
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        producer = new KafkaProducer<>(p);
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            if (producer != null) {
                producer.close();
            }
            if (harness != null) {
                harness.close();
            }
            if (receiver != null) {
                receiver.close();
            }
            if (vertx != null) {
                vertx.close().toCompletionStage().toCompletableFuture().get();
            }
        } finally {
            System.setOut(originalOut);
            System.setErr(originalErr);
            if (dir != null) {
                GatewayHarness.deleteQuietly(dir); // the receiver's certificate
            }
        }
    }

    /** An event as the ingest writes it; returns its id, {@code <partition>-<offset>}. */
    private static String event(String vin, String topic, String json) throws Exception {
        ProducerRecord<String, String> record = new ProducerRecord<>(EVENTS, vin, json);
        record.headers().add("fleetgate-event", topic.getBytes(StandardCharsets.UTF_8));
        RecordMetadata placed = producer.send(record).get();
        return placed.partition() + "-" + placed.offset();
    }

    private static String dataEvent(String vin, String marker, int seq) throws Exception {
        return event(vin, "data", "{\"data\":{\"VehicleName\":\"" + marker + "\",\"Odometer\":" + seq + "},"
                + "\"createdAt\":\"2026-12-03T16:00:00.000000000Z\",\"vin\":\"" + vin + "\"}");
    }

    /** Adds an endpoint for alice; returns its id. */
    private static String endpoint(String url, String secret, String topics, String vins) {
        SECRETS.add(secret);
        JsonNode created = AdminApi.expect(201, new AdminApi(harness).send("POST", "/admin/accounts/alice/webhooks",
                "{\"url\":\"" + url + "\",\"secret\":\"" + secret + "\",\"topics\":" + topics
                        + (vins == null ? "" : ",\"vins\":" + vins) + "}"));
        return created.path("id").asText();
    }

    private static String url(String path) {
        return "https://localhost:" + receiver.port() + path;
    }

    private static String hmac(String secret, byte[] body) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return "sha256=" + HexFormat.of().formatHex(mac.doFinal(body));
    }

    private static double metric(String name, String endpointId, String outcome) {
        return ScrapedMetrics.value(harness, name + "{account=\"alice\",endpoint=\"" + endpointId + "\""
                + (outcome == null ? "" : ",outcome=\"" + outcome + "\"") + "}");
    }

    @Test
    @Order(1)
    void signedEventsArriveInOrderPerVinThroughServerErrors() throws Exception {
        String secret = "ordered-secret-0123456789";
        String id = endpoint(url("/ordered"), secret, "[\"data\"]", "[\"" + TestFleet.NA_VIN + "\"]");
        // every third request fails: the failed event is retried before any later one goes out
        receiver.script("/ordered", n -> n % 3 == 0 ? 503 : 200);
        List<String> ids = new ArrayList<>();
        for (int seq = 1; seq <= 12; seq++) {
            ids.add(dataEvent(TestFleet.NA_VIN, "ordered", seq));
        }
        // neither another VIN nor another kind reaches this endpoint
        dataEvent(TestFleet.NA_VIN_ASLEEP, "ordered-other-vin", 99);
        event(TestFleet.NA_VIN, "alerts", "{\"alerts\":[{\"name\":\"ordered-alert\"}],\"vin\":\"" + TestFleet.NA_VIN + "\"}");

        Awaitility.await().atMost(WAIT).until(() -> receiver.at("/ordered").stream()
                .filter(r -> r.text().contains("\"ordered\"")).map(r -> r.header("X-Fleetgate-Event-Id")).distinct().count() == 12
                && metric("fleetgate_webhook_deliveries_total", id, "delivered") == 12);

        List<WebhookReceiver.Received> got = receiver.at("/ordered");
        List<String> firstSeen = got.stream().map(r -> r.header("X-Fleetgate-Event-Id")).distinct().toList();
        assertThat(firstSeen).containsExactlyElementsOf(ids);
        for (WebhookReceiver.Received r : got) {
            assertThat(r.header("X-Fleetgate-Signature")).isEqualTo(hmac(secret, r.body()));
            assertThat(r.header("Content-Type")).startsWith("application/json");
            JsonNode body = JSON.readTree(r.body());
            assertThat(body.path("vin").asText()).isEqualTo(TestFleet.NA_VIN);
            assertThat(ids.indexOf(r.header("X-Fleetgate-Event-Id")) + 1).isEqualTo(body.path("data").path("Odometer").asInt());
        }
        assertThat(got).noneMatch(r -> r.text().contains("ordered-other-vin") || r.text().contains("ordered-alert"));
        // a wrong secret would not verify
        assertThat(got.get(0).header("X-Fleetgate-Signature")).isNotEqualTo(hmac("another-secret-0123456789", got.get(0).body()));
        assertThat(metric("fleetgate_webhook_deliveries_total", id, "retried")).isGreaterThanOrEqualTo(4);
        assertThat(metric("fleetgate_webhook_last_status", id, null)).isEqualTo(200);
    }

    @Test
    @Order(2)
    void retriesThroughServerErrorsUntilDelivered() throws Exception {
        String id = endpoint(url("/flaky"), "flaky-secret-0123456789", "[\"alerts\"]", null);
        receiver.script("/flaky", n -> n <= 2 ? 503 : 200);
        String eventId = event(TestFleet.NA_VIN, "alerts", "{\"alerts\":[{\"name\":\"flaky-alert\"}],\"vin\":\"" + TestFleet.NA_VIN + "\"}");

        Awaitility.await().atMost(WAIT).until(() -> metric("fleetgate_webhook_deliveries_total", id, "delivered") == 1);

        List<WebhookReceiver.Received> got = receiver.at("/flaky");
        assertThat(got).hasSize(3).allSatisfy(r -> {
            assertThat(r.header("X-Fleetgate-Event-Id")).isEqualTo(eventId);
            assertThat(r.text()).contains("flaky-alert");
        });
        assertThat(metric("fleetgate_webhook_deliveries_total", id, "retried")).isEqualTo(2);
        assertThat(metric("fleetgate_webhook_deliveries_total", id, "dead_lettered")).isZero();
    }

    @Test
    @Order(3)
    void deliversOnceAnEndpointThatWasDownComesUp() throws Exception {
        int port = GatewayHarness.freePort();
        String id = endpoint("https://localhost:" + port + "/late", "late-secret-0123456789", "[\"data\"]",
                "[\"" + TestFleet.NA_VIN_ASLEEP + "\"]");
        String eventId = dataEvent(TestFleet.NA_VIN_ASLEEP, "late", 1);
        // nothing listens yet: attempts fail without an answer and are retried
        Awaitility.await().atMost(WAIT).until(() -> metric("fleetgate_webhook_deliveries_total", id, "retried") >= 2);
        assertThat(metric("fleetgate_webhook_last_status", id, null)).isZero();

        try (WebhookReceiver late = new WebhookReceiver(vertx, certificate).listen(port)) {
            Awaitility.await().atMost(WAIT).until(() -> !late.at("/late").isEmpty()
                    || metric("fleetgate_webhook_deliveries_total", id, "dead_lettered") > 0);
            assertThat(metric("fleetgate_webhook_deliveries_total", id, "dead_lettered")).as("the budget ran out first").isZero();
            assertThat(late.at("/late").get(0).header("X-Fleetgate-Event-Id")).isEqualTo(eventId);
            assertThat(late.at("/late").get(0).header("X-Fleetgate-Signature"))
                    .isEqualTo(hmac("late-secret-0123456789", late.at("/late").get(0).body()));
            Awaitility.await().atMost(WAIT).until(() -> metric("fleetgate_webhook_deliveries_total", id, "delivered") == 1);
        }
    }

    @Test
    @Order(4)
    void deadLettersAfterTheBudgetWithoutHoldingUpOtherEndpoints() throws Exception {
        String failing = endpoint(url("/broken"), "broken-secret-0123456789", "[\"errors\"]", null);
        String healthy = endpoint(url("/healthy"), "healthy-secret-0123456789", "[\"errors\"]", null);
        receiver.script("/broken", n -> 500);
        long sent = System.nanoTime();
        String eventId = event(TestFleet.NA_VIN, "errors", "{\"errors\":[{\"name\":\"dead-letter-error\"}],\"vin\":\"" + TestFleet.NA_VIN + "\"}");

        // the healthy endpoint has it long before the failing one's budget (8 s) runs out
        Awaitility.await().atMost(WAIT).until(() -> !receiver.at("/healthy").isEmpty());
        assertThat(Duration.ofNanos(System.nanoTime() - sent)).isLessThan(Duration.ofMillis(5000));
        assertThat(metric("fleetgate_webhook_deliveries_total", failing, "dead_lettered")).isZero();

        List<ConsumerRecord<String, String>> letters = new TopicRecords(harness.kafkaBootstrapServers())
                .await(DEAD_LETTERS, r -> r.key().equals("alice/" + failing), 1, WAIT);
        assertThat(letters).hasSize(1);
        JsonNode letter = JSON.readTree(letters.get(0).value());
        assertThat(letter.path("event_id").asText()).isEqualTo(eventId);
        assertThat(letter.path("endpoint_id").asText()).isEqualTo(failing);
        assertThat(letter.path("reason").asText()).endsWith("HTTP 500");
        assertThat(letter.path("attempts").asInt()).isGreaterThanOrEqualTo(3);
        assertThat(letter.path("event").path("errors").get(0).path("name").asText()).isEqualTo("dead-letter-error");
        assertThat(letters.get(0).value()).doesNotContain("broken-secret-0123456789");
        assertThat(metric("fleetgate_webhook_deliveries_total", failing, "dead_lettered")).isEqualTo(1);
        assertThat(metric("fleetgate_webhook_last_status", failing, null)).isEqualTo(500);
        assertThat(metric("fleetgate_webhook_deliveries_total", healthy, "delivered")).isEqualTo(1);
    }

    @Test
    @Order(5)
    void adminApiRefusesBadEndpointsAndNeverShowsTheSecret() throws Exception {
        AdminApi admin = new AdminApi(harness);
        String path = "/admin/accounts/alice/webhooks";
        // refused requests' secrets stay out of the logs too
        SECRETS.add("plain-secret-0123456789");
        SECRETS.add("long-enough-secret-01");
        JsonNode refused = AdminApi.json(admin.send("POST", path,
                "{\"url\":\"http://localhost/x\",\"secret\":\"plain-secret-0123456789\",\"topics\":[\"data\"]}"));
        assertThat(refused.path("error").asText()).isEqualTo("invalid_request");
        assertThat(refused.path("error_description").asText()).contains("https");
        assertThat(admin.send("POST", path, "{\"url\":\"" + url("/x") + "\",\"secret\":\"short\",\"topics\":[\"data\"]}").statusCode())
                .isEqualTo(400);
        assertThat(admin.send("POST", path, "{\"url\":\"" + url("/x") + "\",\"secret\":\"long-enough-secret-01\",\"topics\":[\"gps\"]}")
                .statusCode()).isEqualTo(400);
        assertThat(admin.send("POST", "/admin/accounts/nobody/webhooks",
                "{\"url\":\"" + url("/x") + "\",\"secret\":\"long-enough-secret-01\",\"topics\":[\"data\"]}").statusCode()).isEqualTo(404);

        String secret = "listed-secret-0123456789";
        SECRETS.add(secret);
        String created = new String(admin.send("POST", path, "{\"url\":\"" + url("/listed") + "\",\"secret\":\"" + secret
                + "\",\"topics\":[\"state\",\"data\"],\"vins\":[\"" + TestFleet.NA_VIN + "\"]}").body(), StandardCharsets.UTF_8);
        assertThat(created).doesNotContain(secret).contains("\"topics\":[\"data\",\"state\"]");
        String id = JSON.readTree(created).path("response").path("id").asText();
        String listed = new String(admin.send("GET", path, null).body(), StandardCharsets.UTF_8);
        assertThat(listed).contains(id, url("/listed")).doesNotContain(secret);
        assertThat(new String(admin.send("GET", "/admin/accounts/alice", null).body(), StandardCharsets.UTF_8)).doesNotContain(secret);
        // kept with the account on the accounts topic, the secret encrypted
        List<ConsumerRecord<String, String>> stored = new TopicRecords(harness.kafkaBootstrapServers())
                .await("fleetgate.accounts.v1", r -> "alice".equals(r.key()) && r.value().contains(id), 1, WAIT);
        assertThat(stored).isNotEmpty().allSatisfy(r -> assertThat(r.value()).doesNotContain(secret).contains("\"secret\":\"v1:"));

        assertThat(admin.send("DELETE", path + "/" + id, null).statusCode()).isEqualTo(200);
        assertThat(new String(admin.send("GET", path, null).body(), StandardCharsets.UTF_8)).doesNotContain(id);
        assertThat(AdminApi.json(admin.send("DELETE", path + "/" + id, null)).path("error").asText()).isEqualTo("not_found");
    }

    @Test
    @Order(6)
    void dataSignalsAnEndpointAcknowledgedAreMeteredInTheAuditAndTheUsageReport() throws Exception {
        String metered = endpoint(url("/metered"), "metered-secret-0123456789", "[\"data\",\"alerts\"]",
                "[\"" + TestFleet.NA_VIN + "\"]");
        String refusing = endpoint(url("/refusing"), "refusing-secret-0123456789", "[\"data\"]",
                "[\"" + TestFleet.NA_VIN_ASLEEP + "\"]");
        // the second POST fails and is retried: an event counts once, when a 2xx took it
        receiver.script("/metered", n -> n == 2 ? 503 : 200);
        receiver.script("/refusing", n -> 500);
        for (int seq = 1; seq <= 3; seq++) {
            dataEvent(TestFleet.NA_VIN, "metered", seq); // two signals each
        }
        event(TestFleet.NA_VIN, "alerts", "{\"alerts\":[{\"name\":\"metered-alert\"}],\"vin\":\"" + TestFleet.NA_VIN + "\"}");
        String refused = dataEvent(TestFleet.NA_VIN_ASLEEP, "refused", 1);
        Awaitility.await().atMost(WAIT).until(() -> metric("fleetgate_webhook_deliveries_total", metered, "delivered") == 4
                && metric("fleetgate_webhook_deliveries_total", refusing, "dead_lettered") == 1);

        // one audit event per metering interval, not one per signal or delivery: 6 signals, 3 credits at 2 per credit
        TopicRecords topics = new TopicRecords(harness.kafkaBootstrapServers());
        Predicate<ConsumerRecord<String, String>> ofMetered = r -> r.value().contains("\"path_template\":\"webhooks/" + metered + "\"");
        Awaitility.await().atMost(WAIT).until(() -> sum(topics.all("fleetgate.audit.v1"), ofMetered, "streamed_signals") == 6);
        List<ConsumerRecord<String, String>> audited = topics.awaitSettled("fleetgate.audit.v1", ofMetered, 1, WAIT);
        assertThat(sum(audited, ofMetered, "streamed_signals")).isEqualTo(6);
        assertThat(sum(audited, ofMetered, "credits")).isEqualTo(3);
        assertThat(audited.size()).isLessThan(4);
        for (ConsumerRecord<String, String> record : audited) {
            JsonNode event = JSON.readTree(record.value());
            assertThat(record.key()).isEqualTo("alice");
            assertThat(event.path("account_id").asText()).isEqualTo("alice");
            assertThat(event.path("method").asText()).isEqualTo("POST");
            assertThat(event.path("endpoint_class").asText()).isEqualTo("stream");
            assertThat(event.path("region").asText()).isEqualTo("na");
            assertThat(record.value()).doesNotContain("metered-secret-0123456789", receiver.port() + "/metered");
        }
        // what the endpoint never acknowledged costs nothing
        assertThat(topics.all("fleetgate.audit.v1")).noneMatch(r -> r.value().contains("webhooks/" + refusing));
        assertThat(new TopicRecords(harness.kafkaBootstrapServers()).all(DEAD_LETTERS))
                .anyMatch(r -> r.value().contains("\"event_id\":\"" + refused + "\""));
        assertThat(usageCredits("POST webhooks/" + metered)).isEqualTo(3);
        assertThat(usageCredits("POST webhooks/" + refusing)).isEqualTo(-1);
        assertThat(ScrapedMetrics.value(harness, "fleetgate_webhook_signals_total")).isGreaterThanOrEqualTo(6.0);

        // an odd signal is charged when the endpoint ends (its deletion): 7 signals, ceil(7 / 2) = 4 credits
        event(TestFleet.NA_VIN, "data", "{\"data\":{\"VehicleName\":\"metered-odd\"},\"vin\":\"" + TestFleet.NA_VIN + "\"}");
        Awaitility.await().atMost(WAIT).until(() -> metric("fleetgate_webhook_deliveries_total", metered, "delivered") == 5);
        AdminApi.expect(200, new AdminApi(harness).send("DELETE", "/admin/accounts/alice/webhooks/" + metered, null));
        Awaitility.await().atMost(WAIT).until(() -> sum(topics.all("fleetgate.audit.v1"), ofMetered, "credits") == 4);
        List<ConsumerRecord<String, String>> ended = topics.awaitSettled("fleetgate.audit.v1", ofMetered, 1, WAIT);
        assertThat(sum(ended, ofMetered, "streamed_signals")).isEqualTo(7);
        assertThat(sum(ended, ofMetered, "credits")).isEqualTo(4);
        assertThat(usageCredits("POST webhooks/" + metered)).isEqualTo(4);
    }

    private static long sum(List<ConsumerRecord<String, String>> records, Predicate<ConsumerRecord<String, String>> match,
                            String field) throws Exception {
        long sum = 0;
        for (ConsumerRecord<String, String> record : records) {
            if (match.test(record)) {
                sum += JSON.readTree(record.value()).path(field).asLong();
            }
        }
        return sum;
    }

    /** The credits of a row of alice's usage report (by endpoint); -1 when it has no such row. */
    private static long usageCredits(String endpoint) throws Exception {
        JsonNode usage = JSON.readTree(harness.get("/api/usage", "gw-alice").body()).path("response");
        for (JsonNode row : usage.path("by_endpoint")) {
            if (row.path("endpoint").asText().equals(endpoint)) {
                return row.path("credits").asLong();
            }
        }
        return -1;
    }

    @Test
    @Order(7)
    void noSecretReachesALogLine() {
        String log = LOG.toString(StandardCharsets.UTF_8);
        assertThat(log).contains("webhook endpoint", "dead-lettered");
        assertThat(SECRETS).hasSizeGreaterThanOrEqualTo(8);
        for (String secret : SECRETS) {
            assertThat(log).as("log lines").doesNotContain(secret);
        }
    }
}
