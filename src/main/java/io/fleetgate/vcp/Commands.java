package io.fleetgate.vcp;

import static io.fleetgate.vcp.CommandParameter.bool;
import static io.fleetgate.vcp.CommandParameter.choice;
import static io.fleetgate.vcp.CommandParameter.days;
import static io.fleetgate.vcp.CommandParameter.id;
import static io.fleetgate.vcp.CommandParameter.integer;
import static io.fleetgate.vcp.CommandParameter.number;
import static io.fleetgate.vcp.CommandParameter.text;

import io.fleetgate.vcp.proto.CarServer;
import io.fleetgate.vcp.proto.CarServer.HvacSeatHeaterActions.HvacSeatHeaterAction;
import io.fleetgate.vcp.proto.CarServer.VehicleAction;
import io.fleetgate.vcp.proto.Vcsec;
import io.fleetgate.vcp.proto.Vcsec.ClosureMoveRequest;
import io.fleetgate.vcp.proto.Vcsec.ClosureMoveType_E;
import io.fleetgate.vcp.proto.Vcsec.RKEAction_E;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.BiFunction;
import java.util.function.Consumer;

/**
 * The signed-command catalog: every REST command name Fleetgate can sign, the JSON body fields it
 * takes ({@link #parameters}), and the protocol payload they become, as in the reference's
 * section 3 (field numbers from the vehicle's definitions). Oneof setters are used throughout so
 * zero values (UNLOCK, empty actions) are still written.
 */
public final class Commands {
    private static final CarServer.Void VOID = CarServer.Void.getDefaultInstance();
    private static final String PIN = "\\d{4}";
    private static final int MINUTES_A_DAY = 24 * 60;

    private record Entry(List<CommandParameter> parameters, BiFunction<String, Params, VehicleCommand> build) {
    }

    private static final Map<String, Entry> CATALOG = new TreeMap<>();

    /** Seat indexes of the REST body, in Tesla's order (0 front left ... 8 third row right). */
    private static final List<Consumer<HvacSeatHeaterAction.Builder>> SEATS = List.of(
            b -> b.setCARSEATFRONTLEFT(VOID), b -> b.setCARSEATFRONTRIGHT(VOID), b -> b.setCARSEATREARLEFT(VOID),
            b -> b.setCARSEATREARLEFTBACK(VOID), b -> b.setCARSEATREARCENTER(VOID), b -> b.setCARSEATREARRIGHT(VOID),
            b -> b.setCARSEATREARRIGHTBACK(VOID), b -> b.setCARSEATTHIRDROWLEFT(VOID), b -> b.setCARSEATTHIRDROWRIGHT(VOID));

