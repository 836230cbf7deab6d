package io.fleetgate.telemetry;

import java.util.Optional;

/**
 * Where a vehicle event is on {@code fleetgate.vehicle-events.v1}: its partition and offset,
 * written {@code <partition>-<offset>} (e.g. {@code 3-1187}). An SSE stream uses it as the
 * event's {@code id:}, so a {@code Last-Event-ID} names the record to resume after.
 */
public record EventId(int partition, long offset) {

    public EventId {
        if (partition < 0 || offset < 0) {
            throw new IllegalArgumentException("partition and offset must not be negative");
        }
    }

    /** {@code 3-1187}; empty for anything else. */
    public static Optional<EventId> parse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        int dash = text.indexOf('-');
        if (dash < 1 || dash == text.length() - 1) {
            return Optional.empty();
        }
        try {
            int partition = Integer.parseInt(text.substring(0, dash));
            long offset = Long.parseLong(text.substring(dash + 1));
            return partition < 0 || offset < 0 ? Optional.empty() : Optional.of(new EventId(partition, offset));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    @Override
    public String toString() {
        return partition + "-" + offset;
    }
}
