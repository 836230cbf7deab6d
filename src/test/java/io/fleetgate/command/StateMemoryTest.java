package io.fleetgate.command;

import static io.fleetgate.testing.CommandFleet.commandCalls;
import static io.fleetgate.testing.CommandFleet.stateChecks;
import static org.assertj.core.api.Assertions.assertThat;

import io.fleetgate.sim.RecordedRequest;
import io.fleetgate.testing.CommandFleet;
import io.fleetgate.testing.GatewayHarness;
import io.fleetgate.testing.MutableClock;
import io.fleetgate.testing.TestAccount;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * CONTRACT section 4, step 1, at its default of 30 s: a vehicle state learned less than 30 s ago
 * stands in for the state check; an older one is checked again. The memory's clock is one the test
 * moves by hand, so the machine's speed does not matter.
 */
class StateMemoryTest {
    private static final TestAccount OPS = CommandFleet.account();
    private static final CommandFleet.Vins VINS = new CommandFleet.Vins();
    private static GatewayHarness harness;

    @BeforeAll
    static void start() {
        harness = GatewayHarness.builder().fleet(CommandFleet.fleet()).accounts(OPS)
                .setting("camel.beans.vehicleStateClock", "#class:" + MutableClock.class.getName())
                .start();
    }

    @AfterAll
    static void stop() {
        harness.close();
    }

    private static MutableClock clock() {
        return harness.gateway().context().getRegistry().lookupByNameAndType("vehicleStateClock", MutableClock.class);
    }

    @Test
    void aStateLearnedUnder30sAgoStandsInAndAnOlderOneIsCheckedAgain() {
        String vin = VINS.next();
        harness.simulator().fleet().bringOnline(vin);
        clock().set(Instant.parse("2026-12-03T10:00:00Z"));
        assertThat(command(vin, "flash_lights").statusCode()).isEqualTo(200);
        assertThat(stateChecks(harness.simulator().requests(vin), vin)).as("the first command checks").isEqualTo(1);

        // 29.9 s after the command's success taught Fleetgate the state: no check
        clock().advance(Duration.ofMillis(29_900));
        harness.simulator().clearRequests();
        assertThat(command(vin, "honk_horn").statusCode()).isEqualTo(200);
        List<RecordedRequest> calls = harness.simulator().requests(vin);
        assertThat(stateChecks(calls, vin)).isZero();
        assertThat(commandCalls(calls)).hasSize(1);

        // that command taught it again; 30.1 s later the state is too old and is checked first
        clock().advance(Duration.ofMillis(30_100));
        harness.simulator().clearRequests();
        assertThat(command(vin, "flash_lights").statusCode()).isEqualTo(200);
        calls = harness.simulator().requests(vin);
        assertThat(stateChecks(calls, vin)).isEqualTo(1);
        assertThat(calls.getFirst().method()).isEqualTo("GET");
        assertThat(commandCalls(calls)).hasSize(1);
    }

    private static HttpResponse<byte[]> command(String vin, String name) {
        return harness.post("/api/1/vehicles/" + vin + "/command/" + name, OPS.gatewayToken(), "{}");
    }
}
