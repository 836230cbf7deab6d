package io.fleetgate.sim;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The fleet-telemetry configs the simulated vehicles hold, one per VIN: what the last accepted
 * {@code fleet_telemetry_config_jws} token signed (its claims without {@code iss} and {@code aud}:
 * hostname, port, ca, fields, alert_types, exp, ...). A vehicle fetches a new config when it is
 * online, so one stored while it sleeps reads {@code synced: false} until it has been seen online.
 * Thread-safe; the regional servers, the control API and the fleet-telemetry emitter share it.
 */
public final class TelemetryConfigs {

    /** A config as a vehicle holds it; {@code config} is a copy, never the stored tree. */
    public record Held(ObjectNode config, Instant receivedAt, boolean synced) {
        public Held {
            config = config.deepCopy();
        }

        @Override
        public ObjectNode config() {
            return config.deepCopy();
        }
    }

    private final Map<String, Held> byVin = new ConcurrentHashMap<>();

    /** The config the vehicle holds, if any: what a fleet-telemetry emitter streams by. */
    public Optional<ObjectNode> config(String vin) {
        return held(vin).map(Held::config);
    }

    public Optional<Held> held(String vin) {
        return Optional.ofNullable(byVin.get(vin));
    }

    /** Replaces the vehicle's config (Tesla's POST creates or replaces). */
    void put(String vin, ObjectNode config, Instant at, boolean synced) {
        byVin.put(vin, new Held(config, at, synced));
    }

    /** The vehicle has been seen online: it has fetched its config. */
    void markSynced(String vin) {
        byVin.computeIfPresent(vin, (key, held) -> held.synced() ? held : new Held(held.config, held.receivedAt(), true));
    }

    /** Removes the vehicle's config; false when it held none. */
    boolean remove(String vin) {
        return byVin.remove(vin) != null;
    }

    void clear() {
        byVin.clear();
    }
}
