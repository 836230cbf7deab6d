package io.fleetgate.audit;

import static io.fleetgate.testing.TestFleet.ALICE;
import static io.fleetgate.testing.TestFleet.NA_VIN;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fleetgate.testing.GatewayHarness;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A stalled audit drain (as in a Kafka outage) fills the buffer; requests do not notice. */
class AuditBufferOverflowTest {
    private static GatewayHarness harness;

    @BeforeAll
    static void start() {
        harness = GatewayHarness.builder().accounts(ALICE).setting("fleetgate.audit.buffer-size", "2").start();
    }

    @AfterAll
    static void stop() {
        harness.close();
    }

    @Test
    void requestsAreAnsweredNormallyWhileTheBufferIsFullAndTheOverflowIsCounted() throws Exception {
        var context = harness.gateway().context();
        AuditOutbox outbox = context.getRegistry().lookupByNameAndType("auditOutbox", AuditOutbox.class);
        context.getRouteController().stopRoute("audit-publish");
        try {
            long started = System.nanoTime();
            for (int i = 0; i < 5; i++) {
                HttpResponse<byte[]> response = harness.send("GET", "/api/1/vehicles/" + NA_VIN,
                        headers("audit-test overflow"), null);
                assertThat(response.statusCode()).isEqualTo(200);
                assertThat(new String(response.body())).contains(NA_VIN);
            }
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
            assertThat(outbox.droppedEvents().sum()).isEqualTo(3);
            assertThat(outbox.buffered()).isEqualTo(2);
        } finally {
            context.getRouteController().startRoute("audit-publish");
        }

        // the two buffered events survive the stall and are published once the drain runs again
        AuditTopic topic = new AuditTopic(harness.gateway().kafkaBootstrapServers());
        Predicate<JsonNode> overflow = e -> "audit-test overflow".equals(e.path("client_library").asText(null));
        assertThat(topic.await(2, overflow)).hasSize(2);
        List<JsonNode> all = topic.settled(Duration.ofSeconds(1), overflow);
        assertThat(all).hasSize(2).allSatisfy(e -> assertThat(e.get("status").asInt()).isEqualTo(200));
        assertThat(outbox.buffered()).isZero();
    }

    private static Map<String, String> headers(String clientLibrary) {
        Map<String, String> headers = new HashMap<>(GatewayHarness.bearer(ALICE.gatewayToken()));
        headers.put("X-Library", clientLibrary);
        return headers;
    }
}
