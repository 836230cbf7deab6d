package io.fleetgate.vcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
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
    void everyKnownNameBuildsWithPlausibleParameters() {
        Map<String, Object> all = Map.ofEntries(Map.entry("percent", 80), Map.entry("charging_amps", 16),
                Map.entry("driver_temp", 20), Map.entry("passenger_temp", 20), Map.entry("on", true),
                Map.entry("command", "vent"), Map.entry("volume", 5), Map.entry("climate_keeper_mode", 1),
                Map.entry("enable", true), Map.entry("lat", 1.5), Map.entry("lon", 2.5), Map.entry("limit_mph", 65));
        for (String name : Commands.names()) {
            Map<String, Object> params = new HashMap<>(all);
            assertThat(Commands.fromRest(name, params)).as(name).isPresent();
        }
    }

    @Test
    void everyBuiltPayloadIsRecognisedByItsName() {
        Map<String, Object> all = Map.ofEntries(Map.entry("percent", 80), Map.entry("charging_amps", 16),
                Map.entry("driver_temp", 20), Map.entry("passenger_temp", 20), Map.entry("on", true),
                Map.entry("command", "vent"), Map.entry("volume", 5), Map.entry("climate_keeper_mode", 1),
                Map.entry("enable", true), Map.entry("lat", 1.5), Map.entry("lon", 2.5), Map.entry("limit_mph", 65));
        for (String name : Commands.names()) {
            VehicleCommand command = Commands.fromRest(name, all).orElseThrow();
            assertThat(CommandNames.restName(command.domain(), command.payload())).as(name).contains(name);
        }
        assertThat(CommandNames.restName(Domain.INFOTAINMENT, new byte[] {(byte) 0xff})).isEmpty();
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
