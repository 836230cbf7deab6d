package io.fleetgate.vcp.jws;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** A token whose signature, issuer, audience and validity period were checked. */
public record VerifiedJws(ObjectNode claims) {
    public VerifiedJws {
        claims = claims.deepCopy();
    }

    @Override
    public ObjectNode claims() {
        return claims.deepCopy();
    }

    /** The signed config: the claims without {@code iss} and {@code aud}. */
    public ObjectNode config() {
        ObjectNode config = claims.deepCopy();
        config.remove("iss");
        config.remove("aud");
        return config;
    }
}
