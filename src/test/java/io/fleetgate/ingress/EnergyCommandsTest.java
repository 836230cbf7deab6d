package io.fleetgate.ingress;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The energy-site command table: each command's documented fields, types and ranges (fleet-api.md 5.4). */
class EnergyCommandsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void theTableHoldsExactlyTheEnergyCommandsTheEndpointTableRoutes() {
        Set<String> routed = new FleetApiCatalog().endpoints().stream()
                .filter(e -> e.endpointClass() == EndpointClass.ENERGY_COMMAND)
                .map(e -> e.template().substring(e.template().lastIndexOf('/') + 1))
                .collect(Collectors.toSet());
        assertThat(EnergyCommands.names()).containsExactlyInAnyOrderElementsOf(routed);
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(delimiter = '|', textBlock = """
            backup                            | {"backup_reserve_percent":0}
            backup                            | {"backup_reserve_percent":100}
            backup                            | {"backup_reserve_percent":20,"unknown_field":"kept"}
            operation                         | {"default_real_mode":"self_consumption"}
            operation                         | {"default_real_mode":"autonomous"}
            operation                         | {"default_real_mode":"backup"}
            storm_mode                        | {"enabled":false}
            off_grid_vehicle_charging_reserve | {"off_grid_vehicle_charging_reserve_percent":35}
            grid_import_export                | {"disallow_charge_from_grid_with_solar_installed":true}
            grid_import_export                | {"customer_preferred_export_rule":"pv_only"}
            grid_import_export                | {"disallow_charge_from_grid_with_solar_installed":false,"customer_preferred_export_rule":"never"}
            time_of_use_settings              | {"tou_settings":{"tariff_content_v2":{"version":1,"seasons":{}}}}
            """)
    void acceptsTheDocumentedFields(String command, String body) throws IOException {
        assertThat(EnergyCommands.problem(command, JSON.readTree(body))).isEmpty();
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(delimiter = '|', textBlock = """
            backup                            |                                                      | missing parameter backup_reserve_percent
            backup                            | {}                                                   | missing parameter backup_reserve_percent
            backup                            | {"backup_reserve_percent":null}                      | missing parameter backup_reserve_percent
            backup                            | {"backup_reserve_percent":-1}                        | backup_reserve_percent must be a whole number from 0 to 100
            backup                            | {"backup_reserve_percent":101}                       | backup_reserve_percent must be a whole number from 0 to 100
            backup                            | {"backup_reserve_percent":20.5}                      | backup_reserve_percent must be a whole number from 0 to 100
            backup                            | {"backup_reserve_percent":"20"}                      | backup_reserve_percent must be a whole number from 0 to 100
            backup                            | {"backup_reserve_percent":99999999999999999999999}   | backup_reserve_percent must be a whole number from 0 to 100
            backup                            | []                                                   | the body must be a JSON object
            backup                            | 20                                                   | the body must be a JSON object
            operation                         | {"default_real_mode":"eco"}                          | default_real_mode must be one of self_consumption, autonomous, backup
            operation                         | {"default_real_mode":1}                              | default_real_mode must be one of self_consumption, autonomous, backup
            operation                         | {"mode":"backup"}                                    | missing parameter default_real_mode
            storm_mode                        | {"enabled":"true"}                                   | enabled must be true or false
            storm_mode                        | {"enabled":1}                                        | enabled must be true or false
            off_grid_vehicle_charging_reserve | {"off_grid_vehicle_charging_reserve_percent":150}    | off_grid_vehicle_charging_reserve_percent must be a whole number from 0 to 100
            grid_import_export                | {}                                                   | give disallow_charge_from_grid_with_solar_installed or customer_preferred_export_rule, or both
            grid_import_export                | {"customer_preferred_export_rule":"always"}          | customer_preferred_export_rule must be one of battery_ok, pv_only, never
            grid_import_export                | {"disallow_charge_from_grid_with_solar_installed":0} | disallow_charge_from_grid_with_solar_installed must be true or false
            grid_import_export                | {"disallow_charge_from_grid_with_solar_installed":false,"customer_preferred_export_rule":null} | customer_preferred_export_rule must be one of battery_ok, pv_only, never
            time_of_use_settings              | {}                                                   | missing parameter tou_settings
            time_of_use_settings              | {"tou_settings":"PGE-EV2-A"}                         | tou_settings must be a JSON object
            time_of_use_settings              | {"tou_settings":{}}                                  | missing parameter tou_settings.tariff_content_v2
            time_of_use_settings              | {"tou_settings":{"tariff_content_v2":[]}}            | tou_settings.tariff_content_v2 must be a JSON object
            """)
    void refusesAWrongOrMissingFieldNamingIt(String command, String body, String problem) throws IOException {
        JsonNode parsed = body == null ? null : JSON.readTree(body);
        assertThat(EnergyCommands.problem(command, parsed)).isEqualTo(Optional.of(problem));
    }
}
