package io.fleetgate.telemetry;

import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BiConsumer;
import org.apache.camel.ProducerTemplate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code state} events from what Fleetgate learns of a vehicle in Fleet API answers (a state
 * check, a wake-up, a command that succeeded, a 408): when the state learned differs from the
 * vehicle's last {@code state} value, an event {@code {"state":"asleep",...}} is published.
 * Learning never waits: it is handed to a queue ({@code seda:}) that one route publishes from, in
 * order; when that queue is full the state is dropped and counted.
 */
public final class VehicleStateEvents implements BiConsumer<String, String> {
    private static final Logger LOG = LoggerFactory.getLogger(VehicleStateEvents.class);
    private static final Set<String> STATES = Set.of("online", "asleep", "offline");

    /** A state learned, waiting to be compared with the last one. */
    public record StateLearned(String vin, String state, Instant at) {}

    private final ProducerTemplate producer;
    private final String queue;
    private final TeslemetryEvents events;
    private final LastValues lastValues;
    private final Clock clock;
    private final LongAdder dropped = new LongAdder();

    public VehicleStateEvents(ProducerTemplate producer, String queue, TeslemetryEvents events, LastValues lastValues, Clock clock) {
        this.producer = producer;
        this.queue = queue;
        this.events = events;
        this.lastValues = lastValues;
        this.clock = clock;
    }

    /** Called where a state is learned; returns at once. */
    @Override
    public void accept(String vin, String state) {
        if (vin == null || !STATES.contains(state)) {
            return;
        }
        try {
            producer.sendBody(queue, new StateLearned(vin, state, clock.instant()));
        } catch (RuntimeException e) {
            dropped.increment();
            LOG.debug("vehicle state of {} not published: {}", vin, e.toString());
        }
    }

    /** The event for a learned state, or null when the vehicle's last state is the same. */
    public VehicleEvent toEvent(StateLearned learned) {
        Optional<LastValue> last = lastValues.get(learned.vin(), EventTopic.STATE.wire());
        if (last.isPresent() && last.get().value().asText().equals(learned.state())) {
            return null;
        }
        return events.state(learned.vin(), learned.state(), learned.at());
    }

    public long droppedStates() {
        return dropped.sum();
    }
}
