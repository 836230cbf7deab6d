package io.fleetgate.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which values of a vehicle_data document become telemetry fields' last values, and how. */
class VehicleDataFieldsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void valuesWithTheSameMeaningBecomeFieldsByName() throws Exception {
        JsonNode doc = JSON.readTree("""
                {"charge_state":{"battery_level":81,"charge_limit_soc":90,"battery_range":230.5},
                 "climate_state":{"inside_temp":21.5,"outside_temp":null},
                 "drive_state":{"latitude":37.4419,"longitude":-122.143,"speed":null},
                 "vehicle_state":{"odometer":12345.678,"locked":true,"vehicle_name":"Alice's Three","car_version":"2025.2.6 abc"}}
                """);

        Map<String, JsonNode> values = VehicleDataFields.values(doc);

        assertThat(values.get("BatteryLevel").asInt()).isEqualTo(81);
        assertThat(values.get("ChargeLimitSoc").asInt()).isEqualTo(90);
        assertThat(values.get("RatedRange").asDouble()).isEqualTo(230.5);
        assertThat(values.get("InsideTemp").asDouble()).isEqualTo(21.5);
        assertThat(values.get("Odometer").asDouble()).isEqualTo(12345.678);
        assertThat(values.get("Locked").asBoolean()).isTrue();
        assertThat(values.get("VehicleName").asText()).isEqualTo("Alice's Three");
        assertThat(values.get("Version").asText()).isEqualTo("2025.2.6 abc");
        assertThat(values.get("Location")).isEqualTo(JSON.readTree("{\"latitude\":37.4419,\"longitude\":-122.143}"));
        assertThat(values).as("null or missing in the document: nothing").doesNotContainKeys("OutsideTemp", "VehicleSpeed",
                "SentryMode", "ChargeAmps");
        values.keySet().forEach(field -> assertThat(FieldCatalogue.load().field(field)).as(field).isPresent());
    }

    @Test
    void aDocumentWithoutLocationSetsNoLocation() throws Exception {
        Map<String, JsonNode> values = VehicleDataFields.values(JSON.readTree("{\"drive_state\":{\"speed\":30}}"));
        assertThat(values).containsOnlyKeys("VehicleSpeed");
    }
}