    static {
        // VCSEC: locks, remote start, trunks and tonneau
        add("door_lock", (n, p) -> rke(n, RKEAction_E.RKE_ACTION_LOCK));
        add("door_unlock", (n, p) -> rke(n, RKEAction_E.RKE_ACTION_UNLOCK));
        add("remote_start_drive", (n, p) -> rke(n, RKEAction_E.RKE_ACTION_REMOTE_DRIVE));
        add("actuate_trunk", (n, p) -> closure(n, "front".equals(p.choice("which_trunk"))
                        ? ClosureMoveRequest.newBuilder().setFrontTrunk(ClosureMoveType_E.CLOSURE_MOVE_TYPE_MOVE)
                        : ClosureMoveRequest.newBuilder().setRearTrunk(ClosureMoveType_E.CLOSURE_MOVE_TYPE_MOVE)),
                choice("which_trunk", "rear", "front").optional());
        add("open_tonneau", (n, p) -> tonneau(n, ClosureMoveType_E.CLOSURE_MOVE_TYPE_OPEN));
        add("close_tonneau", (n, p) -> tonneau(n, ClosureMoveType_E.CLOSURE_MOVE_TYPE_CLOSE));
        add("stop_tonneau", (n, p) -> tonneau(n, ClosureMoveType_E.CLOSURE_MOVE_TYPE_STOP));

        // horn and lights, windows, sentry
        add("honk_horn", (n, p) -> car(n, VehicleAction.newBuilder()
                .setVehicleControlHonkHornAction(CarServer.VehicleControlHonkHornAction.getDefaultInstance())));
        add("flash_lights", (n, p) -> car(n, VehicleAction.newBuilder()
                .setVehicleControlFlashLightsAction(CarServer.VehicleControlFlashLightsAction.getDefaultInstance())));
        // lat and lon are only needed by older cars' REST path; the protocol action has no place for them
        add("window_control", (n, p) -> car(n, VehicleAction.newBuilder().setVehicleControlWindowAction(
                "vent".equals(p.choice("command"))
                        ? CarServer.VehicleControlWindowAction.newBuilder().setVent(VOID)
                        : CarServer.VehicleControlWindowAction.newBuilder().setClose(VOID))),
                choice("command", "vent", "close"));
        add("set_sentry_mode", (n, p) -> car(n, VehicleAction.newBuilder().setVehicleControlSetSentryModeAction(
                CarServer.VehicleControlSetSentryModeAction.newBuilder().setOn(p.bool("on")))), bool("on"));

        // charging
        add("charge_start", (n, p) -> charging(n, CarServer.ChargingStartStopAction.newBuilder().setStart(VOID)));
        add("charge_stop", (n, p) -> charging(n, CarServer.ChargingStartStopAction.newBuilder().setStop(VOID)));
        add("charge_max_range", (n, p) -> charging(n, CarServer.ChargingStartStopAction.newBuilder().setStartMaxRange(VOID)));
        add("charge_standard", (n, p) -> charging(n, CarServer.ChargingStartStopAction.newBuilder().setStartStandard(VOID)));
        add("set_charge_limit", (n, p) -> car(n, VehicleAction.newBuilder().setChargingSetLimitAction(
                CarServer.ChargingSetLimitAction.newBuilder().setPercent(p.integer("percent")))),
                integer("percent", 0, 100));
        add("set_charging_amps", (n, p) -> car(n, VehicleAction.newBuilder().setSetChargingAmpsAction(
                CarServer.SetChargingAmpsAction.newBuilder().setChargingAmps(p.integer("charging_amps")))),
                integer("charging_amps", 0, 80));
        add("charge_port_door_open", (n, p) -> car(n, VehicleAction.newBuilder()
                .setChargePortDoorOpen(CarServer.ChargePortDoorOpen.getDefaultInstance())));
        add("charge_port_door_close", (n, p) -> car(n, VehicleAction.newBuilder()
                .setChargePortDoorClose(CarServer.ChargePortDoorClose.getDefaultInstance())));
        add("set_scheduled_charging", (n, p) -> car(n, VehicleAction.newBuilder().setScheduledChargingAction(
                CarServer.ScheduledChargingAction.newBuilder()
                        .setEnabled(p.bool("enable")).setChargingTime(p.integer("time")))),
                bool("enable"), integer("time", 0, MINUTES_A_DAY).optional());
        add("set_scheduled_departure", Commands::scheduledDeparture,
                bool("enable").examples(true, false), integer("departure_time", 0, MINUTES_A_DAY).optional(),
                bool("preconditioning_enabled").optional().examples(false, true),
                bool("preconditioning_weekdays_only").optional().examples(false, true),
                bool("off_peak_charging_enabled").optional().examples(false, true),
                bool("off_peak_charging_weekdays_only").optional().examples(false, true),
                integer("end_off_peak_time", 0, MINUTES_A_DAY).optional());
        add("add_charge_schedule", (n, p) -> car(n, VehicleAction.newBuilder().setAddChargeScheduleAction(
                CarServer.ChargeSchedule.newBuilder()
                        .setId(scheduleId(p)).setName(p.text("name")).setDaysOfWeek(p.days("days_of_week"))
                        .setStartEnabled(p.bool("start_enabled")).setStartTime(p.integer("start_time"))
                        .setEndEnabled(p.bool("end_enabled")).setEndTime(p.integer("end_time"))
                        .setOneTime(p.bool("one_time")).setEnabled(p.bool("enabled"))
                        .setLatitude(p.number("lat")).setLongitude(p.number("lon")))),
                days("days_of_week"), bool("enabled"), number("lat", -90, 90), number("lon", -180, 180),
                bool("start_enabled"), bool("end_enabled"), integer("start_time", 0, MINUTES_A_DAY).optional(),
                integer("end_time", 0, MINUTES_A_DAY).optional(), bool("one_time").optional(), id("id").optional(),
                text("name", null, "Home", "Work").optional());
        add("remove_charge_schedule", (n, p) -> car(n, VehicleAction.newBuilder().setRemoveChargeScheduleAction(
                CarServer.RemoveChargeScheduleAction.newBuilder().setId(p.id("id")))), id("id"));
        add("batch_remove_charge_schedules", (n, p) -> car(n, VehicleAction.newBuilder().setBatchRemoveChargeSchedulesAction(
                CarServer.BatchRemoveChargeSchedulesAction.newBuilder()
                        .setHome(p.bool("home")).setWork(p.bool("work")).setOther(p.bool("other")))),
                bool("home").optional(), bool("work").optional(), bool("other").optional());

        // climate and temperatures
        add("auto_conditioning_start", (n, p) -> car(n, VehicleAction.newBuilder().setHvacAutoAction(
                CarServer.HvacAutoAction.newBuilder().setPowerOn(true))));
        add("auto_conditioning_stop", (n, p) -> car(n, VehicleAction.newBuilder().setHvacAutoAction(
                CarServer.HvacAutoAction.newBuilder().setPowerOn(false))));
        add("set_temps", (n, p) -> car(n, VehicleAction.newBuilder().setHvacTemperatureAdjustmentAction(
                CarServer.HvacTemperatureAdjustmentAction.newBuilder()
                        // as the reference SDK does: the level marker accompanies explicit temperatures
                        .setLevel(CarServer.HvacTemperatureAdjustmentAction.Temperature.newBuilder().setTEMPMAX(VOID))
                        .setDriverTempCelsius(p.number("driver_temp"))
                        .setPassengerTempCelsius(p.number("passenger_temp")))),
                number("driver_temp", 15, 28), number("passenger_temp", 15, 28));
        add("set_preconditioning_max", (n, p) -> car(n, VehicleAction.newBuilder().setHvacSetPreconditioningMaxAction(
                CarServer.HvacSetPreconditioningMaxAction.newBuilder()
                        .setOn(p.bool("on")).setManualOverride(p.bool("manual_override")))),
                bool("on"), bool("manual_override").optional());
        add("set_bioweapon_mode", (n, p) -> car(n, VehicleAction.newBuilder().setHvacBioweaponModeAction(
                CarServer.HvacBioweaponModeAction.newBuilder()
                        .setOn(p.bool("on")).setManualOverride(p.bool("manual_override")))),
                bool("on"), bool("manual_override").optional());
        add("set_climate_keeper_mode", (n, p) -> car(n, VehicleAction.newBuilder().setHvacClimateKeeperAction(
                CarServer.HvacClimateKeeperAction.newBuilder()
                        .setClimateKeeperActionValue(p.integer("climate_keeper_mode"))
                        .setManualOverride(p.bool("manual_override")))),
                integer("climate_keeper_mode", 0, 3), bool("manual_override").optional());
        add("set_cabin_overheat_protection", (n, p) -> car(n, VehicleAction.newBuilder().setSetCabinOverheatProtectionAction(
                CarServer.SetCabinOverheatProtectionAction.newBuilder()
                        .setOn(p.bool("on")).setFanOnly(p.bool("fan_only")))),
                bool("on"), bool("fan_only").optional());
        // cop_temp 0, 1, 2 (30, 35, 40 °C) are the vehicle's Low, Medium, High (1, 2, 3; 0 is unspecified)
        add("set_cop_temp", (n, p) -> car(n, VehicleAction.newBuilder().setSetCopTempAction(
                CarServer.SetCopTempAction.newBuilder().setCopActivationTempValue(p.integer("cop_temp") + 1))),
                integer("cop_temp", 0, 2));

        // seat heaters and coolers, steering-wheel heat
        add("remote_seat_heater_request", Commands::seatHeater,
                integer("seat_position", 0, SEATS.size() - 1).alsoSpelled("heater"), integer("level", 0, 3));
        // the level maps one to one onto the vehicle's enum (1 off, 2 low, 3 medium, 4 high), as Tesla's proxy does
        add("remote_seat_cooler_request", (n, p) -> car(n, VehicleAction.newBuilder().setHvacSeatCoolerActions(
                CarServer.HvacSeatCoolerActions.newBuilder().addHvacSeatCoolerAction(
                        CarServer.HvacSeatCoolerActions.HvacSeatCoolerAction.newBuilder()
                                .setSeatCoolerLevelValue(p.integer("seat_cooler_level"))
                                .setSeatPositionValue(p.integer("seat_position"))))),
                integer("seat_position", 1, 2), integer("seat_cooler_level", 1, 4));
        add("remote_auto_seat_climate_request", (n, p) -> car(n, VehicleAction.newBuilder().setAutoSeatClimateAction(
                CarServer.AutoSeatClimateAction.newBuilder().addCarseat(CarServer.AutoSeatClimateAction.CarSeat.newBuilder()
                        .setOn(p.bool("auto_climate_on")).setSeatPositionValue(p.integer("auto_seat_position"))))),
                integer("auto_seat_position", 1, 2), bool("auto_climate_on"));
        add("remote_steering_wheel_heater_request", (n, p) -> car(n, VehicleAction.newBuilder()
                .setHvacSteeringWheelHeaterAction(CarServer.HvacSteeringWheelHeaterAction.newBuilder().setPowerOn(p.bool("on")))),
                bool("on"));

        // media and volume
        add("media_toggle_playback", (n, p) -> car(n, VehicleAction.newBuilder()
                .setMediaPlayAction(CarServer.MediaPlayAction.getDefaultInstance())));
        add("media_next_track", (n, p) -> car(n, VehicleAction.newBuilder()
                .setMediaNextTrack(CarServer.MediaNextTrack.getDefaultInstance())));
        add("media_prev_track", (n, p) -> car(n, VehicleAction.newBuilder()
                .setMediaPreviousTrack(CarServer.MediaPreviousTrack.getDefaultInstance())));
        add("media_next_fav", (n, p) -> car(n, VehicleAction.newBuilder()
                .setMediaNextFavorite(CarServer.MediaNextFavorite.getDefaultInstance())));
        add("media_prev_fav", (n, p) -> car(n, VehicleAction.newBuilder()
                .setMediaPreviousFavorite(CarServer.MediaPreviousFavorite.getDefaultInstance())));
        add("media_volume_up", (n, p) -> car(n, VehicleAction.newBuilder().setMediaUpdateVolume(
                CarServer.MediaUpdateVolume.newBuilder().setVolumeDelta(1))));
        add("media_volume_down", (n, p) -> car(n, VehicleAction.newBuilder().setMediaUpdateVolume(
                CarServer.MediaUpdateVolume.newBuilder().setVolumeDelta(-1))));
        add("adjust_volume", (n, p) -> car(n, VehicleAction.newBuilder().setMediaUpdateVolume(
                CarServer.MediaUpdateVolume.newBuilder().setVolumeAbsoluteFloat(p.number("volume")))),
                number("volume", 0, 11));

        // valet, PIN to drive, speed limit, guest mode, user data
        add("set_valet_mode", Commands::valetMode, bool("on"), text("password", PIN, "1234", "9876").optional());
        add("reset_valet_pin", (n, p) -> car(n, VehicleAction.newBuilder().setVehicleControlResetValetPinAction(
                CarServer.VehicleControlResetValetPinAction.getDefaultInstance())));
        add("set_pin_to_drive", (n, p) -> car(n, VehicleAction.newBuilder().setVehicleControlSetPinToDriveAction(
                CarServer.VehicleControlSetPinToDriveAction.newBuilder()
                        .setOn(p.bool("on")).setPassword(p.text("password")))),
                bool("on"), text("password", PIN, "1234", "9876").optional());
        add("reset_pin_to_drive_pin", (n, p) -> car(n, VehicleAction.newBuilder().setVehicleControlResetPinToDriveAction(
                CarServer.VehicleControlResetPinToDriveAction.getDefaultInstance())));
        add("clear_pin_to_drive_admin", (n, p) -> car(n, VehicleAction.newBuilder().setVehicleControlResetPinToDriveAdminAction(
                CarServer.VehicleControlResetPinToDriveAdminAction.getDefaultInstance())));
        add("speed_limit_activate", (n, p) -> speedLimit(n, p, true), text("pin", PIN, "1234", "9876"));
        add("speed_limit_deactivate", (n, p) -> speedLimit(n, p, false), text("pin", PIN, "1234", "9876"));
        add("speed_limit_set_limit", (n, p) -> car(n, VehicleAction.newBuilder().setDrivingSetSpeedLimitAction(
                CarServer.DrivingSetSpeedLimitAction.newBuilder().setLimitMph(p.decimal("limit_mph")))),
                number("limit_mph", 50, 120));
        add("speed_limit_clear_pin", (n, p) -> car(n, VehicleAction.newBuilder().setDrivingClearSpeedLimitPinAction(
                CarServer.DrivingClearSpeedLimitPinAction.newBuilder().setPin(p.text("pin")))),
                text("pin", PIN, "1234", "9876"));
        add("speed_limit_clear_pin_admin", (n, p) -> car(n, VehicleAction.newBuilder().setDrivingClearSpeedLimitPinAdminAction(
                CarServer.DrivingClearSpeedLimitPinAdminAction.getDefaultInstance())));
        add("guest_mode", (n, p) -> car(n, VehicleAction.newBuilder().setGuestModeAction(
                CarServer.GuestMode.newBuilder().setGuestModeActive(p.bool("enable")))), bool("enable"));
        add("erase_user_data", (n, p) -> car(n, VehicleAction.newBuilder()
                .setEraseUserDataAction(CarServer.EraseUserDataAction.getDefaultInstance())));

        // vehicle name, software update, homelink, power modes
        add("set_vehicle_name", (n, p) -> car(n, VehicleAction.newBuilder().setSetVehicleNameAction(
                CarServer.SetVehicleNameAction.newBuilder().setVehicleName(p.text("vehicle_name")))),
                text("vehicle_name", "(?s).{1,64}", "Red Rocket", "Blue Comet"));
        add("schedule_software_update", (n, p) -> car(n, VehicleAction.newBuilder().setVehicleControlScheduleSoftwareUpdateAction(
                CarServer.VehicleControlScheduleSoftwareUpdateAction.newBuilder().setOffsetSec(p.integer("offset_sec")))),
                integer("offset_sec", 0, Integer.MAX_VALUE).examples(60, 7200));
        add("cancel_software_update", (n, p) -> car(n, VehicleAction.newBuilder().setVehicleControlCancelSoftwareUpdateAction(
                CarServer.VehicleControlCancelSoftwareUpdateAction.getDefaultInstance())));
        add("trigger_homelink", (n, p) -> car(n, VehicleAction.newBuilder().setVehicleControlTriggerHomelinkAction(
                CarServer.VehicleControlTriggerHomelinkAction.newBuilder().setToken(p.text("token")).setLocation(
                        CarServer.LatLong.newBuilder().setLatitude(p.number("lat")).setLongitude(p.number("lon"))))),
                number("lat", -90, 90), number("lon", -180, 180), text("token", null, "garage", "gate").optional());
        add("set_low_power_mode", (n, p) -> car(n, VehicleAction.newBuilder().setSetLowPowerModeAction(
                CarServer.SetLowPowerModeAction.newBuilder().setLowPowerMode(p.bool("enable")))), bool("enable"));
        add("keep_accessory_power_mode", (n, p) -> car(n, VehicleAction.newBuilder().setSetKeepAccessoryPowerModeAction(
                CarServer.SetKeepAccessoryPowerModeAction.newBuilder().setKeepAccessoryPowerMode(p.bool("enable")))),
                bool("enable"));

        // preconditioning schedules
        add("add_precondition_schedule", (n, p) -> car(n, VehicleAction.newBuilder().setAddPreconditionScheduleAction(
                CarServer.PreconditionSchedule.newBuilder()
                        .setId(scheduleId(p)).setName(p.text("name")).setDaysOfWeek(p.days("days_of_week"))
                        .setPreconditionTime(p.integer("precondition_time")).setOneTime(p.bool("one_time"))
                        .setEnabled(p.bool("enabled")).setLatitude(p.number("lat")).setLongitude(p.number("lon")))),
                days("days_of_week"), bool("enabled"), number("lat", -90, 90), number("lon", -180, 180),
                integer("precondition_time", 0, MINUTES_A_DAY), bool("one_time").optional(), id("id").optional(),
                text("name", null, "Home", "Work").optional());
        add("remove_precondition_schedule", (n, p) -> car(n, VehicleAction.newBuilder().setRemovePreconditionScheduleAction(
                CarServer.RemovePreconditionScheduleAction.newBuilder().setId(p.id("id")))), id("id"));
        add("batch_remove_precondition_schedules", (n, p) -> car(n, VehicleAction.newBuilder()
                .setBatchRemovePreconditionSchedulesAction(CarServer.BatchRemovePreconditionSchedulesAction.newBuilder()
                        .setHome(p.bool("home")).setWork(p.bool("work")).setOther(p.bool("other")))),
                bool("home").optional(), bool("work").optional(), bool("other").optional());
    }

