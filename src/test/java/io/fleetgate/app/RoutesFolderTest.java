package io.fleetgate.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.fleetgate.testing.GatewayHarness;
import io.fleetgate.testing.TestFleet;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The routes and topic declarations packaged in the jar are defaults: an operator's own folder of
 * routes ({@code fleetgate.routes-dir}) and topics file ({@code fleetgate.kafka.topics-file}) replace them.
 */
class RoutesFolderTest {

    @Test
    void routesFolderAndTopicsFileReplaceThePackagedOnes(@TempDir Path mounted) throws Exception {
        Path routes = Files.createDirectories(mounted.resolve("routes"));
        try (Stream<Path> packaged = Files.list(Path.of("routes"))) {
            for (Path route : packaged.filter(p -> p.toString().endsWith(".camel.yaml")).toList()) {
                Files.copy(route, routes.resolve(route.getFileName()));
            }
        }
        Files.writeString(routes.resolve("hello.camel.yaml"), """
                - route:
                    id: operator-hello
                    from:
                      uri: platform-http:/operator/hello
                      steps:
                        - setBody:
                            constant: hello from the operator's routes
                """);
        Path topics = mounted.resolve("topics.yaml");
        Files.copy(Path.of("kafka/topics.yaml"), topics);

        try (GatewayHarness harness = GatewayHarness.builder().accounts(TestFleet.ALICE)
                .setting("fleetgate.routes-dir", routes.toString())
                .setting("fleetgate.kafka.topics-file", topics.toString()).start()) {
            var hello = harness.get("/operator/hello", null);
            assertThat(hello.statusCode()).isEqualTo(200);
            assertThat(new String(hello.body(), StandardCharsets.UTF_8)).isEqualTo("hello from the operator's routes");
            // the copied routes serve as the packaged ones do
            assertThat(harness.get("/api/1/vehicles/" + TestFleet.NA_VIN, TestFleet.ALICE.gatewayToken()).statusCode()).isEqualTo(200);
        }
    }

    /**
     * The packaged routes reach Camel named one by one, from the classes folder (here) or the jar
     * (a jar written here; StartFromAnyDirectoryTest starts the real one): all of the routes folder's
     * files and nothing else, so Camel need not look through every jar of the class path for them.
     */
    @Test
    void thePackagedRoutesAreNamedOneByOne(@TempDir Path work) throws Exception {
        List<String> files;
        try (Stream<Path> packaged = Files.list(Path.of("routes"))) {
            files = packaged.map(p -> p.getFileName().toString()).filter(name -> name.endsWith(".camel.yaml")).sorted().toList();
        }
        assertThat(files).hasSizeGreaterThan(10);
        String expected = String.join(",", files.stream().map(name -> "classpath:routes/" + name).toList());
        assertThat(Preflight.packagedRoutes()).contains(expected);

        Path jar = work.resolve("fleetgate.jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            for (String entry : List.of("routes/", "routes/README.md", "routes/old/", "routes/old/gone.camel.yaml", "kafka/topics.yaml")) {
                out.putNextEntry(new JarEntry(entry));
                out.closeEntry();
            }
            for (String name : files.reversed()) {
                out.putNextEntry(new JarEntry("routes/" + name));
                out.write(Files.readAllBytes(Path.of("routes", name)));
                out.closeEntry();
            }
        }
        assertThat(Preflight.packagedRoutes(jar)).contains(expected);
        assertThat(Preflight.packagedRoutes(work.resolve("missing.jar"))).isEmpty();
    }

    @Test
    void aRoutesFolderThatIsNotThereIsSaidAtOnce(@TempDir Path nowhere) {
        Throwable refused = catchThrowable(() -> GatewayHarness.builder()
                .setting("fleetgate.routes-dir", nowhere.resolve("routes").toString()).start());
        assertThat(messages(refused)).contains("the routes folder " + nowhere.resolve("routes"), "(fleetgate.routes-dir) does not exist");
    }

    @Test
    void aTopicsFileThatIsNotThereIsSaidInOneLine(@TempDir Path nowhere) {
        Throwable refused = catchThrowable(() -> GatewayHarness.builder()
                .setting("fleetgate.kafka.topics-file", nowhere.resolve("topics.yaml").toString()).start());
        assertThat(messages(refused))
                .contains("cannot read the topic declarations at " + nowhere.resolve("topics.yaml"), "fleetgate.kafka.topics-file");
    }

    private static String messages(Throwable refused) {
        StringBuilder messages = new StringBuilder();
        for (Throwable t = refused; t != null; t = t.getCause()) {
            messages.append(t.getMessage()).append('\n');
        }
        return messages.toString();
    }
}
