package io.fleetgate.testing;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.jar.Manifest;

/**
 * Fleetgate ({@code io.fleetgate.app.FleetgateApp}, the jar's main class) as a separate JVM, as an
 * operator runs it: its settings as {@code -D} system properties, its working directory chosen by
 * the test (a fresh temporary folder unless told), its console (stdout and stderr) in a file. The
 * child runs the classes and routes this build just made, packed as a jar, with the test JVM's
 * libraries, and maps the class archive the suite's first child recorded ({@link ChildClassArchive}).
 *
 * <p>By default it listens on loopback only, on free ports: the API ({@link #port()}), the
 * management endpoints ({@link #managementPort()}), the embedded broker and its controller, and
 * with {@code --demo} the simulator. {@link #kill()} is {@code kill -9}; {@link #stop()} is a
 * SIGTERM and waits. A process still running when the test JVM ends is killed.
 *
 * <pre>{@code
 * try (FleetgateProcess fleetgate = FleetgateProcess.builder().arg("--demo").start()) {
 *     fleetgate.awaitReady(Duration.ofSeconds(60));
 *     ... fleetgate.url("/api/1/vehicles") ...
 *     fleetgate.kill();
 * }
 * }</pre>
 */
public final class FleetgateProcess implements AutoCloseable {
    private static final String MAIN_CLASS = "io.fleetgate.app.FleetgateApp";

    private final Process process;
    private final Thread killOnExit;
    private final Map<String, String> settings;
    private final Path workingDirectory;
    private final boolean ownsDirectory;
    private final Path outputFile;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private FleetgateProcess(Process process, Thread killOnExit, Map<String, String> settings, Path workingDirectory,
                             boolean ownsDirectory, Path outputFile) {
        this.process = process;
        this.killOnExit = killOnExit;
        this.settings = settings;
        this.workingDirectory = workingDirectory;
        this.ownsDirectory = ownsDirectory;
        this.outputFile = outputFile;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Started with these settings (on top of the builder's loopback and free-port defaults) and arguments. */
    public static FleetgateProcess start(Map<String, String> settings, String... args) {
        return builder().settings(settings).args(args).start();
    }

    /**
     * Waits until {@code /observe/health/ready} on the management port answers 200.
     *
     * @throws IllegalStateException when the process ends first, or the time runs out (with the
     *         end of its console)
     */
    public FleetgateProcess awaitReady(Duration timeout) {
        HttpRequest ready = HttpRequest.newBuilder(URI.create(managementUrl("/observe/health/ready")))
                .timeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("Fleetgate ended with exit code " + process.exitValue()
                        + " before it was ready; its console:\n" + tail(40));
            }
            try {
                if (http.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return this;
                }
            } catch (IOException notYet) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            sleep(100);
        }
        throw new IllegalStateException("Fleetgate not ready within " + timeout + "; its console:\n" + tail(40));
    }

