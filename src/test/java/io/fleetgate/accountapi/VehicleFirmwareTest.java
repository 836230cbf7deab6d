package io.fleetgate.accountapi;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The firmware is read from vehicle_data answers by streaming to one field, not by reading a tree. */
class VehicleFirmwareTest {

    private static Optional<String> carVersion(String json) throws IOException {
        return io.fleetgate.json.JsonPaths.textAt(json.getBytes(StandardCharsets.UTF_8), "response", "vehicle_state", "car_version");
    }

    @Test
    void findsTheFieldPastSiblingObjectsAndArrays() throws IOException {
        String json = """
                {"response": {"charge_state": {"car_version": "not this one", "list": [1, {"a": 2}]},
                              "vehicle_state": {"odometer": 1.5, "car_version": "2024.44.25.3 06f534d46010"},
                              "drive_state": {}}}""";
        assertThat(carVersion(json)).contains("2024.44.25.3 06f534d46010");
    }

    @Test
    void aFieldOfTheSameNameElsewhereIsNotTaken() throws IOException {
        assertThat(carVersion("{\"car_version\": \"top\", \"response\": {\"vehicle_state\": {}}}")).isEmpty();
        assertThat(carVersion("{\"response\": {\"vehicle_state\": {\"nested\": {\"car_version\": \"deep\"}}}}")).isEmpty();
        assertThat(carVersion("{\"response\": {\"car_version\": \"shallow\"}}")).isEmpty();
    }

    @Test
    void missingOrNonTextValuesGiveNothing() throws IOException {
        assertThat(carVersion("{\"response\": null}")).isEmpty();
        assertThat(carVersion("{\"response\": {\"vehicle_state\": {\"car_version\": 42}}}")).isEmpty();
        assertThat(carVersion("[1, 2]")).isEmpty();
    }

    @Test
    void aKnownVersionIsRecognisedWithoutParsingAndAnyOtherIsNot() {
        byte[] json = """
                {"response": {"vehicle_state": {"odometer": 1.5, "car_version" : "2024.44.25.3 06f534d46010"}}}"""
                .getBytes(StandardCharsets.UTF_8);
        assertThat(VehicleFirmware.reportsVersion(json, "2024.44.25.3")).isTrue();
        assertThat(VehicleFirmware.reportsVersion(json, "2024.44.25")).as("a prefix of the version is another version").isFalse();
        assertThat(VehicleFirmware.reportsVersion(json, "2024.44.30.1")).isFalse();
        assertThat(VehicleFirmware.reportsVersion("{\"note\": \"car_version\", \"v\": \"2024.44.25.3\"}"
                .getBytes(StandardCharsets.UTF_8), "2024.44.25.3")).as("the name as a value, not a field").isFalse();
        assertThat(VehicleFirmware.reportsVersion("{\"car_version\": \"2024.44.25.3\"}".getBytes(StandardCharsets.UTF_8),
                "2024.44.25.3")).isTrue();
    }
}
