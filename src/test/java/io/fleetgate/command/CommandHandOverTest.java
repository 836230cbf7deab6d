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
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.common.GroupState;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * A replica that joins takes its share of the command partitions while the vehicles of those
 * partitions are still waking: the old owner's commands waiting between wake polls stop there,
 * unanswered and uncommitted, and the new owner runs them, each once, polling for the old owner's
 * wake_up rather than sending another, and billing it. (Before, the old owner's
 * hand-over waited for them, holding its whole poll: a rolling deploy stalled behind wake-ups.)
 */
class CommandHandOverTest {
    private static final int VEHICLES = 24;
    private static final int WAKE_SECONDS = 20;

    @Test
    void aJoiningReplicaTakesPartitionsWhoseVehiclesAreStillWakingAndRunsTheirCommandsOnce() throws Exception {
        TestAccount ops = CommandFleet.account();
        try (GatewayHarness harness = GatewayHarness.builder().fleet(CommandFleet.fleet(WAKE_SECONDS)).accounts(ops)
                // polls every 200 ms for up to 40 s: the 20 s wake delay fits
                .setting("fleetgate.wake.max-polls", "200").start()) {
            List<String> vins = IntStream.range(0, VEHICLES).mapToObj(CommandFleet::vin).toList();
            List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
            for (String vin : vins) {
                answers.add(harness.httpClient().sendAsync(HttpRequest.newBuilder(URI.create(harness.url("/api/1/vehicles/" + vin + "/command/honk_horn")))
                        .header("Authorization", "Bearer " + ops.gatewayToken())
                        .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString()));
            }
            // the first replica is waking every vehicle
            Awaitility.await().atMost(Duration.ofSeconds(15)).until(() -> CommandFleet.wakeUps(harness.simulator().requests()) >= VEHICLES);

            String group = harness.settings().getOrDefault("fleetgate.commands.consumer-group", "fleetgate-commands");
            try (Fleetgate second = new Fleetgate(harness.secondReplicaSettings()).start();
                 Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, harness.kafkaBootstrapServers()))) {
                // both replicas own command partitions while no vehicle has woken yet: the hand-over
                // did not wait for the wake-ups of the commands on the partitions that moved
                Awaitility.await().atMost(Duration.ofSeconds(WAKE_SECONDS)).pollInterval(Duration.ofMillis(100))
                        .until(() -> bothOwnPartitions(admin, group));
                assertThat(honks(harness.simulator().requests())).as("honk_horn calls when the second replica got its partitions").isEmpty();

                for (CompletableFuture<HttpResponse<String>> answer : answers) {
                    assertThat(answer.get().statusCode()).isEqualTo(200);
                }
                // each command reached Tesla once, whichever replica ran it, and has one result
                Map<String, Long> honksPerVin = honks(harness.simulator().requests()).stream()
                        .collect(Collectors.groupingBy(r -> r.path().split("/")[4], Collectors.counting()));
                assertThat(honksPerVin).hasSize(VEHICLES).allSatisfy((vin, count) -> assertThat(count).as(vin).isEqualTo(1L));
                ObjectMapper json = new ObjectMapper();
                TopicRecords.settle();
                Map<String, Long> resultsPerId = new HashMap<>();
                for (var record : new TopicRecords(harness.kafkaBootstrapServers()).all("fleetgate.command-results.v1")) {
                    resultsPerId.merge(json.readTree(record.value()).path("id").asText(), 1L, Long::sum);
                }
                assertThat(resultsPerId).hasSize(VEHICLES).allSatisfy((id, count) -> assertThat(count).as(id).isEqualTo(1L));
                // each vehicle was woken once: the new owner polled for the old owner's wake_up, and
                // billed it (20 credits, and 1 for the command) on the command's one audit event
                Map<String, Long> wakeUpsPerVin = harness.simulator().requests().stream().filter(r -> r.path().endsWith("/wake_up"))
                        .collect(Collectors.groupingBy(r -> r.path().split("/")[4], Collectors.counting()));
                assertThat(wakeUpsPerVin).hasSize(VEHICLES).allSatisfy((vin, count) -> assertThat(count).as(vin).isEqualTo(1L));
                Map<String, List<Integer>> creditsPerId = new HashMap<>();
                for (var record : new TopicRecords(harness.kafkaBootstrapServers()).all("fleetgate.audit.v1")) {
                    var event = json.readTree(record.value());
                    if (resultsPerId.containsKey(event.path("command_id").asText())) {
                        creditsPerId.computeIfAbsent(event.path("command_id").asText(), id -> new ArrayList<>()).add(event.path("credits").asInt());
                    }
                }
                assertThat(creditsPerId).hasSize(VEHICLES).allSatisfy((id, credits) -> assertThat(credits).as(id).containsExactly(21));
            }
        }
    }

    /**
     * A command Tesla answered 408 (the vehicle fell asleep after its state check) waits in its one
     * wake cycle when its partition moves: the new owner counts, bills and logs that first attempt
     * as the old owner would have, beside the wake_up (before, the caller saw 1 attempt and the
     * audit event 21 credits instead of 2 and 22), and a 408 on its one more try is the answer, not
     * the start of a second wake cycle. Each partition has a vehicle that wakes for good and one that
     * answers the try 408 again, so whichever partitions move, both kinds move.
     */
    @Test
    void aCommandHandedOverInItsWakeCycleAfterA408KeepsThatAttemptAndItsOneWakeCycle() throws Exception {
        TestAccount ops = CommandFleet.account();
        try (GatewayHarness harness = GatewayHarness.builder().fleet(CommandFleet.fleet(WAKE_SECONDS)).accounts(ops)
                .setting("fleetgate.wake.max-polls", "200").start()) {
            int partitions = 12;
            Map<Integer, List<String>> byPartition = new HashMap<>();
            for (String vin : CommandFleet.vins()) {
                List<String> ofPartition = byPartition.computeIfAbsent(CommandFleet.partition(vin, partitions), p -> new ArrayList<>());
                if (ofPartition.size() < 2) {
                    ofPartition.add(vin);
                }
            }
            List<String> wakeForGood = byPartition.values().stream().map(List::getFirst).toList();
            List<String> asleepAgain = byPartition.values().stream().map(List::getLast).toList();
            assertThat(wakeForGood).hasSize(partitions);
            List<String> vins = new ArrayList<>(wakeForGood);
            vins.addAll(asleepAgain);
            SimControl sim = new SimControl(harness.simulator());
            for (String vin : vins) {
                // the state check finds it online; the command then meets it asleep (and those of
                // asleepAgain once more, after the wake cycle)
                sim.script("""
                        {"vin":"%s","path":"/%s","responses":[{"status":200,"body":{"response":{"vin":"%s","state":"online"}}}]}
                        """.formatted(vin, vin, vin));
                sim.script("""
                        {"vin":"%s","path":"/command/honk_horn","responses":[%s]}
                        """.formatted(vin, asleepAgain.contains(vin) ? "{\"status\":408},{\"status\":408}" : "{\"status\":408}"));
            }
            Map<String, CompletableFuture<HttpResponse<String>>> answers = new HashMap<>();
            for (String vin : vins) {
                answers.put(vin, harness.httpClient().sendAsync(HttpRequest.newBuilder(URI.create(harness.url("/api/1/vehicles/" + vin + "/command/honk_horn")))
                        .header("Authorization", "Bearer " + ops.gatewayToken())
                        .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString()));
            }
            // every command met its 408 and its vehicle is waking
            Awaitility.await().atMost(Duration.ofSeconds(15)).until(() -> CommandFleet.wakeUps(harness.simulator().requests()) >= vins.size());

            String group = harness.settings().getOrDefault("fleetgate.commands.consumer-group", "fleetgate-commands");
            try (Fleetgate second = new Fleetgate(harness.secondReplicaSettings()).start();
                 Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, harness.kafkaBootstrapServers()))) {
                Awaitility.await().atMost(Duration.ofSeconds(WAKE_SECONDS)).pollInterval(Duration.ofMillis(100))
                        .until(() -> bothOwnPartitions(admin, group));
                for (String vin : vins) {
                    HttpResponse<String> answer = answers.get(vin).get();
                    assertThat(answer.statusCode()).as(vin).isEqualTo(asleepAgain.contains(vin) ? 408 : 200);
                    assertThat(answer.headers().firstValue("x-fleetgate-attempts")).as(vin).contains("2");
                }
                // the 408, then the one more try after the vehicle woke, whichever replica sent it;
                // one wake_up per vehicle
                Map<String, List<Integer>> honkStatusesPerVin = honks(harness.simulator().requests()).stream()
                        .collect(Collectors.groupingBy(r -> r.path().split("/")[4], Collectors.mapping(RecordedRequest::status, Collectors.toList())));
                assertThat(honkStatusesPerVin).hasSize(vins.size()).allSatisfy((vin, statuses) -> assertThat(statuses).as(vin)
                        .containsExactly(408, asleepAgain.contains(vin) ? 408 : 200));
                Map<String, Long> wakeUpsPerVin = harness.simulator().requests().stream().filter(r -> r.path().endsWith("/wake_up"))
                        .collect(Collectors.groupingBy(r -> r.path().split("/")[4], Collectors.counting()));
                assertThat(wakeUpsPerVin).hasSize(vins.size()).allSatisfy((vin, count) -> assertThat(count).as(vin).isEqualTo(1L));
                ObjectMapper json = new ObjectMapper();
                TopicRecords.settle();
                List<JsonNode> handedOver = new ArrayList<>();
                for (var record : new TopicRecords(harness.kafkaBootstrapServers()).all("fleetgate.command-attempts.v1")) {
                    JsonNode mark = json.readTree(record.value());
                    if ("handed_over".equals(mark.path("state").asText())) {
                        handedOver.add(mark);
                    }
                }
                assertThat(handedOver).as("commands that moved in their wake cycle").isNotEmpty()
                        .allSatisfy(mark -> {
                            assertThat(mark.path("attempt").asInt()).isEqualTo(1);
                            assertThat(mark.path("billable_attempts").asInt()).isEqualTo(1);
                            assertThat(mark.path("wake_up_calls").asInt()).isEqualTo(1);
                            assertThat(mark.path("rewoken").asBoolean()).isTrue();
                            assertThat(mark.path("attempt_log")).hasSize(1);
                            assertThat(mark.path("attempt_log").get(0).path("status").asInt()).isEqualTo(408);
                        });
                assertThat(handedOver).extracting(mark -> mark.path("vin").asText()).as("both kinds moved")
                        .anyMatch(wakeForGood::contains).anyMatch(asleepAgain::contains);
                // each command's one audit event: two attempts, both billed, and the wake_up (1 + 1 + 20)
                Map<String, List<JsonNode>> eventsPerVin = new HashMap<>();
                for (var record : new TopicRecords(harness.kafkaBootstrapServers()).all("fleetgate.audit.v1")) {
                    JsonNode event = json.readTree(record.value());
                    if ("honk_horn".equals(event.path("command").asText())) {
                        eventsPerVin.computeIfAbsent(event.path("vin").asText(), id -> new ArrayList<>()).add(event);
                    }
                }
                assertThat(eventsPerVin).hasSize(vins.size()).allSatisfy((vin, events) -> {
                    assertThat(events).as(vin).hasSize(1);
                    assertThat(events.getFirst().path("credits").asInt()).as(vin).isEqualTo(22);
                    assertThat(events.getFirst().path("attempts").asInt()).as(vin).isEqualTo(2);
                    assertThat(events.getFirst().path("attempt_log").findValuesAsText("status")).as(vin)
                            .containsExactly("408", asleepAgain.contains(vin) ? "408" : "200");
                });
            }
        }
    }

    /**
     * Commands waiting out a 429's Retry-After when their partition moves stop at once: the
     * hand-over does not wait the 15 s (before, it held the rebalance until the retries were made),
     * and the new owner makes each attempt when it was due, once, counted and billed with the first.
     */
    @Test
    void aCommandWaitingForItsNextAttemptMovesAtOnceAndItsNextOwnerMakesItWhenDue() throws Exception {
        int retryAfterSeconds = 15;
        TestAccount ops = CommandFleet.account();
        // the retries' budget (the contract's 90 s; the harness's 10 s) holds a 15 s Retry-After
        try (GatewayHarness harness = GatewayHarness.builder().fleet(CommandFleet.fleet()).accounts(ops)
                .setting("fleetgate.retries.budget-ms", "60000").start()) {
            List<String> vins = IntStream.range(0, VEHICLES).mapToObj(CommandFleet::vin).toList();
            SimControl sim = new SimControl(harness.simulator());
            for (String vin : vins) {
                harness.simulator().fleet().bringOnline(vin);
                sim.script("""
                        {"vin":"%s","path":"/command/honk_horn","responses":[{"status":429,"headers":{"Retry-After":"%d"}}]}
                        """.formatted(vin, retryAfterSeconds));
            }
            List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
            for (String vin : vins) {
                answers.add(harness.httpClient().sendAsync(HttpRequest.newBuilder(URI.create(harness.url("/api/1/vehicles/" + vin + "/command/honk_horn")))
                        .header("Authorization", "Bearer " + ops.gatewayToken())
                        .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString()));
            }
            // every command got its 429 and waits for its retry
            Awaitility.await().atMost(Duration.ofSeconds(15)).until(() -> honks(harness.simulator().requests()).size() >= VEHICLES);

            String group = harness.settings().getOrDefault("fleetgate.commands.consumer-group", "fleetgate-commands");
            try (Fleetgate second = new Fleetgate(harness.secondReplicaSettings()).start();
                 Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, harness.kafkaBootstrapServers()))) {
                Awaitility.await().atMost(Duration.ofSeconds(retryAfterSeconds)).pollInterval(Duration.ofMillis(100))
                        .until(() -> bothOwnPartitions(admin, group));
                assertThat(honks(harness.simulator().requests())).as("honk_horn retries when the second replica got its partitions")
                        .extracting(RecordedRequest::status).containsOnly(429);
                for (CompletableFuture<HttpResponse<String>> answer : answers) {
                    assertThat(answer.get().statusCode()).isEqualTo(200);
                    assertThat(answer.get().headers().firstValue("x-fleetgate-attempts")).contains("2");
                }
                // the 429, then the retry once Retry-After had passed, whichever replica made it
                Map<String, List<RecordedRequest>> honksPerVin = honks(harness.simulator().requests()).stream()
                        .collect(Collectors.groupingBy(r -> r.path().split("/")[4]));
                assertThat(honksPerVin).hasSize(VEHICLES).allSatisfy((vin, honks) -> {
                    assertThat(honks).as(vin).extracting(RecordedRequest::status).containsExactly(429, 200);
                    assertThat(Duration.between(honks.get(0).at(), honks.get(1).at())).as(vin)
                            .isGreaterThanOrEqualTo(Duration.ofSeconds(retryAfterSeconds).minusMillis(100));
                });
                ObjectMapper json = new ObjectMapper();
                TopicRecords.settle();
                List<JsonNode> handedOver = new ArrayList<>();
                for (var record : new TopicRecords(harness.kafkaBootstrapServers()).all("fleetgate.command-attempts.v1")) {
                    JsonNode mark = json.readTree(record.value());
                    if ("handed_over".equals(mark.path("state").asText())) {
                        handedOver.add(mark);
                    }
                }
                assertThat(handedOver).as("commands that moved in their wait").isNotEmpty().allSatisfy(mark -> {
                    assertThat(mark.path("attempt").asInt()).isEqualTo(1);
                    assertThat(mark.path("billable_attempts").asInt()).isEqualTo(1);
                    assertThat(mark.path("retry_at").isTextual()).isTrue();
                });
                // each command's one audit event: both attempts billed, no wake_up
                Map<String, List<JsonNode>> eventsPerVin = new HashMap<>();
                for (var record : new TopicRecords(harness.kafkaBootstrapServers()).all("fleetgate.audit.v1")) {
                    JsonNode event = json.readTree(record.value());
                    if ("honk_horn".equals(event.path("command").asText())) {
                        eventsPerVin.computeIfAbsent(event.path("vin").asText(), id -> new ArrayList<>()).add(event);
                    }
                }
                assertThat(eventsPerVin).hasSize(VEHICLES).allSatisfy((vin, events) -> {
                    assertThat(events).as(vin).hasSize(1);
                    assertThat(events.getFirst().path("credits").asInt()).as(vin).isEqualTo(2);
                    assertThat(events.getFirst().path("attempt_log").findValuesAsText("status")).as(vin).containsExactly("429", "200");
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
