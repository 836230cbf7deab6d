package io.fleetgate.testing;

import io.fleetgate.app.EmbeddedKafka;
import io.fleetgate.sim.FleetApiSimulator;
import io.fleetgate.sim.SimulatedFleet;
import io.fleetgate.sim.SimulatorConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * For tests that kill Fleetgate with {@code kill -9}: a broker and a simulator in the test JVM that
 * outlive the Fleetgate processes, the accounts file, and the settings every process starts with
 * (the test settings, each process on free ports of its own, the shared external broker). Each
 * process runs in a folder of its own ({@link #start(String)}); starting one again in the same
 * folder is a restart on its data. {@link #close()} kills what still runs and deletes it all.
 */
public final class CrashRig implements AutoCloseable {
    public static final Duration START = Duration.ofSeconds(90);

    private final Path dir;
    private final EmbeddedKafka kafka;
    private final FleetApiSimulator simulator;
    private final Map<String, String> settings;
    private final List<FleetgateProcess> processes = new ArrayList<>();

    public CrashRig(SimulatedFleet fleet, TestAccount... accounts) {
        try {
            dir = Files.createTempDirectory("fleetgate-crash");
            kafka = EmbeddedKafka.start(dir.resolve("broker"), GatewayHarness.freePort(), GatewayHarness.freePort());
            simulator = FleetApiSimulator.start(SimulatorConfig.ephemeral(fleet));
            StringBuilder yaml = new StringBuilder("accounts:\n");
            for (TestAccount account : accounts) {
                yaml.append(account.yaml());
            }
            Path accountsFile = Files.writeString(dir.resolve("accounts.yaml"), yaml);
            settings = new HashMap<>(GatewayHarness.testSettings(simulator, dir, accountsFile));
            // each process picks its own free ports (FleetgateProcess), and none has a broker of its own
            settings.keySet().removeIf(name -> name.endsWith(".port") || name.startsWith("fleetgate.kafka.embedded."));
            settings.put("fleetgate.kafka.bootstrap-servers", kafka.bootstrapServers());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A setting for every process started from now on. */
    public CrashRig setting(String key, String value) {
        settings.put(key, value);
        return this;
    }

    public CrashRig settings(Map<String, String> more) {
        settings.putAll(more);
        return this;
    }

    /** Starts Fleetgate in the folder {@code name} (again: a restart on its data) and waits until it is ready. */
    public FleetgateProcess start(String name) {
        return startAll(name).get(0);
    }

    /** Starts one Fleetgate per folder name, all at once, and waits until each is ready. */
    public List<FleetgateProcess> startAll(String... names) {
        List<FleetgateProcess> started = new ArrayList<>();
        try {
            for (String name : names) {
                FleetgateProcess process = FleetgateProcess.builder().settings(settings)
                        .workingDirectory(Files.createDirectories(dir.resolve(name))).start();
                processes.add(process);
                started.add(process);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        started.forEach(process -> process.awaitReady(START));
        return started;
    }

    /** The value of one series of the process's {@code /observe/metrics} (Prometheus names and labels); 0 when it has none. */
    public static double metric(FleetgateProcess process, String series) {
        try {
            String body = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create(process.managementUrl("/observe/metrics"))).timeout(Duration.ofSeconds(10)).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString()).body();
            return body.lines().filter(line -> line.startsWith(series + " "))
                    .mapToDouble(line -> Double.parseDouble(line.substring(series.length() + 1).trim())).findFirst().orElse(0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public String bootstrapServers() {
        return kafka.bootstrapServers();
    }

    public FleetApiSimulator simulator() {
        return simulator;
    }

    public Path dir() {
        return dir;
    }

    @Override
    public void close() {
        processes.forEach(FleetgateProcess::close);
        simulator.close();
        kafka.close();
        GatewayHarness.deleteQuietly(dir);
    }
}
