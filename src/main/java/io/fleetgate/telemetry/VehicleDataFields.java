package io.fleetgate.telemetry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The values of a Fleet API {@code vehicle_data} document that are telemetry fields too, by the
 * field's name ({@code charge_state.battery_level} is {@code BatteryLevel}). Deliberately small:
 * only values whose meaning and unit are the same in both (numbers, booleans, text as they are),
 * and the location as {@code {latitude, longitude}} when drive_state has it. A value that is
 * missing or null in the document sets nothing.
 */
public final class VehicleDataFields {
    /** vehicle_data section and key → telemetry field. */
    private static final Map<String, String> FIELDS = Map.ofEntries(
            Map.entry("charge_state.battery_level", "BatteryLevel"),
            Map.entry("charge_state.charge_limit_soc", "ChargeLimitSoc"),
            Map.entry("charge_state.charge_amps", "ChargeAmps"),
            Map.entry("charge_state.battery_range", "RatedRange"),
            Map.entry("charge_state.est_battery_range", "EstBatteryRange"),
            Map.entry("charge_state.ideal_battery_range", "IdealBatteryRange"),
            Map.entry("climate_state.inside_temp", "InsideTemp"),
            Map.entry("climate_state.outside_temp", "OutsideTemp"),
            Map.entry("drive_state.speed", "VehicleSpeed"),
            Map.entry("vehicle_state.odometer", "Odometer"),
            Map.entry("vehicle_state.locked", "Locked"),
            Map.entry("vehicle_state.sentry_mode", "SentryMode"),
            Map.entry("vehicle_state.vehicle_name", "VehicleName"),
            Map.entry("vehicle_state.car_version", "Version"));

    private VehicleDataFields() {}

    /** The telemetry field values the document holds, by field name. */
    public static Map<String, JsonNode> values(JsonNode vehicleData) {
        Map<String, JsonNode> values = new LinkedHashMap<>();
        FIELDS.entrySet().stream().sorted(Map.Entry.comparingByValue()).forEach(mapping -> {
            int dot = mapping.getKey().indexOf('.');
            JsonNode value = vehicleData.path(mapping.getKey().substring(0, dot)).path(mapping.getKey().substring(dot + 1));
            if (value.isValueNode() && !value.isNull()) {
                values.put(mapping.getValue(), value);
            }
        });
        JsonNode drive = vehicleData.path("drive_state");
        if (drive.path("latitude").isNumber() && drive.path("longitude").isNumber()) {
            values.put("Location", JsonNodeFactory.instance.objectNode()
                    .put("latitude", drive.get("latitude").asDouble()).put("longitude", drive.get("longitude").asDouble()));
        }
        return values;
    }
}
