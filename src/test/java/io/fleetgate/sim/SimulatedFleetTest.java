package io.fleetgate.sim;

import io.fleetgate.testing.MutableClock;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The fleet model on its own: demo contents, VIN rules, lazy wake-ups. */
class SimulatedFleetTest {

    @Test
    void demoFleetHasTheDocumentedUsersVehiclesAndSite() {
        SimulatedFleet fleet = SimulatedFleet.demo();

        assertThat(fleet.findUser("demo")).hasValueSatisfying(u -> {
            assertThat(u.region()).isEqualTo("na");
            assertThat(u.accessToken()).isEqualTo("sim-na-demo-access-token");
        });
        assertThat(fleet.userByToken("sim-eu-demo-access-token")).hasValueSatisfying(
                u -> assertThat(u.region()).isEqualTo("eu"));
        assertThat(fleet.vehiclesOf("demo")).extracting(SimVehicle::state).contains(
                VehicleState.ONLINE, VehicleState.ASLEEP, VehicleState.OFFLINE);
        assertThat(fleet.vehiclesOf("demo")).hasSizeGreaterThanOrEqualTo(4)
                .anyMatch(SimVehicle::requiresSigning);
        assertThat(fleet.vehiclesOf("demo-eu")).hasSize(2);
        assertThat(fleet.energySite(2252147483647L).ownerId()).isEqualTo("demo");
    }

    @Test
    void demoVinsAreValidAndCarryCorrectCheckDigits() {
        List<String> vins = List.of(SimulatedFleet.DEMO_VIN_ONLINE, SimulatedFleet.DEMO_VIN_SIGNING,
                SimulatedFleet.DEMO_VIN_ASLEEP, SimulatedFleet.DEMO_VIN_OFFLINE,
                SimulatedFleet.DEMO_EU_VIN_ONLINE, SimulatedFleet.DEMO_EU_VIN_ASLEEP);

        assertThat(vins).allMatch(SimVehicle::isValidVin).doesNotHaveDuplicates();
        assertThat(vins).allSatisfy(vin -> assertThat(vin.charAt(8)).isEqualTo(checkDigit(vin)));
    }

    @Test
    void refusesInvalidVins() {
        for (String vin : List.of("5YJ3E1EA6LF00000", "5YJ3E1EA6LF0000011", "5YJ3E1EA6LF00000I",
                "5YJ3E1EA6LF00000O", "5YJ3E1EA6LF00000Q", "5yj3e1ea6lf000001")) {
            assertThatThrownBy(() -> SimVehicle.of(vin, 1, "x", "demo", VehicleState.ONLINE))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void refusesDuplicatesAndUnknownOwners() {
        SimulatedFleet fleet = SimulatedFleet.demo();

        assertThatThrownBy(() -> fleet.addUser(SimUser.of("other", "na", SimulatedFleet.DEMO_ACCESS_TOKEN)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> fleet.addVehicle(SimVehicle.of(SimulatedFleet.DEMO_VIN_ONLINE, 77, "x", "demo",
                VehicleState.ONLINE))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> fleet.addVehicle(SimVehicle.of("5YJ3E1EA0PF999999", 77, "x", "nobody",
                VehicleState.ONLINE))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SimUser.of("x", "us", "token")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void completesAWakeUpLazilyByTheAttachedClock() {
        MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
        SimulatedFleet fleet = SimulatedFleet.demo();
        fleet.attachClock(clock);
        fleet.setWakeDelay(SimulatedFleet.DEMO_VIN_OFFLINE, 5);

        SimVehicle waking = fleet.requestWake(SimulatedFleet.DEMO_VIN_OFFLINE);

        assertThat(waking.state()).isEqualTo(VehicleState.OFFLINE);
        assertThat(waking.wakePending()).isTrue();
        clock.advance(Duration.ofSeconds(4));
        assertThat(fleet.vehicle(SimulatedFleet.DEMO_VIN_OFFLINE).state()).isEqualTo(VehicleState.OFFLINE);
        clock.advance(Duration.ofSeconds(1));
        assertThat(fleet.vehicle(SimulatedFleet.DEMO_VIN_OFFLINE).state()).isEqualTo(VehicleState.ONLINE);
        assertThat(fleet.vehicle(SimulatedFleet.DEMO_VIN_OFFLINE).wakePending()).isFalse();
    }

    @Test
    void sleepingAgainCancelsAPendingWakeUp() {
        MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
        SimulatedFleet fleet = SimulatedFleet.demo();
        fleet.attachClock(clock);

        fleet.requestWake(SimulatedFleet.DEMO_VIN_ASLEEP);
        fleet.putToSleep(SimulatedFleet.DEMO_VIN_ASLEEP);
        clock.advance(Duration.ofMinutes(1));

        assertThat(fleet.vehicle(SimulatedFleet.DEMO_VIN_ASLEEP).state()).isEqualTo(VehicleState.ASLEEP);
    }

    @Test
    void resolvesAVehicleTagByVinOrNumericId() {
        SimulatedFleet fleet = SimulatedFleet.demo();
        long id = fleet.vehicle(SimulatedFleet.DEMO_VIN_ASLEEP).id();

        assertThat(fleet.findVehicleByTag(Long.toString(id))).map(SimVehicle::vin)
                .contains(SimulatedFleet.DEMO_VIN_ASLEEP);
        assertThat(fleet.findVehicleByTag(SimulatedFleet.DEMO_VIN_ASLEEP)).isPresent();
        assertThat(fleet.findVehicleByTag("12")).isEmpty();
    }

    /** ISO 3779 check digit, position 9. */
    private static char checkDigit(String vin) {
        String letters = "ABCDEFGHJKLMNPRSTUVWXYZ";
        int[] letterValues = {1, 2, 3, 4, 5, 6, 7, 8, 1, 2, 3, 4, 5, 7, 9, 2, 3, 4, 5, 6, 7, 8, 9};
        int[] weights = {8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2};
        int sum = 0;
        for (int i = 0; i < 17; i++) {
            char c = vin.charAt(i);
            int value = Character.isDigit(c) ? c - '0' : letterValues[letters.indexOf(c)];
            sum += value * weights[i];
        }
        int remainder = sum % 11;
        return remainder == 10 ? 'X' : (char) ('0' + remainder);
    }
}
