package io.fleetgate.credits;

import static io.fleetgate.testing.TestFleet.ALICE;
import static io.fleetgate.testing.TestFleet.NA_VIN;
import static io.fleetgate.testing.TestFleet.NA_VIN_ASLEEP;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fleetgate.account.CreditBudget;
import io.fleetgate.testing.GatewayHarness;
import io.fleetgate.testing.MutableClock;
import io.fleetgate.testing.TopicRecords;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * CONTRACT section 8 over HTTP and Kafka: past its budget an account gets 402
 * insufficient_credits and nothing reaches Tesla, until the period renews (a clock the test
 * moves by hand); the totals are read back from the audit topic after a restart, and by every
 * other replica.
 */
class CreditBudgetTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final CreditBudget MONTHLY_FIVE = new CreditBudget(5, CreditBudget.Period.MONTH);
    private static final String METERED_TOKEN = "gw-metered";
    private static final String RESTARTED_TOKEN = "gw-restarted";
    private static final String SHARED_TOKEN = "gw-shared";
    private static final String SHARED = MeteredAccounts.entry("shared", ALICE.teslaToken(), Map.of("app", SHARED_TOKEN),
            List.of(NA_VIN), "{credits: 3, period: day}");

    private static GatewayHarness harness;

    @BeforeAll
    static void start() {
        harness = GatewayHarness.builder()
                .accountYaml(MeteredAccounts.entry("metered", ALICE.teslaToken(), Map.of("phone", METERED_TOKEN),
                        List.of(NA_VIN), "{credits: 5, period: month}"))
                .accountYaml(MeteredAccounts.entry("restarted", ALICE.teslaToken(), Map.of("server", RESTARTED_TOKEN),
                        List.of(NA_VIN_ASLEEP), "{credits: 5, period: month}"))
                .accountYaml(SHARED)
                .setting("camel.beans.creditClock", "#class:" + MutableClock.class.getName())
                .start();
    }

    @AfterAll
    static void stop() {
        harness.close();
    }

    /** The clock of the running Fleetgate (a restart makes a new one). */
    private static MutableClock clock() {
        return harness.gateway().context().getRegistry().lookupByNameAndType("creditClock", MutableClock.class);
    }

    @Test
    void aSpentBudgetGets402AndNothingIsForwardedUntilTheNextPeriod() throws IOException {
        clock().set(Instant.now());
        String read = "/api/1/vehicles/" + NA_VIN + "/vehicle_data";
        // 2 credits each: 0, 2 and 4 spent are under 5, so the third goes through and spends 6
        for (int i = 1; i <= 3; i++) {
            assertThat(harness.get(read, METERED_TOKEN).statusCode()).as("read %d", i).isEqualTo(200);
        }
        int forwarded = harness.simulator().requests(NA_VIN).size();

        assertInsufficientCredits(harness.get(read, METERED_TOKEN));
        assertInsufficientCredits(harness.post("/api/1/vehicles/" + NA_VIN + "/command/flash_lights", METERED_TOKEN, null));
        // a command record from any producer is held to the same budget: a 402 result, nothing sent
        TopicRecords topics = new TopicRecords(harness.kafkaBootstrapServers());
        topics.send("fleetgate.commands.v1", NA_VIN, """
                {"id":"credits-test-kafka-1","account_id":"metered","vin":"%s","command":"flash_lights"}
                """.formatted(NA_VIN));
        List<ConsumerRecord<String, String>> results = topics.awaitSettled("fleetgate.command-results.v1",
                r -> r.value().contains("\"credits-test-kafka-1\""), 1, Duration.ofSeconds(20));
        assertThat(results).hasSize(1);
        JsonNode result = JSON.readTree(results.get(0).value());
        assertThat(result.get("status").asInt()).isEqualTo(402);
        assertThat(result.get("response").get("error").asText()).isEqualTo("insufficient_credits");
        assertThat(harness.simulator().requests(NA_VIN)).as("nothing reached Tesla past the budget").hasSize(forwarded);

        // one millisecond before the month ends it is still spent; at the new month it is renewed
        Instant renewal = MONTHLY_FIVE.periodEnd(clock().instant());
        clock().set(renewal.minusMillis(1));
        assertInsufficientCredits(harness.get(read, METERED_TOKEN));
        clock().set(renewal);
        assertThat(harness.get(read, METERED_TOKEN).statusCode()).isEqualTo(200);
        assertThat(harness.simulator().requests(NA_VIN)).hasSize(forwarded + 1);
    }

    @Test
    void creditTotalsSurviveARestart() throws IOException {
        clock().set(Instant.now());
        String read = "/api/1/vehicles/" + NA_VIN_ASLEEP;
        for (int i = 1; i <= 3; i++) {
            assertThat(harness.get(read, RESTARTED_TOKEN).statusCode()).as("read %d", i).isEqualTo(200);
        }
        assertInsufficientCredits(harness.get(read, RESTARTED_TOKEN));

        harness.restart();
        clock().set(Instant.now());
        int forwarded = harness.simulator().requests(NA_VIN_ASLEEP).size();
        // the new instance counted nothing itself: the 6 credits come back from the audit topic
        assertInsufficientCredits(harness.get(read, RESTARTED_TOKEN));
        assertThat(harness.simulator().requests(NA_VIN_ASLEEP)).hasSize(forwarded);

        clock().set(MONTHLY_FIVE.periodEnd(clock().instant()));
        assertThat(harness.get(read, RESTARTED_TOKEN).statusCode()).isEqualTo(200);
    }

    @Test
    void aReplicaSeesWhatAnotherSpentOnceItsEventsAreOnTheAuditTopic() throws IOException {
        CreditBudget daily = new CreditBudget(3, CreditBudget.Period.DAY);
        try (GatewayHarness other = GatewayHarness.builder().accountYaml(SHARED)
                .setting("fleetgate.kafka.bootstrap-servers", harness.kafkaBootstrapServers())
                // replicas share the accounts topic, so they share its encryption key
                .setting("fleetgate.accounts.token-encryption-key", harness.settings().get("fleetgate.accounts.token-encryption-key"))
                .setting("camel.beans.creditClock", "#class:" + MutableClock.class.getName())
                .start()) {
            Instant now = Instant.now();
            clock().set(now);
            MutableClock otherClock = other.gateway().context().getRegistry().lookupByNameAndType("creditClock", MutableClock.class);
            otherClock.set(now);
            String read = "/api/1/vehicles/" + NA_VIN;
            assertThat(harness.get(read, SHARED_TOKEN).statusCode()).isEqualTo(200);
            assertThat(harness.get(read, SHARED_TOKEN).statusCode()).isEqualTo(200);
            assertInsufficientCredits(harness.get(read, SHARED_TOKEN));

            // the other replica counted nothing itself: it reads the 4 credits back from the topic
            CreditLedger otherLedger = other.gateway().context().getRegistry().lookupByNameAndType("creditLedger", CreditLedger.class);
            Awaitility.await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50)).until(() ->
                    otherLedger.spent("shared", daily.periodStart(now), daily.periodEnd(now)) == 4);
            assertInsufficientCredits(other.get(read, SHARED_TOKEN));
            assertThat(other.simulator().requests()).as("the other replica sent nothing to Tesla").isEmpty();
        }
    }

    private static void assertInsufficientCredits(HttpResponse<byte[]> response) throws IOException {
        assertThat(response.statusCode()).isEqualTo(402);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
        JsonNode body = JSON.readTree(response.body());
        assertThat(body.has("response")).isTrue();
        assertThat(body.get("response").isNull()).isTrue();
        assertThat(body.get("error").asText()).isEqualTo("insufficient_credits");
        assertThat(body.get("error_description").asText()).contains("renew");
    }
}