    private Commands() {
    }

    /** The names {@link #fromRest} knows. */
    public static Set<String> names() {
        return new TreeSet<>(CATALOG.keySet());
    }

    /** The JSON body fields a command takes (empty for an unknown name). */
    public static List<CommandParameter> parameters(String name) {
        Entry entry = CATALOG.get(name);
        return entry == null ? List.of() : entry.parameters();
    }

    /**
     * The command for a REST name and its JSON body fields, or empty when the name is not a
     * signed command. Bad or missing parameters raise {@link IllegalArgumentException} naming the
     * field.
     */
    public static Optional<VehicleCommand> fromRest(String name, Map<String, ?> params) {
        Entry entry = name == null ? null : CATALOG.get(name);
        if (entry == null) {
            return Optional.empty();
        }
        return Optional.of(entry.build().apply(name, new Params(params == null ? Map.of() : params, entry.parameters())));
    }

    /** Convenience for commands without parameters. */
    public static VehicleCommand named(String name) {
        return fromRest(name, Map.of()).orElseThrow(() -> new IllegalArgumentException("unknown command " + name));
    }

    /** The declared parameters the command's builder reads with these values (the catalog's self-check). */
    static Set<String> parametersRead(String name, Map<String, ?> params) {
        Entry entry = CATALOG.get(name);
        Params read = new Params(params, entry.parameters());
        entry.build().apply(name, read);
        return read.read();
    }

