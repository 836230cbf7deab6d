package io.fleetgate.command;

import static io.fleetgate.testing.CommandFleet.commandCalls;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fleetgate.testing.CommandFleet;
import io.fleetgate.testing.GatewayHarness;
import io.fleetgate.testing.KafkaClientMetrics;
import io.fleetgate.testing.TestAccount;
import io.fleetgate.testing.TopicRecords;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Commands produced straight to Kafka, as an enterprise system would: one result each, ids run once. */
class KafkaCommandsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String COMMANDS = "fleetgate.commands.v1";
    private static final String RESULTS = "fleetgate.command-results.v1";
    private static final TestAccount OPS = CommandFleet.account();
    /** The same Tesla account, subscribed to the first vehicle only. */
    private static final TestAccount NARROW = new TestAccount("narrow", "na", CommandFleet.TESLA_TOKEN, "gw-narrow",
            TestAccount.ALL_SCOPES, List.of(CommandFleet.vin(0)), List.of(), null);
    private static final CommandFleet.Vins VINS = new CommandFleet.Vins();
    private static GatewayHarness harness;
    private static TopicRecords topics;

    @BeforeAll
    static void start() {
        VINS.next(); // vin(0) belongs to NARROW's tests
        harness = GatewayHarness.builder().fleet(CommandFleet.fleet()).accounts(OPS, NARROW).start();
        topics = new TopicRecords(harness.kafkaBootstrapServers());
    }

    @AfterAll
    static void stop() {
        harness.close();
    }

    @Test
    void aCommandProducedToKafkaGetsExactlyOneResult() throws Exception {
        String vin = VINS.next();
        String id = UUID.randomUUID().toString();
        topics.send(COMMANDS, vin, """
                {"id":"%s","account_id":"ops","vin":"%s","command":"set_charge_limit","parameters":{"percent":80},
                 "reply_to":"dispatch-42"}""".formatted(id, vin));
        JsonNode result = onlyResult(id);
        assertThat(result.get("status").asInt()).isEqualTo(200);
        assertThat(result.get("response").get("response").get("result").asBoolean()).isTrue();
        assertThat(result.get("reply_to").asText()).isEqualTo("dispatch-42");
        assertThat(result.get("vin").asText()).isEqualTo(vin);
        assertThat(result.get("woke_vehicle").asBoolean()).isTrue();
        assertThat(result.get("attempts").asInt()).isEqualTo(1);
        assertThat(commandCalls(harness.simulator().requests(vin))).singleElement()
                .satisfies(call -> assertThat(call.body()).isEqualTo("{\"percent\":80}"));
        // a command from Kafka has its audit event with its one attempt, as a REST one does
        List<ConsumerRecord<String, String>> events = topics.awaitSettled("fleetgate.audit.v1",
                r -> r.value().contains("\"command_id\":\"" + id + "\""), 1, Duration.ofSeconds(20));
        assertThat(events).hasSize(1);
        JsonNode log = JSON.readTree(events.getFirst().value()).get("attempt_log");
        assertThat(log).hasSize(1);
        assertThat(log.get(0).get("status").asInt()).isEqualTo(200);
        assertThat(log.get(0).get("next_after_ms").isNull()).isTrue();
        // nothing more arrived for it (onlyResult read the topic again after a quiet period)
    }

    @Test
    void aRepeatedIdIsNotExecutedAgainAndItsEarlierResultIsPublishedAgain() throws Exception {
        String vin = VINS.next();
        harness.simulator().fleet().bringOnline(vin);
        String id = UUID.randomUUID().toString();
        String record = "{\"id\":\"%s\",\"account_id\":\"ops\",\"vin\":\"%s\",\"command\":\"flash_lights\"}".formatted(id, vin);
        topics.send(COMMANDS, vin, record);
        onlyResult(id);
        topics.send(COMMANDS, vin, record);
        List<ConsumerRecord<String, String>> results = topics.awaitSettled(RESULTS, r -> r.value().contains(id), 2, Duration.ofSeconds(10));
        assertThat(results).hasSize(2);
        assertThat(JSON.readTree(results.get(1).value()).get("status").asInt()).isEqualTo(200);
        // the same result as the first time (the ledger keeps it as the topic's JSON and reads it again)
        for (String field : List.of("response", "completed_at", "attempts", "woke_vehicle")) {
            assertThat(JSON.readTree(results.get(1).value()).get(field)).as(field).isEqualTo(JSON.readTree(results.get(0).value()).get(field));
        }
        assertThat(commandCalls(harness.simulator().requests(vin))).hasSize(1);
    }

    @Test
    void aCommandOutsideTheAccountsSubscriptionIsRefusedWithAResult() throws Exception {
        String vin = VINS.next();
        String id = UUID.randomUUID().toString();
        topics.send(COMMANDS, vin, "{\"id\":\"%s\",\"account_id\":\"narrow\",\"vin\":\"%s\",\"command\":\"door_unlock\"}".formatted(id, vin));
        JsonNode result = onlyResult(id);
        assertThat(result.get("status").asInt()).isEqualTo(402);
        assertThat(result.get("response").get("error").asText()).isEqualTo("vehicle_subscription_required");
        assertThat(harness.simulator().requests(vin)).isEmpty();
    }

    @Test
    void unknownAccountsCommandsAndMalformedRecordsGetAResultToo() throws Exception {
        String vin = VINS.next();
        String unknownAccount = UUID.randomUUID().toString();
        String unknownCommand = UUID.randomUUID().toString();
        topics.send(COMMANDS, vin, "{\"id\":\"%s\",\"account_id\":\"nobody\",\"vin\":\"%s\",\"command\":\"honk_horn\"}".formatted(unknownAccount, vin));
        topics.send(COMMANDS, vin, "{\"id\":\"%s\",\"account_id\":\"ops\",\"vin\":\"%s\",\"command\":\"self_destruct\"}".formatted(unknownCommand, vin));
        topics.send(COMMANDS, vin, "this is not json");
        assertThat(onlyResult(unknownAccount).get("status").asInt()).isEqualTo(404);
        assertThat(onlyResult(unknownCommand).get("status").asInt()).isEqualTo(400);
        List<ConsumerRecord<String, String>> malformed = topics.awaitSettled(RESULTS,
                r -> vin.equals(r.key()) && r.value().contains("not a command"), 1, Duration.ofSeconds(10));
        assertThat(malformed).hasSize(1);
        assertThat(harness.simulator().requests(vin)).isEmpty();
    }

    @Test
    void aRestCommandIsARecordOnTheCommandTopicWithoutAnyToken() throws Exception {
        String vin = VINS.next();
        harness.simulator().fleet().bringOnline(vin);
        assertThat(harness.send("POST", "/api/1/vehicles/" + vin + "/command/flash_lights?token=" + OPS.gatewayToken(),
                java.util.Map.of("Content-Type", "application/json"), "{}".getBytes()).statusCode()).isEqualTo(200);
        List<ConsumerRecord<String, String>> records = topics.await(COMMANDS, r -> vin.equals(r.key()), 1, Duration.ofSeconds(5));
        JsonNode command = JSON.readTree(records.getFirst().value());
        assertThat(command.get("account_id").asText()).isEqualTo("ops");
        assertThat(command.get("command").asText()).isEqualTo("flash_lights");
        assertThat(command.get("source").asText()).isEqualTo("rest");
        assertThat(command.get("id").asText()).isNotBlank();
        assertThat(records.getFirst().value()).doesNotContain(OPS.gatewayToken()).doesNotContain(OPS.teslaToken());
    }

    /** The lanes' attempt marks and results share produce requests: the broker pays per request. */
    @Test
    void lanesWritingTogetherShareProduceRequests() throws Exception {
        int commands = 40;
        double writesBefore = KafkaClientMetrics.value("kafka.producer:type=producer-metrics,client-id=fleetgate-command-records", "request-total");
        List<String> ids = new ArrayList<>();
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, harness.kafkaBootstrapServers());
        try (var producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
            for (int i = 0; i < commands; i++) {
                String vin = VINS.next();
                String id = UUID.randomUUID().toString();
                ids.add(id);
                producer.send(new ProducerRecord<>(COMMANDS, vin, """
                        {"id":"%s","account_id":"ops","vin":"%s","command":"honk_horn"}""".formatted(id, vin)));
            }
            // taken together, so their vehicles wake together and their lanes write at about the same time
            producer.flush();
        }
        List<ConsumerRecord<String, String>> results = topics.await(RESULTS, r -> ids.stream().anyMatch(r.value()::contains),
                commands, Duration.ofSeconds(30));
        assertThat(results).hasSize(commands).allSatisfy(r -> assertThat(JSON.readTree(r.value()).get("status").asInt()).isEqualTo(200));
        // 80 writes (a mark and a result per command), in fewer requests than commands
        assertThat(KafkaClientMetrics.value("kafka.producer:type=producer-metrics,client-id=fleetgate-command-records", "request-total")
                - writesBefore).isLessThan(commands);
    }

    private static JsonNode onlyResult(String id) throws Exception {
        List<ConsumerRecord<String, String>> results = topics.awaitSettled(RESULTS, r -> r.value().contains(id), 1, Duration.ofSeconds(15));
        assertThat(results).as("results of " + id).hasSize(1);
        return JSON.readTree(results.getFirst().value());
    }
}
