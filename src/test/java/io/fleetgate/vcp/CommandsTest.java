package io.fleetgate.vcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fleetgate.testing.CommandSamples;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** REST commands become the payload bytes of the reference's section 3 table. */
class CommandsTest {

    private static Map<String, Object> params(String spec) {
        Map<String, Object> params = new HashMap<>();
        if (!spec.isEmpty()) {
            for (String pair : spec.split(";")) {
                String[] kv = pair.split("=", 2);
                params.put(kv[0], kv[1]);
            }
        }
        return params;
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({
            "door_lock, '', VCSEC, 1001",
            "door_unlock, '', VCSEC, 1000",
            "remote_start_drive, '', VCSEC, 1014",
            "actuate_trunk, '', VCSEC, 22022801",
            "actuate_trunk, which_trunk=rear, VCSEC, 22022801",
            "actuate_trunk, which_trunk=front, VCSEC, 22023001",
            "honk_horn, '', INFOTAINMENT, 1203da0100",
            "flash_lights, '', INFOTAINMENT, 1203d20100",
            "charge_start, '', INFOTAINMENT, 120432021200",
            "charge_stop, '', INFOTAINMENT, 120432022a00",
            "charge_max_range, '', INFOTAINMENT, 120432022200",
            "charge_standard, '', INFOTAINMENT, 120432021a00",
            "set_charge_limit, percent=80, INFOTAINMENT, 12042a020850",
            "set_charging_amps, charging_amps=16, INFOTAINMENT, 1205da02020810",
            "auto_conditioning_start, '', INFOTAINMENT, 120452020801",
            "auto_conditioning_stop, '', INFOTAINMENT, 12025200",
            "set_temps, driver_temp=21.5;passenger_temp=21.5, INFOTAINMENT, 1210720e2a021a00350000ac413d0000ac41",
            "set_sentry_mode, on=true, INFOTAINMENT, 1205f201020801",
            "window_control, command=vent, INFOTAINMENT, 12059202021a00",
            "window_control, command=close, INFOTAINMENT, 12059202022200",
            "charge_port_door_open, '', INFOTAINMENT, 1203f20300",
            "charge_port_door_close, '', INFOTAINMENT, 1203ea0300"})
    void encodesTheReferencePayloads(String name, String spec, Domain domain, String hex) {
        VehicleCommand command = Commands.fromRest(name, params(spec)).orElseThrow();
        assertThat(command.domain()).isEqualTo(domain);
        assertThat(Kat.hex(command.payload())).isEqualTo(hex);
    }

    @Test
    void takesJsonNumbersAndBooleansAsWellAsStrings() {
        assertThat(Kat.hex(Commands.fromRest("set_charge_limit", Map.of("percent", 80)).orElseThrow().payload()))
                .isEqualTo("12042a020850");
        assertThat(Kat.hex(Commands.fromRest("set_sentry_mode", Map.of("on", true)).orElseThrow().payload()))
                .isEqualTo("1205f201020801");
    }

    @Test
    void unknownNamesAreNotSignedCommands() {
        assertThat(Commands.fromRest("navigation_request", Map.of())).isEmpty();
        assertThat(Commands.names()).contains("door_lock", "set_temps").doesNotContain("wake_up");
    }

    @Test
    void everyCommandBuildsFromItsCatalogExamplesAndIsRecognisedByItsName() {
        assertThat(CommandSamples.all()).hasSizeGreaterThan(Commands.names().size());
        for (CommandSamples.Sample sample : CommandSamples.all()) {
            VehicleCommand command = Commands.fromRest(sample.command(), sample.body()).orElseThrow();
            assertThat(CommandNames.restName(command.domain(), command.payload())).as(sample.toString()).contains(sample.command());
            assertThat(DecodedAction.of(command).name()).as(sample.toString()).isEqualTo(sample.command());
            // optional fields may be left out
            assertThat(Commands.fromRest(sample.command(), CommandSamples.requiredBody(sample.command()))).isPresent();
        }
        assertThat(CommandNames.restName(Domain.INFOTAINMENT, new byte[] {(byte) 0xff})).isEmpty();
    }

    @Test
    void theBuilderReadsExactlyTheParametersTheCatalogDeclares() {
        for (String name : Commands.names()) {
            Set<String> declared = Commands.parameters(name).stream().map(CommandParameter::name).collect(Collectors.toSet());
            assertThat(Commands.parametersRead(name, CommandSamples.body(name))).as(name).isEqualTo(declared);
        }
    }

    @Test
    void everyParameterReachesTheAction() {
        for (String name : Commands.names()) {
            Map<String, Object> body = CommandSamples.body(name);
            DecodedAction base = DecodedAction.of(Commands.fromRest(name, body).orElseThrow());
            for (CommandParameter parameter : Commands.parameters(name)) {
                Map<String, Object> changed = new HashMap<>(body);
                changed.put(parameter.name(), parameter.otherExample());
                DecodedAction other = DecodedAction.of(Commands.fromRest(name, changed).orElseThrow());
                assertThat(other.toString()).as(name + " " + parameter.name()).isNotEqualTo(base.toString());
            }
        }
    }

    @Test
    void aMissingRequiredParameterIsRefusedNamingIt() {
        for (String name : Commands.names()) {
            for (CommandParameter parameter : Commands.parameters(name)) {
                if (!parameter.required()) {
                    continue;
                }
                Map<String, Object> body = new HashMap<>(CommandSamples.body(name));
                body.remove(parameter.name());
                assertThatThrownBy(() -> Commands.fromRest(name, body)).as(name + " " + parameter.name())
                        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(parameter.name());
            }
        }
    }

    @Test
    void theCatalogCoversTheCommandsTheIssueLists() {
        assertThat(Commands.names()).contains(
                "door_lock", "door_unlock", "actuate_trunk", "window_control",
                "auto_conditioning_start", "auto_conditioning_stop", "set_temps", "set_preconditioning_max",
                "set_climate_keeper_mode", "set_cabin_overheat_protection", "set_cop_temp", "set_bioweapon_mode",
                "remote_seat_heater_request", "remote_seat_cooler_request", "remote_auto_seat_climate_request",
                "remote_steering_wheel_heater_request",
                "charge_start", "charge_stop", "charge_standard", "charge_max_range", "set_charge_limit",
                "set_charging_amps", "charge_port_door_open", "charge_port_door_close", "set_scheduled_charging",
                "set_scheduled_departure", "add_charge_schedule", "remove_charge_schedule",
                "add_precondition_schedule", "remove_precondition_schedule",
                "set_sentry_mode", "set_valet_mode", "reset_valet_pin", "speed_limit_activate",
                "speed_limit_deactivate", "speed_limit_set_limit", "speed_limit_clear_pin", "speed_limit_clear_pin_admin",
                "media_toggle_playback", "media_next_track", "media_prev_track", "media_next_fav", "media_prev_fav",
                "media_volume_up", "media_volume_down", "adjust_volume", "honk_horn", "flash_lights",
                "remote_start_drive", "schedule_software_update", "cancel_software_update", "set_vehicle_name");
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({
            // HvacSeatHeaterActions (36) { action { SEAT_HEATER_HIGH (5), CAR_SEAT_FRONT_LEFT (7) } }
            "remote_seat_heater_request, seat_position=0;level=3, 1209a202060a042a003a00",
            "remote_seat_heater_request, heater=0;level=3, 1209a202060a042a003a00",
            "remote_seat_heater_request, heater=0;seat_position=0;level=3, 1209a202060a042a003a00",
            // SEAT_HEATER_OFF (2), CAR_SEAT_THIRD_ROW_RIGHT (15)
            "remote_seat_heater_request, heater=8;level=0, 1209a202060a0412007a00",
            // HvacSeatCoolerActions (49) { action { level High (4), position FrontLeft (1) } }
            "remote_seat_cooler_request, seat_position=1;seat_cooler_level=4, 12098a03060a0408041001",
            // AutoSeatClimateAction (48) { carseat { on, FrontRight (2) } }
            "remote_auto_seat_climate_request, auto_seat_position=2;auto_climate_on=true, 12098203060a0408011002",
            // SetCopTempAction (66) { High (3) }: cop_temp 2 is 40 °C
            "set_cop_temp, cop_temp=2, 12059204020803",
            // MediaUpdateVolume (16) { volume_delta sint32 -1 / +1 }
            "media_volume_down, '', 12058201020801",
            "media_volume_up, '', 12058201020802"})
    void encodesSeatAndVolumeCommandsWithTheVehiclesFieldNumbers(String name, String spec, String hex) {
        VehicleCommand command = Commands.fromRest(name, params(spec)).orElseThrow();
        assertThat(command.domain()).isEqualTo(Domain.INFOTAINMENT);
        assertThat(Kat.hex(command.payload())).isEqualTo(hex);
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({
            "remote_seat_heater_request, level=1, seat_position",
            "remote_seat_heater_request, heater=9;level=1, seat_position",
            "remote_seat_heater_request, heater=1;level=4, level",
            "remote_seat_heater_request, heater=1;seat_position=2;level=1, heater",
            "remote_seat_heater_request, seat_position=front;level=1, seat_position",
            "remote_seat_cooler_request, seat_position=3;seat_cooler_level=2, seat_position",
            "remote_seat_cooler_request, seat_position=1;seat_cooler_level=0, seat_cooler_level",
            "remote_seat_cooler_request, seat_position=1, seat_cooler_level",
            "remote_auto_seat_climate_request, auto_seat_position=1;auto_climate_on=maybe, auto_climate_on",
            "set_cop_temp, cop_temp=3, cop_temp",
            "speed_limit_activate, pin=12a4, pin",
            "add_charge_schedule, days_of_week=Funday;enabled=true;lat=1;lon=1;start_enabled=true;end_enabled=false, days_of_week",
            "remove_charge_schedule, id=0, id",
            "set_charge_limit, percent=101, percent",
            "actuate_trunk, which_trunk=side, which_trunk"})
    void aBadParameterIsRefusedNamingTheField(String name, String spec, String field) {
        assertThatThrownBy(() -> Commands.fromRest(name, params(spec)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(field);
    }

    @Test
    void missingOrBadParametersAreRefused() {
        assertThatThrownBy(() -> Commands.fromRest("set_charge_limit", Map.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("percent");
        assertThatThrownBy(() -> Commands.fromRest("set_charge_limit", Map.of("percent", "lots")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Commands.fromRest("window_control", Map.of("command", "open")))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
