package io.fleetgate.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetgate.sim.SimulatedFleet;
import io.fleetgate.testing.FleetgateProcess;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code java -jar fleetgate.jar --demo} as a new user runs it, from a folder that holds nothing:
 * the routes and topic declarations come from the classpath, the demo's data goes under data/
 * there, and the console is Fleetgate's own lines, not the broker's; stopped, it starts again on
 * that data.
 */
class StartFromAnyDirectoryTest {
    /** slf4j-simple's format: {@code [thread] LEVEL logger - message}. */
    private static final Pattern KAFKA_INFO = Pattern.compile("\\] INFO (org\\.apache\\.kafka\\.|kafka\\.|state\\.change\\.logger)");
    /** Kafka's broker registration, said at info for the restart. */
    private static final String BROKER_LIFECYCLE_LOG = "org.slf4j.simpleLogger.log.org.apache.kafka.server.BrokerLifecycleManager";

    @Test
    void demoStartsInAnEmptyFolderServesTheDemoFleetAndStartsAgainOnItsData(@TempDir Path emptyFolder) throws Exception {
        Map<String, String> settings;
        try (FleetgateProcess fleetgate = FleetgateProcess.builder().workingDirectory(emptyFolder).arg("--demo")
                .setting("org.slf4j.simpleLogger.log.io.fleetgate.app.CompilerPriority", "debug").start()) {
            fleetgate.awaitReady(Duration.ofSeconds(90));
            // java -jar's JVM is Fleetgate's: its JIT compilers (here C1 alone) ran 5 nice levels below the
            // rest while it started, and run level with it once ready, where it may put them back
            if (CompilerPriority.mayRaisePriorityTo(0)) {
                org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10))
                        .until(() -> fleetgate.output().contains("at nice 0"));
                assertThat(fleetgate.outputLines()).as("the compiler threads' priorities")
                        .filteredOn(line -> line.contains("CompilerPriority - compiler threads"))
                        .satisfiesExactly(lowered -> assertThat(lowered).endsWith("at nice 5"),
                                level -> assertThat(level).endsWith("at nice 0"));
            } else {
                assertThat(fleetgate.output()).as("compilers left alone without the right to put them back")
                        .doesNotContain("CompilerPriority - compiler threads");
            }
            assertThat(ThreadNice.byThread(fleetgate.pid())).as("nice by thread")
                    .containsEntry("C1 CompilerThre", 0).containsEntry("VM Thread", 0).containsEntry("java", 0);

            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            HttpResponse<String> vehicles = http.send(HttpRequest.newBuilder(URI.create(fleetgate.url("/api/1/vehicles")))
                            .header("Authorization", "Bearer demo-token").timeout(Duration.ofSeconds(30)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(vehicles.statusCode()).isEqualTo(200);
            assertThat(vehicles.body()).contains(SimulatedFleet.DEMO_VIN_ONLINE);

            // the demo's data lives in the folder it was started from
            assertThat(emptyFolder.resolve("data/kafka/meta.properties")).exists();
            assertThat(emptyFolder.resolve("data/demo-fleet-key.pem")).exists();
            String tokenKey = Files.readString(emptyFolder.resolve("data/demo-token-encryption.key")).trim();

            // the welcome names the console (the admin token signs in there)
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10))
                    .until(() -> fleetgate.output().contains("console        http://localhost:" + fleetgate.port() + "/console/"));
            List<String> console = fleetgate.outputLines();
            assertThat(console).as("Kafka's INFO lines").noneMatch(line -> KAFKA_INFO.matcher(line).find());
            assertThat(console).as("the settings summary, once")
                    .filteredOn(line -> line.contains("Fleetgate ready: ")).singleElement().asString()
                    .contains("API on 127.0.0.1:" + fleetgate.port() + " (epoll)", "Kafka embedded at", "routes from classpath:routes",
                            "topics from classpath:kafka/topics.yaml");
            assertThat(String.join("\n", console)).doesNotContain(tokenKey, SimulatedFleet.DEMO_ACCESS_TOKEN);
            assertThat(console.size()).as("console lines of a demo start").isLessThan(100);

            // SIGTERM: Camel stops, then the broker and the simulator; nothing keeps the JVM alive
            fleetgate.stop();
            assertThat(fleetgate.exitCode()).isPresent();
            // the usage roll-ups' Kafka Streams config says the new default it is asked for at every start, unless given it
            assertThat(fleetgate.outputLines()).as("Kafka Streams' config warnings, the whole run")
                    .noneMatch(line -> line.contains("WARN org.apache.kafka.streams.StreamsConfig"));
            FailedStartTest.assertFree(fleetgate.port(), fleetgate.managementPort(),
                    Integer.parseInt(fleetgate.settings().get("fleetgate.kafka.embedded.port")));
            // the broker stopped before the JVM ended: Kafka's clean-shutdown marker, which lets the
            // next start re-register the broker at once instead of waiting out its old session
            assertThat(fleetgate.output()).contains("KafkaSetup - embedded Kafka broker stopped in");
            assertThat(emptyFolder.resolve("data/kafka/.kafka_cleanshutdown")).exists();
            settings = fleetgate.settings();
        }

        // a restart on the same data, as an operator's: the broker registers on its first try
        // (before the fix it was refused as a duplicate for ~9 s, and recovered every log as unclean)
        try (FleetgateProcess again = FleetgateProcess.builder().workingDirectory(emptyFolder).arg("--demo")
                .settings(settings).setting(BROKER_LIFECYCLE_LOG, "info").start()) {
            again.awaitReady(Duration.ofSeconds(90));
            assertThat(again.output()).contains("Successfully registered broker 1")
                    .doesNotContain("DUPLICATE_BROKER_REGISTRATION")
                    .contains("accounts: 2 read from fleetgate.accounts.v1");
            HttpResponse<String> vehicles = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(again.url("/api/1/vehicles")))
                            .header("Authorization", "Bearer demo-token").timeout(Duration.ofSeconds(30)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(vehicles.statusCode()).isEqualTo(200);
            again.stop();
        }
    }
}
