package io.fleetgate.vcp.jws;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetgate.vcp.crypto.EcKeyPair;
import io.fleetgate.vcp.crypto.Schnorr;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Signs claims with the fleet key as a {@code Tesla.SS256} JWS, the token that
 * {@code POST /api/1/vehicles/fleet_telemetry_config_jws} takes. The token is byte for byte what
 * Tesla's {@code tesla-jws -fleet sign TelemetryClient} gives for the same key and claims: header
 * {@code {"alg":"Tesla.SS256","typ":"JWT"}}, the claims plus {@code iss} (standard base64, with
 * padding, of the 65-byte public key) and {@code aud}, written as Go writes JSON; each segment
 * base64url without padding; a 96-byte Schnorr signature.
 */
public final class JwsSigner {
    public static final String ALGORITHM = "Tesla.SS256";
    /** The audience of a fleet-wide telemetry config. */
    public static final String TELEMETRY_AUDIENCE = fleetAudience("TelemetryClient");

    static final String HEADER = "{\"alg\":\"" + ALGORITHM + "\",\"typ\":\"JWT\"}";
    private static final Base64.Encoder SEGMENT = Base64.getUrlEncoder().withoutPadding();

    private final EcKeyPair key;

    public JwsSigner(EcKeyPair key) {
        this.key = key;
    }

    /** A token for {@code fleet_telemetry_config_jws}: the config's claims, for every vehicle paired with the key. */
    public String signTelemetryConfig(ObjectNode config) {
        return sign(config, TELEMETRY_AUDIENCE);
    }

    /** A token of {@code claims} for {@code audience}; any {@code iss} and {@code aud} in the claims are replaced. */
    public String sign(ObjectNode claims, String audience) {
        String signingInput = signingInput(claims, key.publicKeyBytes(), audience);
        byte[] signature = Schnorr.sign(key, signingInput.getBytes(StandardCharsets.US_ASCII));
        return signingInput + "." + SEGMENT.encodeToString(signature);
    }

    /** {@code com.tesla.fleet.<app>}: every vehicle that trusts the key accepts it. */
    public static String fleetAudience(String app) {
        return "com.tesla.fleet." + app;
    }

    /** {@code com.tesla.vehicle.<vin>.<app>}: only that vehicle accepts it. */
    public static String vehicleAudience(String vin, String app) {
        return "com.tesla.vehicle." + vin + "." + app;
    }

    /** The issuer a token of {@code publicKey} names: standard base64 with padding, as Tesla writes it. */
    public static String issuer(byte[] publicKey) {
        return Base64.getEncoder().encodeToString(publicKey);
    }

    /** base64url(header) "." base64url(claims with iss and aud), the bytes the signature covers. */
    static String signingInput(ObjectNode claims, byte[] publicKey, String audience) {
        ObjectNode signed = claims.deepCopy();
        signed.put("iss", issuer(publicKey));
        signed.put("aud", audience);
        return SEGMENT.encodeToString(HEADER.getBytes(StandardCharsets.US_ASCII)) + "."
                + SEGMENT.encodeToString(GoJson.marshal(signed));
    }
}
