package io.fleetgate.sim;

import java.util.LinkedHashMap;
import java.util.Map;

/** An HTTP answer before it is written: status, extra headers, content type and body text. */
record Reply(int status, Map<String, String> headers, String contentType, String body) {

    static final String JSON = "application/json";
    static final String TEXT = "text/plain; charset=utf-8";

    Reply {
        headers = Map.copyOf(headers);
        body = body == null ? "" : body;
    }

    static Reply json(int status, String body) {
        return new Reply(status, Map.of(), JSON, body);
    }

    static Reply text(int status, String body) {
        return new Reply(status, Map.of(), TEXT, body);
    }

    static Reply empty(int status) {
        return new Reply(status, Map.of(), null, "");
    }

    Reply withStatus(int newStatus) {
        return new Reply(newStatus, headers, contentType, body);
    }

    /** Adds headers; on a clash the added value wins. */
    Reply withHeaders(Map<String, String> more) {
        Map<String, String> merged = new LinkedHashMap<>(headers);
        more.forEach((name, value) -> {
            merged.keySet().removeIf(existing -> existing.equalsIgnoreCase(name));
            merged.put(name, value);
        });
        return new Reply(status, merged, contentType, body);
    }

    Reply withHeader(String name, String value) {
        return withHeaders(Map.of(name, value));
    }
}
