package io.fleetgate.command;

import static io.fleetgate.testing.CommandFleet.commandCalls;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fleetgate.app.EmbeddedKafka;
import io.fleetgate.app.KafkaHealth;
import io.fleetgate.sim.RecordedRequest;
import io.fleetgate.testing.CommandFleet;
import io.fleetgate.testing.GatewayHarness;
import io.fleetgate.testing.TestAccount;
import io.fleetgate.testing.TopicRecords;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * The broker stops for 20 s while commands wait behind a wake-up and more keep coming: the new
 * ones get 503 at once, reads still answer, and every accepted command runs exactly once, with
 * exactly one result, after the broker is back (none leaves before Kafka has recorded its attempt).
 */
class BrokerOutageTest {
    private static final String COMMANDS = "fleetgate.commands.v1";
    private static final String RESULTS = "fleetgate.command-results.v1";
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void aBrokerOutageLosesNoAcceptedCommandAndRefusesNewOnesAtOnce() throws Exception {
        TestAccount ops = CommandFleet.account();
        Path data = Files.createTempDirectory("fleetgate-broker-outage").resolve("kafka");
        int port = GatewayHarness.freePort();
        int controllerPort = GatewayHarness.freePort();
        EmbeddedKafka kafka = EmbeddedKafka.start(data, port, controllerPort);
        ExecutorService callers = Executors.newVirtualThreadPerTaskExecutor();
        try (GatewayHarness harness = GatewayHarness.builder().fleet(CommandFleet.fleet()).accounts(ops)
                .setting("fleetgate.kafka.bootstrap-servers", kafka.bootstrapServers())
                .setting("fleetgate.commands.reply-timeout-ms", "120000")
                // the vehicle takes 3 s to wake: the broker stops while the commands wait for it
                .setting("fleetgate.wake.poll-interval-ms", "1000")
                .start()) {
            String vin = CommandFleet.vin(11);
            String reader = CommandFleet.vin(12);
            harness.simulator().fleet().setWakeDelay(vin, 3);
            harness.simulator().fleet().bringOnline(reader);
            String path = "/api/1/vehicles/" + vin + "/command/set_charge_limit";

            List<CompletableFuture<HttpResponse<byte[]>>> accepted = new ArrayList<>();
            for (int percent = 51; percent <= 60; percent++) {
                String body = "{\"percent\":" + percent + "}";
                accepted.add(CompletableFuture.supplyAsync(() -> harness.post(path, ops.gatewayToken(), body), callers));
            }
            TopicRecords topics = new TopicRecords(kafka.bootstrapServers());
            Awaitility.await().atMost(Duration.ofSeconds(20))
                    .until(() -> topics.all(COMMANDS).stream().filter(r -> vin.equals(r.key())).count() == 10);

            kafka.close();
            KafkaHealth health = harness.gateway().context().getRegistry().lookupByNameAndType("kafkaHealth", KafkaHealth.class);
            Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> !health.isUp());
            long outageStarted = System.nanoTime();

            for (int percent = 70; percent < 75; percent++) {
                long started = System.nanoTime();
                HttpResponse<byte[]> refused = harness.post(path, ops.gatewayToken(), "{\"percent\":" + percent + "}");
                assertThat(refused.statusCode()).as(new String(refused.body())).isEqualTo(503);
                assertThat(JSON.readTree(refused.body()).get("error").asText()).isEqualTo("service_unavailable");
                assertThat(Duration.ofNanos(System.nanoTime() - started)).as("refused at once").isLessThan(Duration.ofSeconds(1));
            }
            assertThat(harness.get("/api/1/vehicles/" + reader + "/vehicle_data", ops.gatewayToken()).statusCode())
                    .as("reads keep working").isEqualTo(200);

            Duration left = Duration.ofSeconds(20).minusNanos(System.nanoTime() - outageStarted);
            if (!left.isNegative()) {
                Thread.sleep(left.toMillis());
            }
            assertThat(commandCalls(harness.simulator().requests(vin))).as("no command left while Kafka could not record "
                    + "its attempt").isEmpty();
            kafka = EmbeddedKafka.start(data, port, controllerPort);

            for (CompletableFuture<HttpResponse<byte[]>> answer : accepted) {
                HttpResponse<byte[]> response = answer.get();
                assertThat(response.statusCode()).as(new String(response.body())).isEqualTo(200);
            }
            TopicRecords after = new TopicRecords(kafka.bootstrapServers());
            List<String> queued = new ArrayList<>();
            for (ConsumerRecord<String, String> record : after.all(COMMANDS)) {
                if (vin.equals(record.key())) {
                    queued.add(JSON.readTree(record.value()).get("parameters").toString());
                }
            }
            List<String> bodies = commandCalls(harness.simulator().requests(vin)).stream().map(RecordedRequest::body).toList();
            assertThat(queued).as("the accepted commands, and none refused")
                    .containsExactlyInAnyOrderElementsOf(IntStream.rangeClosed(51, 60).mapToObj(p -> "{\"percent\":" + p + "}").toList());
            assertThat(bodies).as("each accepted command ran once, in their order on the topic").containsExactlyElementsOf(queued);

            Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> resultsOf(after, vin).size() >= 10);
            TopicRecords.settle();
            Map<String, Long> perId = resultsOf(after, vin).stream()
                    .collect(Collectors.groupingBy(r -> r.get("id").asText(), Collectors.counting()));
            assertThat(perId).as("one result per command").hasSize(10).allSatisfy((id, n) -> assertThat(n).isEqualTo(1L));
        } finally {
            callers.shutdownNow();
            kafka.close();
        }
    }

    private static List<JsonNode> resultsOf(TopicRecords topics, String vin) {
        List<JsonNode> results = new ArrayList<>();
        for (ConsumerRecord<String, String> record : topics.all(RESULTS)) {
            if (vin.equals(record.key())) {
                try {
                    results.add(JSON.readTree(record.value()));
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        return results;
    }
}
