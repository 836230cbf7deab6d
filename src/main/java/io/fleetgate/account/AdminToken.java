package io.fleetgate.account;

import io.fleetgate.ingress.GatewayError;
import io.fleetgate.ingress.IncomingRequest;
import io.fleetgate.ingress.IpLimitGuard;
import io.fleetgate.limits.AdminAuthLimit;
import io.fleetgate.limits.ClientAddressResolver;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.concurrent.atomic.LongAdder;
import org.apache.camel.Exchange;

/**
 * The admin API's own bearer token ({@code fleetgate.admin.token}); a gateway token never opens
 * it. Only the header form is accepted, so the token never sits in a URL or an access log. With
 * no admin token configured, the admin API refuses everyone. An address with too many failed
 * admin authentications is refused before its token is read ({@link AdminAuthLimit}).
 */
public final class AdminToken {
    private final byte[] expectedHash;
    private final AdminAuthLimit failedAuthLimit;
    private final ClientAddressResolver clientAddresses;
    private final LongAdder failures = new LongAdder();

    public AdminToken(String adminToken, AdminAuthLimit failedAuthLimit, ClientAddressResolver clientAddresses) {
        this.expectedHash = adminToken == null || adminToken.isBlank() ? null : sha256(adminToken.trim());
        this.failedAuthLimit = failedAuthLimit;
        this.clientAddresses = clientAddresses;
    }

    public void check(Exchange exchange) {
        String clientIp = IncomingRequest.clientIp(exchange, clientAddresses);
        failedAuthLimit.requireNotBlocked(clientIp, IpLimitGuard.verdict(exchange).orElse(null),
                exchange.getMessage().getHeader(Exchange.HTTP_METHOD, String.class), IncomingRequest.requestPath(exchange.getMessage()));
        String authorization = exchange.getMessage().getHeader("Authorization", String.class);
        exchange.getMessage().removeHeader("Authorization");
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)
                || authorization.substring(7).isBlank()) {
            throw failed(clientIp, new GatewayError(401, "missing_token", "The admin API needs 'Authorization: Bearer <admin token>'."));
        }
        if (expectedHash == null) {
            throw failed(clientIp, new GatewayError(401, "invalid_token", "The admin API is off: no fleetgate.admin.token is set."));
        }
        if (!MessageDigest.isEqual(expectedHash, sha256(authorization.substring(7).trim()))) {
            throw failed(clientIp, new GatewayError(401, "invalid_token", "The admin token is wrong."));
        }
    }

    /** Failed admin authentications since start, whatever was wrong (for metrics). */
    public long failures() {
        return failures.sum();
    }

    private GatewayError failed(String clientIp, GatewayError refusal) {
        failures.increment();
        failedAuthLimit.failed(clientIp);
        return refusal;
    }

    private static byte[] sha256(String value) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
