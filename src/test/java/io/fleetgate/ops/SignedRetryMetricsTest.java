package io.fleetgate.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fleetgate.testing.CommandFleet;
import io.fleetgate.testing.GatewayHarness;
import io.fleetgate.testing.SimControl;
import io.fleetgate.testing.TestAccount;
import java.nio.file.Files;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** Retries of signed commands are counted by the verdict that caused them; the handshake before a command is not a retry. */
class SignedRetryMetricsTest {
    private static final TestAccount OPS = CommandFleet.account();

    @Test
    void staleSessionAndBusyRetriesAreCountedByVerdict() throws Exception {
        try (GatewayHarness harness = GatewayHarness.builder().fleet(CommandFleet.fleet()).accounts(OPS)
                .setting("fleetgate.vcp.private-key-file", Files.createTempDirectory("fleetgate-signing").resolve("key.pem").toString())
                .setting("fleetgate.vcp.generate-key", "true")
                .setting("fleetgate.signing.retry-step-ms", "100")
                .start()) {
            String hex = new ObjectMapper().readTree(harness.get("/api/key", null).body()).get("response").get("public_key").asText();
            String vin = CommandFleet.vin(7);
            harness.simulator().fleet().bringOnline(vin);
            harness.simulator().fleet().setRequiresSigning(vin, true);
            harness.simulator().fleet().pairKey(vin, HexFormat.of().parseHex(hex));
            SimControl sim = new SimControl(harness.simulator());

            // first command: unsigned try (403), handshake, signed command: no retry
            command(harness, vin, "door_lock");
            assertThat(MetricsEndpointTest.scrape(harness).value("fleetgate_retries_total")).isLessThanOrEqualTo(0);

            sim.post("/sim/vehicles/" + vin + "/restart-sessions", "{}");
            assertThat(command(harness, vin, "door_unlock")).isEqualTo("2");
            sim.post("/sim/vehicles/" + vin + "/faults", "{\"fault\":\"busy\",\"count\":2}");
            assertThat(command(harness, vin, "honk_horn")).isEqualTo("3");

            PrometheusText metrics = MetricsEndpointTest.scrape(harness);
            assertThat(metrics.value("fleetgate_retries_total", "reason=signed_stale_session")).isEqualTo(1);
            assertThat(metrics.value("fleetgate_retries_total", "reason=signed_busy")).isEqualTo(2);
            assertThat(metrics.value("fleetgate_retries_total")).isEqualTo(3);
        }
    }

    /** Sends the command, expects success, and gives its x-fleetgate-attempts. */
    private static String command(GatewayHarness harness, String vin, String name) throws Exception {
        var response = harness.post("/api/1/vehicles/" + vin + "/command/" + name, OPS.gatewayToken(), "{}");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(new ObjectMapper().readTree(response.body()).get("response").get("result").asBoolean()).isTrue();
        return response.headers().firstValue("x-fleetgate-attempts").orElse("");
    }
}
