package io.fleetgate.sim;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** {@code vehicle_data}: the vehicle object plus the requested sections (fleet-api.md §6.3). */
final class VehicleDataPayloads {

    /** Sections a client may name in {@code endpoints}; {@code location_data} adds GPS to drive_state. */
    static final List<String> SECTIONS = List.of(
            "charge_state", "climate_state", "closures_state", "drive_state", "gui_settings", "location_data",
            "charge_schedule_data", "preconditioning_schedule_data", "vehicle_config", "vehicle_state");

    /** What Tesla returns without {@code endpoints}: the classic sections, no location. */
    static final Set<String> DEFAULT_SECTIONS = Set.of(
            "charge_state", "climate_state", "drive_state", "gui_settings", "vehicle_config", "vehicle_state");

    private final ObjectMapper json;
    private final Clock clock;
    private final VehiclePayloads vehicles;

    VehicleDataPayloads(ObjectMapper json, Clock clock, VehiclePayloads vehicles) {
        this.json = json;
        this.clock = clock;
        this.vehicles = vehicles;
    }

    /**
     * @param requested section names from {@code endpoints}; empty means the default set. Unknown
     *                  names are ignored, as Tesla does.
     */
    ObjectNode vehicleData(SimVehicle v, SimUser owner, Set<String> requested) {
        Set<String> sections = new LinkedHashSet<>(requested.isEmpty() ? DEFAULT_SECTIONS : requested);
        boolean withLocation = sections.remove("location_data") && owner != null && owner.hasScope("vehicle_location");
        if (withLocation) {
            sections.add("drive_state");
        }
        CarTraits car = CarTraits.of(v, owner);
        long now = clock.millis();
        ObjectNode node = vehicles.vehicle(v, owner).put("user_id", car.userId());
        for (String section : SECTIONS) {
            if (!sections.contains(section)) {
                continue;
            }
            ObjectNode body = switch (section) {
                case "charge_state" -> chargeState(car);
                case "climate_state" -> climateState(car);
                case "closures_state" -> closuresState();
                case "drive_state" -> driveState(car, withLocation, now);
                case "gui_settings" -> guiSettings(car);
                case "vehicle_config" -> vehicleConfig(car);
                case "vehicle_state" -> vehicleState(v, car);
                case "charge_schedule_data" -> chargeScheduleData();
                case "preconditioning_schedule_data" -> preconditioningScheduleData();
                default -> null;
            };
            if (body != null) {
                node.set(section, body.put("timestamp", now));
            }
        }
        return node;
    }

    private ObjectNode chargeState(CarTraits car) {
        boolean charging = car.charging();
        double range = car.batteryRangeMiles();
        return json.createObjectNode()
                .put("battery_heater_on", false)
                .put("battery_level", car.batteryLevel())
                .put("battery_range", range)
                .put("charge_amps", charging ? 32 : 48)
                .put("charge_current_request", charging ? 32 : 48)
                .put("charge_current_request_max", 48)
                .put("charge_enable_request", true)
                .put("charge_energy_added", charging ? 12.41 : 0.0)
                .put("charge_limit_soc", 80)
                .put("charge_limit_soc_max", 100)
                .put("charge_limit_soc_min", 50)
                .put("charge_limit_soc_std", 80)
                .put("charge_miles_added_ideal", charging ? 51.5 : 0.0)
                .put("charge_miles_added_rated", charging ? 51.5 : 0.0)
                .put("charge_port_cold_weather_mode", false)
                .put("charge_port_color", charging ? "Green" : "Off")
                .put("charge_port_door_open", charging)
                .put("charge_port_latch", "Engaged")
                .put("charge_rate", charging ? 28.6 : 0.0)
                .put("charger_actual_current", charging ? 32 : 0)
                .putNull("charger_phases")
                .put("charger_pilot_current", 48)
                .put("charger_power", charging ? 7 : 0)
                .put("charger_voltage", charging ? 241 : 2)
                .put("charging_state", charging ? "Charging" : "Disconnected")
                .put("conn_charge_cable", charging ? "SAE" : "<invalid>")
                .put("est_battery_range", Math.round(range * 0.87 * 100) / 100.0)
                .put("fast_charger_brand", "<invalid>")
                .put("fast_charger_present", false)
                .put("fast_charger_type", charging ? "ACSingleWireCAN" : "<invalid>")
                .put("ideal_battery_range", range)
                .put("max_range_charge_counter", 0)
                .put("minutes_to_full_charge", charging ? 95 : 0)
                .putNull("not_enough_power_to_heat")
                .put("off_peak_charging_enabled", false)
                .put("off_peak_charging_times", "all_week")
                .put("off_peak_hours_end_time", 360)
                .put("preconditioning_enabled", false)
                .put("preconditioning_times", "all_week")
                .put("scheduled_charging_mode", "Off")
                .put("scheduled_charging_pending", false)
                .putNull("scheduled_charging_start_time")
                .put("scheduled_departure_time_minutes", 480)
                .put("supercharger_session_trip_planner", false)
                .put("time_to_full_charge", charging ? 1.58 : 0.0)
                .put("trip_charging", false)
                .put("usable_battery_level", Math.max(0, car.batteryLevel() - 1))
                .putNull("user_charge_enable_request");
    }

