package io.fleetgate.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The catalogue against fleet-telemetry@4767414 protos/vehicle_data.proto and the published limits. */
class FieldCatalogueTest {
    private static final FieldCatalogue CATALOGUE = FieldCatalogue.load();

    @Test
    void holdsEveryFieldOfTheProtoExceptThePlaceholders() {
        List<Integer> numbers = CATALOGUE.fields().stream().map(FieldSpec::number).toList();
        // Unknown = 0, Deprecated_2 = 100, Experimental_1..4 = 119-122, Deprecated_1 = 162,
        // Experimental_5..15 = 168-178, Deprecated_3 = 257
        List<Integer> placeholders = List.of(100, 119, 120, 121, 122, 162, 168, 169, 170, 171, 172, 173, 174, 175,
                176, 177, 178, 257);
        assertThat(numbers).containsExactlyElementsOf(
                IntStream.rangeClosed(1, 259).boxed().filter(n -> !placeholders.contains(n)).toList());
        assertThat(CATALOGUE.field("Location")).get().extracting(FieldSpec::number, FieldSpec::type).containsExactly(21, "location");
        assertThat(CATALOGUE.field("DetailedChargeState")).get().extracting(FieldSpec::number, FieldSpec::firmware)
                .containsExactly(179, "2024.38");
        assertThat(CATALOGUE.field("SelfDrivingMilesSinceReset")).get().extracting(FieldSpec::number, FieldSpec::firmware)
                .containsExactly(259, "2025.44.25.5");
        assertThat(CATALOGUE.field("Experimental_1")).isEmpty();
        assertThat(CATALOGUE.field("Unknown")).isEmpty();
    }

    @Test
    void locationFieldsNeedTheLocationScope() {
        assertThat(CATALOGUE.fields().stream().filter(FieldSpec::needsLocationScope).map(FieldSpec::name))
                .containsExactlyInAnyOrder("Location", "OriginLocation", "DestinationLocation", "RouteLine",
                        "DestinationName", "LocatedAtHome", "LocatedAtWork", "LocatedAtFavorite");
        assertThat(CATALOGUE.fields()).allSatisfy(spec -> assertThat(spec.scopes()).contains("vehicle_device_data"));
    }

    @Test
    void keepsTheLimitsTeslemetryPublishes() {
        assertLimits("BatteryLevel", 10, 10);
        assertLimits("ACChargingPower", 60, 60);
        assertLimits("BrickVoltageMax", 10, 10);
        assertLimits("BrakePedal", 1, 1);
        assertLimits("VehicleSpeed", 1, 1);
    }

    @Test
    void everyDefaultLiesWithinItsLimits() {
        assertThat(CATALOGUE.fields()).allSatisfy(spec -> {
            assertThat(spec.minInterval()).isBetween(1, spec.defaultInterval());
            assertThat(spec.defaultInterval()).isLessThanOrEqualTo(spec.maxInterval());
            assertThat(spec.maxInterval()).isEqualTo(21600);
        });
    }

    @Test
    void onlyNumbersTakeAMinimumDelta() {
        assertThat(CATALOGUE.fields()).filteredOn(FieldSpec::takesMinimumDelta)
                .allSatisfy(spec -> assertThat(spec.type()).isIn("int", "float"));
        assertThat(CATALOGUE.field("Odometer")).get().extracting(FieldSpec::takesMinimumDelta).isEqualTo(true);
        assertThat(CATALOGUE.field("Locked")).get().extracting(FieldSpec::takesMinimumDelta).isEqualTo(false);
    }

    private static void assertLimits(String name, int min, int defaultInterval) {
        assertThat(CATALOGUE.field(name)).get()
                .extracting(FieldSpec::minInterval, FieldSpec::defaultInterval, FieldSpec::maxInterval)
                .containsExactly(min, defaultInterval, 21600);
    }
}
