package io.fleetgate.command;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fleetgate.app.FleetKey;
import io.fleetgate.sim.FleetApiSimulator;
import io.fleetgate.sim.RecordedRequest;
import io.fleetgate.testing.CommandFleet;
import io.fleetgate.testing.CrashRig;
import io.fleetgate.testing.FleetgateProcess;
import io.fleetgate.testing.TestAccount;
import io.fleetgate.testing.TopicRecords;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * What the command crash tests share: an external broker and the simulator that outlive the
 * Fleetgate processes the tests kill with {@code kill -9}, the settings each process starts with,
 * and what the topics and the simulator's log say afterwards. One test per class, so the suite's
 * JVMs run them side by side: each takes a minute or more of process starts and waits.
 */
abstract class KilledCommandReplicas {
    static final String COMMANDS = "fleetgate.commands.v1";
    static final String RESULTS = "fleetgate.command-results.v1";
    static final ObjectMapper JSON = new ObjectMapper();

    final TestAccount ops = CommandFleet.account();
    final HttpClient http = HttpClient.newHttpClient();
    CrashRig rig;
    FleetApiSimulator simulator;
    TopicRecords topics;
    private int started;

    @BeforeEach
    void startBrokerSimulatorAndSettings() {
        rig = new CrashRig(CommandFleet.fleet(), ops);
        simulator = rig.simulator();
        Path key = rig.dir().resolve("fleet-key.pem");
        simulator.pairKeyWithAll(FleetKey.load(key.toString(), true).orElseThrow().publicKeyBytes());
        rig.setting("fleetgate.vcp.private-key-file", key.toString());
        // a wake-up takes a few seconds, a retry waits 4 s: long enough to be killed in the middle
        rig.setting("fleetgate.wake.poll-interval-ms", "1000");
        // 40 checks: a wake-up of 25 s (the rebalance test's) fits, however late the kill comes; with
        // 10 the first command got 408 on a slow machine before the kill, and was rightly not run
        rig.setting("fleetgate.wake.max-polls", "40");
        rig.setting("fleetgate.retries.initial-backoff-ms", "4000");
        rig.setting("fleetgate.retries.budget-ms", "60000");
        topics = new TopicRecords(rig.bootstrapServers());
    }

    @AfterEach
    void stopAll() {
        if (rig != null) {
            rig.close();
        }
    }

    /** Another replica, in a folder of its own, once it is ready. */
    FleetgateProcess start() {
        return rig.start("replica-" + ++started);
    }

    String sendRecord(String vin, int percent) {
        String id = UUID.randomUUID().toString();
        topics.send(COMMANDS, vin, """
                {"id":"%s","account_id":"%s","vin":"%s","command":"set_charge_limit","parameters":{"percent":%d}}"""
                .formatted(id, CommandFleet.OWNER, vin, percent));
        return id;
    }

    void sendRest(FleetgateProcess process, String vin, int percent) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(process.url("/api/1/vehicles/" + vin + "/command/set_charge_limit")))
                .header("Authorization", "Bearer " + ops.gatewayToken()).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"percent\":" + percent + "}")).build();
        http.sendAsync(request, HttpResponse.BodyHandlers.discarding()); // its answer dies with the process
    }

    List<ConsumerRecord<String, String>> commandRecords(String vin) {
        return topics.all(COMMANDS).stream().filter(r -> vin.equals(r.key())).toList();
    }

    /** The percents of the vehicle's command records, in their order on the topic. */
    List<Integer> orderOnTopic(String vin) {
        return commandRecords(vin).stream().map(r -> json(r.value()).path("parameters").path("percent").asInt()).toList();
    }

    /** What the vehicle executed, in order: accepted unsigned commands and signed ones alike. */
    List<Integer> executed(String vin) {
        List<Integer> percents = new ArrayList<>();
        for (RecordedRequest r : simulator.requests(vin)) {
            if (r.status() == 200 && r.path().endsWith("/command/set_charge_limit")) {
                percents.add(json(r.body()).path("percent").asInt());
            } else if (r.status() == 200 && "set_charge_limit".equals(r.command())) {
                percents.add(r.executed().action().path("chargingSetLimitAction").path("percent").asInt());
            }
        }
        return percents;
    }

    Map<String, Long> resultIds() {
        return topics.all(RESULTS).stream().map(r -> json(r.value()).path("id").asText())
                .collect(Collectors.groupingBy(id -> id, Collectors.counting()));
    }

    JsonNode resultOf(String id) {
        return topics.all(RESULTS).stream().map(r -> json(r.value())).filter(r -> id.equals(r.path("id").asText()))
                .findFirst().orElseThrow();
    }

    long resultsFor(String vin) {
        return topics.all(RESULTS).stream().filter(r -> vin.equals(r.key())).count();
    }

    static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }
}
