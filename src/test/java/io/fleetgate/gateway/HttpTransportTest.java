package io.fleetgate.gateway;

import static io.fleetgate.testing.TestFleet.ALICE;
import static io.fleetgate.testing.TestFleet.NA_VIN;
import static org.assertj.core.api.Assertions.assertThat;

import io.fleetgate.testing.GatewayHarness;
import io.netty.channel.epoll.Epoll;
import io.vertx.core.Vertx;
import java.util.List;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpServer;
import org.junit.jupiter.api.Test;

/**
 * fleetgate.http.native-transport: the Vert.x that serves the API and calls the Fleet API polls
 * with Linux's epoll (the bundled native library) by default, the JDK's selector when it is false;
 * reads and commands go through either way.
 */
class HttpTransportTest {

    @Test
    void byDefaultTheApiAndItsFleetApiCallsRunOnEpoll() {
        if ("Linux".equals(System.getProperty("os.name")) && "amd64".equals(System.getProperty("os.arch"))) {
            assertThat(Epoll.isAvailable()).as("the bundled x86-64 library loads: %s", Epoll.unavailabilityCause()).isTrue();
        }
        try (GatewayHarness harness = GatewayHarness.builder().accounts(ALICE).start()) {
            assertThat(nativeTransportOfServers(harness)).containsOnly(Epoll.isAvailable());
            readAndCommandGoThrough(harness);
        }
    }

    @Test
    void falseKeepsTheJdkSelector() {
        try (GatewayHarness harness = GatewayHarness.builder().accounts(ALICE)
                .setting("fleetgate.http.native-transport", "false").start()) {
            assertThat(nativeTransportOfServers(harness)).containsOnly(false);
            readAndCommandGoThrough(harness);
        }
    }

    /** Both servers' (the API's and the management port's): each makes its Vert.x with the same options. */
    private static List<Boolean> nativeTransportOfServers(GatewayHarness harness) {
        List<Boolean> servers = harness.gateway().context().hasServices(VertxPlatformHttpServer.class).stream()
                .map(VertxPlatformHttpServer::getVertx).map(Vertx::isNativeTransportEnabled).toList();
        assertThat(servers).hasSize(2);
        return servers;
    }

    private static void readAndCommandGoThrough(GatewayHarness harness) {
        assertThat(harness.get("/api/1/vehicles/" + NA_VIN + "/vehicle_data", ALICE.gatewayToken()).statusCode()).isEqualTo(200);
        assertThat(harness.post("/api/1/vehicles/" + NA_VIN + "/command/flash_lights", ALICE.gatewayToken(), "{}").statusCode())
                .isEqualTo(200);
        assertThat(harness.simulator().requests(NA_VIN)).anyMatch(request -> request.path().endsWith("/vehicle_data"))
                .anyMatch(request -> request.path().endsWith("/command/flash_lights"));
    }
}
