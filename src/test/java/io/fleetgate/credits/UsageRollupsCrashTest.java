package io.fleetgate.credits;

import static io.fleetgate.testing.TestFleet.ALICE;
import static io.fleetgate.testing.TestFleet.NA_VIN;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fleetgate.app.EmbeddedKafka;
import io.fleetgate.audit.AuditEvent;
import io.fleetgate.sim.FleetApiSimulator;
import io.fleetgate.sim.SimulatorConfig;
import io.fleetgate.testing.FleetgateProcess;
import io.fleetgate.testing.GatewayHarness;
import io.fleetgate.testing.TestFleet;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two Fleetgate replicas as real processes on one external broker, aggregating the same audit
 * topic: one is killed ({@code kill -9}) while the events are being rolled up, and started again
 * in its folder. Every event is then counted once in the roll-ups, and both replicas give the
 * same report, equal to a plain scan of the events.
 */
class UsageRollupsCrashTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String APPLICATION = "fleetgate-usage-rollups";
    private static final int EVENTS = 40_000;
    private static final Map<String, String> TOKENS = Map.of("crash-a", "gw-crash-a", "crash-b", "gw-crash-b");

    private Path dir;
    private EmbeddedKafka kafka;
    private FleetApiSimulator simulator;
    private Map<String, String> settings;
    private final List<FleetgateProcess> processes = new ArrayList<>();
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void startBrokerAndSimulator() throws Exception {
        dir = Files.createTempDirectory("fleetgate-rollups-crash");
        kafka = EmbeddedKafka.start(dir.resolve("broker"), GatewayHarness.freePort(), GatewayHarness.freePort());
        simulator = FleetApiSimulator.start(SimulatorConfig.ephemeral(TestFleet.fleet()));
        Path accounts = dir.resolve("accounts.yaml");
        StringBuilder yaml = new StringBuilder("accounts:\n");
        TOKENS.forEach((account, token) -> yaml.append(MeteredAccounts.entry(account, ALICE.teslaToken(), Map.of("report", token),
                List.of(NA_VIN), "{credits: 1000000000, period: month}")));
        Files.writeString(accounts, yaml);
        settings = new HashMap<>(GatewayHarness.testSettings(simulator, dir, accounts));
        settings.keySet().removeIf(name -> name.endsWith(".port") || name.startsWith("fleetgate.kafka.embedded."));
        settings.put("fleetgate.kafka.bootstrap-servers", kafka.bootstrapServers());
        // several commits before the kill (the default is 1 s)
        settings.put("fleetgate.usage.commit-interval-ms", "200");
        // the killed replica's partitions wait out its session before the restarted one takes them
        settings.put("fleetgate.usage.session-timeout-ms", "6000");
    }

    @AfterEach
    void stopAll() throws Exception {
        processes.forEach(FleetgateProcess::close);
        simulator.close();
        kafka.close();
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @Test
    void aReplicaKilledWhileRollingUpLosesAndDoublesNothingAndBothReplicasReportTheScan() throws Exception {
        Path folderA = Files.createDirectories(dir.resolve("a"));
        FleetgateProcess a = start(folderA).awaitReady(Duration.ofSeconds(120));
        FleetgateProcess b = start(Files.createDirectories(dir.resolve("b"))).awaitReady(Duration.ofSeconds(120));
        List<AuditEvent> events = events(new Random(21));
        RandomUsage.publish(kafka.bootstrapServers(), events);

        // kill -9 while some, not all, of the events are rolled up
        Awaitility.await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(20))
                .until(() -> RandomUsage.notRolledUp(kafka.bootstrapServers(), APPLICATION) < EVENTS);
        a.kill();
        long behindAtKill = RandomUsage.notRolledUp(kafka.bootstrapServers(), APPLICATION);
        System.out.printf("killed replica a with %d of %d events not rolled up%n", behindAtKill, EVENTS);
        assertThat(behindAtKill).as("killed during the aggregation").isPositive();

        a = start(folderA).awaitReady(Duration.ofSeconds(120));
        Awaitility.await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(500))
                .until(() -> RandomUsage.notRolledUp(kafka.bootstrapServers(), APPLICATION) == 0);

        Instant today = LocalDate.now(ZoneOffset.UTC).atStartOfDay().toInstant(ZoneOffset.UTC);
        Instant[] wholeDays = {today.minus(Duration.ofDays(5)), today};
        Instant[] partialDays = {today.minus(Duration.ofDays(3)).plus(Duration.ofHours(7)), today.minus(Duration.ofHours(19))};
        for (String account : TOKENS.keySet()) {
            for (Instant[] window : List.of(wholeDays, partialDays)) {
                String expected = RandomUsage.scan(events, account, window[0], window[1]);
                String what = account + " [" + window[0] + ", " + window[1] + ")";
                assertThat(report(a, account, window)).as("restarted replica: " + what).isEqualTo(expected);
                assertThat(report(b, account, window)).as("the other replica: " + what).isEqualTo(expected);
            }
            long thisMonth = events.stream().filter(e -> account.equals(e.accountId())
                    && !e.time().isBefore(today.atOffset(ZoneOffset.UTC).withDayOfMonth(1).toInstant())).mapToLong(AuditEvent::credits).sum();
            assertThat(budgetSpent(a, account)).as("budget spent this month, restarted replica").isEqualTo(thisMonth);
            assertThat(budgetSpent(b, account)).as("budget spent this month, other replica").isEqualTo(thisMonth);
        }
    }

    /** Events for the two accounts over the five days before today, stamped in arrival order. */
    private static List<AuditEvent> events(Random random) {
        Instant today = LocalDate.now(ZoneOffset.UTC).atStartOfDay().toInstant(ZoneOffset.UTC);
        List<String> accounts = List.copyOf(TOKENS.keySet());
        List<AuditEvent> events = new ArrayList<>();
        for (int i = 0; i < EVENTS; i++) {
            Instant time = today.minus(Duration.ofDays(5)).plusMillis((long) (random.nextDouble() * Duration.ofDays(5).toMillis()));
            boolean read = random.nextBoolean();
            events.add(AuditEvent.builder(UUID.randomUUID(), time, AuditEvent.Source.REST)
                    .accountId(accounts.get(random.nextInt(accounts.size())))
                    .tokenName(random.nextBoolean() ? "report" : "other").clientLibrary(random.nextBoolean() ? "python" : null)
                    .method(read ? "GET" : "POST")
                    .pathTemplate(read ? "/api/1/vehicles/{vin}/vehicle_data" : "/api/1/vehicles/{vin}/command/{command}")
                    .command(read ? null : "flash_lights").vin(NA_VIN)
                    .status(200).attempts(1).credits(read ? 2 : 1).build());
        }
        return events;
    }

    private FleetgateProcess start(Path folder) {
        FleetgateProcess process = FleetgateProcess.builder().settings(settings).workingDirectory(folder).start();
        processes.add(process);
        return process;
    }

    private String report(FleetgateProcess to, String account, Instant[] window) throws Exception {
        JsonNode response = usage(to, account, "?from=" + encode(window[0]) + "&to=" + encode(window[1]));
        ((com.fasterxml.jackson.databind.node.ObjectNode) response).retain("credits", "requests", "by_endpoint", "by_token_name",
                "by_client_library", "by_day");
        return response.toString();
    }

    private long budgetSpent(FleetgateProcess to, String account) throws Exception {
        return usage(to, account, "").path("budget").path("spent").asLong(-1);
    }

    private JsonNode usage(FleetgateProcess to, String account, String query) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(to.url("/api/usage" + query)))
                .header("Authorization", "Bearer " + TOKENS.get(account)).timeout(Duration.ofSeconds(60)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JSON.readTree(response.body()).get("response");
    }

    private static String encode(Instant instant) {
        return URLEncoder.encode(instant.toString(), StandardCharsets.UTF_8);
    }
}
