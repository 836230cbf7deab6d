package io.fleetgate.sim;

import java.time.Instant;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One simulated vehicle. Immutable: the fleet replaces the record on every change.
 *
 * @param vin              17-character VIN (A–Z and 0–9 without I, O, Q)
 * @param id               the Fleet API numeric id, usable as {@code {vehicle_tag}} instead of the VIN
 * @param displayName      the name shown in the app
 * @param ownerId          id of the owning {@link SimUser}
 * @param state            connectivity state at the last change
 * @param requiresSigning  unsigned REST commands are refused with 403 (Vehicle Command Protocol)
 * @param keyPaired        the app's command key is paired with the car (reported by {@code fleet_status})
 * @param wakeDelaySeconds seconds from a wake request until the car is online; negative means never
 * @param firmwareVersion  e.g. {@code 2024.44.25.3}
 * @param wakeRequestedAt  when a still pending wake-up was requested, or null
 */
public record SimVehicle(String vin, long id, String displayName, String ownerId, VehicleState state,
                         boolean requiresSigning, boolean keyPaired, int wakeDelaySeconds,
                         String firmwareVersion, Instant wakeRequestedAt) {

    public static final int DEFAULT_WAKE_DELAY_SECONDS = 2;
    public static final String DEFAULT_FIRMWARE = "2024.44.25.3";

    private static final Pattern VIN = Pattern.compile("[A-HJ-NPR-Z0-9]{17}");

    public SimVehicle {
        Objects.requireNonNull(vin, "vin");
        Objects.requireNonNull(displayName, "displayName");
        Objects.requireNonNull(ownerId, "ownerId");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(firmwareVersion, "firmwareVersion");
        if (!isValidVin(vin)) {
            throw new IllegalArgumentException("not a valid 17-character VIN: " + vin);
        }
        if (id <= 0) {
            throw new IllegalArgumentException("vehicle id must be positive: " + id);
        }
        if (state == VehicleState.ONLINE) {
            wakeRequestedAt = null;
        }
    }

    /** A vehicle that does not require signing, has the key paired, wakes in 2 s and runs current firmware. */
    public static SimVehicle of(String vin, long id, String displayName, String ownerId, VehicleState state) {
        return new SimVehicle(vin, id, displayName, ownerId, state, false, true,
                DEFAULT_WAKE_DELAY_SECONDS, DEFAULT_FIRMWARE, null);
    }

    public static boolean isValidVin(String candidate) {
        return candidate != null && VIN.matcher(candidate).matches();
    }

    /** A state change made from outside (control API, test) also drops any pending wake-up. */
    public SimVehicle withState(VehicleState newState) {
        return new SimVehicle(vin, id, displayName, ownerId, newState, requiresSigning, keyPaired,
                wakeDelaySeconds, firmwareVersion, null);
    }

    public SimVehicle withRequiresSigning(boolean required) {
        return new SimVehicle(vin, id, displayName, ownerId, state, required, keyPaired,
                wakeDelaySeconds, firmwareVersion, wakeRequestedAt);
    }

    public SimVehicle withKeyPaired(boolean paired) {
        return new SimVehicle(vin, id, displayName, ownerId, state, requiresSigning, paired,
                wakeDelaySeconds, firmwareVersion, wakeRequestedAt);
    }

    public SimVehicle withWakeDelaySeconds(int seconds) {
        return new SimVehicle(vin, id, displayName, ownerId, state, requiresSigning, keyPaired,
                seconds, firmwareVersion, wakeRequestedAt);
    }

    public SimVehicle withFirmwareVersion(String version) {
        return new SimVehicle(vin, id, displayName, ownerId, state, requiresSigning, keyPaired,
                wakeDelaySeconds, version, wakeRequestedAt);
    }

    public SimVehicle withDisplayName(String name) {
        return new SimVehicle(vin, id, name, ownerId, state, requiresSigning, keyPaired,
                wakeDelaySeconds, firmwareVersion, wakeRequestedAt);
    }

    SimVehicle withWakeRequestedAt(Instant at) {
        return new SimVehicle(vin, id, displayName, ownerId, state, requiresSigning, keyPaired,
                wakeDelaySeconds, firmwareVersion, at);
    }

    public boolean isOnline() {
        return state == VehicleState.ONLINE;
    }

    public boolean wakePending() {
        return wakeRequestedAt != null;
    }

    /** True when a pending wake-up has completed at {@code now}; never for a negative delay. */
    boolean wakeDueAt(Instant now) {
        return wakeRequestedAt != null && wakeDelaySeconds >= 0
                && !now.isBefore(wakeRequestedAt.plusSeconds(wakeDelaySeconds));
    }
}
