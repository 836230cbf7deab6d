package io.fleetgate.vcp.jws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetgate.json.JsonMappers;
import io.fleetgate.vcp.MutableClock;
import io.fleetgate.vcp.crypto.EcKeyPair;
import io.fleetgate.vcp.crypto.Schnorr;
import io.fleetgate.vcp.jws.JwsException.Reason;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/** What the simulated vehicle refuses: every tampered, foreign, stale or malformed token. */
class JwsVerifierTest {
    private static final ObjectMapper MAPPER = JsonMappers.newMapper();
    private static final Base64.Encoder SEGMENT = Base64.getUrlEncoder().withoutPadding();
    private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");

    private final EcKeyPair fleetKey = EcKeyPair.generate(new SecureRandom());
    private final EcKeyPair otherKey = EcKeyPair.generate(new SecureRandom());
    private final MutableClock clock = new MutableClock(NOW);
    private final JwsVerifier verifier = new JwsVerifier(clock);

    @Test
    void acceptsATokenOfTheTrustedKey() throws Exception {
        VerifiedJws verified = verify(sign(config()));
        assertThat(verified.config()).isEqualTo(config());
        assertThat(verified.claims().path("aud").asText()).isEqualTo("com.tesla.fleet.TelemetryClient");
    }

    @Test
    void refusesChangedClaims() {
        String[] segments = sign(config()).split("\\.");
        ObjectNode changed = config();
        ((ObjectNode) changed.path("fields").path("BatteryLevel")).put("interval_seconds", 1);
        changed.put("iss", JwsSigner.issuer(fleetKey.publicKeyBytes())).put("aud", JwsSigner.TELEMETRY_AUDIENCE);
        String tampered = segments[0] + "." + SEGMENT.encodeToString(GoJson.marshal(changed)) + "." + segments[2];
        assertRefused(tampered, Reason.BAD_SIGNATURE);
    }

    @Test
    void refusesAChangedSignature() {
        String token = sign(config());
        String[] segments = token.split("\\.");
        byte[] signature = Base64.getUrlDecoder().decode(segments[2]);
        for (int index : new int[] {0, 40, 95}) {
            byte[] changed = signature.clone();
            changed[index] ^= 0x01;
            assertRefused(segments[0] + "." + segments[1] + "." + SEGMENT.encodeToString(changed), Reason.BAD_SIGNATURE);
        }
        assertRefused(segments[0] + "." + segments[1] + "." + SEGMENT.encodeToString(new byte[95]), Reason.BAD_SIGNATURE);
    }

    @Test
    void refusesTheSignatureOfAnotherToken() {
        String[] first = sign(config()).split("\\.");
        String[] second = sign(config().put("exp", NOW.getEpochSecond() + 7200)).split("\\.");
        assertRefused(first[0] + "." + first[1] + "." + second[2], Reason.BAD_SIGNATURE);
    }

    @Test
    void refusesATokenOfAnotherKey() {
        assertRefused(new JwsSigner(otherKey).signTelemetryConfig(config()), Reason.BAD_SIGNATURE);
    }

    @Test
    void refusesAnIssuerThatIsNotTheSigningKey() {
        String input = JwsSigner.signingInput(config(), otherKey.publicKeyBytes(), JwsSigner.TELEMETRY_AUDIENCE);
        String token = input + "." + SEGMENT.encodeToString(
                Schnorr.sign(fleetKey, input.getBytes(StandardCharsets.US_ASCII)));
        assertRefused(token, Reason.UNTRUSTED_ISSUER);
    }

    @Test
    void refusesAnotherAlgorithm() {
        String[] segments = sign(config()).split("\\.");
        for (String header : new String[] {"{\"alg\":\"none\",\"typ\":\"JWT\"}", "{\"alg\":\"ES256\",\"typ\":\"JWT\"}",
                "{\"typ\":\"JWT\"}"}) {
            String token = SEGMENT.encodeToString(header.getBytes(StandardCharsets.US_ASCII))
                    + "." + segments[1] + "." + segments[2];
            assertRefused(token, Reason.UNSUPPORTED_ALGORITHM);
        }
    }

    @Test
    void refusesAnotherAudience() {
        String token = new JwsSigner(fleetKey).sign(config(), JwsSigner.vehicleAudience("5YJ30123456789ABC", "TelemetryClient"));
        assertRefused(token, Reason.WRONG_AUDIENCE);
    }

    @Test
    void refusesAnExpiredTokenFromTheSecondOfExpiry() throws Exception {
        String token = sign(config().put("exp", NOW.getEpochSecond() + 60));
        clock.advance(Duration.ofSeconds(59));
        verify(token);
        clock.advance(Duration.ofSeconds(1));
        assertRefused(token, Reason.EXPIRED);
    }

    @Test
    void refusesATokenBeforeItsNotBefore() throws Exception {
        String token = sign(config().put("nbf", NOW.getEpochSecond() + 10));
        assertRefused(token, Reason.NOT_YET_VALID);
        clock.advance(Duration.ofSeconds(10));
        verify(token);
    }

    @Test
    void refusesMalformedTokens() {
        String token = sign(config());
        String[] segments = token.split("\\.");
        assertRefused(segments[0] + "." + segments[1], Reason.MALFORMED);
        assertRefused(token + ".", Reason.MALFORMED);
        assertRefused(segments[0] + "=." + segments[1] + "." + segments[2], Reason.MALFORMED);
        assertRefused(segments[0] + ".!!." + segments[2], Reason.MALFORMED);
        assertRefused(segments[0] + "." + SEGMENT.encodeToString("[1]".getBytes(StandardCharsets.US_ASCII))
                + "." + segments[2], Reason.MALFORMED);
        assertRefused(sign(config().put("exp", "tomorrow")), Reason.MALFORMED);
    }

    private ObjectNode config() {
        try {
            return (ObjectNode) MAPPER.readTree("""
                    {"hostname":"telemetry.example.com","port":4443,"ca":"PEM",
                     "fields":{"BatteryLevel":{"interval_seconds":60}},"exp":%d}
                    """.formatted(NOW.getEpochSecond() + 3600));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private String sign(ObjectNode config) {
        return new JwsSigner(fleetKey).signTelemetryConfig(config);
    }

    private VerifiedJws verify(String token) throws JwsException {
        return verifier.verify(token, fleetKey.publicKeyBytes(), JwsSigner.TELEMETRY_AUDIENCE);
    }

    private void assertRefused(String token, Reason reason) {
        assertThatThrownBy(() -> verify(token)).isInstanceOf(JwsException.class)
                .extracting(e -> ((JwsException) e).reason()).isEqualTo(reason);
    }
}
