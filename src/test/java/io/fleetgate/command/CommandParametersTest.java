package io.fleetgate.command;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fleetgate.testing.CommandFleet;
import io.fleetgate.testing.GatewayHarness;
import io.fleetgate.testing.TestAccount;
import io.fleetgate.testing.TopicRecords;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A command with a bad parameter gets 400 invalid_request naming the field, and nothing is sent. */
class CommandParametersTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TestAccount OPS = CommandFleet.account();
    private static GatewayHarness harness;

    @BeforeAll
    static void start() {
        harness = GatewayHarness.builder().fleet(CommandFleet.fleet()).accounts(OPS).start();
    }

    @AfterAll
    static void stop() {
        harness.close();
    }

    @Test
    void aBadOrMissingParameterIs400NamingTheFieldAndNothingIsSent() throws Exception {
        String vin = CommandFleet.vin(11);
        for (String body : new String[] {"{\"percent\":\"eighty\"}", "{}", "{\"percent\":true}"}) {
            HttpResponse<byte[]> response = harness.post("/api/1/vehicles/" + vin + "/command/set_charge_limit",
                    OPS.gatewayToken(), body);
            assertThat(response.statusCode()).as(body).isEqualTo(400);
            JsonNode error = JSON.readTree(response.body());
            assertThat(error.get("error").asText()).isEqualTo("invalid_request");
            assertThat(error.get("error_description").asText()).contains("percent");
        }
        assertThat(harness.simulator().requests(vin)).isEmpty();
        assertThat(harness.post("/api/1/vehicles/" + vin + "/command/set_charge_limit", OPS.gatewayToken(), "{\"percent\":80}")
                .statusCode()).isEqualTo(200);
    }

    @Test
    void aKafkaCommandWithABadParameterGetsA400Result() throws Exception {
        String vin = CommandFleet.vin(12);
        String id = UUID.randomUUID().toString();
        TopicRecords topics = new TopicRecords(harness.kafkaBootstrapServers());
        topics.send("fleetgate.commands.v1", vin, """
                {"id":"%s","account_id":"ops","vin":"%s","command":"set_charging_amps","parameters":{"charging_amps":"lots"}}"""
                .formatted(id, vin));
        var results = topics.awaitSettled("fleetgate.command-results.v1", r -> r.value().contains(id), 1, Duration.ofSeconds(15));
        assertThat(results).hasSize(1);
        JsonNode result = JSON.readTree(results.getFirst().value());
        assertThat(result.get("status").asInt()).isEqualTo(400);
        assertThat(result.get("response").get("error_description").asText()).contains("charging_amps");
        assertThat(harness.simulator().requests(vin)).isEmpty();
    }
}
