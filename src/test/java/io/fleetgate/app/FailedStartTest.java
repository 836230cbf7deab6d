package io.fleetgate.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetgate.testing.FleetgateProcess;
import io.fleetgate.testing.GatewayHarness;
import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * CONTRACT section 9: a start that cannot succeed prints one clear line and exits non-zero,
 * leaving no listener behind; here within 30 s (a loaded CI machine once took over 15 s to close
 * what a demo had started). Each case is {@code FleetgateApp} in a JVM of its own, on free
 * loopback ports, in an empty working directory.
 */
class FailedStartTest {
    private static final Duration BOUND = Duration.ofSeconds(30);
    private static final String FAILED = "Fleetgate did not start: ";

    @Test
    void aTakenApiPortIsOneLineAndNothingElseStarts() throws Exception {
        int port = GatewayHarness.freePort();
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress("127.0.0.1", port));
            try (FleetgateProcess fleetgate = FleetgateProcess.builder().arg("--demo")
                    .setting("camel.server.port", String.valueOf(port)).start()) {
                String line = failsWithOneLine(fleetgate);
                assertThat(line).contains("port " + port, "camel.server.port", "already in use");
                assertOtherPortsFree(fleetgate);
            }
        }
    }

    /**
     * Camel's HTTP server logs a failed listen and starts anyway; a port taken after the checks
     * before the start (in CI, by an outgoing connection given it as its ephemeral port) left a
     * Fleetgate running without its health endpoint. It is the same one line now. The port is
     * taken once the embedded broker is up, seconds before Camel binds it; on the rare start that
     * binds first, the case runs again.
     */
    @Test
    void aManagementPortTakenAfterTheChecksIsOneLineToo() throws Exception {
        for (int attempt = 1; ; attempt++) {
            try (FleetgateProcess fleetgate = FleetgateProcess.builder().arg("--demo").start()) {
                long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
                while (!fleetgate.output().contains("embedded Kafka broker on") && fleetgate.isAlive() && System.nanoTime() < deadline) {
                    Thread.sleep(5);
                }
                try (ServerSocket taken = new ServerSocket()) {
                    taken.bind(new InetSocketAddress("127.0.0.1", fleetgate.managementPort()));
                    String line = failsWithOneLine(fleetgate);
                    assertThat(line).contains("port " + fleetgate.managementPort(), "camel.management.port", "already in use");
                    assertFree(fleetgate.port(), Integer.parseInt(fleetgate.settings().get("fleetgate.kafka.embedded.port")));
                    return;
                } catch (BindException boundFirst) {
                    assertThat(attempt).as("Fleetgate bound the port before the test could take it, %d times", attempt).isLessThan(3);
                }
            }
        }
    }

    @Test
    void aMissingTokenEncryptionKeyOutsideDemoIsOneLine() {
        try (FleetgateProcess fleetgate = FleetgateProcess.start(Map.of())) {
            String line = failsWithOneLine(fleetgate);
            assertThat(line).contains("fleetgate.accounts.token-encryption-key is required", "openssl rand -base64 32");
            assertOtherPortsFree(fleetgate);
        }
    }

    @Test
    void kafkaThatDoesNotAnswerWithinTheReadyTimeoutIsOneLine() {
        String nobody = "127.0.0.1:" + GatewayHarness.freePort();
        try (FleetgateProcess fleetgate = FleetgateProcess.builder().arg("--demo")
                .setting("fleetgate.kafka.bootstrap-servers", nobody)
                .setting("fleetgate.kafka.ready-timeout-ms", "2000").start()) {
            String line = failsWithOneLine(fleetgate);
            assertThat(line).contains("Kafka at " + nobody + " did not answer within 2000 ms", "fleetgate.kafka.bootstrap-servers");
            assertOtherPortsFree(fleetgate);
        }
    }

    @Test
    void aMistypedNumberIsOneLineBeforeAnythingStarts() {
        try (FleetgateProcess fleetgate = FleetgateProcess.builder().arg("--demo")
                .setting("fleetgate.limits.ip.per-window", "sixty").start()) {
            String line = failsWithOneLine(fleetgate);
            assertThat(line).contains("fleetgate.limits.ip.per-window must be a whole number, got: sixty");
            assertThat(fleetgate.output()).doesNotContain("Fleet API simulator listening", "embedded Kafka broker on");
            assertOtherPortsFree(fleetgate);
        }
    }

    /**
     * A route of the operator's that cannot start fails Camel's start, once the broker, the
     * simulator and the HTTP servers are up: all of them are closed, and Camel's stack trace stays
     * off the console. The bound counts from the broker's start, which alone took 9 s on a busy
     * 2-core machine.
     */
    @Test
    void aRouteThatCannotStartClosesWhatHadStarted(@TempDir Path mounted) throws Exception {
        Path routes = Files.createDirectories(mounted.resolve("routes"));
        try (Stream<Path> packaged = Files.list(Path.of("routes"))) {
            for (Path route : packaged.filter(p -> p.toString().endsWith(".camel.yaml")).toList()) {
                Files.copy(route, routes.resolve(route.getFileName()));
            }
        }
        Files.writeString(routes.resolve("broken.camel.yaml"), """
                - route:
                    id: operator-broken
                    from:
                      uri: seda:operator-broken
                      steps:
                        - to:
                            uri: kafka:operator-topic
                            parameters:
                              keySerializer: com.example.NoSuchSerializer
                """);
        try (FleetgateProcess fleetgate = FleetgateProcess.builder().arg("--demo")
                .setting("fleetgate.routes-dir", routes.toString()).start()) {
            long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
            while (!fleetgate.output().contains("embedded Kafka broker on") && fleetgate.isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            String line = failsWithOneLine(fleetgate);
            assertThat(line).contains("route operator-broken (broken.camel.yaml:", "cannot start", "com.example.NoSuchSerializer");
            assertThat(fleetgate.output()).as("they had started")
                    .contains("Fleet API simulator listening", "Vert.x HttpServer started on 127.0.0.1:" + fleetgate.port())
                    .doesNotContain("Error starting CamelContext");
            assertFree(fleetgate.port());
            assertOtherPortsFree(fleetgate);
            assertFree(simulatorPorts(fleetgate.output()).stream().mapToInt(Integer::intValue).toArray());
        }
    }

    /** Exit code 1 within the bound, and the console's failure is one line, its last, with no stack trace. */
    private static String failsWithOneLine(FleetgateProcess fleetgate) {
        OptionalInt exit = fleetgate.awaitExit(BOUND);
        assertThat(exit).as("exit within %s; console:%n%s", BOUND, fleetgate.output()).isPresent();
        assertThat(exit.getAsInt()).as("exit code; console:%n%s", fleetgate.output()).isEqualTo(1);
        List<String> console = fleetgate.outputLines();
        assertThat(console).as("stack trace lines").noneMatch(line -> line.matches("\\s+at .*") || line.startsWith("Caused by"));
        assertThat(console).filteredOn(line -> line.contains(FAILED)).hasSize(1);
        String last = console.getLast();
        assertThat(last).startsWith(FAILED);
        return last;
    }

    /** What else it would have listened on can be bound again. */
    private static void assertOtherPortsFree(FleetgateProcess fleetgate) {
        Map<String, String> settings = fleetgate.settings();
        assertFree(fleetgate.managementPort(),
                Integer.parseInt(settings.get("fleetgate.kafka.embedded.port")),
                Integer.parseInt(settings.get("fleetgate.kafka.embedded.controller-port")));
    }

    static void assertFree(int... ports) {
        for (int port : ports) {
            try (ServerSocket socket = new ServerSocket()) {
                socket.setReuseAddress(true);
                socket.bind(new InetSocketAddress("127.0.0.1", port));
            } catch (IOException e) {
                throw new AssertionError("port " + port + " is still taken after Fleetgate ended: " + e);
            }
        }
    }

    private static List<Integer> simulatorPorts(String console) {
        Matcher urls = Pattern.compile("Fleet API simulator listening: (.*)").matcher(console);
        assertThat(urls.find()).isTrue();
        Matcher ports = Pattern.compile("127\\.0\\.0\\.1:(\\d+)").matcher(urls.group(1));
        List<Integer> found = new ArrayList<>();
        while (ports.find()) {
            found.add(Integer.parseInt(ports.group(1)));
        }
        assertThat(found).hasSize(4);
        return found;
    }
}
