package io.fleetgate.testing;

import io.fleetgate.sim.SimEnergySite;
import io.fleetgate.sim.SimUser;
import io.fleetgate.sim.SimVehicle;
import io.fleetgate.sim.SimulatedFleet;
import io.fleetgate.sim.VehicleState;
import java.util.List;

/** The simulated fleet most gateway tests use: one Tesla user per region, and their accounts. */
public final class TestFleet {
    public static final String NA_VIN = "5YJ3E1EA7KF100001";
    public static final String NA_VIN_ASLEEP = "5YJ3E1EA7KF100002";
    public static final String NA_VIN_NOT_SUBSCRIBED = "5YJ3E1EA7KF100003";
    public static final String EU_VIN = "LRW3E7FA7MC100004";
    public static final String CN_VIN = "LRW3E7FA7MC100005";
    public static final long NA_SITE = 1234567890123L;
    public static final long NA_SITE_NOT_SUBSCRIBED = 1234567890124L;

    public static final TestAccount ALICE = new TestAccount("alice", "na", "tesla-token-alice", "gw-alice",
            TestAccount.ALL_SCOPES, List.of(NA_VIN, NA_VIN_ASLEEP), List.of(NA_SITE), null);
    public static final TestAccount BERND = new TestAccount("bernd", "eu", "tesla-token-bernd", "gw-bernd",
            TestAccount.ALL_SCOPES, List.of(EU_VIN), List.of(), null);
    public static final TestAccount CHEN = new TestAccount("chen", "cn", "tesla-token-chen", "gw-chen",
            TestAccount.ALL_SCOPES, List.of(CN_VIN), List.of(), null);

    private TestFleet() {}

    public static SimulatedFleet fleet() {
        SimulatedFleet fleet = new SimulatedFleet();
        fleet.addUser(SimUser.of("alice", "na", ALICE.teslaToken()));
        fleet.addUser(SimUser.of("bernd", "eu", BERND.teslaToken()));
        fleet.addUser(SimUser.of("chen", "cn", CHEN.teslaToken()));
        fleet.addVehicle(SimVehicle.of(NA_VIN, 100001L, "Alice's Three", "alice", VehicleState.ONLINE));
        fleet.addVehicle(SimVehicle.of(NA_VIN_ASLEEP, 100002L, "Alice's Y", "alice", VehicleState.ASLEEP));
        fleet.addVehicle(SimVehicle.of(NA_VIN_NOT_SUBSCRIBED, 100003L, "Alice's S", "alice", VehicleState.ONLINE));
        fleet.addVehicle(SimVehicle.of(EU_VIN, 100004L, "Bernd's Three", "bernd", VehicleState.ONLINE));
        fleet.addVehicle(SimVehicle.of(CN_VIN, 100005L, "Chen's Three", "chen", VehicleState.ONLINE));
        fleet.addEnergySite(SimEnergySite.of(NA_SITE, "alice", "Alice's Powerwall"));
        fleet.addEnergySite(SimEnergySite.of(NA_SITE_NOT_SUBSCRIBED, "alice", "Alice's Cabin"));
        return fleet;
    }
}