    private static void add(String name, BiFunction<String, Params, VehicleCommand> build, CommandParameter... parameters) {
        CATALOG.put(name, new Entry(List.of(parameters), build));
    }

    /** Accepts {@code seat_position} and the older {@code heater}; level 0 off, 1 low, 2 medium, 3 high. */
    private static VehicleCommand seatHeater(String name, Params p) {
        HvacSeatHeaterAction.Builder action = HvacSeatHeaterAction.newBuilder();
        SEATS.get(p.integer("seat_position")).accept(action);
        switch (p.integer("level")) {
            case 0 -> action.setSEATHEATEROFF(VOID);
            case 1 -> action.setSEATHEATERLOW(VOID);
            case 2 -> action.setSEATHEATERMED(VOID);
            default -> action.setSEATHEATERHIGH(VOID);
        }
        return car(name, VehicleAction.newBuilder().setHvacSeatHeaterActions(
                CarServer.HvacSeatHeaterActions.newBuilder().addHvacSeatHeaterAction(action)));
    }

    /** {@code enable=false} clears the departure schedule; otherwise policies "weekdays only" win over "enabled". */
    private static VehicleCommand scheduledDeparture(String name, Params p) {
        CarServer.ScheduledDepartureAction.Builder action = CarServer.ScheduledDepartureAction.newBuilder();
        boolean enable = p.bool("enable");
        int departure = p.integer("departure_time");
        boolean preconditioning = p.bool("preconditioning_enabled");
        boolean preconditioningWeekdays = p.bool("preconditioning_weekdays_only");
        boolean offPeak = p.bool("off_peak_charging_enabled");
        boolean offPeakWeekdays = p.bool("off_peak_charging_weekdays_only");
        int offPeakEnd = p.integer("end_off_peak_time");
        if (enable) {
            action.setEnabled(true).setDepartureTime(departure).setOffPeakHoursEndTime(offPeakEnd);
            if (preconditioningWeekdays) {
                action.setPreconditioningTimes(CarServer.PreconditioningTimes.newBuilder().setWeekdays(VOID));
            } else if (preconditioning) {
                action.setPreconditioningTimes(CarServer.PreconditioningTimes.newBuilder().setAllWeek(VOID));
            }
            if (offPeakWeekdays) {
                action.setOffPeakChargingTimes(CarServer.OffPeakChargingTimes.newBuilder().setWeekdays(VOID));
            } else if (offPeak) {
                action.setOffPeakChargingTimes(CarServer.OffPeakChargingTimes.newBuilder().setAllWeek(VOID));
            }
        }
        return car(name, VehicleAction.newBuilder().setScheduledDepartureAction(action));
    }

