package io.fleetgate.ingress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class FleetApiCatalogTest {
    private static final String VIN = "5YJ3E1EA7KF000001";
    private final FleetApiCatalog catalog = new FleetApiCatalog();

    @Test
    void classifiesVehicleReadsCommandsEnergyAndUserEndpointsFromTheTable() {
        assertThat(catalog.classify("GET", "/api/1/vehicles/" + VIN + "/vehicle_data").endpointClass())
                .isEqualTo(EndpointClass.VEHICLE_READ);
        assertThat(catalog.classify("POST", "/api/1/vehicles/" + VIN + "/command/flash_lights").endpointClass())
                .isEqualTo(EndpointClass.VEHICLE_COMMAND);
        assertThat(catalog.classify("POST", "/api/1/vehicles/" + VIN + "/wake_up").endpointClass())
                .isEqualTo(EndpointClass.VEHICLE_COMMAND);
        assertThat(catalog.classify("GET", "/api/1/energy_sites/123/live_status").endpointClass())
                .isEqualTo(EndpointClass.ENERGY_READ);
        assertThat(catalog.classify("POST", "/api/1/energy_sites/123/backup").endpointClass())
                .isEqualTo(EndpointClass.ENERGY_COMMAND);
        assertThat(catalog.classify("GET", "/api/1/users/region").endpointClass()).isEqualTo(EndpointClass.USER);
        assertThat(catalog.classify("GET", "/api/1/partner_accounts/public_key").endpointClass())
                .isEqualTo(EndpointClass.PARTNER);
        assertThat(catalog.classify("GET", "/api/1/dx/charging/history").endpointClass()).isEqualTo(EndpointClass.OTHER);
    }

    @Test
    void extractsVinSiteAndCommandAndKeepsThePathTemplate() {
        Classification command = catalog.classify("POST", "/api/1/vehicles/" + VIN + "/command/set_charge_limit");
        assertThat(command.vin()).isEqualTo(VIN);
        assertThat(command.commandName()).isEqualTo("set_charge_limit");
        assertThat(command.pathTemplate()).isEqualTo("/api/1/vehicles/{vin}/command/{command}");

        Classification site = catalog.classify("GET", "/api/1/energy_sites/2252147483647/site_info");
        assertThat(site.energySiteId()).isEqualTo(2252147483647L);
    }

    @Test
    void literalVehiclePathsAreNotReadAsVins() {
        Classification status = catalog.classify("POST", "/api/1/vehicles/fleet_status");
        assertThat(status.vin()).isNull();
        assertThat(status.endpoint().vinSource()).isEqualTo(VinSource.BODY);
    }

    @Test
    void unknownPathIs404NotFound() {
        assertThatThrownBy(() -> catalog.classify("GET", "/api/1/vehicles/" + VIN + "/no_such_thing"))
                .isInstanceOfSatisfying(GatewayError.class, e -> {
                    assertThat(e.status()).isEqualTo(404);
                    assertThat(e.error()).isEqualTo("not_found");
                });
    }

    @Test
    void knownPathWithWrongMethodIs405() {
        assertThatThrownBy(() -> catalog.classify("DELETE", "/api/1/vehicles/" + VIN + "/vehicle_data"))
                .isInstanceOfSatisfying(GatewayError.class, e -> {
                    assertThat(e.status()).isEqualTo(405);
                    assertThat(e.error()).isEqualTo("invalid_method");
                    assertThat(e.headers()).containsEntry("Allow", "GET");
                });
        assertThatThrownBy(() -> catalog.classify("POST", "/api/1/vehicles/" + VIN + "/fleet_telemetry_config"))
                .isInstanceOfSatisfying(GatewayError.class, e -> assertThat(e.headers()).containsEntry("Allow", "DELETE, GET"));
    }

    @Test
    void unknownCommandNameIs400InvalidCommand() {
        assertThatThrownBy(() -> catalog.classify("POST", "/api/1/vehicles/" + VIN + "/command/launch_rocket"))
                .isInstanceOfSatisfying(GatewayError.class, e -> {
                    assertThat(e.status()).isEqualTo(400);
                    assertThat(e.error()).isEqualTo("invalid_command");
                });
    }

    @Test
    void malformedVinAndSiteIdAre400InvalidRequest() {
        for (String path : new String[] {
                "/api/1/vehicles/5YJ3E1EA7KF00000/vehicle_data",       // 16 characters
                "/api/1/vehicles/5YJ3E1EA7KF00000O/vehicle_data",      // letter O
                "/api/1/vehicles/5yj3e1ea7kf000001/vehicle_data",      // lower case
                "/api/1/energy_sites/abc/site_info"}) {
            assertThatThrownBy(() -> catalog.classify("GET", path))
                    .as(path)
                    .isInstanceOfSatisfying(GatewayError.class, e -> {
                        assertThat(e.status()).isEqualTo(400);
                        assertThat(e.error()).isEqualTo("invalid_request");
                    });
        }
    }

    @Test
    void everyRowNeedsAScopeOrIsOpenToAnyTokenOfTheAccount() {
        assertThat(catalog.endpoints()).allSatisfy(e -> assertThat(e.scopes()).isNotNull());
        assertThat(catalog.classify("GET", "/api/1/vehicles/" + VIN).endpoint().scopes())
                .containsExactly("vehicle_device_data");
        assertThat(catalog.classify("POST", "/api/1/energy_sites/1/operation").endpoint().scopes())
                .containsExactly("energy_cmds");
    }

    @Test
    void everyRowOfTheTableIsReachedByAPathOfItsTemplate() {
        assertThat(catalog.endpoints()).allSatisfy(endpoint -> {
            String path = endpoint.template()
                    .replace("{vin}", VIN)
                    .replace("{site}", "123")
                    .replace("{command}", "flash_lights")
                    .replaceAll("\\{[a-z]+}", "x1");
            assertThat(catalog.classify(endpoint.method(), path).endpoint()).isEqualTo(endpoint);
        });
    }

    @Test
    void anIdInThePathIsAPlainIdNeverADotSegment() {
        assertThat(catalog.classify("GET", "/api/1/dx/charging/invoice/5b1c9f9c-2e4d-4c6a-9f0e-123456789abc").endpointClass())
                .isEqualTo(EndpointClass.OTHER);
        assertThat(catalog.classify("POST", "/api/1/vehicles/" + VIN + "/invitations/2252269492545186/revoke").endpointClass())
                .isEqualTo(EndpointClass.OTHER);
        // found while fuzzing: these went upstream as they came, where ".." resolves to another path
        for (String id : new String[] {"..", ".", "%2e%2e", "a%2Fb", "a|b", "x".repeat(129)}) {
            assertThatThrownBy(() -> catalog.classify("GET", "/api/1/dx/charging/invoice/" + id)).as(id)
                    .isInstanceOfSatisfying(GatewayError.class, e -> {
                        assertThat(e.status()).isEqualTo(400);
                        assertThat(e.error()).isEqualTo("invalid_request");
                    });
            assertThatThrownBy(() -> catalog.classify("POST", "/api/1/vehicles/" + VIN + "/invitations/" + id + "/revoke")).as(id)
                    .isInstanceOf(GatewayError.class);
        }
    }

    @Test
    void aVinIsSeventeenOfTheLettersAndDigitsAVinMayHave() {
        assertThat(FleetApiCatalog.isVin(VIN)).isTrue();
        assertThat(FleetApiCatalog.isVin("ABCDEFGHJKLMNPRST")).isTrue();
        assertThat(FleetApiCatalog.isVin("UVWXYZ01234567890")).isTrue();
        for (String wrong : new String[] {null, "", "5YJ3E1EA7KF00000", "5YJ3E1EA7KF0000012", "5YJ3E1EA7KF00000I",
                "5YJ3E1EA7KF00000O", "5YJ3E1EA7KF00000Q", "5yj3e1ea7kf000001", "5YJ3E1EA7KF00000-", "5YJ3E1EA7KF00000\u00c4"}) {
            assertThat(FleetApiCatalog.isVin(wrong)).as(String.valueOf(wrong)).isFalse();
        }
        // the same verdicts as the VIN's pattern, over every character in each position
        java.util.regex.Pattern vin = java.util.regex.Pattern.compile("[A-HJ-NPR-Z0-9]{17}");
        for (int position = 0; position < 17; position++) {
            for (char c = 0; c < 0x180; c++) {
                String text = VIN.substring(0, position) + c + VIN.substring(position + 1);
                assertThat(FleetApiCatalog.isVin(text)).as(text).isEqualTo(vin.matcher(text).matches());
            }
        }
    }
}
