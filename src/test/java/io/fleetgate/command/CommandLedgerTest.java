package io.fleetgate.command;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetgate.app.EmbeddedKafka;
import io.fleetgate.testing.GatewayHarness;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The ledger keeps each executed command's result as the results topic's JSON, whichever comes
 * first: the topic's copy or this replica's own result (the parsed result takes about three times
 * the memory, and up to fleetgate.commands.remembered-results are kept).
 */
class CommandLedgerTest {
    private static final String RESULTS = "ledger-results";

    private static EmbeddedKafka kafka;
    private static KafkaProducer<String, String> producer;
    private static CommandLedger ledger;

    @BeforeAll
    static void start() throws Exception {
        kafka = EmbeddedKafka.start(Files.createTempDirectory("fleetgate-ledger").resolve("kafka"),
                GatewayHarness.freePort(), GatewayHarness.freePort());
        Map<String, Object> clientConfig = Map.of("bootstrap.servers", kafka.bootstrapServers());
        try (Admin admin = Admin.create(clientConfig)) {
            admin.createTopics(List.of(new NewTopic(RESULTS, 2, (short) 1), new NewTopic("ledger-attempts", 2, (short) 1)))
                    .all().get();
        }
        producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName(),
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName()));
        ledger = new CommandLedger(clientConfig, RESULTS, "ledger-attempts", 1000);
        ledger.start();
    }

    @AfterAll
    static void stop() {
        ledger.stop();
        producer.close();
        kafka.close();
    }

    @Test
    void aResultReadFromTheTopicStaysItsJsonWhenTheOwnResultIsRecordedAfter() throws Exception {
        CommandResult result = result();
        CompletableFuture<CommandResult> waiter = ledger.expect(result.id());
        publish(result);

        ledger.record(result);

        assertThat(ledger.keptAsRecord(result.id())).isTrue();
        assertThat(waiter.get(10, TimeUnit.SECONDS).status()).isEqualTo(200);
        assertThat(ledger.executed(result.id())).hasValueSatisfying(kept -> {
            assertThat(kept.vin()).isEqualTo(result.vin());
            assertThat(kept.commandOffset()).isEqualTo(41L);
        });
    }

    @Test
    void anOwnResultRecordedFirstGivesWayToTheTopicsCopy() throws Exception {
        CommandResult result = result();
        CompletableFuture<CommandResult> waiter = ledger.expect(result.id());

        ledger.record(result);
        assertThat(waiter).isCompletedWithValue(result);
        assertThat(ledger.keptAsRecord(result.id())).as("parsed until the topic's copy is read").isFalse();

        publish(result);
        assertThat(ledger.keptAsRecord(result.id())).isTrue();
        assertThat(ledger.executed(result.id()).map(CommandResult::status)).hasValue(200);
    }

    private static void publish(CommandResult result) throws Exception {
        producer.send(new ProducerRecord<>(RESULTS, result.vin(), CommandJson.write(result))).get();
        ledger.readAllSoFar().get(30, TimeUnit.SECONDS);
    }

    private static CommandResult result() {
        return new CommandResult(UUID.randomUUID().toString(), null, "acct-1", "5YJ3E1EA7KF000001", "flash_lights", 200,
                CommandJson.bodyNode("{\"response\":{\"result\":true,\"reason\":\"\"}}".getBytes(StandardCharsets.UTF_8)),
                "application/json", Map.of(), 1, false, Instant.parse("2026-12-05T06:00:00Z"), 0, 41L);
    }
}
