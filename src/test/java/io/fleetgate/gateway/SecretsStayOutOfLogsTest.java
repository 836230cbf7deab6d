package io.fleetgate.gateway;

import static io.fleetgate.testing.TestFleet.ALICE;
import static io.fleetgate.testing.TestFleet.BERND;
import static io.fleetgate.testing.TestFleet.EU_VIN;
import static io.fleetgate.testing.TestFleet.NA_VIN;
import static io.fleetgate.testing.TestFleet.NA_VIN_NOT_SUBSCRIBED;
import static org.assertj.core.api.Assertions.assertThat;

import io.fleetgate.testing.GatewayHarness;
import io.fleetgate.testing.TestAccount;
import io.fleetgate.testing.Tee;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** No gateway token or Tesla token reaches a log line, on success, refusal or re-route. */
class SecretsStayOutOfLogsTest {

    @Test
    void tokensNeverAppearInLogLines() {
        TestAccount moved = new TestAccount("moved", "na", BERND.teslaToken(), "gw-moved-secret",
                TestAccount.ALL_SCOPES, List.of(EU_VIN), List.of(), null);
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream originalErr = System.err;
        PrintStream originalOut = System.out;
        // slf4j-simple writes to whatever System.err is at the time of each line
        System.setErr(new PrintStream(new Tee(captured, originalErr), true, StandardCharsets.UTF_8));
        System.setOut(new PrintStream(new Tee(captured, originalOut), true, StandardCharsets.UTF_8));
        try (GatewayHarness harness = GatewayHarness.builder().accounts(ALICE, BERND, moved).start()) {
            harness.get("/api/1/vehicles/" + NA_VIN + "?token=" + ALICE.gatewayToken(), null);
            harness.get("/api/1/vehicles/" + NA_VIN_NOT_SUBSCRIBED + "?token=" + ALICE.gatewayToken(), null);
            harness.get("/api/1/vehicles/" + NA_VIN + "/nope?token=" + ALICE.gatewayToken(), null);
            harness.get("/api/1/vehicles?token=wrong-secret-token", null);
            harness.get("/api/1/vehicles/" + EU_VIN, moved.gatewayToken());     // 421, re-route, log line
        } finally {
            System.setErr(originalErr);
            System.setOut(originalOut);
        }
        String log = captured.toString(StandardCharsets.UTF_8);
        assertThat(log).contains("region re-learned");
        for (String secret : List.of(ALICE.gatewayToken(), ALICE.teslaToken(), BERND.teslaToken(),
                moved.gatewayToken(), "wrong-secret-token")) {
            assertThat(log).as("log lines").doesNotContain(secret);
        }
    }
}