    /** A new schedule without an id gets the current Unix second, as Tesla's proxy does. */
    private static long scheduleId(Params p) {
        return p.has("id") ? p.id("id") : Instant.now().getEpochSecond();
    }

    /** As Tesla's DisableValetMode: turning valet mode off sends no password, whatever the body holds. */
    private static VehicleCommand valetMode(String name, Params p) {
        boolean on = p.bool("on");
        String password = p.text("password");
        return car(name, VehicleAction.newBuilder().setVehicleControlSetValetModeAction(
                CarServer.VehicleControlSetValetModeAction.newBuilder().setOn(on).setPassword(on ? password : "")));
    }

    private static VehicleCommand speedLimit(String name, Params p, boolean activate) {
        return car(name, VehicleAction.newBuilder().setDrivingSpeedLimitAction(
                CarServer.DrivingSpeedLimitAction.newBuilder().setActivate(activate).setPin(p.text("pin"))));
    }

    private static VehicleCommand rke(String name, RKEAction_E action) {
        return new VehicleCommand(name, Domain.VCSEC,
                Vcsec.UnsignedMessage.newBuilder().setRKEAction(action).build().toByteArray());
    }

    private static VehicleCommand closure(String name, ClosureMoveRequest.Builder request) {
        return new VehicleCommand(name, Domain.VCSEC,
                Vcsec.UnsignedMessage.newBuilder().setClosureMoveRequest(request).build().toByteArray());
    }

    private static VehicleCommand tonneau(String name, ClosureMoveType_E move) {
        return closure(name, ClosureMoveRequest.newBuilder().setTonneau(move));
    }

    private static VehicleCommand charging(String name, CarServer.ChargingStartStopAction.Builder action) {
        return car(name, VehicleAction.newBuilder().setChargingStartStopAction(action));
    }

    private static VehicleCommand car(String name, VehicleAction.Builder action) {
        return new VehicleCommand(name, Domain.INFOTAINMENT,
                CarServer.Action.newBuilder().setVehicleAction(action).build().toByteArray());
    }
}
