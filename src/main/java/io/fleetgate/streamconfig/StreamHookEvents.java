package io.fleetgate.streamconfig;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fleetgate.telemetry.TeslemetryEvents;
import io.fleetgate.telemetry.VehicleEvent;
import java.io.IOException;
import java.time.Clock;

/**
 * The stream's events for the two hooks of {@code routes/teslemetry-api.camel.yaml}: a config
 * change becomes a {@code config} event, a {@code vehicle_data} read (a refresh or a poll) a
 * {@code vehicle_data} event; both go out through {@code direct:publish-vehicle-event} like every
 * other vehicle event, so their ids and order per VIN are the events topic's.
 */
public final class StreamHookEvents {
    private final TeslemetryEvents events;
    private final ObjectMapper json;
    private final Clock clock;

    public StreamHookEvents(TeslemetryEvents events, ObjectMapper json, Clock clock) {
        this.events = events;
        this.json = json;
        this.clock = clock;
    }

    /** {@code {"config":{"fields":{...}},"createdAt":...,"vin":...}}; no fields once the config was deleted. */
    public VehicleEvent configEvent(StreamConfigChange change) {
        return events.config(change.vin(), change.fields(), clock.instant());
    }

    /**
     * {@code {"vehicle_data":{...},"createdAt":...,"vin":...}} from the Fleet API's answer; null
     * when the answer holds no vehicle_data document (nothing to publish).
     */
    public VehicleEvent vehicleDataEvent(VehicleDataRefresh refresh) {
        try {
            JsonNode response = json.readTree(refresh.vehicleData()).path("response");
            return response.isObject() ? events.vehicleData(refresh.vin(), response, clock.instant()) : null;
        } catch (IOException e) {
            return null;
        }
    }
}
