package io.fleetgate.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fleetgate.testing.GatewayHarness;
import io.fleetgate.testing.TestFleet;
import io.fleetgate.vcp.crypto.EcKeyPair;
import io.fleetgate.vcp.crypto.Pem;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** CONTRACT section 6: the fleet key's public half at Tesla's well-known path, and the pairing link. */
class FleetKeyEndpointsTest {

    @Test
    void servesThePublicKeyPemAndThePairingLinkOfAGeneratedKeyKeptAcrossRestarts() throws Exception {
        Path keyFile = Files.createTempDirectory("fleetgate-key").resolve("fleet-key.pem");
        try (GatewayHarness harness = GatewayHarness.builder().accounts(TestFleet.ALICE)
                .setting("fleetgate.vcp.private-key-file", keyFile.toString())
                .setting("fleetgate.vcp.generate-key", "true")
                .setting("fleetgate.vcp.domain", "fleet.example.org")
                .start()) {
            HttpResponse<byte[]> pem = harness.get("/.well-known/appspecific/com.tesla.3p.public-key.pem", null);
            assertThat(pem.statusCode()).isEqualTo(200);
            String pemText = new String(pem.body());
            assertThat(pemText).startsWith("-----BEGIN PUBLIC KEY-----");

            HttpResponse<byte[]> info = harness.get("/api/key", null);
            assertThat(info.statusCode()).isEqualTo(200);
            JsonNode response = new ObjectMapper().readTree(info.body()).get("response");
            assertThat(response.get("url").asText()).isEqualTo("https://tesla.com/_ak/fleet.example.org");
            String hex = response.get("public_key").asText();
            assertThat(hex).hasSize(130).startsWith("04");
            // the PEM, the hex and the saved private key are one key
            assertThat(HexFormat.of().formatHex(Pem.publicKey(pemText))).isEqualTo(hex);
            assertThat(EcKeyPair.fromPem(Files.readString(keyFile)).publicKeyHex()).isEqualTo(hex);
            assertThat(Files.readString(keyFile)).doesNotContain(hex);

            harness.restart();
            JsonNode again = new ObjectMapper().readTree(harness.get("/api/key", null).body()).get("response");
            assertThat(again.get("public_key").asText()).as("the saved key is used again").isEqualTo(hex);
        }
    }

    @Test
    void withoutAFleetKeyTheEndpointsAnswer404InTheEnvelope() throws Exception {
        try (GatewayHarness harness = GatewayHarness.builder().accounts(TestFleet.ALICE).start()) {
            HttpResponse<byte[]> info = harness.get("/api/key", null);
            assertThat(info.statusCode()).isEqualTo(404);
            assertThat(new ObjectMapper().readTree(info.body()).get("error").asText()).isEqualTo("not_found");
            assertThat(harness.get("/.well-known/appspecific/com.tesla.3p.public-key.pem", null).statusCode()).isEqualTo(404);
        }
    }
}
