package io.fleetgate.telemetry.webhooks;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fleetgate.testing.AdminApi;
import io.fleetgate.testing.GatewayHarness;
import io.fleetgate.testing.ScrapedMetrics;
import io.fleetgate.testing.TestFleet;
import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringSerializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * Delivered means committed: an event still being retried when Fleetgate stops is delivered after
 * the restart (its offset was not committed), to the endpoint kept on the accounts topic; an event
 * delivered before the stop is not sent again.
 */
class WebhooksRestartTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @Test
    void anUndeliveredEventIsDeliveredAfterARestartAndADeliveredOneIsNotRepeated() throws Exception {
        Path dir = Files.createTempDirectory("webhooks-restart");
        WebhookReceiver.Certificate certificate = WebhookReceiver.Certificate.create(dir);
        Vertx vertx = Vertx.vertx();
        int downPort = GatewayHarness.freePort();
        try (WebhookReceiver up = new WebhookReceiver(vertx, certificate).listen(0);
             GatewayHarness harness = GatewayHarness.builder().accounts(TestFleet.ALICE)
                     .settings(certificate.patientDelivery())
                     .start();
             KafkaProducer<String, String> producer = producer(harness)) {
            AdminApi admin = new AdminApi(harness);
            String delivered = AdminApi.expect(201, admin.send("POST", "/admin/accounts/alice/webhooks",
                    "{\"url\":\"https://localhost:" + up.port() + "/up\",\"secret\":\"up-secret-0123456789\",\"topics\":[\"data\"],"
                            + "\"vins\":[\"" + TestFleet.NA_VIN + "\"]}")).path("id").asText();
            String waiting = AdminApi.expect(201, admin.send("POST", "/admin/accounts/alice/webhooks",
                    "{\"url\":\"https://localhost:" + downPort + "/down\",\"secret\":\"down-secret-0123456789\",\"topics\":[\"data\"],"
                            + "\"vins\":[\"" + TestFleet.NA_VIN_ASLEEP + "\"]}")).path("id").asText();

            String first = event(producer, TestFleet.NA_VIN, "before-restart");
            String stuck = event(producer, TestFleet.NA_VIN_ASLEEP, "stuck");
            Awaitility.await().atMost(WAIT).until(() -> !up.at("/up").isEmpty());
            Awaitility.await().atMost(WAIT).until(() -> ScrapedMetrics.value(harness,
                    "fleetgate_webhook_deliveries_total{account=\"alice\",endpoint=\"" + waiting + "\",outcome=\"retried\"}") >= 2);
            // the delivered event's offset is committed (manual commits go out on the consumer's next poll)
            Thread.sleep(1500);

            harness.restart();
            JsonNode listed = AdminApi.expect(200, admin.send("GET", "/admin/accounts/alice/webhooks", null));
            assertThat(listed.findValuesAsText("id")).contains(delivered, waiting);

            try (WebhookReceiver late = new WebhookReceiver(vertx, certificate).listen(downPort)) {
                Awaitility.await().atMost(WAIT).until(() -> !late.at("/down").isEmpty());
                assertThat(late.at("/down").get(0).header("X-Fleetgate-Event-Id")).isEqualTo(stuck);
                assertThat(late.at("/down").get(0).header("X-Fleetgate-Signature"))
                        .isEqualTo(WebhookSignature.of(new io.fleetgate.account.Secret("down-secret-0123456789"),
                                late.at("/down").get(0).body()));
                String after = event(producer, TestFleet.NA_VIN, "after-restart");
                Awaitility.await().atMost(WAIT).until(() -> up.at("/up").stream().anyMatch(r -> after.equals(r.header("X-Fleetgate-Event-Id"))));
            }
            assertThat(up.at("/up").stream().filter(r -> first.equals(r.header("X-Fleetgate-Event-Id")))).hasSize(1);
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get();
        }
    }

    private static KafkaProducer<String, String> producer(GatewayHarness harness) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, harness.kafkaBootstrapServers());
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        return new KafkaProducer<>(p);
    }

    private static String event(KafkaProducer<String, String> producer, String vin, String marker) throws Exception {
        ProducerRecord<String, String> record = new ProducerRecord<>("fleetgate.vehicle-events.v1", vin,
                "{\"data\":{\"VehicleName\":\"" + marker + "\"},\"createdAt\":\"2026-12-03T16:00:00.000000000Z\",\"vin\":\"" + vin + "\"}");
        record.headers().add("fleetgate-event", "data".getBytes(StandardCharsets.UTF_8));
        RecordMetadata placed = producer.send(record).get();
        return placed.partition() + "-" + placed.offset();
    }
}
