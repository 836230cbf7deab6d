package io.fleetgate.vcp;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every catalog command against the payload Tesla's vehicle-command sends for the same REST body
 * (pkg/proxy/command.go ExtractCommandAction, then the pkg/vehicle method it calls). The hex was
 * encoded by hand from those functions and Tesla's .proto field numbers, never by our own encoder,
 * so a wrong field, number, enum or default in {@link Commands} shows up as different bytes.
 * Bodies use JSON types (numbers, booleans, strings) as the proxy reads them.
 */
class CommandPayloadVectorsTest {

    record Vector(String name, Map<String, Object> body, Domain domain, String hex) {
        @Override
        public String toString() {
            return name + " " + body;
        }
    }

    private static final long ID = 1_700_000_000L; // varint 80e2cfaa06

    private static Vector vcsec(String name, Map<String, Object> body, String hex) {
        return new Vector(name, body, Domain.VCSEC, hex);
    }

    /** Action { vehicleAction (2) { ... } }: every infotainment payload starts with 12. */
    private static Vector car(String name, Map<String, Object> body, String hex) {
        return new Vector(name, body, Domain.INFOTAINMENT, hex);
    }

    static List<Vector> vectors() {
        return List.of(
                // VCSEC UnsignedMessage: RKEAction (2) from Lock, Unlock, RemoteDrive; UNLOCK 0 is still written (oneof)
                vcsec("door_lock", Map.of(), "1001"),
                vcsec("door_unlock", Map.of(), "1000"),
                vcsec("remote_start_drive", Map.of(), "1014"),
                // closureMoveRequest (4): OpenTrunk rearTrunk (5) MOVE, OpenFrunk frontTrunk (6) MOVE
                vcsec("actuate_trunk", Map.of("which_trunk", "rear"), "22022801"),
                vcsec("actuate_trunk", Map.of("which_trunk", "front"), "22023001"),
                // tonneau (8): OPEN 3, CLOSE 4, STOP 2
                vcsec("open_tonneau", Map.of(), "22024003"),
                vcsec("close_tonneau", Map.of(), "22024004"),
                vcsec("stop_tonneau", Map.of(), "22024002"),

                car("honk_horn", Map.of(), "1203da0100"),
                car("flash_lights", Map.of(), "1203d20100"),
                // VentWindows / CloseWindows: vehicleControlWindowAction (34) vent (3) / close (4) Void; lat, lon unused
                car("window_control", Map.of("command", "vent", "lat", 37.5, "lon", -122.25), "12059202021a00"),
                car("window_control", Map.of("command", "close"), "12059202022200"),
                car("set_sentry_mode", Map.of("on", true), "1205f201020801"),
                car("set_sentry_mode", Map.of("on", false), "1203f20100"),

                // chargingStartStopAction (6): start 2, start_standard 3, start_max_range 4, stop 5
                car("charge_start", Map.of(), "120432021200"),
                car("charge_stop", Map.of(), "120432022a00"),
                car("charge_max_range", Map.of(), "120432022200"),
                car("charge_standard", Map.of(), "120432021a00"),
                car("set_charge_limit", Map.of("percent", 80), "12042a020850"),
                car("set_charging_amps", Map.of("charging_amps", 16), "1205da02020810"),
                // ChargePortOpen / ChargePortClose are infotainment chargePortDoorOpen (62) / Close (61), not a VCSEC closure move
                car("charge_port_door_open", Map.of(), "1203f20300"),
                car("charge_port_door_close", Map.of(), "1203ea0300"),
                // ScheduleCharging: scheduledChargingAction (41) { enabled, charging_time 120 }
                car("set_scheduled_charging", Map.of("enable", true, "time", 120), "1207ca020408011078"),
                // ScheduleDeparture: enabled, departure_time 480, preconditioning all_week (1), off-peak weekdays (2)
                // (weekdays_only wins over enabled), off_peak_hours_end_time 360
                car("set_scheduled_departure", Map.of("enable", true, "departure_time", 480,
                                "preconditioning_enabled", true, "off_peak_charging_enabled", true,
                                "off_peak_charging_weekdays_only", true, "end_off_peak_time", 360),
                        "1213d20210080110e0031a020a002202120028e802"),
                // enable=false is ClearScheduledDeparture: an empty action, whatever else the body holds
                car("set_scheduled_departure", Map.of("enable", false, "departure_time", 480, "preconditioning_enabled", true),
                        "1203d20200"),
                // AddChargeSchedule: addChargeScheduleAction (97) ChargeSchedule { id 1, days 3 (Mon|Wed = 10),
                // start_enabled 4, start_time 5, end_enabled 6, end_time 7, one_time 8, enabled 9, lat 10, lon 11 (float) }
                car("add_charge_schedule", Map.of("id", ID, "days_of_week", "Monday,Wednesday", "start_enabled", true,
                                "start_time", 120, "end_enabled", true, "end_time", 420, "one_time", true, "enabled", true,
                                "lat", 37.5, "lon", -122.25),
                        "12228a061f0880e2cfaa06180a20012878300138a4034001480155000016425d0080f4c2"),
                car("remove_charge_schedule", Map.of("id", ID), "12099206060880e2cfaa06"),
                // not in the proxy's REST table; BatchRemoveChargeSchedules: batchRemoveChargeSchedulesAction (108)
                car("batch_remove_charge_schedules", Map.of("home", true, "work", false, "other", true), "1207e2060408011801"),

                // ClimateOn / ClimateOff: hvacAutoAction (10) power_on; off is an empty message
                car("auto_conditioning_start", Map.of(), "120452020801"),
                car("auto_conditioning_stop", Map.of(), "12025200"),
                // ChangeClimateTemp: hvacTemperatureAdjustmentAction (14) { level (5) { TEMP_MAX (3) }, driver 6, passenger 7 }
                car("set_temps", Map.of("driver_temp", 21.5, "passenger_temp", 22.5), "1210720e2a021a00350000ac413d0000b441"),
                car("set_preconditioning_max", Map.of("on", true, "manual_override", true), "1206620408011001"),
                car("set_bioweapon_mode", Map.of("on", true, "manual_override", true), "12079a020408011001"),
                // SetClimateKeeperMode: ClimateKeeperAction 2 (Dog), manual_override
                car("set_climate_keeper_mode", Map.of("climate_keeper_mode", 2, "manual_override", true), "1207e2020408021001"),
                car("set_cabin_overheat_protection", Map.of("on", true, "fan_only", true), "120792030408011001"),
                // SetCopTempAction { cop_activation_temp }: the Fleet API's cop_temp 0, 1, 2 (30, 35, 40 °C,
                // reference fleet-api.md and Tesla's REST docs) are the enum's Low 1, Medium 2, High 3. Tesla's
                // proxy passes the number through unchanged; Fleetgate keeps the REST meaning, so a body means
                // the same for a vehicle that needs signing as for one Tesla's server commands itself.
                car("set_cop_temp", Map.of("cop_temp", 1), "12059204020802"),
                car("set_cop_temp", Map.of("cop_temp", 2), "12059204020803"),

                // SetSeatHeater: seat index 1 = CAR_SEAT_FRONT_RIGHT (8), level 2 = SEAT_HEATER_MED (4), Voids in field order
                car("remote_seat_heater_request", Map.of("seat_position", 1, "level", 2), "1209a202060a0422004200"),
                // SetSeatCooler(level - 1) sends level + 1: seat_cooler_level 3 is Med (3); seat_position 2 FrontRight
                car("remote_seat_cooler_request", Map.of("seat_position", 2, "seat_cooler_level", 3), "12098a03060a0408031002"),
                car("remote_seat_cooler_request", Map.of("seat_position", 1, "seat_cooler_level", 1), "12098a03060a0408011001"),
                car("remote_auto_seat_climate_request", Map.of("auto_seat_position", 2, "auto_climate_on", true),
                        "12098203060a0408011002"),
                car("remote_steering_wheel_heater_request", Map.of("on", true), "12046a020801"),

                // media: play 15, next fav 17, prev fav 18, next track 19, prev track 20
                car("media_toggle_playback", Map.of(), "12027a00"),
                car("media_next_track", Map.of(), "12039a0100"),
                car("media_prev_track", Map.of(), "1203a20100"),
                car("media_next_fav", Map.of(), "12038a0100"),
                car("media_prev_fav", Map.of(), "1203920100"),
                // mediaUpdateVolume (16): volume_delta (1) sint32 +1 / -1 (zigzag 2 / 1), volume_absolute_float (3)
                car("media_volume_up", Map.of(), "12058201020802"),
                car("media_volume_down", Map.of(), "12058201020801"),
                car("adjust_volume", Map.of("volume", 5.5), "12088201051d0000b040"),

                // EnableValetMode(password) / DisableValetMode(): off sends no password even when the body has one
                car("set_valet_mode", Map.of("on", true, "password", "1234"), "120bfa01080801120431323334"),
                car("set_valet_mode", Map.of("on", false, "password", "1234"), "1203fa0100"),
                car("reset_valet_pin", Map.of(), "1203e20100"),
                car("set_pin_to_drive", Map.of("on", true, "password", "1234"), "120bea04080801120431323334"),
                car("reset_pin_to_drive_pin", Map.of(), "1203f20400"),
                car("clear_pin_to_drive_admin", Map.of(), "1203ca0500"),
                // drivingSpeedLimitAction (9) { activate, pin }
                car("speed_limit_activate", Map.of("pin", "1234"), "120a4a080801120431323334"),
                car("speed_limit_deactivate", Map.of("pin", "1234"), "12084a06120431323334"),
                // drivingSetSpeedLimitAction (8) limit_mph is a double: 65.3 exactly as the JSON number, not via a float
                car("speed_limit_set_limit", Map.of("limit_mph", 65.3), "120b4209093333333333535040"),
                car("speed_limit_clear_pin", Map.of("pin", "1234"), "12083a060a0431323334"),
                car("speed_limit_clear_pin_admin", Map.of(), "1203fa0400"),
                // SetGuestMode: guestModeAction (65) VehicleState.GuestMode { GuestModeActive }
                car("guest_mode", Map.of("enable", true), "12058a04020801"),
                // EraseGuestData sets the oneof with a nil message: present and empty
                car("erase_user_data", Map.of(), "1203c20400"),

                car("set_vehicle_name", Map.of("vehicle_name", "Red Rocket"), "120fb2030c0a0a52656420526f636b6574"),
                car("schedule_software_update", Map.of("offset_sec", 7200), "1206ea010308a038"),
                car("cancel_software_update", Map.of(), "1203ca0100"),
                // TriggerHomelink: vehicleControlTriggerHomelinkAction (33) { location (1) { lat 1, lon 2 (float) } }
                car("trigger_homelink", Map.of("lat", 37.5, "lon", -122.25), "120f8a020c0a0a0d00001642150080f4c2"),
                car("set_low_power_mode", Map.of("enable", true), "12059208020801"),
                car("keep_accessory_power_mode", Map.of("enable", true), "1205d208020801"),

                // AddPreconditionSchedule: addPreconditionScheduleAction (99) PreconditionSchedule { id 1, days 3 (All 127),
                // precondition_time 4, one_time 5, enabled 6, lat 7, lon 8 }
                car("add_precondition_schedule", Map.of("id", ID, "days_of_week", "All", "precondition_time", 450,
                                "one_time", true, "enabled", true, "lat", 37.5, "lon", -122.25),
                        "121c9a06190880e2cfaa06187f20c203280130013d00001642450080f4c2"),
                car("remove_precondition_schedule", Map.of("id", ID), "1209a206060880e2cfaa06"),
                // not in the proxy's REST table; BatchRemovePreconditionSchedules: (107)
                car("batch_remove_precondition_schedules", Map.of("home", false, "work", true, "other", true),
                        "1207da060410011801"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void encodesTheBytesTeslasProxySendsForTheSameBody(Vector vector) {
        VehicleCommand command = Commands.fromRest(vector.name(), vector.body()).orElseThrow();
        assertThat(command.domain()).isEqualTo(vector.domain());
        assertThat(Kat.hex(command.payload())).isEqualTo(vector.hex());
    }

    @Test
    void everyCatalogCommandHasAVectorAndEveryVectorACatalogCommand() {
        Set<String> covered = vectors().stream().map(Vector::name).collect(Collectors.toCollection(TreeSet::new));
        assertThat(covered).isEqualTo(Commands.names());
    }
}
