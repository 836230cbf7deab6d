package io.fleetgate.command;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.camel.Exchange;

/**
 * What Fleetgate last learned of each vehicle's state (CONTRACT section 4): a state learned in
 * the last 30 s, from a check, a wake-up or a successful command, stands in for a state check.
 * Also remembers a wake cycle that failed, so commands queued behind it answer 408 at once.
 */
public final class VehicleStates {
    private static final int SWEEP_ABOVE = 10_000;

    private final Map<String, Known> known = new ConcurrentHashMap<>();
    private final Clock clock;
    private final Duration maxAge;
    private final java.util.function.BiConsumer<String, String> learned;

    public VehicleStates(Clock clock, Duration maxAge) {
        this(clock, maxAge, (vin, state) -> { });
    }

    /** @param learned told of every state learned from the Fleet API (VIN, state); must return at once */
    public VehicleStates(Clock clock, Duration maxAge, java.util.function.BiConsumer<String, String> learned) {
        this.clock = clock;
        this.maxAge = maxAge;
        this.learned = learned;
    }

    /** Sets the vehicle state property from a fresh enough memory, or to null when a check is needed. */
    public void recall(Exchange exchange) {
        String vin = exchange.getProperty(CommandExchange.VIN, String.class);
        CommandRequest request = exchange.getProperty(CommandExchange.REQUEST, CommandRequest.class);
        Known k = known.get(vin);
        Instant now = clock.instant();
        boolean failedSinceArrival = k != null && k.wakeFailedAt() != null && request.receivedAt() != null
                && k.wakeFailedAt().isAfter(request.receivedAt());
        exchange.setProperty(CommandExchange.WAKE_FAILED_RECENTLY, failedSinceArrival);
        boolean fresh = k != null && k.state() != null && !k.learnedAt().plus(maxAge).isBefore(now);
        String state = fresh ? k.state() : null;
        if (failedSinceArrival && (state == null || "unknown".equals(state))) {
            state = "asleep";
        }
        exchange.setProperty(CommandExchange.VEHICLE_STATE, state);
        if (k != null && k.summary() != null) {
            exchange.setProperty(CommandExchange.VEHICLE_SUMMARY, k.summary());
        }
    }

    /** Learns the state from a state check or wake-up answer ({@code {"response":{..."state":...}}}). */
    public void learnFromAnswer(Exchange exchange) {
        String vin = exchange.getProperty(CommandExchange.VIN, String.class);
        Integer status = exchange.getProperty(CommandExchange.LAST_STATUS, Integer.class);
        JsonNode body = status != null && status == 200
                ? CommandJson.bodyNode(exchange.getProperty(CommandExchange.LAST_BODY, byte[].class)) : null;
        JsonNode vehicle = body == null ? null : body.get("response");
        String state = vehicle != null && vehicle.hasNonNull("state") ? vehicle.get("state").asText() : "unknown";
        exchange.setProperty(CommandExchange.VEHICLE_STATE, state);
        byte[] summary = vehicle != null && vehicle.isObject() ? CommandJson.bodyBytes(vehicle) : null;
        if (summary != null) {
            exchange.setProperty(CommandExchange.VEHICLE_SUMMARY, summary);
        }
        if (!"unknown".equals(state)) {
            remember(vin, state, summary);
        }
    }

    /** A poll of the wake cycle: a check after a wake_up that got through, or else one more resend of it. */
    public void countPoll(Exchange exchange) {
        String counter = Boolean.TRUE.equals(exchange.getProperty(CommandExchange.WAKE_UP_DELIVERED, Boolean.class))
                ? CommandExchange.WAKE_POLLS : CommandExchange.WAKE_RESENDS;
        exchange.setProperty(counter, CommandExchange.intProperty(exchange, counter) + 1);
    }

    /** A command that succeeded shows the vehicle online. */
    public void learnFromCommand(Exchange exchange) {
        Integer status = exchange.getProperty(CommandExchange.LAST_STATUS, Integer.class);
        if (status != null && status >= 200 && status < 300) {
            remember(exchange.getProperty(CommandExchange.VIN, String.class), "online", null);
        }
    }

    /** A 408 on the command itself counts as asleep. */
    public void markAsleep(Exchange exchange) {
        String vin = exchange.getProperty(CommandExchange.VIN, String.class);
        remember(vin, "asleep", null);
        exchange.setProperty(CommandExchange.VEHICLE_STATE, "asleep");
        exchange.setProperty(CommandExchange.REWOKEN, true);
    }

    /**
     * A wake cycle whose last poll got no answer: the state it started from (asleep) is forgotten,
     * so the next command checks it again instead of waking an awake vehicle or answering 408.
     */
    public void wakeUnconfirmed(Exchange exchange) {
        known.computeIfPresent(exchange.getProperty(CommandExchange.VIN, String.class),
                (vin, k) -> new Known(null, k.learnedAt(), k.since(), k.summary(), k.wakeFailedAt()));
    }

    public void wakeFailed(Exchange exchange) {
        String vin = exchange.getProperty(CommandExchange.VIN, String.class);
        Instant now = clock.instant();
        known.compute(vin, (v, k) -> new Known(k == null ? null : k.state(), k == null ? now : k.learnedAt(),
                k == null ? now : k.since(), k == null ? null : k.summary(), now));
    }

    /** The state last learned of the vehicle, when, and since when, however old: for operators, never for a command. */
    public Optional<LastKnown> lastKnown(String vin) {
        Known k = known.get(vin);
        return k == null || k.state() == null ? Optional.empty() : Optional.of(new LastKnown(k.state(), k.learnedAt(), k.since()));
    }

    /**
     * A vehicle's state as Fleetgate last learned it from the Fleet API.
     *
     * @param since when this replica first learned the state after learning another (or nothing): the
     *              vehicle has been in it at least since then, as far as Fleetgate saw
     */
    public record LastKnown(String state, Instant learnedAt, Instant since) {}

    int size() {
        return known.size();
    }

    private void remember(String vin, String state, byte[] summary) {
        learned.accept(vin, state);
        Instant now = clock.instant();
        // learning the same state again moves learnedAt, not since
        known.compute(vin, (v, k) -> new Known(state, now, k != null && state.equals(k.state()) ? k.since() : now,
                summary != null ? summary : k == null ? null : k.summary(), k == null ? null : k.wakeFailedAt()));
        if (known.size() > SWEEP_ABOVE) {
            // forget what is too old to stand in for a check anyway
            Instant oldest = now.minus(maxAge.multipliedBy(4));
            known.values().removeIf(k -> k.learnedAt().isBefore(oldest));
        }
    }

    /** @param summary the vehicle object as JSON: kept for every vehicle, parsed only for a 408 or wake_up answer */
    private record Known(String state, Instant learnedAt, Instant since, byte[] summary, Instant wakeFailedAt) {}
}
