package io.fleetgate.telemetry;

import static io.fleetgate.telemetry.SseStreamTest.WAIT;
import static io.fleetgate.telemetry.SseStreamTest.account;
import static io.fleetgate.telemetry.SseStreamTest.battery;
import static io.fleetgate.telemetry.SseStreamTest.name;
import static io.fleetgate.telemetry.SseStreamTest.sendData;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fleetgate.app.Fleetgate;
import io.fleetgate.testing.GatewayHarness;
import io.fleetgate.testing.GatewayPerClass;
import io.fleetgate.testing.ScrapedMetrics;
import io.fleetgate.testing.TestAccount;
import io.fleetgate.testing.TopicRecords;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What SSE delivery costs and what it protects: a client that stops reading is cut off while a
 * fast one keeps receiving, an account's streams are limited, delivered signals are metered as
 * credits, and a second replica on the same broker serves the same streams and resumes them.
 */
class SseDeliveryTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int BUFFER_EVENTS = 20;

    static final String SLOW_VIN = "5YJ3E1EA7KF200006";
    static final String METERED_VIN = "5YJ3E1EA7KF200007";
    static final String LIMITED_VIN = "5YJ3E1EA7KF200008";
    static final String REPLICA_VIN = "5YJ3E1EA7KF200009";

    static final TestAccount SLOW = account("slow", TestAccount.ALL_SCOPES, null, SLOW_VIN);
    static final TestAccount METERED = account("metered", TestAccount.ALL_SCOPES, null, METERED_VIN);
    static final TestAccount LIMITED = account("limited", TestAccount.ALL_SCOPES, null, LIMITED_VIN);
    static final String BACKLOG_VIN = "5YJ3E1EA7KF200010";
    static final TestAccount REPLICAS = account("replicas", TestAccount.ALL_SCOPES, null, REPLICA_VIN);
    static final TestAccount BACKLOG = account("backlog", TestAccount.ALL_SCOPES, null, BACKLOG_VIN);
    static final TestAccount REVOKED = account("revoked", TestAccount.ALL_SCOPES, null, BACKLOG_VIN);
    static final TestAccount SHRUNK = account("shrunk", TestAccount.ALL_SCOPES, null, BACKLOG_VIN, METERED_VIN);

    @RegisterExtension
    static final GatewayPerClass GATEWAY = new GatewayPerClass(() -> GatewayHarness.builder()
            .accounts(SLOW, METERED, LIMITED, REPLICAS, BACKLOG, REVOKED, SHRUNK)
            .setting("fleetgate.stream.keep-alive-ms", "500")
            .setting("fleetgate.stream.buffer-events", String.valueOf(BUFFER_EVENTS))
            .setting("fleetgate.stream.close-grace-ms", "20000")
            .setting("fleetgate.stream.connections-per-account", "2")
            .setting("fleetgate.stream.metering-interval-ms", "500")
            .setting("fleetgate.audit.credits.signals-per-credit", "1")
            .start());

    private static GatewayHarness harness() {
        return GATEWAY.harness();
    }

    private static int port() {
        return Integer.parseInt(harness().settings().get("camel.server.port"));
    }

    @Test
    void aClientThatStopsReadingIsCutOffWithAnErrorsEventWhileAFastOneKeepsReceiving() throws Exception {
        int records = 150;
        String big = "x".repeat(60_000);
        try (Socket slow = new Socket()) {
            // a client that asks for the stream and then reads nothing
            slow.setReceiveBufferSize(4096);
            slow.connect(new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), port()));
            slow.getOutputStream().write(("GET /sse/" + SLOW_VIN + "?cache=false HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + "Authorization: Bearer gw-slow\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            try (SseClient fast = SseClient.connect(port(), "/sse/" + SLOW_VIN + "?cache=false", "gw-slow")) {
                assertThat(fast.status).isEqualTo(200);
                Awaitility.await().atMost(WAIT).until(() -> !fast.comments.isEmpty());
                for (int i = 0; i < records; i++) {
                    sendData(harness(), SLOW_VIN, name(i + "-" + big));
                }
                fast.awaitEvents(records, Duration.ofSeconds(60));
                assertThat(fast.events()).extracting(e -> e.json().path("data").path("VehicleName").asText().split("-")[0])
                        .containsExactlyElementsOf(java.util.stream.IntStream.range(0, records).mapToObj(String::valueOf).toList());

                // the slow one, reading at last: some events, then the errors event saying why, then the end
                slow.setSoTimeout(15_000);
                String received = readToEnd(slow.getInputStream());
                assertThat(received).contains("HTTP/1.1 200");
                int delivered = received.split("\"VehicleName\"", -1).length - 1;
                assertThat(delivered).isLessThan(records);
                assertThat(received).contains("\"name\":\"stream_buffer_full\"");
                String lastData = received.substring(received.lastIndexOf("data: "));
                assertThat(lastData).startsWith("data: {\"errors\":[{").contains("did not read fast enough");
                assertThat(ScrapedMetrics.value(harness(), "fleetgate_sse_streams_cut_off_total")).isEqualTo(1.0);

                // the fast one is still served
                sendData(harness(), SLOW_VIN, battery(42));
                fast.awaitEvent(e -> e.json().path("data").has("BatteryLevel"), WAIT);
                assertThat(fast.ended).isFalse();
            }
        }
    }

    private static String readToEnd(InputStream in) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[1 << 16];
        try {
            for (int n; (n = in.read(buffer)) != -1; ) {
                out.write(buffer, 0, n);
            }
        } catch (SocketTimeoutException e) {
            throw new AssertionError("the cut-off stream did not end; read so far ends with: "
                    + out.toString(StandardCharsets.UTF_8).substring(Math.max(0, out.size() - 300)), e);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void aResumedStreamReplaysABacklogLargerThanItsBufferAtTheClientsPace() throws Exception {
        String lastSeen;
        try (SseClient client = SseClient.connect(port(), "/sse/" + BACKLOG_VIN + "?cache=false", "gw-backlog")) {
            Awaitility.await().atMost(WAIT).until(() -> !client.comments.isEmpty());
            sendData(harness(), BACKLOG_VIN, battery(0));
            lastSeen = client.awaitEvents(1, WAIT).get(0).id();
        }
        int missed = BUFFER_EVENTS * 3;
        for (int i = 1; i <= missed; i++) {
            sendData(harness(), BACKLOG_VIN, name("missed-" + i));
        }
        new TopicRecords(harness().kafkaBootstrapServers()).await("fleetgate.vehicle-events.v1",
                r -> r.value().contains("\"missed-" + missed + "\""), 1, WAIT);
        try (SseClient client = SseClient.connect(port(), "/sse/" + BACKLOG_VIN,
                Map.of("Authorization", "Bearer gw-backlog", "Last-Event-ID", lastSeen))) {
            client.awaitEvents(missed, WAIT);
            TopicRecords.settle();
            assertThat(SseClient.values(client.events(), "VehicleName")).containsExactlyElementsOf(
                    java.util.stream.IntStream.rangeClosed(1, missed).mapToObj(i -> "missed-" + i).toList());
            assertThat(client.events()).noneMatch(e -> e.json().has("errors"));
            assertThat(client.ended).isFalse();
        }
    }

    @Test
    void aStreamEndsWhenItsTokenIsRevokedOrItsSubscriptionChanges() throws Exception {
        io.fleetgate.testing.AdminApi admin = new io.fleetgate.testing.AdminApi(harness());
        try (SseClient revoked = SseClient.connect(port(), "/sse?cache=false", "gw-revoked");
             SseClient shrunk = SseClient.connect(port(), "/sse?cache=false", "gw-shrunk")) {
            assertThat(revoked.status).isEqualTo(200);
            assertThat(shrunk.status).isEqualTo(200);
            Awaitility.await().atMost(WAIT).until(() -> revoked.comments.contains(": keep-alive") && shrunk.comments.contains(": keep-alive"));

            io.fleetgate.testing.AdminApi.expect(200, admin.send("DELETE", "/admin/accounts/revoked/gateway-tokens/revoked-token", null));
            SseClient.Event last = revoked.awaitEvent(e -> e.json().has("errors"), WAIT);
            assertThat(last.json().path("errors").get(0).path("name").asText()).isEqualTo("stream_not_allowed");
            assertThat(last.json().path("errors").get(0).path("body").asText()).contains("revoked");
            Awaitility.await().atMost(WAIT).until(() -> revoked.ended);

            // a vehicle taken out of the subscription is not streamed on: the stream ends, a new one streams what is left
            admin.send("PUT", "/admin/accounts/shrunk/subscription", "{\"vins\":[\"" + METERED_VIN + "\"],\"energy_sites\":[],\"active_until\":null}");
            SseClient.Event changed = shrunk.awaitEvent(e -> e.json().has("errors"), WAIT);
            assertThat(changed.json().path("errors").get(0).path("body").asText()).contains("vehicles of the account's subscription changed");
            Awaitility.await().atMost(WAIT).until(() -> shrunk.ended);
        }
    }

    @Test
    void anAccountOpensAtMostItsStreamsAtOnce() throws Exception {
        try (SseClient first = SseClient.connect(port(), "/sse", "gw-limited");
             SseClient second = SseClient.connect(port(), "/sse/" + LIMITED_VIN, "gw-limited")) {
            assertThat(first.status).isEqualTo(200);
            assertThat(second.status).isEqualTo(200);
            assertThat(harness().gateway().context().getRegistry().lookupByNameAndType("sseStreams",
                    io.fleetgate.telemetry.sse.SseStreams.class).openStreams("limited")).isEqualTo(2);
            try (SseClient third = SseClient.connect(port(), "/sse?token=gw-limited", Map.of())) {
                assertThat(third.status).isEqualTo(429);
                assertThat(third.headers).containsKey("retry-after");
                SseStreamTest.assertEnvelope(third, "rate_limited");
            }
            // another account is not held to this one's streams
            try (SseClient other = SseClient.connect(port(), "/sse", "gw-metered")) {
                assertThat(other.status).isEqualTo(200);
            }
            first.close();
            // the slot is free once the server sees the client gone
            Awaitility.await().atMost(WAIT).until(() -> {
                try (SseClient again = SseClient.connect(port(), "/sse", "gw-limited")) {
                    return again.status == 200;
                }
            });
        }
    }

    @Test
    void deliveredSignalsAreMeteredAsCreditsInTheAuditAndTheUsageReport() throws Exception {
        TopicRecords topics = new TopicRecords(harness().kafkaBootstrapServers());
        try (SseClient client = SseClient.connect(port(), "/sse/" + METERED_VIN + "?cache=false", "gw-metered")) {
            assertThat(client.status).isEqualTo(200);
            Awaitility.await().atMost(WAIT).until(() -> !client.comments.isEmpty());
            sendData(harness(), METERED_VIN, battery(10), name("three"), io.fleetgate.telemetry.TeslemetryShapesTest.datum(
                    io.fleetgate.telemetry.proto.VehicleData.Field.Odometer,
                    io.fleetgate.telemetry.proto.VehicleData.Value.newBuilder().setDoubleValue(1234.5)));
            sendData(harness(), METERED_VIN, battery(11), name("two"));
            client.awaitEvents(2, WAIT);
            // metered while the stream is open: one event per interval, not one per signal
            List<ConsumerRecord<String, String>> metered = topics.await("fleetgate.audit.v1",
                    r -> r.value().contains("\"path_template\":\"/sse/{vin}\"") && r.value().contains("\"account_id\":\"metered\"")
                            && !r.value().contains("\"streamed_signals\":0"), 1, WAIT);
            assertThat(metered).isNotEmpty();
        }
        List<ConsumerRecord<String, String>> events = topics.awaitSettled("fleetgate.audit.v1",
                r -> r.value().contains("\"path_template\":\"/sse/{vin}\"") && r.value().contains("\"account_id\":\"metered\""), 1, WAIT);
        long signals = 0;
        long credits = 0;
        for (ConsumerRecord<String, String> record : events) {
            JsonNode event = JSON.readTree(record.value());
            assertThat(event.path("endpoint_class").asText()).isEqualTo("stream");
            assertThat(event.path("vin").asText()).isEqualTo(METERED_VIN);
            assertThat(event.path("token_name").asText()).isEqualTo("metered-token");
            signals += event.path("streamed_signals").asLong();
            credits += event.path("credits").asLong();
        }
        assertThat(signals).isEqualTo(5);
        assertThat(credits).isEqualTo(5);
        // fewer audit events than signals; the last one when the stream ended
        assertThat(events.size()).isLessThan(5);

        JsonNode usage = JSON.readTree(harness().get("/api/usage", "gw-metered").body()).path("response");
        JsonNode row = null;
        for (JsonNode r : usage.path("by_endpoint")) {
            if (r.path("endpoint").asText().equals("GET /sse/{vin}")) {
                row = r;
            }
        }
        assertThat(row).as("usage row of GET /sse/{vin} in %s", usage).isNotNull();
        assertThat(row.path("credits").asLong()).isEqualTo(5);
        assertThat(ScrapedMetrics.value(harness(), "fleetgate_sse_signals_total")).isGreaterThanOrEqualTo(5.0);
    }

    @Test
    void aSecondReplicaOnTheSameBrokerServesTheSameStreamAndResumesTheFirstOnesIds() throws Exception {
        Map<String, String> second = new HashMap<>(harness().settings());
        second.put("camel.main.name", "fleetgate-second");
        int secondPort = GatewayHarness.freePort();
        second.put("camel.server.port", String.valueOf(secondPort));
        second.put("camel.management.port", String.valueOf(GatewayHarness.freePort()));
        second.put("fleetgate.kafka.bootstrap-servers", harness().kafkaBootstrapServers());
        second.put("fleetgate.audit.journal-dir", harness().settings().get("fleetgate.audit.journal-dir") + "-second");
        second.put("fleetgate.usage.state-dir", harness().settings().get("fleetgate.usage.state-dir") + "-second");
        try (Fleetgate replica = new Fleetgate(second).start()) {
            String lastSeen;
            try (SseClient one = SseClient.connect(port(), "/sse/" + REPLICA_VIN + "?cache=false", "gw-replicas");
                 SseClient two = SseClient.connect(secondPort, "/sse/" + REPLICA_VIN + "?cache=false", "gw-replicas")) {
                assertThat(two.status).isEqualTo(200);
                Awaitility.await().atMost(WAIT).until(() -> !one.comments.isEmpty() && !two.comments.isEmpty());
                sendData(harness(), REPLICA_VIN, battery(1));
                sendData(harness(), REPLICA_VIN, battery(2));
                assertThat(one.awaitEvents(2, WAIT)).isEqualTo(two.awaitEvents(2, WAIT));
                lastSeen = one.events().get(0).id();
            }
            sendData(harness(), REPLICA_VIN, battery(3));
            // the first replica's id, resumed on the second
            try (SseClient resumed = SseClient.connect(secondPort, "/sse/" + REPLICA_VIN,
                    Map.of("Authorization", "Bearer gw-replicas", "Last-Event-ID", lastSeen))) {
                resumed.awaitEvents(2, WAIT);
                TopicRecords.settle();
                assertThat(SseClient.values(resumed.events(), "BatteryLevel")).containsExactly("2.0", "3.0");
            }
        }
    }
}
