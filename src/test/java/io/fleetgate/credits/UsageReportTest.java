package io.fleetgate.credits;

import static io.fleetgate.testing.TestFleet.ALICE;
import static io.fleetgate.testing.TestFleet.NA_VIN;
import static io.fleetgate.testing.TestFleet.NA_VIN_ASLEEP;
import static io.fleetgate.testing.TestFleet.NA_VIN_NOT_SUBSCRIBED;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fleetgate.testing.GatewayHarness;
import io.fleetgate.testing.TopicRecords;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code GET /api/usage}: what spent an account's credits, by endpoint, token name and client
 * library. Every figure is checked against the audit events on fleetgate.audit.v1, read here as
 * a billing system would read them.
 */
class UsageReportTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String AUDIT = "fleetgate.audit.v1";
    private static final String PHONE = "gw-usage-phone";
    private static final String SERVER = "gw-usage-server";
    private static final String WINDOW = "gw-usage-window";
    private static final String PYTHON = "python tesla_fleet_api 1.0";
    private static final String TYPESCRIPT = "typescript teslemetry 0.5";

    private static GatewayHarness harness;
    private static TopicRecords topics;

    @BeforeAll
    static void start() {
        Map<String, String> tokens = new LinkedHashMap<>();
        tokens.put("phone", PHONE);
        tokens.put("server", SERVER);
        harness = GatewayHarness.builder().declaredPartitions()
                .accountYaml(MeteredAccounts.entry("usage", ALICE.teslaToken(), tokens, List.of(NA_VIN), null))
                .accountYaml(MeteredAccounts.entry("window", ALICE.teslaToken(), Map.of("only", WINDOW),
                        List.of(NA_VIN_ASLEEP), null))
                .start();
        topics = new TopicRecords(harness.kafkaBootstrapServers());
    }

    @AfterAll
    static void stop() {
        harness.close();
    }

    @Test
    void everyAuditRecordSitsInThePartitionTheReportReadsForItsAccount() {
        for (String token : List.of(PHONE, SERVER, WINDOW)) {
            assertThat(call("GET", "/api/1/vehicles", token, "X-Library", PYTHON)).isEqualTo(200);
        }
        assertThat(call("GET", "/api/1/vehicles", null, "X-Library", PYTHON)).as("anonymous").isEqualTo(401);
        assertThat(topics.await(AUDIT, r -> "anonymous".equals(r.key()), 1, Duration.ofSeconds(20))).isNotEmpty();
        assertThat(topics.await(AUDIT, r -> "window".equals(r.key()), 1, Duration.ofSeconds(20))).isNotEmpty();
        List<org.apache.kafka.clients.consumer.ConsumerRecord<String, String>> records = topics.all(AUDIT);
        assertThat(records).extracting(r -> r.key()).contains("usage", "window", "anonymous");
        // fleetgate.audit.v1 has 6 partitions (kafka/topics.yaml); a report reads only its account's
        assertThat(records).allSatisfy(r -> assertThat(r.partition())
                .as("partition of key %s", r.key()).isEqualTo(UsageReports.partitionOf(r.key(), 6)));
    }

    @Test
    void totalsAndBreakdownsEqualTheAuditEventsOfTwoTokensAndTwoLibraries() {
        Instant from = Instant.now();
        // the phone app speaks through the Python library (X-Library), the server through TypeScript (User-Agent)
        assertThat(call("GET", "/api/1/vehicles/" + NA_VIN + "/vehicle_data", PHONE, "X-Library", PYTHON)).isEqualTo(200);
        assertThat(call("GET", "/api/1/vehicles/" + NA_VIN + "/vehicle_data", PHONE, "X-Library", PYTHON)).isEqualTo(200);
        assertThat(call("GET", "/api/1/vehicles", PHONE, "X-Library", PYTHON)).isEqualTo(200);
        assertThat(call("GET", "/api/metadata", PHONE, "X-Library", PYTHON)).isEqualTo(200);
        assertThat(call("GET", "/api/1/vehicles/" + NA_VIN + "/vehicle_data", SERVER, "User-Agent", TYPESCRIPT)).isEqualTo(200);
        assertThat(call("POST", "/api/1/vehicles/" + NA_VIN + "/command/flash_lights", SERVER, "User-Agent", TYPESCRIPT)).isEqualTo(200);
        assertThat(call("GET", "/api/1/vehicles/" + NA_VIN_NOT_SUBSCRIBED + "/vehicle_data", SERVER, "User-Agent", TYPESCRIPT))
                .as("refused by Fleetgate: an event, 0 credits").isEqualTo(402);
        Instant to = Instant.now();

        List<JsonNode> events = awaitEvents("usage", from, to, 7);
        assertThat(events).hasSize(7);
        JsonNode report = usage("from=" + encode(from) + "&to=" + encode(to), PHONE);

        assertThat(report.get("account_id").asText()).isEqualTo("usage");
        assertThat(report.get("credits").asLong()).isEqualTo(sum(events)).isEqualTo(2 + 2 + 2 + 2 + 1);
        assertThat(report.get("requests").asLong()).isEqualTo(events.size());
        assertThat(rows(report, "by_token_name", "token_name"))
                .isEqualTo(expected(events, e -> e.path("token_name").asText(null)))
                .containsEntry("phone", List.of(6L, 4L))
                .containsEntry("server", List.of(3L, 3L));
        assertThat(rows(report, "by_client_library", "client_library"))
                .isEqualTo(expected(events, e -> e.path("client_library").asText(null)))
                .containsEntry(PYTHON, List.of(6L, 4L))
                .containsEntry(TYPESCRIPT, List.of(3L, 3L));
        assertThat(rows(report, "by_endpoint", "endpoint"))
                .isEqualTo(expected(events, UsageReportTest::endpoint))
                .containsEntry("GET /api/1/vehicles/{vin}/vehicle_data", List.of(6L, 4L))
                .containsEntry("GET /api/1/vehicles", List.of(2L, 1L))
                .containsEntry("POST /api/1/vehicles/{vin}/command/flash_lights", List.of(1L, 1L))
                .containsEntry("GET /api/metadata", List.of(0L, 1L));
        // most credits first
        assertThat(report.get("by_endpoint").get(0).get("endpoint").asText()).isEqualTo("GET /api/1/vehicles/{vin}/vehicle_data");
        // per UTC day of the requests' arrival, for a chart
        assertThat(rows(report, "by_day", "day"))
                .isEqualTo(expected(events, e -> java.time.LocalDate.ofInstant(Instant.parse(e.get("time").asText()), java.time.ZoneOffset.UTC)
                        .toString()));
        assertThat(report.get("budget").isNull()).as("no budget set").isTrue();
    }

    @Test
    void aWindowCountsOnlyTheRequestsThatArrivedInIt() {
        String read = "/api/1/vehicles/" + NA_VIN_ASLEEP;
        Instant start = Instant.now();
        assertThat(harness.get(read, WINDOW).statusCode()).isEqualTo(200);
        Instant middle = Instant.now();
        assertThat(harness.get(read, WINDOW).statusCode()).isEqualTo(200);
        assertThat(harness.get(read, WINDOW).statusCode()).isEqualTo(200);
        Instant end = Instant.now();
        List<JsonNode> all = awaitEvents("window", start, end, 3);
        assertThat(all).hasSize(3);

        assertThat(usage("from=" + encode(start) + "&to=" + encode(middle), WINDOW).get("credits").asLong())
                .isEqualTo(sum(inWindow(all, start, middle))).isEqualTo(2);
        assertThat(usage("from=" + encode(middle) + "&to=" + encode(end), WINDOW).get("credits").asLong())
                .isEqualTo(sum(inWindow(all, middle, end))).isEqualTo(4);
        // dates are whole UTC days: today's report holds all three (and the reports' own 0-credit events)
        LocalDate today = LocalDate.ofInstant(start, ZoneOffset.UTC);
        JsonNode day = usage("from=" + today + "&to=" + today.plusDays(1), WINDOW);
        assertThat(day.get("credits").asLong()).isEqualTo(6);
        assertThat(day.get("from").asText()).isEqualTo(today.atStartOfDay().toInstant(ZoneOffset.UTC).toString());
    }

    @Test
    void aBadWindowIs400InTheEnvelope() throws IOException {
        for (String query : List.of("from=yesterday", "to=", "from=2026-11-02&to=2026-11-01", "from=2026-13-01")) {
            HttpResponse<byte[]> response = harness.get("/api/usage?" + query, PHONE);
            assertThat(response.statusCode()).as(query).isEqualTo(400);
            JsonNode body = JSON.readTree(response.body());
            assertThat(body.get("response").isNull()).isTrue();
            assertThat(body.get("error").asText()).isEqualTo("invalid_request");
            assertThat(body.get("error_description").asText()).isNotBlank();
        }
        HttpResponse<byte[]> anonymous = harness.get("/api/usage", null);
        assertThat(anonymous.statusCode()).isEqualTo(401);
        assertThat(JSON.readTree(anonymous.body()).get("error").asText()).isEqualTo("missing_token");
    }

    @Test
    void theReportItselfIsAuditedWithItsTokenNameAndNoCredits() {
        String library = "usage-test audit of the report";
        assertThat(call("GET", "/api/usage", SERVER, "X-Library", library)).isEqualTo(200);

        List<JsonNode> events = topics.await(AUDIT, r -> library.equals(json(r.value()).path("client_library").asText(null)),
                1, Duration.ofSeconds(20)).stream().map(r -> json(r.value())).toList();
        assertThat(events).hasSize(1);
        JsonNode event = events.get(0);
        assertThat(event.get("path_template").asText()).isEqualTo("/api/usage");
        assertThat(event.get("endpoint_class").asText()).isEqualTo("gateway");
        assertThat(event.get("token_name").asText()).isEqualTo("server");
        assertThat(event.get("credits").asInt()).isZero();
        assertThat(event.get("status").asInt()).isEqualTo(200);
        assertThat(event.toString()).doesNotContain(SERVER);
    }

    private static int call(String method, String path, String token, String header, String library) {
        Map<String, String> headers = new HashMap<>(GatewayHarness.bearer(token));
        headers.put(header, library);
        if (method.equals("POST")) {
            headers.put("Content-Type", "application/json");
        }
        return harness.send(method, path, headers, null).statusCode();
    }

    private static JsonNode usage(String query, String token) {
        HttpResponse<byte[]> response = harness.get("/api/usage?" + query, token);
        assertThat(response.statusCode()).as(new String(response.body(), StandardCharsets.UTF_8)).isEqualTo(200);
        return json(new String(response.body(), StandardCharsets.UTF_8)).get("response");
    }

    /** The account's events whose requests arrived in [from, to), once there are {@code count}. */
    private static List<JsonNode> awaitEvents(String account, Instant from, Instant to, int count) {
        Predicate<JsonNode> which = e -> account.equals(e.path("account_id").asText())
                && !Instant.parse(e.get("time").asText()).isBefore(from) && Instant.parse(e.get("time").asText()).isBefore(to);
        return topics.await(AUDIT, r -> which.test(json(r.value())), count, Duration.ofSeconds(20)).stream()
                .map(r -> json(r.value())).toList();
    }

    private static List<JsonNode> inWindow(List<JsonNode> events, Instant from, Instant to) {
        return events.stream().filter(e -> !Instant.parse(e.get("time").asText()).isBefore(from)
                && Instant.parse(e.get("time").asText()).isBefore(to)).toList();
    }

    private static long sum(List<JsonNode> events) {
        return events.stream().mapToLong(e -> e.get("credits").asLong()).sum();
    }

    /** Credits and request count per key, as the audit events add up. */
    private static Map<String, List<Long>> expected(List<JsonNode> events, Function<JsonNode, String> key) {
        Map<String, long[]> sums = new HashMap<>();
        events.forEach(e -> {
            long[] sum = sums.computeIfAbsent(String.valueOf(key.apply(e)), k -> new long[2]);
            sum[0] += e.get("credits").asLong();
            sum[1]++;
        });
        Map<String, List<Long>> out = new HashMap<>();
        sums.forEach((k, v) -> out.put(k, List.of(v[0], v[1])));
        return out;
    }

    private static Map<String, List<Long>> rows(JsonNode report, String array, String field) {
        Map<String, List<Long>> out = new HashMap<>();
        report.get(array).forEach(row -> out.put(row.get(field).isNull() ? "null" : row.get(field).asText(),
                List.of(row.get("credits").asLong(), row.get("requests").asLong())));
        return out;
    }

    private static String endpoint(JsonNode event) {
        String template = event.get("path_template").asText();
        if (template.endsWith("/{command}")) {
            template = template.replace("{command}", event.get("command").asText());
        }
        return event.get("method").asText() + " " + template;
    }

    private static String encode(Instant instant) {
        return URLEncoder.encode(instant.toString(), StandardCharsets.UTF_8);
    }

    private static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
