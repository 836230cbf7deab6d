package io.fleetgate.sim;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.Locale;
import java.util.Map;

/** The Fleet API's error answers, with the exact strings quoted in fleet-api.md §1.4, §3.2 and §4. */
final class FleetErrors {

    static final String VEHICLE_UNAVAILABLE = "vehicle unavailable: vehicle is offline or asleep";
    static final String SIGNING_REQUIRED = "Tesla Vehicle Command Protocol required, please refer to the "
            + "documentation here: https://developer.tesla.com/docs/fleet-api"
            + "#2023-10-09-rest-api-vehicle-commands-endpoint-deprecation-warning";
    static final int DEFAULT_RETRY_AFTER_SECONDS = 30;

    private final ObjectMapper json;
    private final TxIds txIds;

    FleetErrors(ObjectMapper json, TxIds txIds) {
        this.json = json;
        this.txIds = txIds;
    }

    /** {@code {"response":null,"error":..,"error_description":..,"txid":..}} with a matching x-txid header. */
    Reply envelope(int status, String error, String description) {
        String txid = txIds.next();
        ObjectNode body = json.createObjectNode();
        body.putNull("response");
        body.put("error", error);
        body.put("error_description", description);
        body.put("txid", txid);
        return Reply.json(status, body.toString()).withHeader("x-txid", txid);
    }

    Reply invalidToken() {
        return envelope(401, "invalid bearer token", "");
    }

    Reply tokenExpired() {
        return Reply.json(401, json.createObjectNode().put("error", "token expired (401)").toString());
    }

    /** 421 with both the Alt-Svc header and the body text clients parse the base URL from. */
    Reply outOfRegion(String correctBaseUrl) {
        return envelope(421, "user out of region, use base URL: " + correctBaseUrl
                + ", see https://developer.tesla.com/docs/fleet-api#regional-requirements", "")
                .withHeader("Alt-Svc", "h2=" + correctBaseUrl);
    }

    Reply missingScopes() {
        return envelope(403, "Unauthorized missing scopes", "");
    }

    Reply signingRequired() {
        return envelope(403, SIGNING_REQUIRED, "");
    }

    Reply notFound() {
        return envelope(404, "not_found", "");
    }

    /** The body Tesla sends on 408 carries no txid (vehicle-command issue #10). */
    Reply vehicleUnavailable() {
        ObjectNode body = json.createObjectNode();
        body.putNull("response");
        body.put("error", VEHICLE_UNAVAILABLE);
        body.put("error_description", "");
        return Reply.json(408, body.toString());
    }

    /**
     * {@code signed_command} to a car that is not online: 503 with the vehicle-unavailable body
     * (observed, and what the reference SDK reads as "offline or asleep"; fleet-api.md §4, §10.5).
     */
    Reply vehicleUnavailableForSignedCommand() {
        return vehicleUnavailable().withStatus(503);
    }

    /** {@code signed_command} to a car without the command protocol (pre-2021 Model S/X). */
    Reply protocolNotSupported() {
        return envelope(422, "invalid_resource", "vehicle does not support the Tesla Vehicle Command Protocol");
    }

    Reply invalidCommand() {
        return envelope(400, "invalid_command", "");
    }

    Reply invalidField(String description) {
        return envelope(400, "invalid_field", description);
    }

    Reply rateLimited(long retryAfterSeconds) {
        return Reply.text(429, "Retry in " + retryAfterSeconds + " seconds")
                .withHeader("Retry-After", Long.toString(retryAfterSeconds));
    }

    /**
     * The body Tesla would send with this status when a script gives only the status.
     *
     * @param homeBaseUrl     base URL of the caller's home region (for a scripted 421)
     * @param path            request path (a 403 on a command path is the signing error)
     * @param scriptedHeaders headers the script sets (a 429 takes its seconds from Retry-After)
     */
    Reply forStatus(int status, String homeBaseUrl, String path, Map<String, String> scriptedHeaders) {
        return switch (status) {
            case 400 -> envelope(400, path.contains("/command/") ? "invalid_command" : "invalid_request", "");
            case 401 -> tokenExpired();
            case 403 -> path.contains("/command/") ? signingRequired() : missingScopes();
            case 404 -> notFound();
            case 405 -> envelope(405, "invalid_method", "");
            case 406 -> envelope(406, "not_a_JSON_request", "");
            case 408 -> vehicleUnavailable();
            case 412 -> Reply.json(412, json.createObjectNode().put("error",
                    "Account fleetgate-sim-client must be registered in the current region " + homeBaseUrl
                            + "/, please see https://developer.tesla.com/docs/fleet-api/endpoints/"
                            + "partner-endpoints#register").toString());
            case 421 -> outOfRegion(homeBaseUrl);
            case 422 -> envelope(422, "invalid_resource", "");
            case 423 -> Reply.empty(423);
            case 424 -> envelope(424, "vehicle subsystem not ready", "");
            case 429 -> rateLimited(retryAfter(scriptedHeaders));
            case 503 -> envelope(503, "upstream internal error: operation_timedout with 10s timeout", "");
            case 540 -> envelope(540, "device unexpected response", "");
            default -> envelope(status, errorKey(status), "");
        };
    }

    private static long retryAfter(Map<String, String> headers) {
        return headers.entrySet().stream()
                .filter(e -> e.getKey().equalsIgnoreCase("Retry-After"))
                .map(Map.Entry::getValue)
                .filter(v -> v.matches("\\d{1,9}"))
                .mapToLong(Long::parseLong)
                .findFirst()
                .orElse(DEFAULT_RETRY_AFTER_SECONDS);
    }

    /** The status's reason phrase as an error key, e.g. 502 -> {@code bad_gateway}. */
    static String errorKey(int status) {
        String phrase = HttpResponseStatus.valueOf(status).reasonPhrase().replaceAll(" \\(\\d+\\)$", "");
        return phrase.toLowerCase(Locale.ROOT).replace(' ', '_');
    }
}
