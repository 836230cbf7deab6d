package io.fleetgate.testing;

import io.fleetgate.sim.RecordedRequest;
import io.fleetgate.sim.SimEnergySite;
import io.fleetgate.sim.SimUser;
import io.fleetgate.sim.SimVehicle;
import io.fleetgate.sim.SimulatedFleet;
import io.fleetgate.sim.VehicleState;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.apache.kafka.common.utils.Utils;

/**
 * A fleet for command tests: one NA user with many vehicles (asleep by default, waking in 1 s),
 * so each test has VINs of its own that no earlier test's state memory has seen.
 */
public final class CommandFleet {
    public static final String OWNER = "ops";
    public static final String TESLA_TOKEN = "tesla-token-ops";
    public static final long SITE = 9876543210L;
    private static final int VEHICLES = 400;

    private CommandFleet() {}

    public static String vin(int n) {
        return "5YJ3E1EA7KF" + String.format("%06d", n);
    }

    public static List<String> vins() {
        return IntStream.range(0, VEHICLES).mapToObj(CommandFleet::vin).toList();
    }

    public static SimulatedFleet fleet() {
        return fleet(1);
    }

    /** The fleet, its vehicles asleep and waking {@code wakeDelaySeconds} after a wake_up. */
    public static SimulatedFleet fleet(int wakeDelaySeconds) {
        SimulatedFleet fleet = new SimulatedFleet();
        fleet.addUser(SimUser.of(OWNER, "na", TESLA_TOKEN));
        for (int n = 0; n < VEHICLES; n++) {
            fleet.addVehicle(SimVehicle.of(vin(n), 500_000L + n, "Van " + n, OWNER, VehicleState.ASLEEP)
                    .withWakeDelaySeconds(wakeDelaySeconds));
        }
        fleet.addEnergySite(SimEnergySite.of(SITE, OWNER, "Depot battery"));
        return fleet;
    }

    public static TestAccount account() {
        return new TestAccount(OWNER, "na", TESLA_TOKEN, "gw-ops", TestAccount.ALL_SCOPES, vins(), List.of(SITE), null);
    }

    /** Hands out VINs no other test of the class has used. */
    public static final class Vins {
        private int next;

        public synchronized String next() {
            return vin(next++);
        }

        /** A fresh VIN whose records land in the same partition of the command topic as {@code other}'s. */
        public synchronized String samePartitionAs(String other, int partitions) {
            int wanted = partition(other, partitions);
            while (true) {
                String candidate = vin(next++);
                if (partition(candidate, partitions) == wanted) {
                    return candidate;
                }
            }
        }
    }

    /** The partition Kafka's default partitioner picks for a key. */
    public static int partition(String key, int partitions) {
        return Utils.toPositive(Utils.murmur2(key.getBytes(java.nio.charset.StandardCharsets.UTF_8))) % partitions;
    }

    public static List<RecordedRequest> commandCalls(List<RecordedRequest> requests) {
        List<RecordedRequest> calls = new ArrayList<>();
        for (RecordedRequest r : requests) {
            if (r.path().contains("/command/")) {
                calls.add(r);
            }
        }
        return calls;
    }

    public static long wakeUps(List<RecordedRequest> requests) {
        return requests.stream().filter(r -> r.path().endsWith("/wake_up")).count();
    }

    public static long stateChecks(List<RecordedRequest> requests, String vin) {
        return requests.stream().filter(r -> r.method().equals("GET") && r.path().equals("/api/1/vehicles/" + vin)).count();
    }
}
