package io.fleetgate.sim;

import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.ConcurrentHashMap;

/** Regions that answer every request with one status (a 503 storm, a 502 gateway) until restored. */
final class RegionOutages {
    private final Map<String, Integer> failing = new ConcurrentHashMap<>();

    void fail(String region, int status) {
        if (status < 500 || status > 599) {
            throw new ScriptRequestParser.BadControlInput("an outage answers with a 5xx status, not " + status);
        }
        failing.put(region, status);
    }

    void restore(String region) {
        failing.remove(region);
    }

    void clear() {
        failing.clear();
    }

    OptionalInt statusOf(String region) {
        Integer status = failing.get(region);
        return status == null ? OptionalInt.empty() : OptionalInt.of(status);
    }
}
