package io.fleetgate.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Which answers name one vehicle: read by hand from the path, with the verdicts of the pattern it replaced. */
class VehicleStatesInAnswersTest {
    private static final String VIN = "5YJ3E1EA7KF000001";
    private static final Pattern ONE_VEHICLE = Pattern.compile("/api/1/vehicles/([A-Z0-9]{17})(/vehicle_data|/.*)?");

    @Test
    void aPathNamesOneVehicleAsThePatternSaid() {
        List<String> paths = List.of("/api/1/vehicles/" + VIN, "/api/1/vehicles/" + VIN + "/vehicle_data",
                "/api/1/vehicles/" + VIN + "/", "/api/1/vehicles/" + VIN + "/nearby_charging_sites",
                "/api/1/vehicles/" + VIN + "/vehicle_data/more", "/api/1/vehicles/" + VIN + "x",
                "/api/1/vehicles/" + VIN.substring(1), "/api/1/vehicles/" + VIN.toLowerCase(java.util.Locale.ROOT),
                "/api/1/vehicles/" + VIN.replace('Y', '-'), "/api/1/vehicles", "/api/1/vehicles/", "/api/1/vehicles/fleet_status",
                "/api/1/products", "/api/1/vehicle/" + VIN, "/api/1/vehicles//" + VIN, "");
        for (String path : paths) {
            Matcher one = ONE_VEHICLE.matcher(path);
            assertThat(VehicleStatesInAnswers.vinOfOneVehicle(path)).as(path).isEqualTo(one.matches() ? one.group(1) : null);
        }
    }
}
