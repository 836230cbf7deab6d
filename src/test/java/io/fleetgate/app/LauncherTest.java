package io.fleetgate.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.fleetgate.testing.ClassesJar;
import io.fleetgate.testing.GatewayHarness;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.Manifest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/fleetgate}, the launcher README starts Fleetgate with: it finds a JDK 21+, and on JDK
 * 25 its first start records an ahead-of-time cache that it writes when stopped; the next start
 * maps it ({@code -XX:AOTMode=on} makes that start fail if the cache were unusable). The jar is
 * built here the way the package phase lays it out (classes, and lib/ named by the manifest),
 * since the tests run before that phase.
 */
class LauncherTest {

    @Test
    void theSecondStartMapsTheCacheTheFirstWrote(@TempDir Path folder) throws Exception {
        // JDK 21-24 get a class-data-sharing archive instead, which this test does not cover
        assumeTrue(Runtime.version().feature() >= 25, "the ahead-of-time cache needs JDK 25");
        Path jar = fleetgateJar(folder.resolve("app"));
        Path cache = folder.resolve("aot/fleetgate.aot");

        // a start that fails at once leaves a cache of the few classes it loaded: the next start records anew
        Start failed = start(folder, jar, cache, "", "--no-such-option");
        assertThat(failed.process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(failed.process.exitValue()).isEqualTo(2);

        Start first = start(folder, jar, cache, "");
        first.awaitReady();
        first.stop();
        assertThat(first.process.exitValue()).as("exit code after SIGTERM; see %s", first.log).isIn(0, 143);
        assertThat(cache).as("the cache the first start wrote when it stopped; see %s", first.log).isNotEmptyFile();
        assertThat(Files.size(cache)).as("a serving Fleetgate's cache, not the failed start's").isGreaterThan(48L * 1024 * 1024);

        Start second = start(folder, jar, cache, "-XX:AOTMode=on");
        second.awaitReady();
        // once ready the JIT's compilers run level with the application's threads (below them only while it starts)
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(ThreadNice.byThread(second.process.pid())).as("nice by thread")
                        .containsEntry("C1 CompilerThre", 0).containsEntry("C2 CompilerThre", 0)
                        .containsEntry("VM Thread", 0).containsEntry("java", 0));
        second.stop();
        assertThat(Files.readString(second.log)).doesNotContainIgnoringCase("unable to use").doesNotContain("AOTCacheOutput");
        // a read was answered and audited (lz4-compressed: the native library loaded), then Fleetgate stopped
        for (Start start : List.of(first, second)) {
            assertThat(Files.readString(start.log)).as("JDK warnings in %s", start.log)
                    .doesNotContain("WARNING: A restricted method").doesNotContain("sun.misc.Unsafe");
        }
    }

    private record Start(Process process, Path log, int port) {
        void awaitReady() throws Exception {
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
            HttpRequest probe = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/1/vehicles"))
                    .header("Authorization", "Bearer demo-token").timeout(Duration.ofSeconds(10)).build();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
            while (System.nanoTime() < deadline) {
                if (!process.isAlive()) {
                    throw new AssertionError("the launcher's Fleetgate exited with " + process.exitValue() + "; its output ends:\n" + tail());
                }
                try {
                    if (http.send(probe, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                        return;
                    }
                } catch (IOException notYet) {
                    // not listening yet
                }
                Thread.sleep(100);
            }
            throw new AssertionError("not ready within 90 s; its output ends:\n" + tail());
        }

        String tail() throws IOException {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        }

        void stop() throws InterruptedException {
            process.destroy();
            // writing the cache takes seconds more on 2 cores
            if (!process.waitFor(90, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
                throw new AssertionError("did not stop within 90 s of SIGTERM; see " + log);
            }
        }
    }

    private static Start start(Path folder, Path jar, Path cache, String extraJvmOptions) throws IOException {
        return start(folder, jar, cache, extraJvmOptions, "--demo");
    }

    private static Start start(Path folder, Path jar, Path cache, String extraJvmOptions, String argument) throws IOException {
        int port = GatewayHarness.freePort();
        List<String> options = List.of("-Dcamel.server.host=127.0.0.1", "-Dcamel.server.port=" + port,
                "-Dcamel.management.port=" + GatewayHarness.freePort(),
                // below the ephemeral range (port 0 here was a port free a moment before the broker
                // bound it, which an outgoing connection took once: the broker's start failed)
                "-Dfleetgate.kafka.embedded.port=" + GatewayHarness.freePort(),
                "-Dfleetgate.kafka.embedded.controller-port=" + GatewayHarness.freePort(), "-Dfleetgate.demo.simulator-port=0",
                extraJvmOptions);
        Path log = Files.createTempFile(folder, "launcher-", ".log");
        ProcessBuilder builder = new ProcessBuilder(Path.of("bin/fleetgate").toAbsolutePath().toString(), argument)
                .directory(folder.toFile()).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().keySet().removeIf(name -> name.startsWith("FLEETGATE_") || name.startsWith("CAMEL_"));
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        builder.environment().put("FLEETGATE_JAR", jar.toString());
        builder.environment().put("FLEETGATE_AOT_CACHE", cache.toString());
        builder.environment().put("JDK_JAVA_OPTIONS", String.join(" ", options).trim());
        return new Start(builder.start(), log, port);
    }

    /** target/classes as fleetgate.jar, its libraries in lib/ next to it, as mvn package makes them. */
    private static Path fleetgateJar(Path dir) throws IOException {
        Path lib = Files.createDirectories(dir.resolve("lib"));
        ClassesJar.BuildClasspath build = ClassesJar.BuildClasspath.ofTestJvm();
        assertThat(build.classes()).as("target/classes on the test classpath").isNotNull();
        List<String> classPath = new ArrayList<>();
        for (Path library : build.libraries()) {
            Path link = lib.resolve(library.getFileName());
            if (!Files.exists(link)) {
                Files.createSymbolicLink(link, library);
                classPath.add("lib/" + library.getFileName());
            }
        }
        Manifest manifest = ClassesJar.manifest();
        manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, FleetgateApp.class.getName());
        manifest.getMainAttributes().put(Attributes.Name.CLASS_PATH, String.join(" ", classPath));
        Path jar = dir.resolve("fleetgate.jar");
        ClassesJar.write(build.classes(), jar, manifest);
        return jar;
    }
}
