package io.fleetgate.command;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.camel.Exchange;

/**
 * Each attempt of a proxied command as its audit event records it (CONTRACT section 5): when it
 * was sent, the status it got (Fleetgate's own 502/503/504 when no answer came), for a signed
 * command what the vehicle said, and the wait chosen before the next attempt (none after the last).
 */
public final class AttemptLog {
    /** When the attempt under way was sent (set as each attempt starts). */
    static final String SENT_AT = "fleetgateAttemptSentAt";
    private static final String ENTRIES = "fleetgateAttemptLog";

    private AttemptLog() {}

    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record Entry(
            @JsonProperty("attempt") int attempt,
            @JsonProperty("at") Instant at,
            @JsonProperty("status") int status,
            /** A signed command's verdict in lower case ({@code busy}, {@code offline}, ...); null for unsigned ones. */
            @JsonProperty("outcome") String outcome,
            /** The wait before the next attempt; null when this one was the last. */
            @JsonProperty("next_after_ms") Long nextAfterMs) {}

    static void started(Exchange exchange, Instant at) {
        exchange.setProperty(SENT_AT, at);
    }

    /** Records the attempt just answered, once the decision about the next one is taken. */
    static void record(Exchange exchange, int attempt, String outcome, Long nextAfterMs) {
        @SuppressWarnings("unchecked")
        List<Entry> entries = exchange.getProperty(ENTRIES, List.class);
        if (entries == null) {
            entries = new ArrayList<>(2);
            exchange.setProperty(ENTRIES, entries);
        }
        entries.add(new Entry(attempt, exchange.getProperty(SENT_AT, Instant.class),
                CommandExchange.intProperty(exchange, CommandExchange.LAST_STATUS), outcome, nextAfterMs));
    }

    /** The attempts a command's previous owner made before it moved to this replica (none: null). */
    static void carryOver(Exchange exchange, List<Entry> earlier) {
        if (earlier != null && !earlier.isEmpty()) {
            exchange.setProperty(ENTRIES, new ArrayList<>(earlier));
        }
    }

    /** The attempts made so far; null when none was (a command refused before any, a read). */
    @SuppressWarnings("unchecked")
    public static List<Entry> of(Exchange exchange) {
        List<Entry> entries = exchange.getProperty(ENTRIES, List.class);
        return entries == null ? null : List.copyOf(entries);
    }
}
