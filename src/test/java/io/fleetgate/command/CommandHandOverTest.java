package io.fleetgate.command;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fleetgate.app.Fleetgate;
import io.fleetgate.sim.RecordedRequest;
import io.fleetgate.testing.CommandFleet;
import io.fleetgate.testing.GatewayHarness;
import io.fleetgate.testing.SimControl;
import io.fleetgate.testing.TestAccount;
import io.fleetgate.testing.TopicRecords;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.common.GroupState;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * A replica that joins takes its share of the command partitions while the commands of those
 * partitions wait: for their vehicle to wake, for it to wake again after the command met it asleep
 * (408), or for their next attempt (a 429's Retry-After). The old owner's waiting commands stop
 * there, unanswered and uncommitted, and the new owner runs each once: it polls for the old owner's
 * wake_up rather than sending another, counts, bills and logs the attempts made before, gives a
 * command no second wake cycle after a 408, and makes an attempt no sooner than it was due.
 * (Before, the old owner's hand-over waited for them, holding its whole poll: a rolling deploy
 * stalled behind wake-ups and backoffs; and a command moved after a 408 lost that attempt from its
 * count and credits, and could be woken for twice.) One harness, one hand-over, every kind of wait
 * on every partition, so whichever partitions move, each kind moves.
 */
class CommandHandOverTest {
    private static final int PARTITIONS = 12;
    private static final int WAKE_SECONDS = 20;
    private static final int RETRY_AFTER_SECONDS = 15;

    /** What a vehicle does, and what its honk_horn command meets. */
    private enum Kind {
        /** asleep; the command waits for its wake-up */
        WAKING("honk_horn", 200),
        /** online at the state check, asleep for the command (408), then woken for good */
        ASLEEP_AT_THE_COMMAND("honk_horn", 408, 200),
        /** as ASLEEP_AT_THE_COMMAND, and asleep again for the one more try: 408 is the answer */
        ASLEEP_AGAIN("honk_horn", 408, 408),
        /** online; the command gets 429 with Retry-After and waits for its next attempt */
        RATE_LIMITED("honk_horn", 429, 200);

        final String command;
        final List<Integer> statuses;

        Kind(String command, Integer... statuses) {
            this.command = command;
            this.statuses = List.of(statuses);
        }

        int answer() {
            return statuses.getLast();
        }

        int wakeUps() {
            return this == RATE_LIMITED ? 0 : 1;
        }

        /** 1 per attempt Tesla answered, 20 per wake_up */
        int credits() {
            return statuses.size() + 20 * wakeUps();
        }
    }

    @Test
    void aJoiningReplicaTakesPartitionsWhoseCommandsAreWaitingAndRunsEachOnce() throws Exception {
        TestAccount ops = CommandFleet.account();
        try (GatewayHarness harness = GatewayHarness.builder().declaredPartitions().fleet(CommandFleet.fleet(WAKE_SECONDS)).accounts(ops)
                // polls every 200 ms for up to 40 s: the 20 s wake delay fits
                .setting("fleetgate.wake.max-polls", "200")
                // the retries' budget (the contract's 90 s; the harness's 10 s) holds the 15 s Retry-After
                .setting("fleetgate.retries.budget-ms", "60000").start()) {
            // one vehicle of each kind per partition of the command topic
            Map<String, Kind> kinds = new HashMap<>();
            Map<Integer, List<Kind>> left = new HashMap<>();
            for (String vin : CommandFleet.vins()) {
                List<Kind> toPlace = left.computeIfAbsent(CommandFleet.partition(vin, PARTITIONS), p -> new ArrayList<>(List.of(Kind.values())));
                if (!toPlace.isEmpty()) {
                    kinds.put(vin, toPlace.removeFirst());
                }
            }
            assertThat(kinds).hasSize(PARTITIONS * Kind.values().length);
            SimControl sim = new SimControl(harness.simulator());
            kinds.forEach((vin, kind) -> {
                switch (kind) {
                    case WAKING -> { }
                    case RATE_LIMITED -> {
                        harness.simulator().fleet().bringOnline(vin);
                        sim.script("""
                                {"vin":"%s","path":"/command/honk_horn","responses":[{"status":429,"headers":{"Retry-After":"%d"}}]}
                                """.formatted(vin, RETRY_AFTER_SECONDS));
                    }
                    default -> {
                        // the state check finds it online; the command then meets it asleep
                        sim.script("""
                                {"vin":"%s","path":"/%s","responses":[{"status":200,"body":{"response":{"vin":"%s","state":"online"}}}]}
                                """.formatted(vin, vin, vin));
                        sim.script("""
                                {"vin":"%s","path":"/command/honk_horn","responses":[%s]}
                                """.formatted(vin, kind == Kind.ASLEEP_AGAIN ? "{\"status\":408},{\"status\":408}" : "{\"status\":408}"));
                    }
                }
            });
            Map<String, CompletableFuture<HttpResponse<String>>> answers = new HashMap<>();
            kinds.forEach((vin, kind) -> answers.put(vin, harness.httpClient().sendAsync(
                    HttpRequest.newBuilder(URI.create(harness.url("/api/1/vehicles/" + vin + "/command/" + kind.command)))
                            .header("Authorization", "Bearer " + ops.gatewayToken())
                            .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString())));
            // the first replica is waking the vehicles and has the 429s
            long waking = kinds.values().stream().filter(kind -> kind.wakeUps() > 0).count();
            Awaitility.await().atMost(Duration.ofSeconds(15)).until(() -> CommandFleet.wakeUps(harness.simulator().requests()) >= waking
                    && honks(harness.simulator().requests()).stream().filter(r -> r.status() == 429).count() >= PARTITIONS);

            String group = harness.settings().getOrDefault("fleetgate.commands.consumer-group", "fleetgate-commands");
            try (Fleetgate second = new Fleetgate(harness.secondReplicaSettings()).start();
                 Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, harness.kafkaBootstrapServers()))) {
                // both replicas own command partitions before any vehicle woke and any retry was due:
                // the hand-over waited for none of the waiting commands on the partitions that moved
                Awaitility.await().atMost(Duration.ofSeconds(RETRY_AFTER_SECONDS)).pollInterval(Duration.ofMillis(100))
                        .until(() -> bothOwnPartitions(admin, group));
                assertThat(honks(harness.simulator().requests())).as("honk_horn calls when the second replica got its partitions")
                        .extracting(RecordedRequest::status).containsOnly(408, 429);

                kinds.forEach((vin, kind) -> {
                    HttpResponse<String> answer = answers.get(vin).join();
                    assertThat(answer.statusCode()).as(vin + " " + kind).isEqualTo(kind.answer());
                    assertThat(answer.headers().firstValue("x-fleetgate-attempts")).as(vin + " " + kind)
                            .contains(Integer.toString(kind.statuses.size()));
                });
                // each command reached Tesla as often as its kind says, whichever replica ran it; a
                // retry no sooner than its Retry-After; each vehicle woken at most once
                Map<String, List<RecordedRequest>> honksPerVin = honks(harness.simulator().requests()).stream()
                        .collect(Collectors.groupingBy(r -> r.path().split("/")[4]));
                Map<String, Long> wakeUpsPerVin = harness.simulator().requests().stream().filter(r -> r.path().endsWith("/wake_up"))
                        .collect(Collectors.groupingBy(r -> r.path().split("/")[4], Collectors.counting()));
                kinds.forEach((vin, kind) -> {
                    List<RecordedRequest> honks = honksPerVin.getOrDefault(vin, List.of());
                    assertThat(honks).as(vin + " " + kind).extracting(RecordedRequest::status).containsExactlyElementsOf(kind.statuses);
                    assertThat(wakeUpsPerVin.getOrDefault(vin, 0L)).as(vin + " " + kind).isEqualTo(kind.wakeUps());
                    if (kind == Kind.RATE_LIMITED) {
                        assertThat(Duration.between(honks.get(0).at(), honks.get(1).at())).as(vin)
                                .isGreaterThanOrEqualTo(Duration.ofSeconds(RETRY_AFTER_SECONDS).minusMillis(100));
                    }
                });
                ObjectMapper json = new ObjectMapper();
                TopicRecords.settle();
                Map<String, Long> resultsPerId = new HashMap<>();
                for (var record : new TopicRecords(harness.kafkaBootstrapServers()).all("fleetgate.command-results.v1")) {
                    resultsPerId.merge(json.readTree(record.value()).path("id").asText(), 1L, Long::sum);
                }
                assertThat(resultsPerId).hasSize(kinds.size()).allSatisfy((id, count) -> assertThat(count).as(id).isEqualTo(1L));
                // the marks of the commands that moved carry what the old owner did
                Map<Kind, List<JsonNode>> handedOver = new HashMap<>();
                for (var record : new TopicRecords(harness.kafkaBootstrapServers()).all("fleetgate.command-attempts.v1")) {
                    JsonNode mark = json.readTree(record.value());
                    if ("handed_over".equals(mark.path("state").asText())) {
                        handedOver.computeIfAbsent(kinds.get(mark.path("vin").asText()), k -> new ArrayList<>()).add(mark);
                    }
                }
                assertThat(handedOver).as("kinds of commands that moved").containsOnlyKeys(Kind.values());
                handedOver.forEach((kind, marks) -> assertThat(marks).allSatisfy(mark -> {
                    assertThat(mark.path("wake_up_calls").asInt()).as(kind.name()).isEqualTo(kind.wakeUps());
                    assertThat(mark.path("attempt").asInt()).as(kind.name()).isEqualTo(kind == Kind.WAKING ? 0 : 1);
                    assertThat(mark.path("billable_attempts").asInt()).as(kind.name()).isEqualTo(kind == Kind.WAKING ? 0 : 1);
                    assertThat(mark.path("attempt_log").findValuesAsText("status")).as(kind.name())
                            .containsExactlyElementsOf(kind.statuses.subList(0, kind == Kind.WAKING ? 0 : 1).stream().map(String::valueOf).toList());
                    assertThat(mark.path("rewoken").asBoolean()).as(kind.name()).isEqualTo(kind == Kind.ASLEEP_AT_THE_COMMAND || kind == Kind.ASLEEP_AGAIN);
                    assertThat(mark.path("retry_at").isTextual()).as(kind.name()).isEqualTo(kind == Kind.RATE_LIMITED);
                }));
                // each command's one audit event bills and logs every attempt and the wake_up once
                Map<String, List<JsonNode>> eventsPerVin = new HashMap<>();
                for (var record : new TopicRecords(harness.kafkaBootstrapServers()).all("fleetgate.audit.v1")) {
                    JsonNode event = json.readTree(record.value());
                    if (resultsPerId.containsKey(event.path("command_id").asText())) {
                        eventsPerVin.computeIfAbsent(event.path("vin").asText(), v -> new ArrayList<>()).add(event);
                    }
                }
                kinds.forEach((vin, kind) -> {
                    List<JsonNode> events = eventsPerVin.getOrDefault(vin, List.of());
                    assertThat(events).as(vin + " " + kind).hasSize(1);
                    assertThat(events.getFirst().path("credits").asInt()).as(vin + " " + kind).isEqualTo(kind.credits());
                    assertThat(events.getFirst().path("attempts").asInt()).as(vin + " " + kind).isEqualTo(kind.statuses.size());
                    assertThat(events.getFirst().path("attempt_log").findValuesAsText("status")).as(vin + " " + kind)
                            .containsExactlyElementsOf(kind.statuses.stream().map(String::valueOf).toList());
                });
            }
        }
    }

    private static boolean bothOwnPartitions(Admin admin, String group) throws Exception {
        ConsumerGroupDescription description = admin.describeConsumerGroups(List.of(group)).all().get().get(group);
        Collection<MemberDescription> members = description.members();
        return description.groupState() == GroupState.STABLE && members.size() == 2
                && members.stream().allMatch(member -> !member.assignment().topicPartitions().isEmpty());
    }

    private static List<RecordedRequest> honks(List<RecordedRequest> requests) {
        return requests.stream().filter(r -> r.path().endsWith("/command/honk_horn")).toList();
    }
}