    private ObjectNode climateState(CarTraits car) {
        double outside = car.euVehicle() ? 12.5 : 17.5;
        return json.createObjectNode()
                .put("allow_cabin_overheat_protection", true)
                .put("auto_seat_climate_left", false)
                .put("auto_seat_climate_right", false)
                .put("auto_steering_wheel_heat", false)
                .put("battery_heater", false)
                .putNull("battery_heater_no_power")
                .put("bioweapon_mode", false)
                .put("cabin_overheat_protection", "On")
                .put("cabin_overheat_protection_actively_cooling", false)
                .put("climate_keeper_mode", "off")
                .put("cop_activation_temperature", "High")
                .put("defrost_mode", 0)
                .put("driver_temp_setting", 21.0)
                .put("fan_status", 0)
                .put("hvac_auto_request", "On")
                .put("inside_temp", outside + 4.0)
                .put("is_auto_conditioning_on", false)
                .put("is_climate_on", false)
                .put("is_front_defroster_on", false)
                .put("is_preconditioning", false)
                .put("is_rear_defroster_on", false)
                .put("left_temp_direction", 0)
                .put("max_avail_temp", 28.0)
                .put("min_avail_temp", 15.0)
                .put("outside_temp", outside)
                .put("passenger_temp_setting", 21.0)
                .put("remote_heater_control_enabled", false)
                .put("right_temp_direction", 0)
                .put("seat_heater_left", 0)
                .put("seat_heater_rear_center", 0)
                .put("seat_heater_rear_left", 0)
                .put("seat_heater_rear_right", 0)
                .put("seat_heater_right", 0)
                .put("side_mirror_heaters", false)
                .put("steering_wheel_heat_level", 0)
                .put("steering_wheel_heater", false)
                .put("supports_fan_only_cabin_overheat_protection", true)
                .put("wiper_blade_heater", false);
    }

    private ObjectNode closuresState() {
        ObjectNode node = json.createObjectNode();
        doorsAndWindows(node);
        return node.put("locked", true).put("sentry_mode", false).put("is_user_present", false);
    }

    private ObjectNode driveState(CarTraits car, boolean withLocation, long now) {
        ObjectNode node = json.createObjectNode();
        if (withLocation) {
            node.put("gps_as_of", now / 1000 - 5)
                    .put("heading", 187)
                    .put("latitude", VehiclePayloads.round(car.latitude()))
                    .put("longitude", VehiclePayloads.round(car.longitude()))
                    .put("native_latitude", VehiclePayloads.round(car.latitude()))
                    .put("native_location_supported", 1)
                    .put("native_longitude", VehiclePayloads.round(car.longitude()))
                    .put("native_type", "wgs");
        }
        return node.put("power", car.charging() ? -7 : 0)
                .putNull("shift_state")
                .putNull("speed");
    }

    private ObjectNode guiSettings(CarTraits car) {
        String rate = car.metric() ? "km/hr" : "mi/hr";
        return json.createObjectNode()
                .put("gui_24_hour_time", car.metric())
                .put("gui_charge_rate_units", rate)
                .put("gui_distance_units", rate)
                .put("gui_range_display", "Rated")
                .put("gui_temperature_units", car.metric() ? "C" : "F")
                .put("gui_tirepressure_units", car.metric() ? "Bar" : "Psi")
                .put("show_range_units", false);
    }

