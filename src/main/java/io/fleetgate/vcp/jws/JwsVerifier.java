package io.fleetgate.vcp.jws;

import static io.fleetgate.vcp.jws.JwsException.Reason.BAD_SIGNATURE;
import static io.fleetgate.vcp.jws.JwsException.Reason.EXPIRED;
import static io.fleetgate.vcp.jws.JwsException.Reason.MALFORMED;
import static io.fleetgate.vcp.jws.JwsException.Reason.NOT_YET_VALID;
import static io.fleetgate.vcp.jws.JwsException.Reason.UNSUPPORTED_ALGORITHM;
import static io.fleetgate.vcp.jws.JwsException.Reason.UNTRUSTED_ISSUER;
import static io.fleetgate.vcp.jws.JwsException.Reason.WRONG_AUDIENCE;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetgate.json.JsonMappers;
import io.fleetgate.vcp.crypto.Schnorr;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;

/**
 * Checks a {@code Tesla.SS256} token as a vehicle would before it takes a config: the signature
 * with a key it trusts (the paired fleet key), {@code iss} naming that key, the audience, and
 * {@code exp} / {@code nbf} as golang-jwt checks them (valid while now < exp, whole seconds).
 * Segments must be unpadded base64url, as golang-jwt decodes them by default.
 */
public final class JwsVerifier {
    private static final ObjectMapper MAPPER = JsonMappers.newMapper();
    private static final Base64.Decoder SEGMENT = Base64.getUrlDecoder();

    private final Clock clock;

    public JwsVerifier(Clock clock) {
        this.clock = clock;
    }

    /**
     * The verified claims of {@code token}.
     *
     * @param trustedKey the 65-byte public key the signer must hold
     * @param audience the {@code aud} the token must carry, e.g. {@link JwsSigner#TELEMETRY_AUDIENCE}
     * @throws IllegalArgumentException when {@code trustedKey} is not a P-256 point
     */
    public VerifiedJws verify(String token, byte[] trustedKey, String audience) throws JwsException {
        Parts parts = split(token);
        JsonNode alg = parts.header().get("alg");
        if (alg == null || !JwsSigner.ALGORITHM.equals(alg.textValue())) {
            throw new JwsException(UNSUPPORTED_ALGORITHM, "alg must be " + JwsSigner.ALGORITHM);
        }
        try {
            if (!Schnorr.verify(trustedKey, parts.signingInput(), parts.signature())) {
                throw new JwsException(BAD_SIGNATURE, "the signature does not verify with the trusted key");
            }
        } catch (InvalidKeyException e) {
            throw new IllegalArgumentException("the trusted key is not a P-256 point", e);
        }
        ObjectNode claims = parts.claims();
        if (!JwsSigner.issuer(trustedKey).equals(text(claims, "iss"))) {
            throw new JwsException(UNTRUSTED_ISSUER, "iss does not name the trusted key");
        }
        if (!audience.equals(text(claims, "aud"))) {
            throw new JwsException(WRONG_AUDIENCE, "aud must be " + audience);
        }
        Instant now = clock.instant();
        Instant expires = time(claims, "exp");
        if (expires != null && !now.isBefore(expires)) {
            throw new JwsException(EXPIRED, "the token expired at " + expires);
        }
        Instant notBefore = time(claims, "nbf");
        if (notBefore != null && now.isBefore(notBefore)) {
            throw new JwsException(NOT_YET_VALID, "the token is not valid before " + notBefore);
        }
        return new VerifiedJws(claims);
    }

    /**
     * The public key that {@code iss} names, unverified: which key to look up among those a
     * vehicle trusts. Never trust it without {@link #verify}.
     */
    public static byte[] claimedIssuer(String token) throws JwsException {
        String issuer = text(split(token).claims(), "iss");
        if (issuer == null) {
            throw new JwsException(MALFORMED, "the token has no iss");
        }
        try {
            return Base64.getDecoder().decode(issuer);
        } catch (IllegalArgumentException e) {
            throw new JwsException(MALFORMED, "iss is not base64");
        }
    }

    private record Parts(ObjectNode header, ObjectNode claims, byte[] signingInput, byte[] signature) {
    }

    private static Parts split(String token) throws JwsException {
        String[] segments = token == null ? new String[0] : token.split("\\.", -1);
        if (segments.length != 3) {
            throw new JwsException(MALFORMED, "a token has three segments");
        }
        ObjectNode header = object(decode(segments[0]), "header");
        ObjectNode claims = object(decode(segments[1]), "claims");
        byte[] signingInput = (segments[0] + "." + segments[1]).getBytes(StandardCharsets.US_ASCII);
        return new Parts(header, claims, signingInput, decode(segments[2]));
    }

    private static byte[] decode(String segment) throws JwsException {
        if (segment.indexOf('=') >= 0) {
            throw new JwsException(MALFORMED, "segments are base64url without padding");
        }
        try {
            return SEGMENT.decode(segment);
        } catch (IllegalArgumentException e) {
            throw new JwsException(MALFORMED, "a segment is not base64url");
        }
    }

    private static ObjectNode object(byte[] json, String what) throws JwsException {
        try {
            if (MAPPER.readTree(json) instanceof ObjectNode object) {
                return object;
            }
        } catch (IOException e) {
            // not JSON: reported below
        }
        throw new JwsException(MALFORMED, "the " + what + " is not a JSON object");
    }

    private static String text(ObjectNode claims, String name) {
        JsonNode value = claims.get(name);
        return value == null ? null : value.textValue();
    }

    /** A NumericDate as golang-jwt reads it: seconds, fraction dropped. */
    private static Instant time(ObjectNode claims, String name) throws JwsException {
        JsonNode value = claims.get(name);
        if (value == null) {
            return null;
        }
        if (!value.isNumber()) {
            throw new JwsException(MALFORMED, name + " must be a number");
        }
        return Instant.ofEpochSecond((long) value.doubleValue());
    }
}
