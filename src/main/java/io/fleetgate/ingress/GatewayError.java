package io.fleetgate.ingress;

import java.util.Collection;
import java.util.Map;
import java.util.TreeSet;

/**
 * A refusal of Fleetgate's own, answered in the Fleet API error envelope. It carries no stack
 * trace: it is an answer, not a fault, and its description never holds a token.
 */
public final class GatewayError extends RuntimeException {
    private final int status;
    private final String error;
    private final Map<String, String> headers;

    public GatewayError(int status, String error, String description) {
        this(status, error, description, Map.of());
    }

    /** @param headers response headers that belong to this answer, e.g. {@code Retry-After} on a 429 */
    public GatewayError(int status, String error, String description, Map<String, String> headers) {
        super(description, null, false, false);
        this.status = status;
        this.error = error;
        this.headers = Map.copyOf(headers);
    }

    public int status() {
        return status;
    }

    public String error() {
        return error;
    }

    public String description() {
        return getMessage();
    }

    public Map<String, String> headers() {
        return headers;
    }

    public static GatewayError missingToken() {
        return new GatewayError(401, "missing_token",
                "No gateway token: send 'Authorization: Bearer <token>' or '?token=<token>'.");
    }

    public static GatewayError invalidToken() {
        return new GatewayError(401, "invalid_token", "The gateway token is unknown or has been revoked.");
    }

    /** Tesla refused the account's refresh token: no request can be served until the owner signs in again. */
    public static GatewayError signInRequired() {
        return new GatewayError(401, "login_required",
                "Tesla no longer accepts this account's sign-in: the account owner must sign in with Tesla again.");
    }

    public static GatewayError subscriptionRequired() {
        return new GatewayError(402, "subscription_required", "This account has no active subscription.");
    }

    public static GatewayError vehicleSubscriptionRequired(String what) {
        return new GatewayError(402, "vehicle_subscription_required", what + " is not in this account's subscription.");
    }

    public static GatewayError invalidScope(String scopes) {
        return new GatewayError(403, "invalid_scope", "This account lacks the Fleet API scope this endpoint needs: " + scopes + ".");
    }

    public static GatewayError invalidRequest(String description) {
        return new GatewayError(400, "invalid_request", description);
    }

    public static GatewayError bodyTooLarge(long limit) {
        return new GatewayError(413, "invalid_request", "The request body is larger than " + limit + " bytes.");
    }

    public static GatewayError notFound(String path) {
        return new GatewayError(404, "not_found", "No Fleet API endpoint at " + path + ".");
    }

    /** A path none of Fleetgate's endpoints serves, outside the Fleet API's {@code /api/1/} (whose paths are {@link #notFound}). */
    public static GatewayError unknownPath(String path) {
        return new GatewayError(404, "not_found", "Fleetgate has no endpoint at " + path + ".");
    }

    /** An endpoint whose route is not running: Fleetgate is starting or stopping, or an operator stopped it. */
    public static GatewayError notServing(String path) {
        return new GatewayError(503, "service_unavailable", path + " is not served right now; try again shortly.");
    }

    /** @param allowed the methods the path does take, which the answer's {@code Allow} header lists */
    public static GatewayError methodNotAllowed(String method, String path, Collection<String> allowed) {
        String allow = String.join(", ", new TreeSet<>(allowed));
        return new GatewayError(405, "invalid_method", method + " is not allowed on " + path + "; it takes " + allow + ".",
                Map.of("Allow", allow));
    }

    public static GatewayError invalidCommand(String name) {
        return new GatewayError(400, "invalid_command", "Unknown vehicle command: " + name + ".");
    }
}
