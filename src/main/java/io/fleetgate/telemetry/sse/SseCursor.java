package io.fleetgate.telemetry.sse;

import io.fleetgate.telemetry.EventId;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Where an SSE stream stands on {@code fleetgate.vehicle-events.v1}, sent as every event's
 * {@code id:} and read back from {@code Last-Event-ID}: for each partition the stream's vehicles
 * are on, the offset of the last event the stream has covered there, written
 * {@code <partition>-<offset>} and joined with {@code .} in partition order ({@code 3-1187} for a
 * single vehicle, which is the event's own id; {@code 0-17.3-1187.7-55} for {@code /sse}).
 * A partition that held nothing when the stream began has no entry: a resumed stream reads it
 * from its beginning. A stream with no entry at all is written {@value #EMPTY}.
 */
public record SseCursor(Map<Integer, Long> covered) {
    static final String EMPTY = "start";
    private static final int MAX_LENGTH = 4096;

    public SseCursor {
        covered = Map.copyOf(covered);
    }

    /** Nothing covered on any partition yet. */
    public static SseCursor empty() {
        return new SseCursor(Map.of());
    }

    /** The cursor of a stream that takes, on each of {@code partitions}, every event from {@code from} on. */
    public static SseCursor before(Map<Integer, Long> from, Collection<Integer> partitions) {
        Map<Integer, Long> covered = new HashMap<>();
        for (int partition : partitions) {
            long next = from.getOrDefault(partition, 0L);
            if (next > 0) {
                covered.put(partition, next - 1);
            }
        }
        return new SseCursor(covered);
    }

    /** The cursor once the event at {@code id} has been sent. */
    public SseCursor after(EventId id) {
        Map<Integer, Long> next = new HashMap<>(covered);
        next.merge(id.partition(), id.offset(), Math::max);
        return new SseCursor(next);
    }

    /** Where a stream resumed from this cursor starts on each of {@code partitions}: after what it covered, else at the beginning. */
    public Map<Integer, Long> resumeFrom(Collection<Integer> partitions) {
        Map<Integer, Long> from = new HashMap<>();
        for (int partition : partitions) {
            Long last = covered.get(partition);
            from.put(partition, last == null ? 0L : last + 1);
        }
        return from;
    }

    /** A {@code Last-Event-ID} of a Fleetgate stream; empty for anything else. */
    public static Optional<SseCursor> parse(String text) {
        if (text == null || text.isBlank() || text.length() > MAX_LENGTH) {
            return Optional.empty();
        }
        String trimmed = text.trim();
        if (trimmed.equals(EMPTY)) {
            return Optional.of(empty());
        }
        Map<Integer, Long> covered = new HashMap<>();
        for (String entry : trimmed.split("\\.", -1)) {
            Optional<EventId> id = EventId.parse(entry);
            if (id.isEmpty() || covered.put(id.get().partition(), id.get().offset()) != null) {
                return Optional.empty();
            }
        }
        return Optional.of(new SseCursor(covered));
    }

    @Override
    public String toString() {
        if (covered.isEmpty()) {
            return EMPTY;
        }
        return new TreeMap<>(covered).entrySet().stream().map(e -> e.getKey() + "-" + e.getValue())
                .collect(Collectors.joining("."));
    }
}
