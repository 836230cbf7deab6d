package io.fleetgate.telemetry;

import java.util.Locale;
import java.util.Optional;

/**
 * Teslemetry's streaming topics that Fleetgate's vehicle events carry: an event has exactly one
 * of these keys ({@code data}, {@code alerts}, {@code errors}, {@code state},
 * {@code vehicle_data}, {@code config}), or for {@code connectivity} the keys
 * {@code networkInterface} and {@code status}.
 */
public enum EventTopic {
    DATA, ALERTS, ERRORS, CONNECTIVITY, STATE,
    /** A Fleet API {@code vehicle_data} document Fleetgate read (a refresh or a poll). */
    VEHICLE_DATA,
    /** The vehicle's streaming config after a change through Fleetgate. */
    CONFIG;

    /** The name clients use ({@code topics=data,state}) and the {@code fleetgate-event} header's value. */
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<EventTopic> ofWire(String name) {
        for (EventTopic topic : values()) {
            if (topic.wire().equals(name)) {
                return Optional.of(topic);
            }
        }
        return Optional.empty();
    }
}
