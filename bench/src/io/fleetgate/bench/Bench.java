package io.fleetgate.bench;

import io.fleetgate.account.GatewayToken;
import io.fleetgate.sim.FleetApiSimulator;
import io.fleetgate.sim.SimUser;
import io.fleetgate.sim.SimVehicle;
import io.fleetgate.sim.SimulatedFleet;
import io.fleetgate.sim.SimulatorConfig;
import io.fleetgate.sim.VehicleState;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;

/**
 * The benchmark suite behind {@code bench/run}: one simulator (in this JVM), Fleetgate as its own
 * process ({@code java -jar target/fleetgate.jar}), and the sections named in {@code bench.sections}.
 * Sizes come from system properties (see bench/run); results go to bench/results/.
 */
public final class Bench {
    static final String ACCOUNT = "bench";
    static final String TESLA_TOKEN = "tesla-token-bench";
    static final String GATEWAY_TOKEN = "gw-bench-token";
    static final String READ_VIN = "5YJ3E1EA7KR000001";

    final Path repo;
    final Path work;
    final Path out;
    final boolean quick;
    final FleetApiSimulator simulator;
    final List<String> kafkaVins;
    final List<String> stormVins;
    /** vehicles of the storm that warms Fleetgate's JIT before the measured one: never the measured ones */
    final List<String> stormWarmVins;
    final int stormWakeDelay;
    final List<String> chaosVins;
    final int chaosWakeDelay;
    final Map<String, String> settings = new LinkedHashMap<>();
    /** async-profiler, with {@code --profile}; else null. */
    final Profiler profiler;

    private Bench(Path repo, boolean quick) throws IOException {
        this.repo = repo;
        this.quick = quick;
        this.out = repo.resolve("bench/results");
        this.work = repo.resolve("bench/target/work");
        Files.createDirectories(out);
        Files.createDirectories(work);
        profiler = Profiler.fromSettings(work, out);
        int kafkaVehicles = Integer.getInteger("kafka.vehicles", quick ? 100 : 500);
        int stormVehicles = Integer.getInteger("storm.vehicles", quick ? 500 : 5000);
        stormWakeDelay = Integer.getInteger("storm.wake-delay", 2);
        kafkaVins = IntStream.range(0, kafkaVehicles).mapToObj(n -> "5YJ3E1EA7KK" + String.format("%06d", n)).toList();
        stormVins = IntStream.range(0, stormVehicles).mapToObj(n -> "5YJ3E1EA7KS" + String.format("%06d", n)).toList();
        stormWarmVins = IntStream.range(0, Integer.getInteger("storm.warm-vehicles", quick ? 200 : 2000))
                .mapToObj(n -> "5YJ3E1EA7KW" + String.format("%06d", n)).toList();
        chaosWakeDelay = Integer.getInteger("chaos.wake-delay", 2);
        chaosVins = IntStream.range(0, Integer.getInteger("chaos.vehicles", quick ? 100 : 500))
                .mapToObj(n -> "5YJ3E1EA7KC" + String.format("%06d", n)).toList();

        SimulatedFleet fleet = new SimulatedFleet();
        fleet.addUser(SimUser.of(ACCOUNT, "na", TESLA_TOKEN));
        long id = 700_000L;
        fleet.addVehicle(SimVehicle.of(READ_VIN, id++, "Read", ACCOUNT, VehicleState.ONLINE));
        for (String vin : kafkaVins) {
            fleet.addVehicle(SimVehicle.of(vin, id++, "Kafka", ACCOUNT, VehicleState.ONLINE));
        }
        for (String vin : stormVins) {
            fleet.addVehicle(SimVehicle.of(vin, id++, "Storm", ACCOUNT, VehicleState.ASLEEP).withWakeDelaySeconds(stormWakeDelay));
        }
        for (String vin : stormWarmVins) {
            fleet.addVehicle(SimVehicle.of(vin, id++, "Storm warm-up", ACCOUNT, VehicleState.ASLEEP).withWakeDelaySeconds(stormWakeDelay));
        }
        for (String vin : chaosVins) {
            fleet.addVehicle(SimVehicle.of(vin, id++, "Chaos", ACCOUNT, VehicleState.ASLEEP).withWakeDelaySeconds(chaosWakeDelay));
        }
        simulator = FleetApiSimulator.start(SimulatorConfig.ephemeral(fleet));

        List<String> vins = new ArrayList<>();
        vins.add(READ_VIN);
        vins.addAll(kafkaVins);
        vins.addAll(stormVins);
        vins.addAll(stormWarmVins);
        vins.addAll(chaosVins);
        Path accounts = work.resolve("accounts.yaml");
        Files.writeString(accounts, "accounts:\n" + accountEntry(ACCOUNT, GATEWAY_TOKEN, vins));
        settings.put("fleetgate.accounts.file", accounts.toString());
        // the accounts file is imported into the accounts topic, whose Tesla tokens are encrypted
        settings.put("fleetgate.accounts.token-encryption-key", io.fleetgate.account.TokenCipher.newKey());
        for (String region : SimulatedFleet.REGIONS) {
            settings.put("fleetgate.regions." + region + ".base-url", simulator.baseUrl(region));
        }
        // limits raised for the run: every request comes from loopback
        settings.put("fleetgate.limits.ip.per-window", "1000000000");
        settings.put("fleetgate.limits.site.per-window", "1000000000");
    }

