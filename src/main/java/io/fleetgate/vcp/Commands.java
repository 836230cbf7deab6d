package io.fleetgate.vcp;

import io.fleetgate.vcp.proto.CarServer;
import io.fleetgate.vcp.proto.CarServer.VehicleAction;
import io.fleetgate.vcp.proto.Vcsec;
import io.fleetgate.vcp.proto.Vcsec.ClosureMoveRequest;
import io.fleetgate.vcp.proto.Vcsec.ClosureMoveType_E;
import io.fleetgate.vcp.proto.Vcsec.RKEAction_E;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * REST command names (with their JSON parameters) turned into protocol payloads, as in the
 * reference's section 3. Oneof setters are used throughout so zero values (UNLOCK, empty
 * actions) are still written.
 */
public final class Commands {
    private static final CarServer.Void VOID = CarServer.Void.getDefaultInstance();

    private Commands() {
    }

    /** The names {@link #fromRest} knows. */
    public static Set<String> names() {
        return new TreeSet<>(NAMES);
    }

    /**
     * The command for a REST name and its JSON body fields, or empty when the name is not a
     * signed command. Bad or missing parameters raise {@link IllegalArgumentException}.
     */
    public static Optional<VehicleCommand> fromRest(String name, Map<String, ?> params) {
        Params p = new Params(params == null ? Map.of() : params);
        VehicleCommand command = switch (name) {
            case "door_lock" -> rke(name, RKEAction_E.RKE_ACTION_LOCK);
            case "door_unlock" -> rke(name, RKEAction_E.RKE_ACTION_UNLOCK);
            case "remote_start_drive" -> rke(name, RKEAction_E.RKE_ACTION_REMOTE_DRIVE);
            case "actuate_trunk" -> closure(name, "front".equals(p.string("which_trunk", "rear"))
                    ? ClosureMoveRequest.newBuilder().setFrontTrunk(ClosureMoveType_E.CLOSURE_MOVE_TYPE_MOVE)
                    : ClosureMoveRequest.newBuilder().setRearTrunk(ClosureMoveType_E.CLOSURE_MOVE_TYPE_MOVE));
            case "open_tonneau" -> tonneau(name, ClosureMoveType_E.CLOSURE_MOVE_TYPE_OPEN);
            case "close_tonneau" -> tonneau(name, ClosureMoveType_E.CLOSURE_MOVE_TYPE_CLOSE);
            case "stop_tonneau" -> tonneau(name, ClosureMoveType_E.CLOSURE_MOVE_TYPE_STOP);
            case "honk_horn" -> car(name, VehicleAction.newBuilder()
                    .setVehicleControlHonkHornAction(CarServer.VehicleControlHonkHornAction.getDefaultInstance()));
            case "flash_lights" -> car(name, VehicleAction.newBuilder()
                    .setVehicleControlFlashLightsAction(CarServer.VehicleControlFlashLightsAction.getDefaultInstance()));
            case "charge_start" -> charging(name, CarServer.ChargingStartStopAction.newBuilder().setStart(VOID));
            case "charge_stop" -> charging(name, CarServer.ChargingStartStopAction.newBuilder().setStop(VOID));
            case "charge_max_range" -> charging(name, CarServer.ChargingStartStopAction.newBuilder().setStartMaxRange(VOID));
            case "charge_standard" -> charging(name, CarServer.ChargingStartStopAction.newBuilder().setStartStandard(VOID));
            case "set_charge_limit" -> car(name, VehicleAction.newBuilder().setChargingSetLimitAction(
                    CarServer.ChargingSetLimitAction.newBuilder().setPercent(p.integer("percent"))));
            case "set_charging_amps" -> car(name, VehicleAction.newBuilder().setSetChargingAmpsAction(
                    CarServer.SetChargingAmpsAction.newBuilder().setChargingAmps(p.integer("charging_amps"))));
            case "auto_conditioning_start" -> car(name, VehicleAction.newBuilder().setHvacAutoAction(
                    CarServer.HvacAutoAction.newBuilder().setPowerOn(true)));
            case "auto_conditioning_stop" -> car(name, VehicleAction.newBuilder().setHvacAutoAction(
                    CarServer.HvacAutoAction.newBuilder().setPowerOn(false)));
            case "set_temps" -> car(name, VehicleAction.newBuilder().setHvacTemperatureAdjustmentAction(
                    CarServer.HvacTemperatureAdjustmentAction.newBuilder()
                            // as the reference SDK does: the level marker accompanies explicit temperatures
                            .setLevel(CarServer.HvacTemperatureAdjustmentAction.Temperature.newBuilder().setTEMPMAX(VOID))
                            .setDriverTempCelsius(p.number("driver_temp"))
                            .setPassengerTempCelsius(p.number("passenger_temp"))));
            case "set_sentry_mode" -> car(name, VehicleAction.newBuilder().setVehicleControlSetSentryModeAction(
                    CarServer.VehicleControlSetSentryModeAction.newBuilder().setOn(p.bool("on"))));
            case "window_control" -> car(name, VehicleAction.newBuilder().setVehicleControlWindowAction(
                    window(p.string("command", ""))));
            case "charge_port_door_open" -> car(name, VehicleAction.newBuilder()
                    .setChargePortDoorOpen(CarServer.ChargePortDoorOpen.getDefaultInstance()));
            case "charge_port_door_close" -> car(name, VehicleAction.newBuilder()
                    .setChargePortDoorClose(CarServer.ChargePortDoorClose.getDefaultInstance()));
            case "media_toggle_playback" -> car(name, VehicleAction.newBuilder()
                    .setMediaPlayAction(CarServer.MediaPlayAction.getDefaultInstance()));
            case "media_next_track" -> car(name, VehicleAction.newBuilder()
                    .setMediaNextTrack(CarServer.MediaNextTrack.getDefaultInstance()));
            case "media_prev_track" -> car(name, VehicleAction.newBuilder()
                    .setMediaPreviousTrack(CarServer.MediaPreviousTrack.getDefaultInstance()));
            case "media_next_fav" -> car(name, VehicleAction.newBuilder()
                    .setMediaNextFavorite(CarServer.MediaNextFavorite.getDefaultInstance()));
            case "media_prev_fav" -> car(name, VehicleAction.newBuilder()
                    .setMediaPreviousFavorite(CarServer.MediaPreviousFavorite.getDefaultInstance()));
            case "adjust_volume" -> car(name, VehicleAction.newBuilder().setMediaUpdateVolume(
                    CarServer.MediaUpdateVolume.newBuilder().setVolumeAbsoluteFloat(p.number("volume"))));
            case "set_valet_mode" -> car(name, VehicleAction.newBuilder().setVehicleControlSetValetModeAction(
                    CarServer.VehicleControlSetValetModeAction.newBuilder()
                            .setOn(p.bool("on")).setPassword(p.string("password", ""))));
            case "reset_valet_pin" -> car(name, VehicleAction.newBuilder().setVehicleControlResetValetPinAction(
                    CarServer.VehicleControlResetValetPinAction.getDefaultInstance()));
            case "remote_steering_wheel_heater_request" -> car(name, VehicleAction.newBuilder()
                    .setHvacSteeringWheelHeaterAction(CarServer.HvacSteeringWheelHeaterAction.newBuilder().setPowerOn(p.bool("on"))));
            case "set_preconditioning_max" -> car(name, VehicleAction.newBuilder().setHvacSetPreconditioningMaxAction(
                    CarServer.HvacSetPreconditioningMaxAction.newBuilder().setOn(p.bool("on"))));
            case "set_bioweapon_mode" -> car(name, VehicleAction.newBuilder().setHvacBioweaponModeAction(
                    CarServer.HvacBioweaponModeAction.newBuilder().setOn(p.bool("on"))));
            case "set_climate_keeper_mode" -> car(name, VehicleAction.newBuilder().setHvacClimateKeeperAction(
                    CarServer.HvacClimateKeeperAction.newBuilder().setClimateKeeperActionValue(
                            p.integerIn("climate_keeper_mode", 0, 3))));
            case "set_cabin_overheat_protection" -> car(name, VehicleAction.newBuilder().setSetCabinOverheatProtectionAction(
                    CarServer.SetCabinOverheatProtectionAction.newBuilder()
                            .setOn(p.bool("on")).setFanOnly(p.boolOr("fan_only", false))));
            case "set_scheduled_charging" -> car(name, VehicleAction.newBuilder().setScheduledChargingAction(
                    CarServer.ScheduledChargingAction.newBuilder()
                            .setEnabled(p.bool("enable")).setChargingTime(p.integerOr("time", 0))));
            case "set_vehicle_name" -> car(name, VehicleAction.newBuilder().setSetVehicleNameAction(
                    CarServer.SetVehicleNameAction.newBuilder().setVehicleName(p.string("vehicle_name", ""))));
            case "schedule_software_update" -> car(name, VehicleAction.newBuilder().setVehicleControlScheduleSoftwareUpdateAction(
                    CarServer.VehicleControlScheduleSoftwareUpdateAction.newBuilder().setOffsetSec(p.integerOr("offset_sec", 0))));
            case "cancel_software_update" -> car(name, VehicleAction.newBuilder().setVehicleControlCancelSoftwareUpdateAction(
                    CarServer.VehicleControlCancelSoftwareUpdateAction.getDefaultInstance()));
            case "trigger_homelink" -> car(name, VehicleAction.newBuilder().setVehicleControlTriggerHomelinkAction(
                    CarServer.VehicleControlTriggerHomelinkAction.newBuilder().setLocation(
                            CarServer.LatLong.newBuilder().setLatitude(p.number("lat")).setLongitude(p.number("lon")))));
            case "guest_mode" -> car(name, VehicleAction.newBuilder().setGuestModeAction(
                    CarServer.GuestMode.newBuilder().setGuestModeActive(p.bool("enable"))));
            case "speed_limit_activate", "speed_limit_deactivate" -> car(name, VehicleAction.newBuilder()
                    .setDrivingSpeedLimitAction(CarServer.DrivingSpeedLimitAction.newBuilder()
                            .setActivate(name.equals("speed_limit_activate")).setPin(p.string("pin", ""))));
            case "speed_limit_set_limit" -> car(name, VehicleAction.newBuilder().setDrivingSetSpeedLimitAction(
                    CarServer.DrivingSetSpeedLimitAction.newBuilder().setLimitMph(p.number("limit_mph"))));
            case "speed_limit_clear_pin" -> car(name, VehicleAction.newBuilder().setDrivingClearSpeedLimitPinAction(
                    CarServer.DrivingClearSpeedLimitPinAction.newBuilder().setPin(p.string("pin", ""))));
            default -> null;
        };
        return Optional.ofNullable(command);
    }

