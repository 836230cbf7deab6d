package io.fleetgate.vcp.jws;

import static io.fleetgate.vcp.Kat.hex;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetgate.json.JsonMappers;
import io.fleetgate.vcp.crypto.EcKeyPair;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/**
 * Tokens against teslamotors/vehicle-command@724d8c8 internal/authentication/jwt_test.go
 * (TestVerify: a complete signed token and its public key), and a token Fleetgate signs checked
 * by a verification written here from the published equations, with its own curve arithmetic.
 */
class TeslaJwsKnownAnswerTest {
    private static final ObjectMapper MAPPER = JsonMappers.newMapper();

    /** jwt_test.go TestVerify: pkey. */
    private static final String TESLA_PUBLIC_KEY = "04775e2ef570d292df424c09f70e7d95678d5ce78124acb3f9375b19"
            + "8a4da9f9e9f0cc6d880e2e606e9b01b0fa62c6150e371aa5d8f7f09cc9e1bd3a1b449893ec";
    /** jwt_test.go TestVerify: signedToken (claims foo=bar, aud of a vehicle, iss = the key above). */
    private static final String TESLA_TOKEN = "eyJhbGciOiJUZXNsYS5TUzI1NiIsInR5cCI6IkpXVCJ9."
            + "eyJhdWQiOiJjb20udGVzbGEudmVoaWNsZS5NM1RFUkFTSElNQUJVQ0swMSIsImZvbyI6ImJhciIsImlzcyI6IkJIZGVMdlZ3"
            + "MHBMZlFrd0o5dzU5bFdlTlhPZUJKS3l6K1RkYkdZcE5xZm5wOE14dGlBNHVZRzZiQWJENllzWVZEamNhcGRqMzhKeko0YjA2"
            + "RzBTWWsrdz0ifQ."
            + "4Xq2tsynDYOhLBWpnqLJfsAzdOqTOwHkVowI47A-yzVXIQHaawObJvAYRoRs61oVwWiEQ7XYXG8WE_Vz_49eVirAV9NGKymj"
            + "3HBTTjN5DmViWmFzfaIOXRWKJlE--vzU";
    private static final String TESLA_AUDIENCE = "com.tesla.vehicle.M3TERASHIMABUCK01";

    /** schnorr_test.go testKey(). */
    private static final String SCALAR_3 = "03" + "00".repeat(31);

