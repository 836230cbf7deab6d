package io.fleetgate.ingress;

import java.util.Set;

/** The vehicle command names the Fleet API knows (reference: fleet-api.md section 5.3). */
public final class VehicleCommands {
    private static final Set<String> KNOWN = Set.of(
            "door_lock", "door_unlock", "flash_lights", "honk_horn",
            "auto_conditioning_start", "auto_conditioning_stop", "set_temps", "set_preconditioning_max",
            "set_climate_keeper_mode", "set_cabin_overheat_protection", "set_cop_temp",
            "remote_seat_heater_request", "remote_seat_cooler_request", "remote_auto_seat_climate_request",
            "remote_steering_wheel_heater_request", "remote_auto_steering_wheel_heat_climate_request",
            "remote_steering_wheel_heat_level_request",
            "charge_start", "charge_stop", "charge_standard", "charge_max_range", "set_charge_limit",
            "set_charging_amps", "charge_port_door_open", "charge_port_door_close",
            "set_scheduled_charging", "set_scheduled_departure", "add_charge_schedule", "remove_charge_schedule",
            "add_precondition_schedule", "remove_precondition_schedule",
            "batch_remove_charge_schedules", "batch_remove_precondition_schedules",
            "actuate_trunk", "set_sentry_mode", "set_valet_mode", "reset_valet_pin",
            "set_pin_to_drive", "reset_pin_to_drive_pin", "clear_pin_to_drive_admin",
            "window_control", "sun_roof_control", "remote_start_drive", "adjust_volume",
            "media_next_fav", "media_prev_fav", "media_next_track", "media_prev_track",
            "media_toggle_playback", "media_volume_down", "media_volume_up",
            "schedule_software_update", "cancel_software_update", "trigger_homelink",
            "navigation_request", "navigation_gps_request", "navigation_sc_request", "navigation_waypoints_request",
            "speed_limit_activate", "speed_limit_deactivate", "speed_limit_clear_pin", "speed_limit_clear_pin_admin",
            "speed_limit_set_limit", "set_bioweapon_mode", "set_vehicle_name", "guest_mode", "erase_user_data",
            "take_drivenote", "upcoming_calendar_entries", "remote_boombox",
            "set_managed_charge_current_request", "set_managed_charger_location", "set_managed_scheduled_charging_time",
            "set_low_power_mode", "keep_accessory_power_mode", "open_tonneau", "close_tonneau", "stop_tonneau",
            "parental_controls_activate", "parental_controls_deactivate", "parental_controls_enable_setting",
            "parental_controls_set_speed_limit", "parental_controls_clear_pin_admin");

    private VehicleCommands() {}

    public static boolean isKnown(String name) {
        return KNOWN.contains(name);
    }
}
