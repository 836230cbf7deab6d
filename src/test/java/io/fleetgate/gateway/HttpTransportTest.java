package io.fleetgate.gateway;

import static io.fleetgate.testing.TestFleet.ALICE;
import static io.fleetgate.testing.TestFleet.NA_VIN;
import static org.assertj.core.api.Assertions.assertThat;

import io.fleetgate.testing.GatewayHarness;
import io.fleetgate.testing.RawHttp;
import io.netty.channel.epoll.Epoll;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpServer;
import org.junit.jupiter.api.Test;

/**
 * fleetgate.http.native-transport: the Vert.x that serves the API and calls the Fleet API polls
 * with Linux's epoll (the bundled native library) by default, the JDK's selector when it is false;
 * reads and commands go through either way. fleetgate.server.event-loops: the API port's
 * connections are dealt among that many event loops (one per two cores by default), each serving reads.
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

    @Test
    void theApiPortsConnectionsAreDealtAmongTheConfiguredEventLoops() {
        try (GatewayHarness harness = GatewayHarness.builder().accounts(ALICE).setting("fleetgate.server.event-loops", "3").start()) {
            assertThat(eventLoopsServing(harness, 9)).hasSize(3).allMatch(thread -> thread.startsWith("vert.x-eventloop-thread-"));
            readAndCommandGoThrough(harness);
        }
        try (GatewayHarness harness = GatewayHarness.builder().accounts(ALICE).setting("fleetgate.server.event-loops", "1").start()) {
            assertThat(eventLoopsServing(harness, 6)).hasSize(1);
        }
    }

    @Test
    void byDefaultEveryTwoCoresHaveAnEventLoopForTheApiPort() {
        int loops = Math.max(1, Runtime.getRuntime().availableProcessors() / 2);
        try (GatewayHarness harness = GatewayHarness.builder().accounts(ALICE).start()) {
            assertThat(harness.settings()).as("application.properties' default applies").doesNotContainKey("fleetgate.server.event-loops");
            assertThat(eventLoopsServing(harness, 3 * loops + 3)).hasSize(loops);
        }
    }

    /**
     * The threads that served one request on each of {@code connections} new connections, each
     * read on the server's own router ahead of everything; then a read of vehicle_data on as many
     * new connections, which go through on whichever loop they land.
     */
    private static Set<String> eventLoopsServing(GatewayHarness harness, int connections) {
        Router server = (Router) harness.gateway().context().hasServices(VertxPlatformHttpServer.class).stream()
                .filter(s -> s.getConfigurationPort() == apiPort(harness)).findFirst().orElseThrow()
                .getServer().requestHandler();
        server.route("/test/event-loop").order(Integer.MIN_VALUE)
                .handler(ctx -> ctx.response().end(Thread.currentThread().getName()));
        RawHttp raw = new RawHttp(apiPort(harness), Duration.ofSeconds(10));
        Set<String> threads = new TreeSet<>();
        for (int i = 0; i < connections; i++) {
            RawHttp.Response answer = raw.send("GET", "/test/event-loop", List.of(), null, false);
            assertThat(answer.status()).as(answer.problem()).isEqualTo(200);
            threads.add(answer.bodyText());
        }
        for (int i = 0; i < connections; i++) {
            RawHttp.Response read = raw.send("GET", "/api/1/vehicles/" + NA_VIN + "/vehicle_data",
                    RawHttp.headers("Authorization", "Bearer " + ALICE.gatewayToken()), null, false);
            assertThat(read.status()).as(read.problem()).isEqualTo(200);
        }
        return threads;
    }

    private static int apiPort(GatewayHarness harness) {
        return Integer.parseInt(harness.settings().get("camel.server.port"));
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
