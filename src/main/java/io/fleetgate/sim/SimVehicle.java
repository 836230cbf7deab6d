package io.fleetgate.sim;

import java.time.Instant;
import java.util.Collections;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * One simulated vehicle. Immutable: the fleet replaces the record on every change.
 *
 * @param vin               17-character VIN (A–Z and 0–9 without I, O, Q)
 * @param id                the Fleet API numeric id, usable as {@code {vehicle_tag}} instead of the VIN
 * @param displayName       the name shown in the app
 * @param ownerId           id of the owning {@link SimUser}
 * @param state             connectivity state at the last change
 * @param requiresSigning   unsigned REST commands are refused with 403 (Vehicle Command Protocol)
 * @param protocolSupported the car speaks the Vehicle Command Protocol; false (pre-2021 Model S/X):
 *                          {@code signed_command} answers 422
 * @param pairedKeys        the keychain: command keys (lowercase hex of the 65-byte uncompressed
 *                          P-256 point) whose signed commands the car accepts
 * @param wakeDelaySeconds  seconds from a wake request until the car is online; negative means never
 * @param firmwareVersion   e.g. {@code 2024.44.25.3}
 * @param wakeRequestedAt   when a still pending wake-up was requested, or null
 */
public record SimVehicle(String vin, long id, String displayName, String ownerId, VehicleState state,
                         boolean requiresSigning, boolean protocolSupported, Set<String> pairedKeys,
                         int wakeDelaySeconds, String firmwareVersion, Instant wakeRequestedAt) {

    public static final int DEFAULT_WAKE_DELAY_SECONDS = 2;
    public static final String DEFAULT_FIRMWARE = "2024.44.25.3";

    private static final Pattern VIN = Pattern.compile("[A-HJ-NPR-Z0-9]{17}");
    private static final Pattern KEY_HEX = Pattern.compile("04[0-9a-f]{128}");

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
        SortedSet<String> keys = new TreeSet<>();
        for (String key : pairedKeys == null ? Set.<String>of() : pairedKeys) {
            String normal = key.toLowerCase(Locale.ROOT);
            if (!KEY_HEX.matcher(normal).matches()) {
                throw new IllegalArgumentException("not the hex of a 65-byte uncompressed public key: " + key);
            }
            keys.add(normal);
        }
        pairedKeys = Collections.unmodifiableSortedSet(keys);
    }

    /**
     * A vehicle that does not require signing, speaks the command protocol with no key paired yet,
     * wakes in 2 s and runs current firmware.
     */
    public static SimVehicle of(String vin, long id, String displayName, String ownerId, VehicleState state) {
        return new SimVehicle(vin, id, displayName, ownerId, state, false, true, Set.of(),
                DEFAULT_WAKE_DELAY_SECONDS, DEFAULT_FIRMWARE, null);
    }

    public static boolean isValidVin(String candidate) {
        return candidate != null && VIN.matcher(candidate).matches();
    }

    /** The keychain's spelling of a public key: lowercase hex. */
    public static String keyHex(byte[] publicKey) {
        return HexFormat.of().formatHex(publicKey);
    }

    /** At least one command key is paired: what {@code fleet_status} reports as {@code key_paired_vins}. */
    public boolean keyPaired() {
        return !pairedKeys.isEmpty();
    }

    public boolean isPaired(byte[] publicKey) {
        return pairedKeys.contains(keyHex(publicKey));
    }

    /** A state change made from outside (control API, test) also drops any pending wake-up. */
    public SimVehicle withState(VehicleState newState) {
        return new SimVehicle(vin, id, displayName, ownerId, newState, requiresSigning, protocolSupported,
                pairedKeys, wakeDelaySeconds, firmwareVersion, null);
    }

    public SimVehicle withRequiresSigning(boolean required) {
        return new SimVehicle(vin, id, displayName, ownerId, state, required, protocolSupported,
                pairedKeys, wakeDelaySeconds, firmwareVersion, wakeRequestedAt);
    }

    /** False for a car that predates the command protocol (pre-2021 Model S/X). */
    public SimVehicle withProtocolSupported(boolean supported) {
        return new SimVehicle(vin, id, displayName, ownerId, state, requiresSigning, supported,
                pairedKeys, wakeDelaySeconds, firmwareVersion, wakeRequestedAt);
    }

    public SimVehicle withPairedKeys(Set<String> keys) {
        return new SimVehicle(vin, id, displayName, ownerId, state, requiresSigning, protocolSupported,
                keys, wakeDelaySeconds, firmwareVersion, wakeRequestedAt);
    }

    public SimVehicle withPairedKey(byte[] publicKey) {
        Set<String> keys = new TreeSet<>(pairedKeys);
        keys.add(keyHex(publicKey));
        return withPairedKeys(keys);
    }

    public SimVehicle withoutPairedKey(byte[] publicKey) {
        Set<String> keys = new TreeSet<>(pairedKeys);
        keys.remove(keyHex(publicKey));
        return withPairedKeys(keys);
    }

    public SimVehicle withWakeDelaySeconds(int seconds) {
        return new SimVehicle(vin, id, displayName, ownerId, state, requiresSigning, protocolSupported,
                pairedKeys, seconds, firmwareVersion, wakeRequestedAt);
    }

    public SimVehicle withFirmwareVersion(String version) {
        return new SimVehicle(vin, id, displayName, ownerId, state, requiresSigning, protocolSupported,
                pairedKeys, wakeDelaySeconds, version, wakeRequestedAt);
    }

    public SimVehicle withDisplayName(String name) {
        return new SimVehicle(vin, id, name, ownerId, state, requiresSigning, protocolSupported,
                pairedKeys, wakeDelaySeconds, firmwareVersion, wakeRequestedAt);
    }

    SimVehicle withWakeRequestedAt(Instant at) {
        return new SimVehicle(vin, id, displayName, ownerId, state, requiresSigning, protocolSupported,
                pairedKeys, wakeDelaySeconds, firmwareVersion, at);
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
