package io.fleetgate.vcp.jws;

/** A token that is refused, with the reason a caller (or the simulated vehicle) reports. */
public final class JwsException extends Exception {
    public enum Reason {
        /** Not three base64url segments, or a header or claims that are not JSON objects. */
        MALFORMED,
        /** The header's {@code alg} is not {@code Tesla.SS256}. */
        UNSUPPORTED_ALGORITHM,
        /** The signature does not verify with the trusted key. */
        BAD_SIGNATURE,
        /** {@code iss} does not name the trusted key. */
        UNTRUSTED_ISSUER,
        /** {@code aud} is not the expected audience. */
        WRONG_AUDIENCE,
        /** {@code exp} has passed. */
        EXPIRED,
        /** {@code nbf} is still ahead. */
        NOT_YET_VALID
    }

    private final Reason reason;

    public JwsException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
