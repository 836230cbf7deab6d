package io.fleetgate.command;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fleetgate.app.EmbeddedKafka;
import io.fleetgate.app.FleetKey;
import io.fleetgate.sim.FleetApiSimulator;
import io.fleetgate.sim.RecordedRequest;
import io.fleetgate.sim.SimulatorConfig;
import io.fleetgate.testing.CommandFleet;
import io.fleetgate.testing.FleetgateProcess;
import io.fleetgate.testing.GatewayHarness;
import io.fleetgate.testing.SimControl;
import io.fleetgate.testing.TestAccount;
import io.fleetgate.testing.TopicRecords;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Fleetgate as real processes killed with {@code kill -9} while commands are in flight, an
 * external broker and the simulator outliving them: every accepted command (from REST or from
 * another producer) runs exactly once, with exactly one result, in its vehicle's order; a dead
 * replica's vehicles wait at most 15 s for another (CONTRACT 9).
 */
class CommandCrashTest {
    private static final String COMMANDS = "fleetgate.commands.v1";
    private static final String RESULTS = "fleetgate.command-results.v1";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration START = Duration.ofSeconds(90);

    private final TestAccount ops = CommandFleet.account();
    private final List<FleetgateProcess> processes = new ArrayList<>();
    private final HttpClient http = HttpClient.newHttpClient();
    private EmbeddedKafka kafka;
    private FleetApiSimulator simulator;
    private Map<String, String> settings;
    private TopicRecords topics;
    private Path dir;

    @BeforeEach
    void startBrokerSimulatorAndSettings() throws Exception {
        dir = Files.createTempDirectory("fleetgate-crash");
        kafka = EmbeddedKafka.start(dir.resolve("broker"), GatewayHarness.freePort(), GatewayHarness.freePort());
        simulator = FleetApiSimulator.start(SimulatorConfig.ephemeral(CommandFleet.fleet()));
        Path accounts = dir.resolve("accounts.yaml");
        Files.writeString(accounts, "accounts:\n" + ops.yaml());
        Path key = dir.resolve("fleet-key.pem");
        simulator.pairKeyWithAll(FleetKey.load(key.toString(), true).orElseThrow().publicKeyBytes());
        settings = new HashMap<>(GatewayHarness.testSettings(simulator, dir, accounts));
        // each process picks its own free ports (FleetgateProcess), and none has a broker of its own
        settings.keySet().removeIf(name -> name.endsWith(".port") || name.startsWith("fleetgate.kafka.embedded."));
        settings.put("fleetgate.kafka.bootstrap-servers", kafka.bootstrapServers());
        settings.put("fleetgate.vcp.private-key-file", key.toString());
        // a wake-up takes a few seconds, a retry waits 4 s: long enough to be killed in the middle
        settings.put("fleetgate.wake.poll-interval-ms", "1000");
        // 40 checks: a wake-up of 25 s (the rebalance test's) fits, however late the kill comes; with
        // 10 the first command got 408 on a slow machine before the kill, and was rightly not run
        settings.put("fleetgate.wake.max-polls", "40");
        settings.put("fleetgate.retries.initial-backoff-ms", "4000");
        settings.put("fleetgate.retries.budget-ms", "60000");
        topics = new TopicRecords(kafka.bootstrapServers());
    }

    @AfterEach
    void stopAll() {
        processes.forEach(FleetgateProcess::close);
        if (simulator != null) {
            simulator.close();
        }
        if (kafka != null) {
            kafka.close();
        }
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (java.io.IOException leftBehind) {
            // a temporary folder left behind is harmless
        }
    }

