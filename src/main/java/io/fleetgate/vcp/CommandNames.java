package io.fleetgate.vcp;

import com.google.protobuf.InvalidProtocolBufferException;
import io.fleetgate.vcp.proto.CarServer;
import io.fleetgate.vcp.proto.CarServer.VehicleAction;
import io.fleetgate.vcp.proto.Vcsec;
import java.util.Optional;

/**
 * The reverse of {@link Commands}: which REST command a verified payload is. The simulated
 * vehicle uses it to decide what a signed command does to its state.
 */
public final class CommandNames {
    private CommandNames() {
    }

    /** The REST name of {@code payload} in {@code domain}, or empty for payloads Fleetgate does not build. */
    public static Optional<String> restName(Domain domain, byte[] payload) {
        try {
            return Optional.ofNullable(domain == Domain.VCSEC
                    ? vcsec(Vcsec.UnsignedMessage.parseFrom(payload))
                    : infotainment(CarServer.Action.parseFrom(payload).getVehicleAction()));
        } catch (InvalidProtocolBufferException e) {
            return Optional.empty();
        }
    }

    private static String vcsec(Vcsec.UnsignedMessage message) {
        return switch (message.getSubMessageCase()) {
            case RKEACTION -> switch (message.getRKEAction()) {
                case RKE_ACTION_LOCK -> "door_lock";
                case RKE_ACTION_UNLOCK -> "door_unlock";
                case RKE_ACTION_REMOTE_DRIVE -> "remote_start_drive";
                default -> null;
            };
            case CLOSUREMOVEREQUEST -> closure(message.getClosureMoveRequest());
            default -> null;
        };
    }

    private static String closure(Vcsec.ClosureMoveRequest request) {
        if (request.getRearTrunkValue() != 0 || request.getFrontTrunkValue() != 0) {
            return "actuate_trunk";
        }
        return switch (request.getTonneau()) {
            case CLOSURE_MOVE_TYPE_OPEN -> "open_tonneau";
            case CLOSURE_MOVE_TYPE_CLOSE -> "close_tonneau";
            case CLOSURE_MOVE_TYPE_STOP -> "stop_tonneau";
            default -> null;
        };
    }

    private static String infotainment(VehicleAction action) {
        return switch (action.getVehicleActionMsgCase()) {
            case CHARGINGSTARTSTOPACTION -> switch (action.getChargingStartStopAction().getChargingActionCase()) {
                case START -> "charge_start";
                case STOP -> "charge_stop";
                case START_MAX_RANGE -> "charge_max_range";
                case START_STANDARD -> "charge_standard";
                default -> null;
            };
            case CHARGINGSETLIMITACTION -> "set_charge_limit";
            case SETCHARGINGAMPSACTION -> "set_charging_amps";
            case HVACAUTOACTION -> action.getHvacAutoAction().getPowerOn()
                    ? "auto_conditioning_start" : "auto_conditioning_stop";
            case HVACTEMPERATUREADJUSTMENTACTION -> "set_temps";
            case VEHICLECONTROLFLASHLIGHTSACTION -> "flash_lights";
            case VEHICLECONTROLHONKHORNACTION -> "honk_horn";
            case VEHICLECONTROLSETSENTRYMODEACTION -> "set_sentry_mode";
            case VEHICLECONTROLWINDOWACTION -> "window_control";
            case CHARGEPORTDOOROPEN -> "charge_port_door_open";
            case CHARGEPORTDOORCLOSE -> "charge_port_door_close";
            case MEDIAPLAYACTION -> "media_toggle_playback";
            case MEDIANEXTTRACK -> "media_next_track";
            case MEDIAPREVIOUSTRACK -> "media_prev_track";
            case MEDIANEXTFAVORITE -> "media_next_fav";
            case MEDIAPREVIOUSFAVORITE -> "media_prev_fav";
            case MEDIAUPDATEVOLUME -> switch (action.getMediaUpdateVolume().getMediaVolumeCase()) {
                case VOLUME_DELTA -> action.getMediaUpdateVolume().getVolumeDelta() > 0 ? "media_volume_up" : "media_volume_down";
                case VOLUME_ABSOLUTE_FLOAT -> "adjust_volume";
                default -> null;
            };
            case VEHICLECONTROLSETVALETMODEACTION -> "set_valet_mode";
            case VEHICLECONTROLRESETVALETPINACTION -> "reset_valet_pin";
            case HVACSTEERINGWHEELHEATERACTION -> "remote_steering_wheel_heater_request";
            case HVACSETPRECONDITIONINGMAXACTION -> "set_preconditioning_max";
            case HVACBIOWEAPONMODEACTION -> "set_bioweapon_mode";
            case HVACCLIMATEKEEPERACTION -> "set_climate_keeper_mode";
            case SETCABINOVERHEATPROTECTIONACTION -> "set_cabin_overheat_protection";
            case SCHEDULEDCHARGINGACTION -> "set_scheduled_charging";
            case SETVEHICLENAMEACTION -> "set_vehicle_name";
            case VEHICLECONTROLSCHEDULESOFTWAREUPDATEACTION -> "schedule_software_update";
            case VEHICLECONTROLCANCELSOFTWAREUPDATEACTION -> "cancel_software_update";
            case VEHICLECONTROLTRIGGERHOMELINKACTION -> "trigger_homelink";
            case GUESTMODEACTION -> "guest_mode";
            case DRIVINGSPEEDLIMITACTION -> action.getDrivingSpeedLimitAction().getActivate()
                    ? "speed_limit_activate" : "speed_limit_deactivate";
            case DRIVINGSETSPEEDLIMITACTION -> "speed_limit_set_limit";
            case DRIVINGCLEARSPEEDLIMITPINACTION -> "speed_limit_clear_pin";
            case DRIVINGCLEARSPEEDLIMITPINADMINACTION -> "speed_limit_clear_pin_admin";
            case HVACSEATHEATERACTIONS -> "remote_seat_heater_request";
            case HVACSEATCOOLERACTIONS -> "remote_seat_cooler_request";
            case AUTOSEATCLIMATEACTION -> "remote_auto_seat_climate_request";
            case SETCOPTEMPACTION -> "set_cop_temp";
            case SCHEDULEDDEPARTUREACTION -> "set_scheduled_departure";
            case ADDCHARGESCHEDULEACTION -> "add_charge_schedule";
            case REMOVECHARGESCHEDULEACTION -> "remove_charge_schedule";
            case BATCHREMOVECHARGESCHEDULESACTION -> "batch_remove_charge_schedules";
            case ADDPRECONDITIONSCHEDULEACTION -> "add_precondition_schedule";
            case REMOVEPRECONDITIONSCHEDULEACTION -> "remove_precondition_schedule";
            case BATCHREMOVEPRECONDITIONSCHEDULESACTION -> "batch_remove_precondition_schedules";
            case VEHICLECONTROLSETPINTODRIVEACTION -> "set_pin_to_drive";
            case VEHICLECONTROLRESETPINTODRIVEACTION -> "reset_pin_to_drive_pin";
            case VEHICLECONTROLRESETPINTODRIVEADMINACTION -> "clear_pin_to_drive_admin";
            case ERASEUSERDATAACTION -> "erase_user_data";
            case SETLOWPOWERMODEACTION -> "set_low_power_mode";
            case SETKEEPACCESSORYPOWERMODEACTION -> "keep_accessory_power_mode";
            default -> null;
        };
    }
}