    private final JwsVerifier verifier = new JwsVerifier(Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC));

    @Test
    void verifiesTeslasPublishedToken() throws Exception {
        VerifiedJws verified = verifier.verify(TESLA_TOKEN, hex(TESLA_PUBLIC_KEY), TESLA_AUDIENCE);
        assertThat(verified.claims().path("foo").asText()).isEqualTo("bar");
        assertThat(verified.config().toString()).isEqualTo("{\"foo\":\"bar\"}");
        assertThat(JwsVerifier.claimedIssuer(TESLA_TOKEN)).isEqualTo(hex(TESLA_PUBLIC_KEY));
    }

    @Test
    void writesTheSameHeaderAndClaimsBytesAsTeslasToken() {
        ObjectNode claims = MAPPER.createObjectNode().put("foo", "bar");
        String signingInput = JwsSigner.signingInput(claims, hex(TESLA_PUBLIC_KEY), TESLA_AUDIENCE);
        assertThat(signingInput).isEqualTo(TESLA_TOKEN.substring(0, TESLA_TOKEN.lastIndexOf('.')));
    }

    @Test
    void signsATelemetryConfigThatVerifiesByThePublishedEquations() throws Exception {
        EcKeyPair key = EcKeyPair.fromScalarHex(SCALAR_3);
        ObjectNode config = (ObjectNode) MAPPER.readTree("""
                {"hostname":"telemetry.example.com","port":4443,"ca":"-----BEGIN CERTIFICATE-----\\nMIIB\\n-----END CERTIFICATE-----\\n",
                 "fields":{"VehicleSpeed":{"interval_seconds":1,"minimum_delta":1.5},"Location":{"interval_seconds":10},
                           "BatteryLevel":{"resend_interval_seconds":3600,"interval_seconds":60}},
                 "alert_types":["service","customer"],"exp":1798761600,"prefer_typed":true,"delivery_policy":"latest",
                 "iss":"overwritten","aud":"overwritten"}
                """);
        String token = new JwsSigner(key).signTelemetryConfig(config);

        assertThat(new JwsSigner(key).signTelemetryConfig(config)).as("deterministic").isEqualTo(token);
        String[] segments = token.split("\\.");
        assertThat(segments).hasSize(3);
        assertThat(segments[0]).isEqualTo("eyJhbGciOiJUZXNsYS5TUzI1NiIsInR5cCI6IkpXVCJ9");
        assertThat(new String(Base64.getUrlDecoder().decode(segments[1]), StandardCharsets.UTF_8)).isEqualTo(
                "{\"alert_types\":[\"service\",\"customer\"],\"aud\":\"com.tesla.fleet.TelemetryClient\","
                + "\"ca\":\"-----BEGIN CERTIFICATE-----\\nMIIB\\n-----END CERTIFICATE-----\\n\","
                + "\"delivery_policy\":\"latest\",\"exp\":1798761600,"
                + "\"fields\":{\"BatteryLevel\":{\"interval_seconds\":60,\"resend_interval_seconds\":3600},"
                + "\"Location\":{\"interval_seconds\":10},\"VehicleSpeed\":{\"interval_seconds\":1,\"minimum_delta\":1.5}},"
                + "\"hostname\":\"telemetry.example.com\","
                + "\"iss\":\"" + Base64.getEncoder().encodeToString(key.publicKeyBytes()) + "\","
                + "\"port\":4443,\"prefer_typed\":true}");
        assertThat(Base64.getEncoder().encodeToString(key.publicKeyBytes())).endsWith("=").startsWith("B");
        assertThat(token).doesNotContain("=").doesNotContain("+").doesNotContain("/");

        assertThat(IndependentSchnorr.verifies(key.publicKeyBytes(),
                (segments[0] + "." + segments[1]).getBytes(StandardCharsets.US_ASCII),
                Base64.getUrlDecoder().decode(segments[2]))).isTrue();
        assertThat(verifier.verify(token, key.publicKeyBytes(), JwsSigner.TELEMETRY_AUDIENCE).config().path("port").asInt())
                .isEqualTo(4443);
    }

    @Test
    void theIndependentCheckAcceptsTeslasTokenAndRefusesATamperedOne() {
        String[] segments = TESLA_TOKEN.split("\\.");
        byte[] input = (segments[0] + "." + segments[1]).getBytes(StandardCharsets.US_ASCII);
        byte[] signature = Base64.getUrlDecoder().decode(segments[2]);
        assertThat(IndependentSchnorr.verifies(hex(TESLA_PUBLIC_KEY), input, signature)).isTrue();
        input[input.length - 1] ^= 1;
        assertThat(IndependentSchnorr.verifies(hex(TESLA_PUBLIC_KEY), input, signature)).isFalse();
    }

    /**
     * RFC 8235 verification as vehicle-command's internal/schnorr describes it, on its own affine
     * P-256 arithmetic (curve constants from FIPS 186-4 D.1.2.3): rG + cA == V with
     * c = SHA-256(LV(G) || LV(V) || LV(A) || LV(m)).
     */
    static final class IndependentSchnorr {
        static final BigInteger P = new BigInteger("ffffffff00000001000000000000000000000000ffffffffffffffffffffffff", 16);
        static final BigInteger A = P.subtract(BigInteger.valueOf(3));
        static final BigInteger N = new BigInteger("ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551", 16);
        static final BigInteger[] G = {
            new BigInteger("6b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296", 16),
            new BigInteger("4fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5", 16)};

        static boolean verifies(byte[] publicKey, byte[] message, byte[] signature) {
            if (signature.length != 96 || publicKey.length != 65 || publicKey[0] != 4) {
                return false;
            }
            BigInteger[] pub = {coordinate(publicKey, 1), coordinate(publicKey, 33)};
            BigInteger[] nonce = {coordinate(signature, 0), coordinate(signature, 32)};
            BigInteger r = coordinate(signature, 64);
            byte[] nonceBytes = new byte[65];
            nonceBytes[0] = 4;
            System.arraycopy(signature, 0, nonceBytes, 1, 64);
            byte[] generator = new byte[65];
            generator[0] = 4;
            System.arraycopy(fixed(G[0]), 0, generator, 1, 32);
            System.arraycopy(fixed(G[1]), 0, generator, 33, 32);
            BigInteger c = new BigInteger(1, sha256(lv(generator), lv(nonceBytes), lv(publicKey), lv(message)));
            BigInteger[] sum = add(times(G, r), times(pub, c));
            return sum != null && sum[0].equals(nonce[0]) && sum[1].equals(nonce[1]);
        }

        private static BigInteger[] times(BigInteger[] point, BigInteger k) {
            BigInteger[] result = null;
            for (int i = k.bitLength() - 1; i >= 0; i--) {
                result = add(result, result);
                if (k.testBit(i)) {
                    result = add(result, point);
                }
            }
            return result;
        }

        /** Affine addition; null is the point at infinity. */
        private static BigInteger[] add(BigInteger[] p, BigInteger[] q) {
            if (p == null) {
                return q;
            }
            if (q == null) {
                return p;
            }
            BigInteger slope;
            if (p[0].equals(q[0])) {
                if (!p[1].equals(q[1]) || p[1].signum() == 0) {
                    return null;
                }
                slope = p[0].pow(2).multiply(BigInteger.valueOf(3)).add(A).multiply(p[1].shiftLeft(1).modInverse(P)).mod(P);
            } else {
                slope = q[1].subtract(p[1]).multiply(q[0].subtract(p[0]).modInverse(P)).mod(P);
            }
            BigInteger x = slope.pow(2).subtract(p[0]).subtract(q[0]).mod(P);
            BigInteger y = slope.multiply(p[0].subtract(x)).subtract(p[1]).mod(P);
            return new BigInteger[] {x, y};
        }

        private static BigInteger coordinate(byte[] bytes, int offset) {
            return new BigInteger(1, Arrays.copyOfRange(bytes, offset, offset + 32));
        }

        private static byte[] fixed(BigInteger value) {
            byte[] raw = value.toByteArray();
            byte[] out = new byte[32];
            int copy = Math.min(raw.length, 32);
            System.arraycopy(raw, raw.length - copy, out, 32 - copy, copy);
            return out;
        }

        private static byte[] lv(byte[] value) {
            return ByteBuffer.allocate(4 + value.length).putInt(value.length).put(value).array();
        }

        private static byte[] sha256(byte[]... parts) {
            try {
                MessageDigest digest = MessageDigest.getInstance("SHA-256");
                for (byte[] part : parts) {
                    digest.update(part);
                }
                return digest.digest();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
