package io.fleetgate.sim;

import io.fleetgate.vcp.DecodedAction;
import java.time.Instant;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * One request that reached a regional server, with the status it was finally answered with.
 *
 * @param region  the server that received it: {@code na}, {@code eu} or {@code cn}
 * @param method  HTTP method
 * @param path    path without the query
 * @param query   raw query string, or null when there was none
 * @param headers request headers (names case-insensitive; repeated headers joined with ", ")
 * @param body    request body as text, empty when there was none
 * @param status  HTTP status sent back
 * @param at      when the request arrived, by the simulator's clock
 * @param executed for a {@code signed_command} the vehicle accepted: what the signed message asked
 *                 for, decoded by the vehicle (REST name, domain, protobuf action with its
 *                 parameters); null otherwise (handshakes, refused messages, every other request)
 */
public record RecordedRequest(String region, String method, String path, String query,
                              Map<String, String> headers, String body, int status, Instant at,
                              DecodedAction executed) {

    /** A request that carried no signed command. */
    public RecordedRequest(String region, String method, String path, String query,
                           Map<String, String> headers, String body, int status, Instant at) {
        this(region, method, path, query, headers, body, status, at, null);
    }

    /** The REST name of the signed command the vehicle executed (e.g. {@code flash_lights}), or null. */
    public String command() {
        return executed == null ? null : executed.name();
    }

    /** The canonical JSON text of what the vehicle executed ({@link DecodedAction#toString()}), or null. */
    public String action() {
        return executed == null ? null : executed.toString();
    }

    public RecordedRequest {
        TreeMap<String, String> copy = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        copy.putAll(headers);
        headers = Collections.unmodifiableMap(copy);
        body = body == null ? "" : body;
    }

    /** True when the path mentions the VIN (or any other text, such as an energy site id). */
    public boolean mentions(String text) {
        return path.contains(text);
    }
}
