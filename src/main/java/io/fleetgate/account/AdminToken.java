package io.fleetgate.account;

import io.fleetgate.ingress.GatewayError;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import org.apache.camel.Exchange;

/**
 * The admin API's own bearer token ({@code fleetgate.admin.token}); a gateway token never opens
 * it. Only the header form is accepted, so the token never sits in a URL or an access log. With
 * no admin token configured, the admin API refuses everyone.
 */
public final class AdminToken {
    private final byte[] expectedHash;

    public AdminToken(String adminToken) {
        this.expectedHash = adminToken == null || adminToken.isBlank() ? null : sha256(adminToken.trim());
    }

    public void check(Exchange exchange) {
        String authorization = exchange.getMessage().getHeader("Authorization", String.class);
        exchange.getMessage().removeHeader("Authorization");
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)
                || authorization.substring(7).isBlank()) {
            throw new GatewayError(401, "missing_token", "The admin API needs 'Authorization: Bearer <admin token>'.");
        }
        if (expectedHash == null) {
            throw new GatewayError(401, "invalid_token", "The admin API is off: no fleetgate.admin.token is set.");
        }
        if (!MessageDigest.isEqual(expectedHash, sha256(authorization.substring(7).trim()))) {
            throw new GatewayError(401, "invalid_token", "The admin token is wrong.");
        }
    }

    private static byte[] sha256(String value) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