    /**
     * One account of an accounts file ({@code fleetgate.accounts.file}, under {@code accounts:}): the
     * simulator's Tesla token, every scope, one gateway token (named bench), a subscription of {@code vins}.
     */
    static String accountEntry(String id, String gatewayToken, List<String> vins) {
        return String.join("\n",
                "  - id: " + id,
                "    region: na",
                "    tesla-access-token: " + TESLA_TOKEN,
                "    scopes: [" + String.join(", ", SimUser.ALL_SCOPES) + "]",
                "    gateway-tokens:",
                "      - name: bench",
                "        sha256: " + GatewayToken.hash(gatewayToken),
                "    subscription:",
                "      vins: [" + String.join(", ", vins) + "]",
                "      energy-sites: []",
                "");
    }

    FleetgateProcess startFleetgate(String name, List<String> jvmOptions) throws Exception {
        return startFleetgate(name, settings, jvmOptions);
    }

    FleetgateProcess startFleetgate(String name, Map<String, String> settings, List<String> jvmOptions) throws Exception {
        return startFleetgate(name, settings, jvmOptions, null);
    }

    /** Through the launcher (bin/fleetgate) with its ahead-of-time cache at {@code aotCache}, when not null. */
    FleetgateProcess startFleetgate(String name, Map<String, String> settings, List<String> jvmOptions, Path aotCache) throws Exception {
        List<String> all = new ArrayList<>(jvmOptions);
        if (profiler != null) {
            all.addAll(Profiler.jvmOptions());
        }
        // e.g. -Dbench.fleetgate-jvm-options=-XX:StartFlightRecording=filename=/tmp/fg.jfr to profile
        String extra = System.getProperty("bench.fleetgate-jvm-options", "").trim();
        if (!extra.isEmpty()) {
            all.addAll(List.of(extra.split("\\s+")));
        }
        Map<String, String> own = new LinkedHashMap<>(settings);
        // each replica its own audit journal (a folder is locked by one process); a replica started
        // again under the same name ("chaos-a-2" after "chaos-a-1") finds its journal again
        own.putIfAbsent("fleetgate.audit.journal-dir", work.resolve("journal-" + name.replaceFirst("-\\d+$", "")).toString());
        // and its own Streams state folder (its tasks' locks), not data/ of the repository
        own.putIfAbsent("fleetgate.usage.state-dir", work.resolve("usage-state-" + name).toString());
        return FleetgateProcess.start(name, repo, work, own, all, GATEWAY_TOKEN, aotCache);
    }

    interface Window {
        /** One window of load (5 s; for the storm, one warm-up storm); its measure (req/s, CPU per command, seconds), or NaN when none. */
        double run() throws Exception;
    }

    /**
     * Loads Fleetgate in windows (5 s each, or one warm-up storm) until two in a row after the first agree within {@code tolerance} (and at least
     * {@code minSeconds} have passed), or {@code maxSeconds} have: its JIT on 2 shared cores takes a
     * minute or more of load to settle, and a fixed short warm-up measured the compiler.
     *
     * @return each window's measure
     */
    static List<Double> warmUntilSteady(String what, int minSeconds, int maxSeconds, double tolerance, Window window) throws Exception {
        return warmUntilSteady(what, minSeconds, maxSeconds, tolerance, window, () -> false);
    }

