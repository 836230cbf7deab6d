package io.fleetgate.sim;

import java.util.ArrayList;
import java.util.List;

/** Requests that reached the regional servers, in the order they were answered. Thread-safe. */
final class RequestLog {

    private final List<RecordedRequest> entries = new ArrayList<>();

    synchronized void add(RecordedRequest request) {
        entries.add(request);
    }

    synchronized List<RecordedRequest> all() {
        return List.copyOf(entries);
    }

    synchronized List<RecordedRequest> mentioning(String text) {
        return entries.stream().filter(r -> r.mentions(text)).toList();
    }

    synchronized void clear() {
        entries.clear();
    }
}
