package io.fleetgate.vcp.session;

import io.fleetgate.vcp.Domain;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Sessions by VIN and domain, bounded by vehicle count: the least recently used vehicle is
 * dropped first. A dropped vehicle just needs a new handshake.
 */
public final class SessionCache {
    public static final int DEFAULT_MAX_VEHICLES = 10_000;

    private final int maxVehicles;
    private final LinkedHashMap<String, EnumMap<Domain, Session>> vehicles;

    public SessionCache(int maxVehicles) {
        if (maxVehicles < 1) {
            throw new IllegalArgumentException("maxVehicles must be at least 1");
        }
        this.maxVehicles = maxVehicles;
        this.vehicles = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, EnumMap<Domain, Session>> eldest) {
                return size() > SessionCache.this.maxVehicles;
            }
        };
    }

    public synchronized Optional<Session> get(String vin, Domain domain) {
        EnumMap<Domain, Session> sessions = vehicles.get(vin);
        return Optional.ofNullable(sessions == null ? null : sessions.get(domain));
    }

    synchronized void put(Session session) {
        vehicles.computeIfAbsent(session.vin(), vin -> new EnumMap<>(Domain.class)).put(session.domain(), session);
    }

    /** Drops one domain's session, but only if it is still {@code session} (a newer one stays). */
    synchronized void remove(Session session) {
        EnumMap<Domain, Session> sessions = vehicles.get(session.vin());
        if (sessions != null && sessions.get(session.domain()) == session) {
            sessions.remove(session.domain());
            if (sessions.isEmpty()) {
                vehicles.remove(session.vin());
            }
        }
    }

    public synchronized void removeVehicle(String vin) {
        vehicles.remove(vin);
    }

    /** Vehicles with at least one session. */
    public synchronized int vehicles() {
        return vehicles.size();
    }

    public int maxVehicles() {
        return maxVehicles;
    }
}
