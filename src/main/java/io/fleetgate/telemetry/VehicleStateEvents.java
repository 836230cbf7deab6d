package io.fleetgate.telemetry;

import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BiConsumer;
import org.apache.camel.ProducerTemplate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code state} events from what Fleetgate learns of a vehicle in Fleet API answers (a command's
 * state check, a wake-up, a command that succeeded, a 408, and reads: see
 * {@link VehicleStatesInAnswers}): when the state learned differs from the vehicle's last
 * {@code state} value, an event {@code {"state":"asleep",...}} is published. Learning never waits:
 * a state that differs from the last one known (or the last one still queued) is handed to a queue
 * ({@code seda:}) that one route publishes from, in order, and compared again there; a state that
 * does not differ is not queued at all, so a vehicle read every few seconds queues nothing. When
 * the queue is full the state is dropped and counted.
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
    /** Per VIN, the last state queued and not yet taken by the route (what Fleetgate knows beyond the last values). */
    private final Map<String, String> queued = new ConcurrentHashMap<>();
    /** Per VIN, the last state the route took: known here before its event is back in the last values. */
    private final Map<String, StateLearned> taken = new ConcurrentHashMap<>();

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
        learn(vin, known -> state.equals(known) ? null : state);
    }

    /**
     * The vehicle did not answer (a 408 {@code vehicle_unavailable}, which does not say whether it
     * sleeps or is offline): {@code asleep}, unless it is known asleep or offline already.
     */
    public void notOnline(String vin) {
        if (vin == null) {
            return;
        }
        learn(vin, known -> "asleep".equals(known) || "offline".equals(known) ? null : "asleep");
    }

    /**
     * Queues the state {@code decide} makes of the last one known (null: nothing new). Decided and
     * queued under the VIN's entry, so two answers learned at once are queued in the order decided.
     */
    private void learn(String vin, java.util.function.UnaryOperator<String> decide) {
        queued.compute(vin, (v, waiting) -> {
            String state = decide.apply(waiting != null ? waiting : lastState(vin));
            if (state == null) {
                return waiting;
            }
            try {
                producer.sendBody(queue, new StateLearned(vin, state, clock.instant()));
                return state;
            } catch (RuntimeException e) {
                dropped.increment();
                LOG.debug("vehicle state of {} not published: {}", vin, e.toString());
                return waiting;
            }
        });
    }

    /** The newer of the last state taken here and the last values' (which another replica may have set). */
    private String lastState(String vin) {
        Optional<LastValue> last = lastValues.get(vin, EventTopic.STATE.wire());
        StateLearned mine = taken.get(vin);
        if (mine != null && (last.isEmpty() || !last.get().createdAt().isAfter(mine.at()))) {
            return mine.state();
        }
        return last.map(value -> value.value().asText()).orElse(null);
    }

    /** The event for a learned state, or null when the vehicle's last state is the same. */
    public VehicleEvent toEvent(StateLearned learned) {
        // compared with the last state taken here too: the route's events before this one may not be
        // back in the last values yet (it awaits Kafka once per burst)
        String last = lastState(learned.vin());
        // no longer waiting (unless a later state was queued since)
        taken.put(learned.vin(), learned);
        queued.remove(learned.vin(), learned.state());
        if (learned.state().equals(last)) {
            return null;
        }
        return events.state(learned.vin(), learned.state(), learned.at());
    }

    public long droppedStates() {
        return dropped.sum();
    }
}
