package io.fleetgate.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fleetgate.testing.GatewayHarness;
import io.fleetgate.testing.TestFleet;
import io.fleetgate.vcp.crypto.EcKeyPair;
import io.fleetgate.vcp.crypto.Pem;
import java.math.BigInteger;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.AlgorithmParameters;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;
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
            assertParsesAsTheP256KeyOf(pemText, Files.readString(keyFile), hex);

            harness.restart();
            JsonNode again = new ObjectMapper().readTree(harness.get("/api/key", null).body()).get("response");
            assertThat(again.get("public_key").asText()).as("the saved key is used again").isEqualTo(hex);
        }
    }

    /**
     * Independently of Fleetgate's own parsers: the JDK reads the served PEM as an EC key on
     * secp256r1 whose point is the advertised one, and it verifies a signature made with the
     * saved private key, so the served key is the fleet key's public half.
     */
    private static void assertParsesAsTheP256KeyOf(String publicPem, String privatePem, String pointHex) throws Exception {
        KeyFactory ec = KeyFactory.getInstance("EC");
        ECPublicKey served = (ECPublicKey) ec.generatePublic(new X509EncodedKeySpec(pemBody(publicPem, "PUBLIC KEY")));
        AlgorithmParameters p256 = AlgorithmParameters.getInstance("EC");
        p256.init(new ECGenParameterSpec("secp256r1"));
        ECParameterSpec expected = p256.getParameterSpec(ECParameterSpec.class);
        assertThat(served.getParams().getCurve()).isEqualTo(expected.getCurve());
        assertThat(served.getParams().getGenerator()).isEqualTo(expected.getGenerator());
        assertThat(served.getParams().getOrder()).isEqualTo(expected.getOrder());
        byte[] point = HexFormat.of().parseHex(pointHex);
        assertThat(served.getW().getAffineX()).isEqualTo(new BigInteger(1, Arrays.copyOfRange(point, 1, 33)));
        assertThat(served.getW().getAffineY()).isEqualTo(new BigInteger(1, Arrays.copyOfRange(point, 33, 65)));

        PrivateKey fleetKey = ec.generatePrivate(new PKCS8EncodedKeySpec(pemBody(privatePem, "PRIVATE KEY")));
        Signature signer = Signature.getInstance("SHA256withECDSA");
        signer.initSign(fleetKey);
        signer.update("fleetgate".getBytes(StandardCharsets.US_ASCII));
        byte[] signature = signer.sign();
        Signature verifier = Signature.getInstance("SHA256withECDSA");
        verifier.initVerify(served);
        verifier.update("fleetgate".getBytes(StandardCharsets.US_ASCII));
        assertThat(verifier.verify(signature)).isTrue();
    }

    private static byte[] pemBody(String pem, String type) {
        int begin = pem.indexOf("-----BEGIN " + type + "-----");
        int end = pem.indexOf("-----END " + type + "-----");
        assertThat(begin).as(type + " block").isGreaterThanOrEqualTo(0);
        return Base64.getMimeDecoder().decode(pem.substring(begin + ("-----BEGIN " + type + "-----").length(), end));
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
