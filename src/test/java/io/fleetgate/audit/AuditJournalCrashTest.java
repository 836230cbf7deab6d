package io.fleetgate.audit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fleetgate.ops.PrometheusText;
import io.fleetgate.testing.CommandFleet;
import io.fleetgate.testing.FleetgateProcess;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Fleetgate as a real process, killed ({@code kill -9}) while Kafka is away and the outage's
 * audit events wait in its journal: started again in the same folder once Kafka is back, it
 * replays the journal; every request has its event on the topic, none twice.
 */
class AuditJournalCrashTest {
    private static final String LIBRARY = "crash ";
    private static final int IN_MEMORY = 10;
    private OutageRig rig;

    @BeforeEach
    void startBrokerAndSimulator() throws Exception {
        rig = new OutageRig();
    }

    @AfterEach
    void stopAll() {
        rig.close();
    }

    @Test
    void aReplicaKilledDuringAnOutageReplaysItsJournalAfterRestartAndNoEventTwice() throws Exception {
        Path folder = Files.createDirectories(rig.dir.resolve("replica"));
        Map<String, String> small = Map.of("fleetgate.audit.buffer-size", String.valueOf(IN_MEMORY));
        FleetgateProcess first = rig.start(small, folder).awaitReady(OutageRig.START);
        String vin = CommandFleet.vin(40);
        rig.simulator.fleet().bringOnline(vin);
        for (int i = 0; i < 10; i++) {
            assertThat(read(first, i).statusCode()).isEqualTo(200);
        }
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> tagged(rig.auditEvents()).size() == 10);

        rig.stopKafka();
        Awaitility.await().atMost(Duration.ofSeconds(15)).until(() -> rig.metrics(first).value("fleetgate_kafka_up") == 0);
        for (int i = 10; i < 70; i++) {
            assertThat(read(first, i).statusCode()).as("read %d during the outage", i).isEqualTo(200);
        }
        Path journal = folder.resolve("data/audit-journal");
        Set<String> journaled = journaledIds(journal);
        PrometheusText before = rig.metrics(first);
        assertThat(journaled).as("while Kafka is away, events go to the journal, not memory").hasSize(60);
        assertThat(before.value("fleetgate_audit_events_buffered")).isZero();
        assertThat(before.value("fleetgate_audit_journal_events")).isEqualTo(60);
        first.kill();

        rig.startKafka();
        FleetgateProcess second = rig.start(small, folder).awaitReady(OutageRig.START);
        Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).until(() ->
                rig.auditEvents().stream().map(e -> e.path("event_id").asText()).collect(Collectors.toSet()).containsAll(journaled));
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> rig.metrics(second).value("fleetgate_audit_journal_bytes") == 0);
        Thread.sleep(2000); // anything twice would have arrived by now
        List<JsonNode> events = rig.auditEvents();

        Map<String, Long> perId = events.stream().collect(Collectors.groupingBy(e -> e.path("event_id").asText(), Collectors.counting()));
        assertThat(perId).as("no event twice").allSatisfy((id, n) -> assertThat(n).as(id).isEqualTo(1L));
        Map<String, Long> perRequest = tagged(events).stream().collect(Collectors.groupingBy(e -> e.path("client_library").asText(),
                Collectors.counting()));
        List<Integer> lost = new ArrayList<>();
        for (int i = 0; i < 70; i++) {
            if (!perRequest.containsKey(LIBRARY + i)) {
                lost.add(i);
            }
        }
        System.out.printf("journaled %d, replayed %s after the restart; lost: %s%n",
                journaled.size(), rig.metrics(second).value("fleetgate_audit_events_replayed_total"), lost);
        assertThat(rig.metrics(second).value("fleetgate_audit_events_replayed_total")).isEqualTo(journaled.size());
        assertThat(lost).as("requests without their event").isEmpty();
        assertThat(second.outputLines()).as("the restart says what it replays").anyMatch(l -> l.contains("audit journal"));
    }

    private HttpResponse<String> read(FleetgateProcess to, int n) throws Exception {
        return rig.send(to, "GET", "/api/1/vehicles/" + CommandFleet.vin(40) + "/vehicle_data", LIBRARY + n).get();
    }

    private static List<JsonNode> tagged(List<JsonNode> events) {
        return events.stream().filter(e -> e.path("client_library").asText("").startsWith(LIBRARY)).toList();
    }

    /** The event ids in the journal's files, as an operator would read them. */
    private static Set<String> journaledIds(Path journal) throws Exception {
        if (!Files.isDirectory(journal)) {
            return Set.of();
        }
        try (Stream<Path> files = Files.list(journal)) {
            List<Path> segments = files.filter(f -> f.getFileName().toString().endsWith(".jsonl")).toList();
            List<String> ids = new ArrayList<>();
            for (Path segment : segments) {
                for (String line : Files.readAllLines(segment)) {
                    ids.add(OutageRig.json(line).path("event_id").asText());
                }
            }
            return Set.copyOf(ids);
        }
    }
}
