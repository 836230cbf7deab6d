package io.fleetgate.sim;

import java.util.Set;

/** Names accepted on {@code POST /api/1/vehicles/{tag}/command/{name}} (fleet-api.md §5.3). */
final class VehicleCommands {

    static final Set<String> CHARGING = Set.of(
            "charge_start", "charge_stop", "charge_standard", "charge_max_range", "set_charge_limit",
            "set_charging_amps", "charge_port_door_open", "charge_port_door_close", "set_scheduled_charging",
            "set_scheduled_departure", "add_charge_schedule", "remove_charge_schedule",
            "batch_remove_charge_schedules");

    static final Set<String> OTHERS = Set.of(
            "door_lock", "door_unlock", "flash_lights", "honk_horn", "auto_conditioning_start",
            "auto_conditioning_stop", "set_temps", "set_preconditioning_max", "set_climate_keeper_mode",
            "set_cabin_overheat_protection", "set_cop_temp", "remote_seat_heater_request",
            "remote_seat_cooler_request", "remote_auto_seat_climate_request",
            "remote_steering_wheel_heater_request", "actuate_trunk", "set_sentry_mode", "set_valet_mode",
            "set_pin_to_drive", "window_control", "remote_start_drive", "adjust_volume",
            "schedule_software_update", "trigger_homelink", "navigation_request", "media_next_fav",
            "media_prev_fav", "media_next_track", "media_prev_track", "media_toggle_playback",
            "media_volume_down", "media_volume_up", "cancel_software_update", "erase_user_data", "guest_mode",
            "reset_valet_pin", "reset_pin_to_drive_pin", "clear_pin_to_drive_admin",
            "speed_limit_clear_pin_admin", "speed_limit_activate", "speed_limit_deactivate",
            "speed_limit_clear_pin", "speed_limit_set_limit", "set_bioweapon_mode", "set_vehicle_name",
            "add_precondition_schedule", "remove_precondition_schedule", "batch_remove_precondition_schedules",
            "navigation_gps_request", "navigation_sc_request", "navigation_waypoints_request",
            "remote_auto_steering_wheel_heat_climate_request", "remote_steering_wheel_heat_level_request",
            "sun_roof_control", "take_drivenote", "upcoming_calendar_entries", "remote_boombox",
            "set_managed_charge_current_request", "set_managed_charger_location",
            "set_managed_scheduled_charging_time", "set_low_power_mode", "keep_accessory_power_mode",
            "open_tonneau", "close_tonneau", "stop_tonneau");

    private VehicleCommands() {
    }

    static boolean isKnown(String name) {
        return CHARGING.contains(name) || OTHERS.contains(name);
    }

    /** Charging commands are also allowed by {@code vehicle_charging_cmds}. */
    static Set<String> scopesFor(String name) {
        return CHARGING.contains(name) ? Set.of("vehicle_cmds", "vehicle_charging_cmds") : Set.of("vehicle_cmds");
    }
}