    private ObjectNode vehicleConfig(CarTraits car) {
        boolean modelS = car.carType().equals("models2") || car.carType().equals("modelx");
        return json.createObjectNode()
                .put("aux_park_lamps", car.euVehicle() ? "Eu" : "NaPremium")
                .put("badge_version", 0)
                .put("can_accept_navigation_requests", true)
                .put("can_actuate_trunks", true)
                .put("car_special_type", "base")
                .put("car_type", car.carType())
                .put("charge_port_type", car.chargePortType())
                .put("cop_user_set_temp_supported", true)
                .put("dashcam_clip_save_supported", true)
                .put("default_charge_to_max", false)
                .put("driver_assist", "TeslaAP3")
                .put("ece_restrictions", car.euVehicle())
                .put("efficiency_package", "Default")
                .put("eu_vehicle", car.euVehicle())
                .put("exterior_color", car.exteriorColor())
                .put("exterior_trim", "Black")
                .put("has_air_suspension", modelS)
                .put("has_ludicrous_mode", false)
                .put("has_seat_cooling", modelS)
                .put("headlamp_type", "Premium")
                .put("interior_trim_type", "Black2")
                .put("key_version", 2)
                .put("motorized_charge_port", true)
                .put("performance_package", "Base")
                .put("plg", true)
                .put("pws", true)
                .put("rear_seat_heaters", 1)
                .put("rear_seat_type", 0)
                .put("rhd", false)
                .put("roof_color", "RoofColorGlass")
                .putNull("seat_type")
                .put("spoiler_type", "None")
                .putNull("sun_roof_installed")
                .put("supports_qr_pairing", false)
                .put("third_row_seats", "None")
                .put("trim_badging", car.trimBadging())
                .put("use_range_badging", true)
                .put("utc_offset", car.utcOffsetSeconds())
                .put("webcam_selfie_supported", true)
                .put("webcam_supported", true)
                .put("wheel_type", car.wheelType());
    }

    private ObjectNode vehicleState(SimVehicle v, CarTraits car) {
        ObjectNode node = json.createObjectNode()
                .put("api_version", 81)
                .put("autopark_state_v3", "standby")
                .put("calendar_supported", true)
                .put("car_version", v.firmwareVersion() + " " + Long.toHexString(0x7910d26d5c64L + v.id() % 4096))
                .put("center_display_state", 0)
                .put("dashcam_clip_save_available", true)
                .put("dashcam_state", "Recording")
                .put("feature_bitmask", "fbdffbff,187f")
                .put("homelink_nearby", false)
                .put("is_user_present", false)
                .put("locked", true)
                .put("notifications_supported", true)
                .put("odometer", Math.round(car.odometerMiles() * 1000) / 1000.0)
                .put("parsed_calendar_supported", true)
                .put("remote_start", false)
                .put("remote_start_enabled", true)
                .put("remote_start_supported", true)
                .put("sentry_mode", false)
                .put("sentry_mode_available", true)
                .put("tpms_pressure_fl", 2.9)
                .put("tpms_pressure_fr", 2.9)
                .put("tpms_pressure_rl", 2.875)
                .put("tpms_pressure_rr", 2.9)
                .put("valet_mode", false)
                .put("vehicle_name", v.displayName())
                .put("vehicle_self_test_progress", 0)
                .put("vehicle_self_test_requested", false)
                .put("webcam_available", true);
        doorsAndWindows(node);
        node.putObject("media_info")
                .put("a2dp_source_name", "")
                .put("audio_volume", 2.3333)
                .put("audio_volume_increment", 0.333333)
                .put("audio_volume_max", 10.333333)
                .put("media_playback_status", "Stopped")
                .put("now_playing_album", "")
                .put("now_playing_artist", "")
                .put("now_playing_duration", 0)
                .put("now_playing_elapsed", 0)
                .put("now_playing_source", "Spotify")
                .put("now_playing_station", "")
                .put("now_playing_title", "");
        node.putObject("media_state").put("remote_control_enabled", true);
        node.putObject("software_update")
                .put("download_perc", 0)
                .put("expected_duration_sec", 2700)
                .put("install_perc", 1)
                .put("status", "")
                .put("version", " ");
        node.putObject("speed_limit_mode")
                .put("active", false)
                .put("current_limit_mph", 85.0)
                .put("max_limit_mph", 120)
                .put("min_limit_mph", 50.0)
                .put("pin_code_set", false);
        return node;
    }

    private ObjectNode chargeScheduleData() {
        ObjectNode node = json.createObjectNode();
        node.putArray("charge_schedules");
        return node.put("charge_buffer", 0)
                .put("max_num_charge_schedules", 10)
                .put("next_schedule", false);
    }

    private ObjectNode preconditioningScheduleData() {
        ObjectNode node = json.createObjectNode();
        node.putArray("preconditioning_schedules");
        return node.put("max_num_precondition_schedules", 10).put("next_schedule", false);
    }

    private static void doorsAndWindows(ObjectNode node) {
        for (String field : List.of("df", "dr", "pf", "pr", "ft", "rt",
                "fd_window", "fp_window", "rd_window", "rp_window")) {
            node.put(field, 0);
        }
    }
}
