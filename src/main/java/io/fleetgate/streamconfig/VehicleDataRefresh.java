package io.fleetgate.streamconfig;

/**
 * A {@code vehicle_data} read made by {@code GET /api/refresh/{vin}}: the body that
 * {@code direct:vehicle-data-refreshed} receives, from which the streaming stage makes its
 * {@code vehicle_data} event (streaming.md 3.2).
 *
 * @param vin          the vehicle
 * @param accountId    the account that asked for it
 * @param vehicleData  the Fleet API's answer as it came ({@code {"response": {...}}}), JSON bytes
 */
public record VehicleDataRefresh(String vin, String accountId, byte[] vehicleData) {
    public VehicleDataRefresh {
        vehicleData = vehicleData.clone();
    }

    @Override
    public byte[] vehicleData() {
        return vehicleData.clone();
    }
}
