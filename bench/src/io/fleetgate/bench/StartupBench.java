package io.fleetgate.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Time from {@code java -jar} to the first proxied request answered 200, and resident memory once idle. */
final class StartupBench {
    private final Bench bench;

    StartupBench(Bench bench) {
        this.bench = bench;
    }

    Map<String, Object> run() throws Exception {
        int runs = Integer.getInteger("startup.runs", bench.quick ? 1 : 3);
        int idleSeconds = Integer.getInteger("startup.idle-seconds", 5);
        List<Long> readyMillis = new ArrayList<>();
        List<Long> rssMb = new ArrayList<>();
        List<Long> idleCpuPercent = new ArrayList<>();
        int settledSeconds = Integer.getInteger("startup.settled-seconds", bench.quick ? 0 : 60);
        int settledWindowSeconds = Integer.getInteger("startup.settled-window-seconds", 20);
        Map<String, Object> settled = null;
        for (int run = 1; run <= runs; run++) {
            try (FleetgateProcess gateway = bench.startFleetgate("startup-" + run, List.of())) {
                readyMillis.add(gateway.readyMillis);
                Thread.sleep(1000); // the tail of start-up (JIT, first metadata refreshes)
                long cpuBefore = FleetgateProcess.cpuMillis(gateway.process.toHandle());
                Thread.sleep(idleSeconds * 1000L);
                idleCpuPercent.add((FleetgateProcess.cpuMillis(gateway.process.toHandle()) - cpuBefore) * 100 / (idleSeconds * 1000L));
                rssMb.add(gateway.rssBytes() / (1024 * 1024));
                Bench.say("start-up %d: ready after %d ms, idle RSS %d MB, idle CPU %d %% of a core", run, gateway.readyMillis,
                        rssMb.getLast(), idleCpuPercent.getLast());
                if (run == 1 && settledSeconds > 0) {
                    settled = leftAlone(gateway, settledSeconds - 1 - idleSeconds, settledWindowSeconds);
                    settled.put("after_ready_s", settledSeconds);
                    Bench.say("start-up 1, left alone %d s after ready: %s", settledSeconds, settled);
                }
            }
        }
        // the same through the launcher (bin/fleetgate), as README starts Fleetgate: its first start
        // records and writes the ahead-of-time cache when it stops, the next ones map it
        int cachedRuns = Integer.getInteger("startup.cached-runs", bench.quick ? 1 : 3);
        List<Long> cachedReadyMillis = new ArrayList<>();
        Path cache = bench.work.resolve("aot/fleetgate.aot");
        String cachedOptions = "";
        if (cachedRuns > 0) {
            try (FleetgateProcess training = bench.startFleetgate("startup-cache-training", bench.settings, List.of(), cache)) {
                Bench.say("start-up through the launcher, recording its cache: ready after %d ms", training.readyMillis);
            }
            cachedOptions = Files.isRegularFile(cache) ? String.format(java.util.Locale.ROOT, "bin/fleetgate's AOT cache, %d MB", Files.size(cache) / (1024 * 1024))
                    : "bin/fleetgate wrote no cache (see fleetgate-startup-cache-training.log)";
            for (int run = 1; run <= cachedRuns; run++) {
                try (FleetgateProcess gateway = bench.startFleetgate("startup-cached-" + run, bench.settings, List.of(), cache)) {
                    cachedReadyMillis.add(gateway.readyMillis);
                    Bench.say("start-up through the launcher with its cache %d: ready after %d ms", run, gateway.readyMillis);
                }
            }
        }
        // and as an operator restarts it: the launcher's cache and the data of the start before (the
        // embedded broker's log, the usage roll-ups' state), after a SIGTERM; the first start lays the data
        int restartRuns = Integer.getInteger("startup.restart-runs", bench.quick ? 1 : 3);
        List<Long> restartReadyMillis = new ArrayList<>();
        if (cachedRuns > 0 && restartRuns > 0 && Files.isRegularFile(cache)) {
            Map<String, String> kept = new LinkedHashMap<>(bench.settings);
            kept.put("fleetgate.kafka.embedded.data-dir", Files.createTempDirectory(bench.work, "kafka-restart-").toString());
            kept.put("fleetgate.usage.state-dir", bench.work.resolve("usage-state-restart").toString());
            for (int run = 0; run <= restartRuns; run++) {
                try (FleetgateProcess gateway = bench.startFleetgate("startup-restart-" + run, kept, List.of(), cache)) {
                    if (run > 0) {
                        restartReadyMillis.add(gateway.readyMillis);
                        Bench.say("start-up again on the data of the start before, with the cache, %d: ready after %d ms", run, gateway.readyMillis);
                    }
                }
            }
        }
        if (bench.profiler != null) {
            // one more start, not counted: sampled from the JVM's first instruction to the first proxied 200
            try (FleetgateProcess profiled = bench.startFleetgate("startup-profiled", bench.profiler.fromLaunch("startup"))) {
                bench.profiler.stop(profiled.process.pid(), "startup");
            }
        }
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("runs", runs);
        r.put("ready_ms", readyMillis);
        r.put("ready_ms_median", median(readyMillis));
        r.put("idle_rss_mb", rssMb);
        r.put("idle_rss_mb_median", median(rssMb));
        r.put("idle_seconds_before_rss", idleSeconds);
        r.put("idle_cpu_percent_of_a_core", idleCpuPercent);
        if (settled != null) {
            r.put("left_alone", settled);
        }
        if (!cachedReadyMillis.isEmpty()) {
            r.put("cached_options", cachedOptions);
            r.put("cached_ready_ms", cachedReadyMillis);
            r.put("cached_ready_ms_median", median(cachedReadyMillis));
        }
        if (!restartReadyMillis.isEmpty()) {
            r.put("restart_ready_ms", restartReadyMillis);
            r.put("restart_ready_ms_median", median(restartReadyMillis));
        }
        r.put("ready_means", "first GET /api/1/vehicles through Fleetgate answered 200 (simulator upstream), timed from process spawn");
        r.put("jvm_options", "none (JVM defaults), fresh embedded Kafka data folder each run");
        return r;
    }

    /**
     * What a Fleetgate costs with no traffic once the start's compiling is over: CPU over the window,
     * and its Kafka clients' requests (each one the embedded broker answers as well).
     */
    private static Map<String, Object> leftAlone(FleetgateProcess gateway, int waitSeconds, int windowSeconds) throws Exception {
        Thread.sleep(Math.max(0, waitSeconds) * 1000L);
        long cpuBefore = FleetgateProcess.cpuMillis(gateway.process.toHandle());
        Thread.sleep(windowSeconds * 1000L);
        long cpuMillis = FleetgateProcess.cpuMillis(gateway.process.toHandle()) - cpuBefore;
        Map<String, Double> requests = gateway.kafkaRequestRates();
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("window_s", windowSeconds);
        r.put("cpu_ms_per_s", Math.round(cpuMillis / (double) windowSeconds));
        r.put("kafka_requests_per_s", Math.round(requests.values().stream().mapToDouble(Double::doubleValue).sum() * 10) / 10.0);
        r.put("kafka_requests_per_s_by_client", requests);
        return r;
    }

    static long median(List<Long> values) {
        List<Long> sorted = values.stream().sorted().toList();
        return sorted.get(sorted.size() / 2);
    }
}