    /** Waits at most {@code timeout} for the process to end: its exit code, or empty while it still runs. */
    public OptionalInt awaitExit(Duration timeout) {
        try {
            if (process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                return OptionalInt.of(process.exitValue());
            }
            return OptionalInt.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** {@code kill -9}: no shutdown hook, no goodbye; returns once the process is gone. */
    public void kill() {
        process.destroyForcibly();
        if (awaitExit(Duration.ofSeconds(30)).isEmpty()) {
            throw new IllegalStateException("Fleetgate (pid " + pid() + ") survived SIGKILL for 30 s");
        }
    }

    /** SIGSTOP: every thread stands still (as in a frozen VM or a long pause) until {@link #resume()}. */
    public void pause() {
        signal("STOP");
    }

    /** SIGCONT after {@link #pause()}. */
    public void resume() {
        signal("CONT");
    }

    private void signal(String name) {
        try {
            int exit = new ProcessBuilder("kill", "-" + name, Long.toString(pid())).inheritIO().start().waitFor();
            if (exit != 0) {
                throw new IllegalStateException("kill -" + name + " " + pid() + " exited " + exit);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** SIGTERM, as Kubernetes stops a pod, and waits up to 60 s for the exit (then SIGKILL); the exit code. */
    public int stop() {
        process.destroy();
        OptionalInt exit = awaitExit(Duration.ofSeconds(60));
        if (exit.isPresent()) {
            return exit.getAsInt();
        }
        kill();
        throw new IllegalStateException("Fleetgate (pid " + pid() + ") did not stop within 60 s of SIGTERM; killed");
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** The exit code once the process has ended; empty while it runs. */
    public OptionalInt exitCode() {
        return process.isAlive() ? OptionalInt.empty() : OptionalInt.of(process.exitValue());
    }

    /** Everything it printed so far, stdout and stderr interleaved. */
    public String output() {
        try {
            return Files.readString(outputFile, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public List<String> outputLines() {
        return output().lines().toList();
    }

    public Path outputFile() {
        return outputFile;
    }

    public Path workingDirectory() {
        return workingDirectory;
    }

    /** The settings it was started with, defaults included (ports, hosts, data folder). */
    public Map<String, String> settings() {
        return Map.copyOf(settings);
    }

    public int port() {
        return Integer.parseInt(settings.get("camel.server.port"));
    }

    public int managementPort() {
        return Integer.parseInt(settings.get("camel.management.port"));
    }

    public String url(String pathAndQuery) {
        return "http://127.0.0.1:" + port() + pathAndQuery;
    }

    public String managementUrl(String path) {
        return "http://127.0.0.1:" + managementPort() + path;
    }

    /**
     * Kills the process when it still runs, and deletes its working directory when the builder
     * made it (one the test chose stays: a second process may start on the same data).
     */
    @Override
    public void close() {
        if (process.isAlive()) {
            kill();
        }
        try {
            Runtime.getRuntime().removeShutdownHook(killOnExit);
        } catch (IllegalStateException shuttingDown) {
            // the hook runs anyway, on a process already gone
        }
        if (ownsDirectory) {
            try (var files = Files.walk(workingDirectory)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException ignored) {
                // a temp folder left behind is harmless
            }
        }
    }

    private String tail(int lines) {
        List<String> all = outputLines();
        return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * The test JVM's classpath. Surefire runs tests from a manifest-only booter jar but sets
     * {@code java.class.path} to the real entries; should it not, the booter's manifest Class-Path
     * names them.
     */
    public static String classpath() {
        String classpath = System.getProperty("java.class.path");
        String[] entries = classpath.split(File.pathSeparator);
        if (entries.length != 1 || !entries[0].endsWith(".jar") || !entries[0].contains("surefire")) {
            return classpath;
        }
        try (JarFile booter = new JarFile(entries[0])) {
            Manifest manifest = booter.getManifest();
            String manifestPath = manifest == null ? null : manifest.getMainAttributes().getValue("Class-Path");
            if (manifestPath == null) {
                return classpath;
            }
            List<String> real = new ArrayList<>();
            URI base = Path.of(entries[0]).toUri();
            for (String entry : manifestPath.trim().split("\\s+")) {
                real.add(Path.of(base.resolve(entry)).toString());
            }
            return String.join(File.pathSeparator, real);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the surefire booter's manifest " + entries[0], e);
        }
    }

    public static final class Builder {
        private final Map<String, String> settings = new LinkedHashMap<>();
        private final List<String> args = new ArrayList<>();
        private final List<String> jvmOptions = new ArrayList<>();
        private Path workingDirectory;
        private boolean recording;

        /** A setting, passed as {@code -Dkey=value}; wins over the defaults. */
        public Builder setting(String key, String value) {
            settings.put(key, value);
            return this;
        }

        public Builder settings(Map<String, String> more) {
            settings.putAll(more);
            return this;
        }

        /** A program argument, e.g. {@code --demo}. */
        public Builder arg(String arg) {
            args.add(arg);
            return this;
        }

        public Builder args(String... more) {
            args.addAll(List.of(more));
            return this;
        }

        /** A JVM option before the main class, e.g. {@code -Xmx256m}. */
        public Builder jvmOption(String option) {
            jvmOptions.add(option);
            return this;
        }

        Builder jvmOptions(List<String> more) {
            jvmOptions.addAll(more);
            return this;
        }

        /** The process that records the child class archive: it runs without one. */
        Builder recording() {
            recording = true;
            return this;
        }

        /**
         * Where it runs (its data/ and its console file go there); a fresh temporary folder when
         * not given, deleted on {@link FleetgateProcess#close()}. Give the same folder to a second
         * process to restart on the same data.
         */
        public Builder workingDirectory(Path directory) {
            this.workingDirectory = directory;
            return this;
        }

        public FleetgateProcess start() {
            try {
                Path dir = workingDirectory != null ? workingDirectory : Files.createTempDirectory("fleetgate-process");
                Files.createDirectories(dir);
                Map<String, String> all = new LinkedHashMap<>();
                all.put("camel.server.host", "127.0.0.1");
                all.put("camel.server.port", String.valueOf(GatewayHarness.freePort()));
                all.put("camel.management.host", "127.0.0.1");
                all.put("camel.management.port", String.valueOf(GatewayHarness.freePort()));
                // fixed, not 0: a restart in the same folder finds its broker at the same address
                all.put("fleetgate.kafka.embedded.port", String.valueOf(GatewayHarness.freePort()));
                all.put("fleetgate.kafka.embedded.controller-port", String.valueOf(GatewayHarness.freePort()));
                all.put("fleetgate.demo.simulator-port", "0");
                all.putAll(settings);

                List<String> command = new ArrayList<>();
                command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
                // as bin/fleetgate (and for native access the jar's manifest) runs it: no JDK warnings when
                // the lz4 library or Netty's buffers are first used, which an outage test would count
                command.add("--enable-native-access=ALL-UNNAMED");
                if (Runtime.version().feature() >= 23) {
                    command.add("--sun-misc-unsafe-memory-access=allow");
                }
                // the build's choice for test JVMs (pom.xml: C1 only), before the test's own
                for (String option : System.getProperty("fleetgate.test.child-jvm-options", "").trim().split("\\s+")) {
                    if (!option.isEmpty()) {
                        command.add(option);
                    }
                }
                Optional<ChildClassArchive> archive = ChildClassArchive.forThisBuild();
                if (!recording) {
                    archive.ifPresent(classData -> command.addAll(classData.nextStartOptions()));
                }
                command.addAll(jvmOptions);
                all.forEach((key, value) -> command.add("-D" + key + "=" + value));
                command.add("-cp");
                command.add(archive.map(ChildClassArchive::classpath).orElseGet(FleetgateProcess::classpath));
                command.add(MAIN_CLASS);
                command.addAll(args);

                Path output = Files.createTempFile(dir, "fleetgate-console-", ".log");
                ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile())
                        .redirectErrorStream(true).redirectOutput(output.toFile());
                // the test JVM's own settings must not leak into the child (only -D above counts)
                builder.environment().keySet().removeIf(name -> name.startsWith("FLEETGATE_") || name.startsWith("CAMEL_"));
                builder.environment().remove("JDK_JAVA_OPTIONS");
                builder.environment().remove("JAVA_TOOL_OPTIONS");
                Process process = builder.start();
                // a test JVM that ends (or is stopped) early must leave no Fleetgate behind
                Thread killOnExit = new Thread(process::destroyForcibly, "fleetgate-process-kill");
                Runtime.getRuntime().addShutdownHook(killOnExit);
                return new FleetgateProcess(process, killOnExit, all, dir, workingDirectory == null, output);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot start Fleetgate as a process", e);
            }
        }
    }
}