    @Test
    void killedMidWakeMidRetryBackoffMidSignedHandshakeAndMidSendEveryQueuedCommandRunsOnce() throws Exception {
        String sleeping = CommandFleet.vin(1);
        String flaky = CommandFleet.vin(2);
        String signing = CommandFleet.vin(3);
        String slow = CommandFleet.vin(4);
        simulator.fleet().bringOnline(slow);
        simulator.fleet().setWakeDelay(sleeping, 4);
        simulator.fleet().bringOnline(flaky);
        simulator.fleet().bringOnline(signing);
        simulator.fleet().setRequiresSigning(signing, true);
        SimControl control = new SimControl(simulator);
        // the first attempt fails (a retry follows after 4 s); the handshake takes 6 s to answer
        control.script("{\"vin\":\"%s\",\"path\":\"/command/set_charge_limit\",\"responses\":[{\"status\":503}]}".formatted(flaky));
        control.script("{\"vin\":\"%s\",\"path\":\"/signed_command\",\"responses\":[{\"status\":200,\"latency_ms\":6000}]}"
                .formatted(signing));
        // the vehicle is still working on the first command (its answer takes 8 s) when the replica dies
        control.script("{\"vin\":\"%s\",\"path\":\"/command/set_charge_limit\",\"responses\":[{\"status\":200,\"latency_ms\":8000}]}"
                .formatted(slow));
        FleetgateProcess first = start();

        List<String> ids = new ArrayList<>();
        for (int percent = 51; percent <= 54; percent++) {
            ids.add(sendRecord(sleeping, percent));
        }
        for (int percent = 61; percent <= 62; percent++) {
            ids.add(sendRecord(flaky, percent));
        }
        for (int percent = 71; percent <= 72; percent++) {
            ids.add(sendRecord(signing, percent));
        }
        String withTesla = sendRecord(slow, 81);
        ids.add(withTesla);
        ids.add(sendRecord(slow, 82));
        // two more from REST callers, whose answers are lost with the process
        for (int percent = 55; percent <= 56; percent++) {
            sendRest(first, sleeping, percent);
        }
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> commandRecords(sleeping).size() == 6);
        // every scripted answer taken: the flaky vehicle's 503 given, the signing vehicle's handshake
        // (held 6 s) and the slow vehicle's command (held 8 s) arrived and wait for their answers
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() ->
                simulator.requests(sleeping).stream().anyMatch(r -> r.path().endsWith("/wake_up"))
                        && simulator.requests(flaky).stream().anyMatch(r -> r.path().endsWith("/set_charge_limit") && r.status() == 503)
                        && simulator.scriptsPending() == 0);
        first.kill();

        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> simulator.requests(signing).stream()
                .anyMatch(r -> r.path().endsWith("/signed_command") && r.status() == 499));
        assertThat(executed(sleeping)).as("none of the sleeping vehicle's commands ran before the kill").isEmpty();
        assertThat(executed(flaky)).as("the flaky vehicle's first command was between attempts").isEmpty();
        assertThat(executed(signing)).as("the signed commands were behind a handshake").isEmpty();
        // the vehicle took the first command; its answer came after the replica was gone
        Awaitility.await().atMost(Duration.ofSeconds(15)).until(() -> simulator.requests(slow).stream()
                .anyMatch(r -> r.path().endsWith("/set_charge_limit")));

        start();
        Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
                .until(() -> resultIds().keySet().containsAll(ids) && resultsFor(sleeping) == 6);
        for (String vin : List.of(sleeping, flaky, signing)) {
            assertThat(executed(vin)).as("each command of %s ran exactly once, in order", vin)
                    .containsExactlyElementsOf(orderOnTopic(vin));
        }
        // the command that was with Tesla may have run: it is answered as such, never sent twice
        assertThat(simulator.requests(slow).stream().filter(r -> r.path().endsWith("/set_charge_limit")).map(r -> json(r.body())
                .path("percent").asInt()).toList()).as("what reached the vehicle").containsExactly(81, 82);
        JsonNode unknown = resultOf(withTesla);
        assertThat(unknown.path("status").asInt()).isEqualTo(504);
        assertThat(unknown.path("response").path("error").asText()).isEqualTo("upstream_timeout");
        assertThat(unknown.path("response").path("error_description").asText()).contains("may have run");
        io.fleetgate.testing.TopicRecords.settle();
        assertThat(resultIds()).as("one result per command").allSatisfy((id, n) -> assertThat(n).isEqualTo(1L));
    }

    /**
     * A replica holding back a backlog (fleetgate.commands.max-held 3 here) has sought the rest of
     * its poll back and paused: killed mid-wake then, none of the backlog is lost or run twice,
     * and the next replica runs every command once, in order, holding back in its turn.
     */
    @Test
    void killedWhileHoldingBackABacklogEveryCommandRunsOnceInOrder() throws Exception {
        settings.put("fleetgate.commands.max-held", "3");
        List<String> vins = List.of(CommandFleet.vin(5), CommandFleet.vin(6), CommandFleet.vin(7), CommandFleet.vin(8));
        vins.forEach(vin -> simulator.fleet().setWakeDelay(vin, 4));
        FleetgateProcess first = start();
        List<String> ids = new ArrayList<>();
        for (int percent = 51; percent <= 53; percent++) {
            for (String vin : vins) {
                ids.add(sendRecord(vin, percent));
            }
        }
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> first.output().contains("commands are held on this replica")
                && vins.stream().anyMatch(vin -> simulator.requests(vin).stream().anyMatch(r -> r.path().endsWith("/wake_up"))));
        first.kill();
        assertThat(vins.stream().mapToInt(vin -> executed(vin).size()).sum()).as("run before the kill").isLessThan(ids.size());

        FleetgateProcess second = start();
        Awaitility.await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250))
                .until(() -> resultIds().keySet().containsAll(ids));
        for (String vin : vins) {
            assertThat(executed(vin)).as("each command of %s ran exactly once, in order", vin)
                    .containsExactlyElementsOf(orderOnTopic(vin));
        }
        assertThat(second.output()).as("the next replica held back too").contains("commands are held on this replica");
        io.fleetgate.testing.TopicRecords.settle();
        assertThat(resultIds()).as("one result per command").hasSize(ids.size()).allSatisfy((id, n) -> assertThat(n).isEqualTo(1L));
    }

    @Test
    void aRebalanceAndAKilledReplicaLoseNothingAndItsVehiclesMoveWithin15Seconds() throws Exception {
        FleetgateProcess first = start();
        List<String> batchOne = CommandFleet.vins().subList(100, 124);
        List<String> batchTwo = CommandFleet.vins().subList(200, 224);
        for (String vin : batchOne) {
            simulator.fleet().setWakeDelay(vin, 3);
            sendRecord(vin, 51);
            sendRecord(vin, 52);
        }
        // a second replica joins while the first one's vehicles wake: partitions move cooperatively
        start();
        Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
                .until(() -> batchOne.stream().allMatch(vin -> executed(vin).size() == 2));

        for (String vin : batchTwo) {
            // still waking at the kill: on a slow machine the last wake_up went out 14 s after the first
            simulator.fleet().setWakeDelay(vin, 25);
            sendRecord(vin, 61);
            sendRecord(vin, 62);
        }
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> batchTwo.stream()
                .filter(vin -> simulator.requests(vin).stream().anyMatch(r -> r.path().endsWith("/wake_up"))).count() == batchTwo.size());
        first.kill();
        Instant killed = Instant.now();

        Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
                .until(() -> batchTwo.stream().allMatch(vin -> executed(vin).size() == 2));
        List<String> moved = new ArrayList<>();
        for (String vin : concat(batchOne, batchTwo)) {
            assertThat(executed(vin)).as("%s's commands ran once each, in order", vin).containsExactlyElementsOf(orderOnTopic(vin));
        }
        for (String vin : batchTwo) {
            List<RecordedRequest> requests = simulator.requests(vin);
            Instant lastBefore = requests.stream().map(RecordedRequest::at).filter(at -> at.isBefore(killed)).max(Instant::compareTo).orElseThrow();
            Instant firstAfter = requests.stream().map(RecordedRequest::at).filter(at -> !at.isBefore(killed)).min(Instant::compareTo)
                    .orElse(null);
            // a vehicle whose commands were done by the kill, or that never paused, stayed with the survivor
            if (firstAfter != null && Duration.between(lastBefore, firstAfter).compareTo(Duration.ofSeconds(5)) > 0) {
                moved.add(vin); // its commands waited for the dead replica's partitions to move
                assertThat(Duration.between(killed, firstAfter)).as("%s waited for another replica", vin)
                        .isLessThanOrEqualTo(Duration.ofSeconds(15));
            }
        }
        assertThat(moved).as("the killed replica owned some vehicles mid-wake").isNotEmpty();
        assertThat(resultIds()).as("one result per command").hasSize(96).allSatisfy((id, n) -> assertThat(n).isEqualTo(1L));
    }

    private FleetgateProcess start() {
        FleetgateProcess process = FleetgateProcess.start(settings);
        processes.add(process);
        return process.awaitReady(START);
    }

    private String sendRecord(String vin, int percent) {
        String id = UUID.randomUUID().toString();
        topics.send(COMMANDS, vin, """
                {"id":"%s","account_id":"%s","vin":"%s","command":"set_charge_limit","parameters":{"percent":%d}}"""
                .formatted(id, CommandFleet.OWNER, vin, percent));
        return id;
    }

    private void sendRest(FleetgateProcess process, String vin, int percent) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(process.url("/api/1/vehicles/" + vin + "/command/set_charge_limit")))
                .header("Authorization", "Bearer " + ops.gatewayToken()).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"percent\":" + percent + "}")).build();
        http.sendAsync(request, HttpResponse.BodyHandlers.discarding()); // its answer dies with the process
    }

    private List<ConsumerRecord<String, String>> commandRecords(String vin) {
        return topics.all(COMMANDS).stream().filter(r -> vin.equals(r.key())).toList();
    }

    /** The percents of the vehicle's command records, in their order on the topic. */
    private List<Integer> orderOnTopic(String vin) {
        return commandRecords(vin).stream().map(r -> json(r.value()).path("parameters").path("percent").asInt()).toList();
    }

    /** What the vehicle executed, in order: accepted unsigned commands and signed ones alike. */
    private List<Integer> executed(String vin) {
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

    private Map<String, Long> resultIds() {
        return topics.all(RESULTS).stream().map(r -> json(r.value()).path("id").asText())
                .collect(Collectors.groupingBy(id -> id, Collectors.counting()));
    }

    private JsonNode resultOf(String id) {
        return topics.all(RESULTS).stream().map(r -> json(r.value())).filter(r -> id.equals(r.path("id").asText()))
                .findFirst().orElseThrow();
    }

    private long resultsFor(String vin) {
        return topics.all(RESULTS).stream().filter(r -> vin.equals(r.key())).count();
    }

    private static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }
}
