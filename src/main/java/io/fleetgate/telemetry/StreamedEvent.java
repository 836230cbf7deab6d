package io.fleetgate.telemetry;

import java.util.Objects;

/**
 * A vehicle event with its place on the events topic (for a cached last value: the event that set
 * it). Its JSON is written once, however many streams send it.
 */
public final class StreamedEvent {
    private final EventId id;
    private final VehicleEvent event;
    private volatile String json;

    public StreamedEvent(EventId id, VehicleEvent event) {
        this.id = Objects.requireNonNull(id, "id");
        this.event = Objects.requireNonNull(event, "event");
    }

    public EventId id() {
        return id;
    }

    public VehicleEvent event() {
        return event;
    }

    /** {@link VehicleEvent#json()}, made on the first call and kept (two threads may both make it; same text). */
    public String json() {
        String text = json;
        if (text == null) {
            text = event.json();
            json = text;
        }
        return text;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof StreamedEvent that && id.equals(that.id) && event.equals(that.event);
    }

    @Override
    public int hashCode() {
        return Objects.hash(id, event);
    }

    @Override
    public String toString() {
        return "StreamedEvent[id=" + id + ", event=" + event + "]";
    }
}
