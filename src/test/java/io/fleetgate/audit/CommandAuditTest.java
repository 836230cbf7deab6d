package io.fleetgate.audit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fleetgate.testing.CommandFleet;
import io.fleetgate.testing.GatewayHarness;
import io.fleetgate.testing.SimControl;
import io.fleetgate.testing.TestAccount;
import io.fleetgate.testing.TopicRecords;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** CONTRACT sections 4 and 8: one event per command, when it has finished, with what it charged. */
class CommandAuditTest {
    private static final TestAccount OPS = CommandFleet.account();
    private static final CommandFleet.Vins VINS = new CommandFleet.Vins();
    private static GatewayHarness harness;
    private static AuditTopic topic;

    @BeforeAll
    static void start() {
        harness = GatewayHarness.builder().fleet(CommandFleet.fleet()).accounts(OPS).start();
        topic = new AuditTopic(harness.kafkaBootstrapServers());
    }

    @AfterAll
    static void stop() {
        harness.close();
    }

    @Test
    void aCommandToAnOnlineVehicleIsOneEventChargingOneCommand() {
        String vin = VINS.next();
        harness.simulator().fleet().bringOnline(vin);
        HttpResponse<byte[]> response = command(vin, "flash_lights", "audit-test online command");
        assertThat(response.statusCode()).isEqualTo(200);

        JsonNode event = topic.awaitOne(library("audit-test online command"));
        assertThat(event.get("command_id").asText()).isNotBlank();
        assertThat(event.get("source").asText()).isEqualTo("rest");
        assertThat(event.get("account_id").asText()).isEqualTo(CommandFleet.OWNER);
        // the name of the token the REST caller presented rides along in the command record
        assertThat(event.get("token_name").asText()).isEqualTo(CommandFleet.OWNER + "-token");
        assertThat(event.get("client_ip").asText()).isEqualTo("127.0.0.1");
        assertThat(event.get("method").asText()).isEqualTo("POST");
        assertThat(event.get("path_template").asText()).isEqualTo("/api/1/vehicles/{vin}/command/{command}");
        assertThat(event.get("endpoint_class").asText()).isEqualTo("vehicle_command");
        assertThat(event.get("vin").asText()).isEqualTo(vin);
        assertThat(event.get("command").asText()).isEqualTo("flash_lights");
        assertThat(event.get("status").asInt()).isEqualTo(200);
        assertThat(event.get("attempts").asInt()).isEqualTo(1);
        assertThat(event.get("woke_vehicle").asBoolean()).isFalse();
        assertThat(event.get("credits").asInt()).isEqualTo(1);
        assertThat(event.get("region").asText()).isEqualTo("na");
        // the REST request and its command are one event, not two
        assertThat(topic.settled(Duration.ofSeconds(1), library("audit-test online command"))).hasSize(1);
    }

    @Test
    void aCommandToASleepingVehicleChargesTheWakeUpAndTheCommand() {
        String vin = VINS.next();
        HttpResponse<byte[]> response = command(vin, "honk_horn", "audit-test asleep command");
        assertThat(response.statusCode()).isEqualTo(200);

        JsonNode event = topic.awaitOne(library("audit-test asleep command"));
        assertThat(event.get("woke_vehicle").asBoolean()).isTrue();
        assertThat(event.get("attempts").asInt()).isEqualTo(1);
        assertThat(event.get("credits").asInt()).isEqualTo(21);
    }

    @Test
    void aCommandRecordFromKafkaIsAuditedAsKafkaUnderItsAccount() {
        String vin = VINS.next();
        harness.simulator().fleet().bringOnline(vin);
        new TopicRecords(harness.kafkaBootstrapServers()).send("fleetgate.commands.v1", vin, """
                {"id":"audit-test-kafka-1","account_id":"%s","vin":"%s","command":"door_lock"}
                """.formatted(CommandFleet.OWNER, vin));

        JsonNode event = topic.awaitOne(commandId("audit-test-kafka-1"));
        assertThat(event.get("source").asText()).isEqualTo("kafka");
        assertThat(event.get("token_name").isNull()).as("a Kafka producer presents no gateway token").isTrue();
        assertThat(event.get("command").asText()).isEqualTo("door_lock");
        assertThat(event.get("status").asInt()).isEqualTo(200);
        assertThat(event.get("credits").asInt()).isEqualTo(1);
        assertThat(recordKeys(commandId("audit-test-kafka-1"))).containsExactly(CommandFleet.OWNER);
    }

    @Test
    void aRefusedCommandRecordIsAuditedAndChargesNothing() {
        String vin = VINS.next();
        new TopicRecords(harness.kafkaBootstrapServers()).send("fleetgate.commands.v1", vin, """
                {"id":"audit-test-kafka-refused","account_id":"no-such-account","vin":"%s","command":"door_lock"}
                """.formatted(vin));

        JsonNode event = topic.awaitOne(commandId("audit-test-kafka-refused"));
        assertThat(event.get("status").asInt()).isBetween(400, 499);
        assertThat(event.get("credits").asInt()).isZero();
        assertThat(event.get("attempts").asInt()).isZero();
        assertThat(event.get("account_id").asText()).isEqualTo("no-such-account");
    }

    @Test
    void anEnergyCommandRetriedAfterA5xxChargesOnlyTheAttemptTeslaBilled() {
        new SimControl(harness.simulator()).script("""
                {"site":%d,"path":"/backup","responses":[{"status":503},{"status":200}]}
                """.formatted(CommandFleet.SITE));
        Map<String, String> headers = headers("audit-test energy command");
        HttpResponse<byte[]> response = harness.send("POST", "/api/1/energy_sites/" + CommandFleet.SITE + "/backup", headers,
                "{\"backup_reserve_percent\":20}".getBytes(StandardCharsets.UTF_8));
        assertThat(response.statusCode()).isEqualTo(200);

        JsonNode event = topic.awaitOne(library("audit-test energy command"));
        assertThat(event.get("command").asText()).isEqualTo("backup");
        assertThat(event.get("energy_site_id").asLong()).isEqualTo(CommandFleet.SITE);
        assertThat(event.get("attempts").asInt()).isEqualTo(2);
        assertThat(event.get("credits").asInt()).isEqualTo(1);
    }

    private static HttpResponse<byte[]> command(String vin, String name, String clientLibrary) {
        return harness.send("POST", "/api/1/vehicles/" + vin + "/command/" + name, headers(clientLibrary),
                "{}".getBytes(StandardCharsets.UTF_8));
    }

    private static Map<String, String> headers(String clientLibrary) {
        Map<String, String> headers = new HashMap<>(GatewayHarness.bearer(OPS.gatewayToken()));
        headers.put("Content-Type", "application/json");
        headers.put("X-Library", clientLibrary);
        return headers;
    }

    private static Predicate<JsonNode> library(String clientLibrary) {
        return event -> clientLibrary.equals(event.path("client_library").asText(null));
    }

    private static Predicate<JsonNode> commandId(String id) {
        return event -> id.equals(event.path("command_id").asText(null));
    }

    private static List<String> recordKeys(Predicate<JsonNode> which) {
        return topic.readUntil(records -> false, Duration.ofMillis(500)).stream()
                .filter(r -> which.test(AuditTopic.json(r.value()))).map(ConsumerRecord::key).toList();
    }
}
