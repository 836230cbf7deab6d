package io.fleetgate.telemetry.webhooks;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetgate.testing.CrashRig;
import io.fleetgate.testing.FleetgateProcess;
import io.fleetgate.testing.GatewayHarness;
import io.fleetgate.testing.TestFleet;
import io.fleetgate.testing.TopicRecords;
import io.vertx.core.Vertx;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * Delivered means committed, through a {@code kill -9}: Fleetgate as a real process delivers to an
 * HTTPS endpoint, the endpoint goes down, more events come and wait in their retries, and the
 * process is killed. Started again with the endpoint back, it delivers every event (the waiting
 * ones because their offsets were never committed), at least once and in each vehicle's order.
 */
class WebhooksCrashTest {
    private static final String EVENTS = "fleetgate.vehicle-events.v1";
    private static final List<String> VINS = List.of(TestFleet.NA_VIN, TestFleet.NA_VIN_ASLEEP);
    private static final int PER_BATCH = 20;
    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void eventsWaitingForADownEndpointWhenFleetgateIsKilledAreAllDeliveredAfterTheRestartInOrder() throws Exception {
        Vertx vertx = Vertx.vertx();
        try (CrashRig rig = new CrashRig(TestFleet.fleet(), TestFleet.ALICE);
             KafkaProducer<String, String> producer = producer(rig.bootstrapServers())) {
            WebhookReceiver.Certificate certificate = WebhookReceiver.Certificate.create(rig.dir());
            rig.settings(certificate.patientDelivery())
                    // the restarted replica takes the dead one's partitions after 6 s (the broker's minimum)
                    .setting("fleetgate.webhooks.session-timeout-ms", "6000")
                    .setting("fleetgate.webhooks.heartbeat-interval-ms", "1000")
                    .setting("fleetgate.telemetry.enabled", "false");
            FleetgateProcess fleetgate = rig.start("webhooks");
            WebhookReceiver receiver = new WebhookReceiver(vertx, certificate).listen(0);
            int port = receiver.port();
            String endpoint = addEndpoint(fleetgate, "https://localhost:" + port + "/fleet");

            Map<String, List<String>> written = new LinkedHashMap<>();
            VINS.forEach(vin -> written.put(vin, new ArrayList<>()));
            write(producer, written, 0, PER_BATCH);
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> distinctIds(receiver).size() == PER_BATCH * VINS.size());

            // the endpoint goes down; the next events are attempted, fail and wait for their retries
            receiver.close();
            write(producer, written, PER_BATCH, 2 * PER_BATCH);
            String retried = "fleetgate_webhook_deliveries_total{account=\"alice\",endpoint=\"" + endpoint + "\",outcome=\"retried\"}";
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> CrashRig.metric(fleetgate, retried) >= 3);
            fleetgate.kill();

            WebhookReceiver back = new WebhookReceiver(vertx, certificate).listen(port);
            List<WebhookReceiver.Received> before = List.copyOf(receiver.received);
            FleetgateProcess restarted = rig.start("webhooks");
            int total = 2 * PER_BATCH * VINS.size();
            List<WebhookReceiver.Received> all = new ArrayList<>(before);
            try {
                Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> {
                    List<WebhookReceiver.Received> both = new ArrayList<>(before);
                    both.addAll(back.received);
                    return distinctIds(both).size() >= total;
                });
            } catch (org.awaitility.core.ConditionTimeoutException e) {
                System.out.println("DIAG written " + written + "\nDIAG before " + distinctIds(before) + "\nDIAG back " + distinctIds(back.received)
                        + "\nDIAG first console:\n" + fleetgate.output() + "\nDIAG restarted console:\n" + restarted.output()
                        + "\nDIAG metrics:\n" + CrashRig.metric(restarted, "fleetgate_webhook_signals_total"));
                throw e;
            }
            TopicRecords.settle();
            back.close();
            all.addAll(back.received);
            assertThat(distinctIds(all)).as("every event delivered").hasSize(total);
            for (String vin : VINS) {
                List<String> ids = all.stream().filter(r -> new String(r.body(), StandardCharsets.UTF_8).contains(vin))
                        .map(r -> r.header("X-Fleetgate-Event-Id")).toList();
                List<String> firstSeen = ids.stream().distinct().toList();
                System.out.printf("%s: %d events, %d POSTs taken, %d repeats%n", vin, written.get(vin).size(), ids.size(),
                        ids.size() - firstSeen.size());
                assertThat(firstSeen).as("in the vehicle's order").containsExactlyElementsOf(written.get(vin));
            }
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get();
        }
    }

    private String addEndpoint(FleetgateProcess fleetgate, String url) throws Exception {
        HttpResponse<String> created = http.send(HttpRequest.newBuilder(URI.create(fleetgate.url("/admin/accounts/alice/webhooks")))
                .header("Authorization", "Bearer " + GatewayHarness.ADMIN_TOKEN).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"url\":\"" + url + "\",\"secret\":\"crash-secret-0123456789\","
                        + "\"topics\":[\"data\"]}")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        return created.body().replaceAll(".*\"id\":\"(wh_[0-9a-f]+)\".*", "$1");
    }

    private static List<String> distinctIds(WebhookReceiver receiver) {
        return distinctIds(receiver.received);
    }

    private static List<String> distinctIds(List<WebhookReceiver.Received> received) {
        return received.stream().map(r -> r.header("X-Fleetgate-Event-Id")).distinct().toList();
    }

    /** Events {@code from} to {@code to} (exclusive) of every vehicle, as the ingest writes them; their ids, per VIN. */
    private static void write(KafkaProducer<String, String> producer, Map<String, List<String>> written, int from, int to)
            throws Exception {
        for (int i = from; i < to; i++) {
            for (String vin : VINS) {
                ProducerRecord<String, String> record = new ProducerRecord<>(EVENTS, vin,
                        "{\"data\":{\"Odometer\":" + i + "},\"createdAt\":\"2026-12-03T16:00:00.000000000Z\",\"vin\":\"" + vin + "\"}");
                record.headers().add("fleetgate-event", "data".getBytes(StandardCharsets.UTF_8));
                var placed = producer.send(record).get();
                written.get(vin).add(placed.partition() + "-" + placed.offset());
            }
        }
    }

    private static KafkaProducer<String, String> producer(String bootstrapServers) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        return new KafkaProducer<>(p);
    }
}
