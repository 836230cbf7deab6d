package io.fleetgate.account;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.fleetgate.app.Fleetgate;
import io.fleetgate.testing.GatewayHarness;
import java.nio.file.Files;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Outside demo mode there is no default key: Fleetgate refuses to start without one, or with the wrong one. */
class EncryptionKeyRequiredTest {

    @Test
    void fleetgateRefusesToStartWithoutATokenEncryptionKey() throws Exception {
        Map<String, String> settings = new HashMap<>();
        settings.put("camel.server.host", "127.0.0.1");
        settings.put("camel.server.port", String.valueOf(GatewayHarness.freePort()));
        settings.put("fleetgate.kafka.embedded.data-dir", Files.createTempDirectory("fleetgate-nokey").resolve("kafka").toString());
        settings.put("fleetgate.kafka.embedded.port", String.valueOf(GatewayHarness.freePort()));
        settings.put("fleetgate.kafka.embedded.controller-port", String.valueOf(GatewayHarness.freePort()));
        Fleetgate gateway = new Fleetgate(settings);
        try {
            Throwable refused = catchThrowable(gateway::start);
            assertThat(refused).isNotNull();
            StringBuilder messages = new StringBuilder();
            for (Throwable t = refused; t != null; t = t.getCause()) {
                messages.append(t.getMessage()).append('\n');
            }
            assertThat(messages.toString()).contains("fleetgate.accounts.token-encryption-key is required");
        } finally {
            gateway.close();
        }
    }

    @Test
    void fleetgateRefusesToStartWithAKeyThatDoesNotOpenTheStoredTokens() throws Exception {
        try (GatewayHarness harness = GatewayHarness.builder().accounts(io.fleetgate.testing.TestFleet.ALICE).start()) {
            Map<String, String> otherKey = new HashMap<>(harness.settings());
            otherKey.put("fleetgate.accounts.token-encryption-key", TokenCipher.newKey());
            harness.stopGateway();
            Fleetgate gateway = new Fleetgate(otherKey);
            try {
                Throwable refused = catchThrowable(gateway::start);
                StringBuilder messages = new StringBuilder();
                for (Throwable t = refused; t != null; t = t.getCause()) {
                    messages.append(t.getMessage()).append('\n');
                }
                assertThat(messages.toString()).contains("do not decrypt with fleetgate.accounts.token-encryption-key", "alice");
            } finally {
                gateway.close();
            }
            // with the right key, everything is still there
            harness.restart();
            assertThat(harness.get("/api/1/vehicles/" + io.fleetgate.testing.TestFleet.NA_VIN,
                    io.fleetgate.testing.TestFleet.ALICE.gatewayToken()).statusCode()).isEqualTo(200);
        }
    }
}
