package io.fleetgate.sim;

import java.util.Locale;

/** Connectivity state of a simulated vehicle, as the Fleet API reports it in {@code state}. */
public enum VehicleState {
    ONLINE, ASLEEP, OFFLINE;

    /** The lower-case form used on the wire: {@code online}, {@code asleep}, {@code offline}. */
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses the wire form; throws {@link IllegalArgumentException} for anything else. */
    public static VehicleState fromWire(String value) {
        for (VehicleState state : values()) {
            if (state.wire().equals(value)) {
                return state;
            }
        }
        throw new IllegalArgumentException("unknown vehicle state: " + value);
    }
}
