package io.fleetgate.account;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetgate.sim.SimOAuth;
import io.fleetgate.testing.AdminApi;
import io.fleetgate.testing.GatewayHarness;
import io.fleetgate.testing.SimControl;
import io.fleetgate.testing.TestFleet;
import io.fleetgate.testing.Tee;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * No Tesla token, gateway token, admin token or encryption key reaches a log line: not at start
 * (Camel's settings summary), not while refreshing, failing, refusing or administering.
 */
class AccountSecretsStayOutOfLogsTest {

    @Test
    void accountSecretsNeverAppearInLogLines() {
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream originalErr = System.err;
        PrintStream originalOut = System.out;
        System.setErr(new PrintStream(new Tee(captured, originalErr), true, StandardCharsets.UTF_8));
        System.setOut(new PrintStream(new Tee(captured, originalOut), true, StandardCharsets.UTF_8));
        List<String> secrets = new ArrayList<>();
        try (GatewayHarness harness = GatewayHarness.builder().accounts(TestFleet.ALICE)
                .setting("fleetgate.tokens.access-token-lifetime-ms", "1500").start()) {
            secrets.add(harness.settings().get("fleetgate.accounts.token-encryption-key"));
            secrets.add(GatewayHarness.ADMIN_TOKEN);
            String vin = TokenRefreshTest.addUserWithVehicle(harness, "ivy", "na", "5YJ3E1EA7KF400001");
            AdminApi admin = new AdminApi(harness);
            admin.addAccount("ivy", TokenRefreshTest.grantsOf(harness, "ivy").getFirst().token());
            secrets.add(admin.issueToken("ivy", "app"));
            admin.send("POST", "/admin/accounts", "{\"id\":\"ivy2\",\"refresh_token\":\"NA_not-a-real-refresh-token\"}");
            admin.send("GET", "/admin/accounts", "wrong-admin-secret", null);
            secrets.add("NA_not-a-real-refresh-token");
            secrets.add("wrong-admin-secret");
            Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> TokenRefreshTest.grantsOf(harness, "ivy").size() >= 3);
            SimControl control = new SimControl(harness.simulator());
            control.post("/sim/oauth/users/ivy/expire-access-tokens", "{}");
            harness.get("/api/1/vehicles/" + vin + "/vehicle_data", secrets.get(2));
            control.post("/sim/oauth/failures", "{\"status\":503,\"count\":1}");
            control.post("/sim/oauth/users/ivy/revoke-refresh-tokens", "{}");
            Awaitility.await().atMost(Duration.ofSeconds(20)).until(() ->
                    TokenRefreshTest.store(harness).findById("ivy").orElseThrow().signInRequired());
            harness.get("/api/1/vehicles/" + vin, secrets.get(2));
            harness.simulator().oauth().refreshGrants().stream().map(SimOAuth.RefreshGrant::token).forEach(secrets::add);
            harness.simulator().requests().forEach(r -> r.headers().forEach((name, value) -> {
                if (name.equalsIgnoreCase("Authorization")) {
                    secrets.add(value.substring("Bearer ".length()));
                }
            }));
        } finally {
            System.setErr(originalErr);
            System.setOut(originalOut);
        }
        String log = captured.toString(StandardCharsets.UTF_8);
        assertThat(log).contains("Tesla access token refreshed", "the account owner must sign in again", "token refresh failed");
        assertThat(secrets).hasSizeGreaterThan(8);
        for (String secret : secrets) {
            assertThat(log).as("log lines").doesNotContain(secret);
        }
    }
}