    /** Convenience for commands without parameters. */
    public static VehicleCommand named(String name) {
        return fromRest(name, Map.of()).orElseThrow(() -> new IllegalArgumentException("unknown command " + name));
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

    private static CarServer.VehicleControlWindowAction window(String command) {
        return switch (command) {
            case "vent" -> CarServer.VehicleControlWindowAction.newBuilder().setVent(VOID).build();
            case "close" -> CarServer.VehicleControlWindowAction.newBuilder().setClose(VOID).build();
            default -> throw new IllegalArgumentException("command must be vent or close");
        };
    }

    private static final Set<String> NAMES = Set.of("door_lock", "door_unlock", "remote_start_drive",
            "actuate_trunk", "open_tonneau", "close_tonneau", "stop_tonneau", "honk_horn", "flash_lights",
            "charge_start", "charge_stop", "charge_max_range", "charge_standard", "set_charge_limit",
            "set_charging_amps", "auto_conditioning_start", "auto_conditioning_stop", "set_temps",
            "set_sentry_mode", "window_control", "charge_port_door_open", "charge_port_door_close",
            "media_toggle_playback", "media_next_track", "media_prev_track", "media_next_fav", "media_prev_fav",
            "adjust_volume", "set_valet_mode", "reset_valet_pin", "remote_steering_wheel_heater_request",
            "set_preconditioning_max", "set_bioweapon_mode", "set_climate_keeper_mode",
            "set_cabin_overheat_protection", "set_scheduled_charging", "set_vehicle_name",
            "schedule_software_update", "cancel_software_update", "trigger_homelink", "guest_mode",
            "speed_limit_activate", "speed_limit_deactivate", "speed_limit_set_limit", "speed_limit_clear_pin");
}
