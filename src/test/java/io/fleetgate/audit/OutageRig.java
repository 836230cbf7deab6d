package io.fleetgate.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fleetgate.app.EmbeddedKafka;
import io.fleetgate.ops.PrometheusText;
import io.fleetgate.sim.FleetApiSimulator;
import io.fleetgate.sim.SimulatorConfig;
import io.fleetgate.testing.CommandFleet;
import io.fleetgate.testing.FleetgateProcess;
import io.fleetgate.testing.GatewayHarness;
import io.fleetgate.testing.TestAccount;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * What the outage tests share: an external broker they stop and start again on the same data and
 * ports (as an operator's cluster goes away and comes back), the simulator, and Fleetgate as real
 * processes on that broker; requests tagged one by one ({@code X-Library: outage <n>}), so each
 * can be matched with its audit event; the audit topic, metrics and console of each process.
 */
final class OutageRig implements AutoCloseable {
    static final Duration START = Duration.ofSeconds(120);
    /** Every test account's budget: large, so it never refuses; its "spent" is the ledger's total. */
    static final long BUDGET = 1_000_000_000L;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern LOG_LINE = Pattern.compile("^\\[[^\\]]*\\] (TRACE|DEBUG|INFO|WARN|ERROR) (\\S+) - ");

    final TestAccount ops = CommandFleet.account();
    final Path dir;
    final FleetApiSimulator simulator;
    final Map<String, String> settings;
    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .executor(Executors.newVirtualThreadPerTaskExecutor()).connectTimeout(Duration.ofSeconds(5)).build();
    private final List<FleetgateProcess> processes = new ArrayList<>();
    private final int kafkaPort = GatewayHarness.freePort();
    private final int controllerPort = GatewayHarness.freePort();
    private EmbeddedKafka kafka;

    OutageRig() throws Exception {
        dir = Files.createTempDirectory("fleetgate-audit-outage");
        kafka = EmbeddedKafka.start(dir.resolve("broker"), kafkaPort, controllerPort);
        simulator = FleetApiSimulator.start(SimulatorConfig.ephemeral(CommandFleet.fleet()));
        Path accounts = dir.resolve("accounts.yaml");
        Files.writeString(accounts, "accounts:\n" + ops.yaml() + "    credit-budget: {credits: " + BUDGET + ", period: month}\n");
        settings = new HashMap<>(GatewayHarness.testSettings(simulator, dir, accounts));
        // each process picks its own free ports (FleetgateProcess), and none has a broker of its own
        settings.keySet().removeIf(name -> name.endsWith(".port") || name.startsWith("fleetgate.kafka.embedded."));
        settings.put("fleetgate.kafka.bootstrap-servers", kafka.bootstrapServers());
        // the broker runs in the test JVM, which its collections and the other test JVMs can stall for
        // over a second: both replicas then saw a second outage after the real one (CI, four test JVMs).
        // Probed every second (answer within 2 s), the 20 s outage is still seen within 3 s
        settings.put("fleetgate.kafka.health-interval-ms", "1000");
    }

    String bootstrapServers() {
        return "127.0.0.1:" + kafkaPort;
    }

    /** The broker goes away (a clean stop, as a rolling broker restart or an operator would). */
    void stopKafka() {
        kafka.close();
    }

    /** The same broker again: same data, same ports. */
    void startKafka() {
        kafka = EmbeddedKafka.start(dir.resolve("broker"), kafkaPort, controllerPort);
    }

    /** A Fleetgate process with the rig's settings and these on top, in its own (or the given) folder; not yet ready. */
    FleetgateProcess start(Map<String, String> more, Path workingDirectory) {
        FleetgateProcess.Builder builder = FleetgateProcess.builder().settings(settings).settings(more);
        if (workingDirectory != null) {
            builder.workingDirectory(workingDirectory);
        }
        FleetgateProcess process = builder.start();
        processes.add(process);
        return process;
    }

    /** Sends without waiting; {@code library} tags the request (X-Library), and so its audit event. */
    CompletableFuture<HttpResponse<String>> send(FleetgateProcess to, String method, String path, String library) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(to.url(path))).timeout(Duration.ofMinutes(5))
                .header("Authorization", "Bearer " + ops.gatewayToken()).header("X-Library", library);
        if (method.equals("POST")) {
            request.header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{}"));
        }
        return http.sendAsync(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> get(String url) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new IllegalStateException("GET " + url + ": " + e, e);
        }
    }

    int ready(FleetgateProcess process) {
        return get(process.managementUrl("/observe/health/ready")).statusCode();
    }

    PrometheusText metrics(FleetgateProcess process) {
        return new PrometheusText(get(process.managementUrl("/observe/metrics")).body());
    }

    /** The credits the process's ledger counts for the test account this month (the budget's "spent"). */
    long spent(FleetgateProcess process) {
        HttpResponse<String> usage;
        try {
            usage = http.send(HttpRequest.newBuilder(URI.create(process.url("/api/usage")))
                    .header("Authorization", "Bearer " + ops.gatewayToken()).header("X-Library", "outage-test usage")
                    .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return json(usage.body()).path("response").path("budget").path("spent").asLong(-1);
    }

    /** Every audit event now on the topic, as JSON. */
    List<JsonNode> auditEvents() {
        List<JsonNode> events = new ArrayList<>();
        for (ConsumerRecord<String, byte[]> record : new AuditTopic(bootstrapServers()).readUntil(r -> false, Duration.ofSeconds(2))) {
            events.add(AuditTopic.json(record.value()));
        }
        return events;
    }

    /** The console lines from line {@code from} on, counted by level and logger ("WARN io.fleetgate.app.KafkaHealth"). */
    static Map<String, Integer> linesByLogger(List<String> lines, int from) {
        Map<String, Integer> counts = new TreeMap<>();
        for (String line : lines.subList(Math.min(from, lines.size()), lines.size())) {
            Matcher m = LOG_LINE.matcher(line);
            counts.merge(m.find() ? m.group(1) + " " + m.group(2) : "(continuation)", 1, Integer::sum);
        }
        return counts;
    }

    static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (Exception e) {
            throw new IllegalStateException(text, e);
        }
    }

    @Override
    public void close() {
        processes.forEach(FleetgateProcess::close);
        simulator.close();
        kafka.close();
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (java.io.IOException leftBehind) {
            // a temporary folder left behind is harmless
        }
    }
}
