package io.fleetgate.sim;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Base URLs of the three regional servers, known once they listen. */
final class RegionDirectory {

    private final String host;
    private final Map<String, Integer> ports = new ConcurrentHashMap<>();

    RegionDirectory(SimulatorConfig config) {
        this.host = config.host().contains(":") ? "[" + config.host() + "]" : config.host();
        SimulatedFleet.REGIONS.forEach(region -> ports.put(region, config.portOf(region)));
    }

    void bound(String region, int port) {
        ports.put(region, port);
    }

    /** {@code http://host:port} of the region's server, no trailing slash. */
    String baseUrl(String region) {
        Integer port = ports.get(region);
        if (port == null) {
            throw new IllegalArgumentException("unknown region: " + region + " (expected one of "
                    + SimulatedFleet.REGIONS + ")");
        }
        return urlFor(port);
    }

    String urlFor(int port) {
        return "http://" + host + ":" + port;
    }
}