    /**
     * As above, and no window counts as steady while {@code compiling} says the JIT was still busy
     * in it: two windows can agree on a plateau that C2 leaves a minute later.
     */
    static List<Double> warmUntilSteady(String what, int minSeconds, int maxSeconds, double tolerance, Window window,
                                        java.util.function.BooleanSupplier compiling) throws Exception {
        List<Double> measures = new ArrayList<>();
        long started = System.nanoTime();
        while (true) {
            measures.add(window.run());
            long elapsed = java.util.concurrent.TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started);
            int n = measures.size();
            // the first window is the cold one: a second as slow (the host busy) is no sign of a warm JIT
            boolean steady = n >= 3 && Math.abs(measures.get(n - 1) - measures.get(n - 2)) <= tolerance * measures.get(n - 2)
                    && !compiling.getAsBoolean();
            if ((elapsed >= minSeconds && steady) || elapsed >= maxSeconds) {
                say("%s warm after %d s: per window %s", what, elapsed, measures);
                return measures;
            }
        }
    }

    /** The JIT's threads' part of Fleetgate's CPU in a window, from its CPU by thread group (1 when there is none). */
    static double jitShare(Object cpuByThreadGroup) {
        if (!(cpuByThreadGroup instanceof Map<?, ?> byThread)) {
            return 1;
        }
        double all = byThread.values().stream().mapToDouble(v -> ((Number) v).doubleValue()).sum();
        return all > 0 && byThread.get("JIT") instanceof Number jit ? jit.doubleValue() / all : 0;
    }

    /** The last run's results.json, as written. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> readResults(Path file) throws IOException {
        return new com.fasterxml.jackson.databind.ObjectMapper().readValue(file.toFile(), LinkedHashMap.class);
    }

    /** Profiles the process until closed when {@code --profile} asked for it; else does nothing. */
    AutoCloseable profile(ProcessHandle process, String section) throws Exception {
        return profiler == null ? () -> { } : profiler.profile(process.pid(), section);
    }

    /** Handed out already: a port chosen for a process that has not bound it yet is not chosen again. */
    private static final Set<Integer> GIVEN_PORTS = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /**
     * A free port below the kernel's ephemeral range, as the tests' FreePorts: one the kernel gave
     * out for port 0 can go to an outgoing connection before the Fleetgate it is for binds it, and
     * Fleetgate refuses to start without its listener.
     */
    static int freePort() {
        int below = 32_768;
        try {
            below = Integer.parseInt(Files.readAllLines(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).getFirst().trim().split("\\s+")[0]);
        } catch (IOException | RuntimeException unreadable) {
            // Linux's default
        }
        for (int tries = 0; tries < 1_000 && below > 11_000; tries++) {
            int port = java.util.concurrent.ThreadLocalRandom.current().nextInt(10_000, below);
            if (GIVEN_PORTS.add(port)) {
                try (ServerSocket socket = new ServerSocket(port)) {
                    return port;
                } catch (IOException taken) {
                    // another
                }
            }
        }
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static String loadAverage() {
        try {
            String[] parts = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return parts[0] + " " + parts[1] + " " + parts[2];
        } catch (IOException e) {
            return "unknown";
        }
    }

    /** Parks the open-loop generator until its next send's intended time ({@code System.nanoTime()}). */
    static void waitUntil(long intendedNanos) {
        long wait;
        while ((wait = intendedNanos - System.nanoTime()) > 0) {
            java.util.concurrent.locks.LockSupport.parkNanos(wait);
        }
    }

    static void say(String format, Object... args) {
        System.out.printf(format + "%n", args);
        System.out.flush();
    }

    static Map<String, Object> machine() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("cores", Runtime.getRuntime().availableProcessors());
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemTotal:")) {
                    m.put("memory_gib", Math.round(Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0 / 1024.0 * 10) / 10.0);
                }
            }
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    m.put("cpu", line.substring(line.indexOf(':') + 1).trim());
                    break;
                }
            }
        } catch (IOException ignored) {
            // optional details
        }
        m.put("jdk", System.getProperty("java.vm.vendor") + " " + System.getProperty("java.runtime.version"));
        m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
        return m;
    }

    interface Section {
        Map<String, Object> run() throws Exception;
    }

    /** A section that fails is reported as failed; the others still run. */
    private static void section(Map<String, Object> results, String name, Section section) {
        results.remove(name + "_failed");
        try {
            results.put(name, section.run());
            results.put(name + "_at", Instant.now().toString());
        } catch (Exception e) {
            say("%s failed: %s", name, e);
            e.printStackTrace();
            results.put(name + "_failed", String.valueOf(e));
        }
    }

    public static void main(String[] args) throws Exception {
        Path repo = Path.of(System.getProperty("bench.repo", ".")).toAbsolutePath().normalize();
        if (Boolean.getBoolean("bench.report-only")) {
            // draw the summary and plots again from the last results.json
            Path out = repo.resolve("bench/results");
            new Report(out, readResults(out.resolve("results.json"))).write();
            return;
        }
        boolean quick = Boolean.getBoolean("bench.quick");
        String chosen = System.getProperty("bench.sections", "");
        Set<String> sections = Set.of((chosen.isBlank() ? "startup,read,kafka,storm,kills" : chosen).split(","));
        Map<String, Object> results = new LinkedHashMap<>();
        Path lastResults = repo.resolve("bench/results/results.json");
        if (!quick && Files.isRegularFile(lastResults)) {
            // a run keeps the figures of the sections it does not run (each has its own "<name>_at"),
            // the full run those of the opt-in ones (scale, stream, outage)
            results.putAll(readResults(lastResults));
            results.remove("sections_run_last");
            if (!chosen.isBlank()) {
                results.put("sections_run_last", chosen);
            }
        }
        results.put("started_at", Instant.now().toString());
        results.put("quick", quick);
        results.put("machine", machine());
        results.put("load_average_at_start", loadAverage());
        say("Fleetgate benchmarks%s on %s; load average %s", quick ? " (quick sizes)" : "", machine(), loadAverage());
        long began = System.nanoTime();
        Bench bench = new Bench(repo, quick);
        try {
            if (sections.contains("startup")) {
                section(results, "startup", () -> new StartupBench(bench).run());
            }
            if (sections.contains("read") || sections.contains("kafka")) {
                try (FleetgateProcess gateway = bench.startFleetgate("read-kafka", List.of())) {
                    if (sections.contains("read")) {
                        section(results, "read", () -> new ReadPathBench(bench, gateway).run());
                    }
                    if (sections.contains("kafka")) {
                        section(results, "kafka", () -> new KafkaCommandBench(bench, gateway).run());
                    }
                }
            }
            if (sections.contains("storm")) {
                section(results, "storm", () -> new SleepStormBench(bench).run(System.getProperty("storm.xmx", "512m")));
            }
            // chaos: kills, a broker outage and a regional outage under commands; then a long Kafka
            // outage under reads. kills: the first part alone, outage: the second
            if (sections.contains("kills") || sections.contains("chaos")) {
                section(results, "chaos", () -> new ChaosBench(bench).run());
            }
            if (sections.contains("outage") || sections.contains("chaos")) {
                section(results, "outage", () -> new OutageBench(bench).run());
            }
            // not in the default run: -Dbench.sections=scale (0 and 1 M audit events; -Dscale.events=0,1000000,10000000)
            if (sections.contains("scale")) {
                section(results, "scale", () -> new ScaleBench(bench).run());
            }
            // not in the default run: -Dbench.sections=stream (issue 15: 2,000 vehicles at 1 record/s, 510 SSE clients)
            if (sections.contains("stream")) {
                section(results, "stream", () -> new StreamBench(bench).run());
            }
        } finally {
            bench.simulator.close();
        }
        if (bench.profiler != null) {
            // a run of some sections redraws theirs; the others' graphs stay
            @SuppressWarnings("unchecked")
            Map<String, Object> graphs = results.get("flame_graphs") instanceof Map<?, ?> earlier
                    ? new LinkedHashMap<>((Map<String, Object>) earlier) : new LinkedHashMap<>();
            graphs.putAll(bench.profiler.written);
            results.put("flame_graphs", graphs);
        }
        results.put("load_average_at_end", loadAverage());
        results.put("duration_s", Math.round((System.nanoTime() - began) / 1e8) / 10.0);
        new Report(bench.out, results).write();
        say("results written to %s (%.0f s)", bench.out, (System.nanoTime() - began) / 1e9);
        System.exit(0);
    }
}
