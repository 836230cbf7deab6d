package io.fleetgate.bench;

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
            }
        }
        // the same with a class-data-sharing archive: one run writes it at exit, the next ones map it
        int cdsRuns = Integer.getInteger("startup.cds-runs", bench.quick ? 1 : 2);
        List<Long> cdsReadyMillis = new ArrayList<>();
        List<String> cds = List.of("-XX:+AutoCreateSharedArchive", "-XX:SharedArchiveFile=" + bench.work.resolve("fleetgate.jsa"));
        if (cdsRuns > 0) {
            try (FleetgateProcess training = bench.startFleetgate("startup-cds-training", cds)) {
                Bench.say("start-up writing a CDS archive: ready after %d ms", training.readyMillis);
            }
            for (int run = 1; run <= cdsRuns; run++) {
                try (FleetgateProcess gateway = bench.startFleetgate("startup-cds-" + run, cds)) {
                    cdsReadyMillis.add(gateway.readyMillis);
                    Bench.say("start-up with the CDS archive %d: ready after %d ms", run, gateway.readyMillis);
                }
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
        if (!cdsReadyMillis.isEmpty()) {
            r.put("cds_options", String.join(" ", cds).replace(bench.work.toString(), "<dir>"));
            r.put("cds_ready_ms", cdsReadyMillis);
            r.put("cds_ready_ms_median", median(cdsReadyMillis));
        }
        r.put("ready_means", "first GET /api/1/vehicles through Fleetgate answered 200 (simulator upstream), timed from process spawn");
        r.put("jvm_options", "none (JVM defaults), fresh embedded Kafka data folder each run");
        return r;
    }

    static long median(List<Long> values) {
        List<Long> sorted = values.stream().sorted().toList();
        return sorted.get(sorted.size() / 2);
    }
}
