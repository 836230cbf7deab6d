package io.fleetgate.sim;

import java.util.Objects;
import java.util.Set;

/**
 * A simulated energy site (Powerwall with solar). The settings change through the energy commands.
 *
 * @param energySiteId                     the numeric id used in {@code /api/1/energy_sites/{id}/...}
 * @param ownerId                          id of the owning {@link SimUser}
 * @param siteName                         the site's name
 * @param backupReservePercent             set by {@code backup}
 * @param operationMode                    {@code default_real_mode}, set by {@code operation}
 * @param stormModeEnabled                 set by {@code storm_mode}
 * @param offGridVehicleChargingReservePercent set by {@code off_grid_vehicle_charging_reserve}
 */
public record SimEnergySite(long energySiteId, String ownerId, String siteName, int backupReservePercent,
                            String operationMode, boolean stormModeEnabled,
                            int offGridVehicleChargingReservePercent) {

    public static final Set<String> OPERATION_MODES = Set.of("autonomous", "self_consumption", "backup");

    public SimEnergySite {
        Objects.requireNonNull(ownerId, "ownerId");
        Objects.requireNonNull(siteName, "siteName");
        if (energySiteId <= 0) {
            throw new IllegalArgumentException("energy site id must be positive: " + energySiteId);
        }
        if (!OPERATION_MODES.contains(operationMode)) {
            throw new IllegalArgumentException("operation mode must be one of " + OPERATION_MODES);
        }
        requirePercent(backupReservePercent);
        requirePercent(offGridVehicleChargingReservePercent);
    }

    /** A self-consumption site with a 20 % backup reserve and storm mode off. */
    public static SimEnergySite of(long energySiteId, String ownerId, String siteName) {
        return new SimEnergySite(energySiteId, ownerId, siteName, 20, "self_consumption", false, 0);
    }

    public SimEnergySite withBackupReservePercent(int percent) {
        return new SimEnergySite(energySiteId, ownerId, siteName, percent, operationMode, stormModeEnabled,
                offGridVehicleChargingReservePercent);
    }

    public SimEnergySite withOperationMode(String mode) {
        return new SimEnergySite(energySiteId, ownerId, siteName, backupReservePercent, mode, stormModeEnabled,
                offGridVehicleChargingReservePercent);
    }

    public SimEnergySite withStormModeEnabled(boolean enabled) {
        return new SimEnergySite(energySiteId, ownerId, siteName, backupReservePercent, operationMode, enabled,
                offGridVehicleChargingReservePercent);
    }

    public SimEnergySite withOffGridVehicleChargingReservePercent(int percent) {
        return new SimEnergySite(energySiteId, ownerId, siteName, backupReservePercent, operationMode,
                stormModeEnabled, percent);
    }

    private static void requirePercent(int percent) {
        if (percent < 0 || percent > 100) {
            throw new IllegalArgumentException("percent must be 0..100: " + percent);
        }
    }
}
