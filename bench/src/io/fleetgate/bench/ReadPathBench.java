package io.fleetgate.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.HdrHistogram.Histogram;

/**
 * GET vehicle_data three ways with the same load generator: straight to the simulator, through
 * nginx as a plain reverse proxy, and through Fleetgate. wrk (closed loop) at several concurrency
 * levels, then a Java open-loop generator at a fixed rate for the latency Fleetgate adds.
 */
final class ReadPathBench {
    private static final String PATH = "/api/1/vehicles/" + Bench.READ_VIN + "/vehicle_data";
    private final Bench bench;
    private final FleetgateProcess gateway;
    private final ObjectMapper json = new ObjectMapper();

    ReadPathBench(Bench bench, FleetgateProcess gateway) {
        this.bench = bench;
        this.gateway = gateway;
    }

    /** {@code process}: whose CPU time is charged to this target (null: not measured). */
    record Target(String name, String url, String token, ProcessHandle process) {
    }

    Map<String, Object> run() throws Exception {
        List<Integer> levels = Arrays.stream(System.getProperty("read.concurrency", bench.quick ? "16" : "8,32,128").split(","))
                .map(String::trim).map(Integer::parseInt).toList();
        int seconds = Integer.getInteger("read.seconds", bench.quick ? 3 : 8);
        int warmSeconds = Integer.getInteger("read.warm-seconds", bench.quick ? 3 : 45);
        int warmMaxSeconds = Integer.getInteger("read.warm-max-seconds", bench.quick ? 10 : 150);
        // each level is loaded unmeasured first, every target alike: a new concurrency sends the JIT
        // back to work (13-16 us of C2 per read at c=128, measured right after c=32)
        int levelWarmSeconds = Integer.getInteger("read.level-warm-seconds", bench.quick ? 0 : 3);
        int fixedRate = Integer.getInteger("read.fixed-rate", 200);
        int fixedSeconds = Integer.getInteger("read.fixed-seconds", bench.quick ? 2 : 4);
        int fixedWarmMaxSeconds = Integer.getInteger("read.fixed-warm-max-seconds", bench.quick ? 5 : 90);
        String simBase = bench.simulator.baseUrl("na");
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("request", "GET " + PATH + " (all sections)");
        List<Target> targets = new ArrayList<>();
        targets.add(new Target("direct", simBase + PATH, Bench.TESLA_TOKEN, null));
        Nginx nginx = null;
        try {
            nginx = Nginx.start(bench.work, Integer.parseInt(simBase.substring(simBase.lastIndexOf(':') + 1)));
            targets.add(new Target("nginx", "http://127.0.0.1:" + nginx.port + PATH, Bench.TESLA_TOKEN, nginx.process.toHandle()));
            r.put("nginx", nginx.version);
        } catch (Exception e) {
            Bench.say("nginx skipped: %s", e.getMessage());
            r.put("nginx", "skipped: " + e.getMessage());
        }
        targets.add(new Target("fleetgate", gateway.url(PATH), Bench.GATEWAY_TOKEN, gateway.process.toHandle()));
        try {
            String wrk = which("wrk");
            if (wrk == null) {
                Bench.say("read path throughput skipped: wrk is not installed (apt-get install -y wrk)");
                r.put("throughput", "skipped: wrk not installed");
            } else {
                r.put("generator", "wrk -t2 -c<concurrency> -d" + seconds + "s (closed loop, keep-alive)");
                r.put("seconds_per_level", seconds);
                r.put("fleetgate_warm_up", "wrk -c32 in 5 s windows, at least " + warmSeconds + " s and until two windows in a row"
                        + " differ by under 5 % with the JIT under 5 % of Fleetgate's CPU (at most " + warmMaxSeconds + " s), before the first level (others 2 s); each level"
                        + " loaded unmeasured for " + levelWarmSeconds + " s first");
                Map<String, Object> throughput = new LinkedHashMap<>();
                for (Target target : targets) {
                    // warm-up: connection pools, and for Fleetgate the JIT, whose C2 compiles take
                    // seconds of CPU on 2 cores: measured cold, the first level paid for them
                    if (target.name.equals("fleetgate")) {
                        // steady only once the JIT is under 5 % of Fleetgate's CPU: two windows could agree on a plateau
                        Map<String, Object>[] lastWindow = new Map[1];
                        r.put("fleetgate_warm_up_windows", Bench.warmUntilSteady("read fleetgate", warmSeconds, warmMaxSeconds, 0.05,
                                () -> (Double) (lastWindow[0] = wrk(wrk, target, 32, 5)).get("requests_per_s"),
                                () -> {
                                    double jit = Bench.jitShare(lastWindow[0].get("cpu_us_per_request_by_thread"));
                                    Bench.say("read warm-up window: %s req/s, the JIT %.0f %% of Fleetgate's CPU",
                                            lastWindow[0].get("requests_per_s"), jit * 100);
                                    return jit >= 0.05;
                                }));
                        bench.simulator.clearRequests();
                    } else {
                        wrk(wrk, target, 32, 2);
                    }
                    List<Map<String, Object>> rows = new ArrayList<>();
                    // with --profile: Fleetgate's measured levels, after its warm-up
                    try (AutoCloseable profiling = target.name.equals("fleetgate") ? bench.profile(target.process, "read") : () -> { }) {
                        for (int c : levels) {
                            if (levelWarmSeconds > 0) {
                                wrk(wrk, target, c, levelWarmSeconds);
                            }
                            Map<String, Object> row = wrk(wrk, target, c, seconds);
                            rows.add(row);
                            Bench.say("read %-9s c=%-4d %8.0f req/s  p50 %6.2f ms  p99 %6.2f ms  p99.9 %6.2f ms  errors %s  proxy CPU ms/request %s",
                                    target.name, c, row.get("requests_per_s"), row.get("p50_ms"), row.get("p99_ms"), row.get("p999_ms"), row.get("errors"),
                                    row.getOrDefault("proxy_cpu_ms_per_request", "-"));
                            if (row.containsKey("cpu_us_per_request_by_thread")) {
                                Bench.say("read %-9s c=%-4d CPU µs per request by thread: %s; busy event loops %s", target.name, c,
                                        row.get("cpu_us_per_request_by_thread"), row.get("busy_event_loops"));
                            }
                            bench.simulator.clearRequests();
                        }
                    }
                    throughput.put(target.name, rows);
                }
                r.put("throughput", throughput);
            }
            // rounds alternate the targets, so a burst of the machine's other work hits all of them alike
            int rounds = Integer.getInteger("read.fixed-rounds", bench.quick ? 2 : 5);
            Map<String, Object> fixed = new LinkedHashMap<>();
            fixed.put("generator", "Java open loop, " + fixedRate + " req/s, " + rounds + " rounds of " + fixedSeconds
                    + " s per target taken in turn; latency from the intended send time; Fleetgate first at that rate in 5 s windows"
                    + " until the JIT took under 5 % of its CPU in one (at most " + fixedWarmMaxSeconds + " s), the others 2 s");
            Map<String, Histogram> all = new LinkedHashMap<>();
            Map<String, List<Double>> roundP99 = new LinkedHashMap<>();
            Map<String, Integer> errors = new LinkedHashMap<>();
            for (Target target : targets) {
                if (target.name.equals("fleetgate")) {
                    fixed.put("fleetgate_warm_up_jit_shares", warmAtFixedRate(target, fixedRate, fixedWarmMaxSeconds));
                } else {
                    fixedRate(target, fixedRate, 2, new Histogram(TimeUnit.SECONDS.toMicros(60), 3)); // warm-up
                }
                all.put(target.name, new Histogram(TimeUnit.SECONDS.toMicros(60), 3));
                roundP99.put(target.name, new ArrayList<>());
                errors.put(target.name, 0);
            }
            // Fleetgate's CPU by thread over its rounds only: at this rate a read's own path, not batching, sets its latency
            Map<String, Long> fleetgateCpu = new java.util.HashMap<>();
            for (int round = 0; round < rounds; round++) {
                for (Target target : targets) {
                    Histogram h = new Histogram(TimeUnit.SECONDS.toMicros(60), 3);
                    boolean byThread = target.name.equals("fleetgate");
                    Map<String, Long> before = byThread ? FleetgateProcess.cpuMillisByThread(target.process) : Map.of();
                    errors.merge(target.name, fixedRate(target, fixedRate, fixedSeconds, h), Integer::sum);
                    if (byThread) {
                        FleetgateProcess.cpuMillisByThread(target.process).forEach((thread, millis) ->
                                fleetgateCpu.merge(thread, millis - before.getOrDefault(thread, 0L), Long::sum));
                    }
                    all.get(target.name).add(h);
                    roundP99.get(target.name).add(ms(h.getValueAtPercentile(99) / 1000.0));
                    bench.simulator.clearRequests();
                }
            }
            for (Target target : targets) {
                Histogram h = all.get(target.name);
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("requests", h.getTotalCount());
                row.put("p50_ms", ms(h.getValueAtPercentile(50) / 1000.0));
                row.put("p99_ms", ms(h.getValueAtPercentile(99) / 1000.0));
                row.put("p999_ms", ms(h.getValueAtPercentile(99.9) / 1000.0));
                row.put("max_ms", ms(h.getMaxValue() / 1000.0));
                row.put("p99_ms_per_round", roundP99.get(target.name));
                row.put("errors", errors.get(target.name));
                if (target.name.equals("fleetgate") && h.getTotalCount() > 0) {
                    threadGroups(Map.of(), fleetgateCpu, h.getTotalCount(), row);
                }
                fixed.put(target.name, row);
                Bench.say("read %-9s at %d req/s: p50 %.2f ms  p99 %.2f ms  p99.9 %.2f ms  p99 per round %s  errors %s",
                        target.name, fixedRate, row.get("p50_ms"), row.get("p99_ms"), row.get("p999_ms"), row.get("p99_ms_per_round"), row.get("errors"));
                if (row.containsKey("cpu_us_per_request_by_thread")) {
                    Bench.say("read %-9s at %d req/s: CPU µs per request by thread: %s", target.name, fixedRate,
                            row.get("cpu_us_per_request_by_thread"));
                }
            }
            List<Double> added = new ArrayList<>();
            for (int round = 0; round < rounds; round++) {
                added.add(ms(roundP99.get("fleetgate").get(round) - roundP99.get("direct").get(round)));
            }
            fixed.put("p99_added_ms_per_round", added);
            fixed.put("p99_added_ms_median_of_rounds", added.stream().sorted().toList().get(added.size() / 2));
            r.put("fixed_rate", fixed);
        } finally {
            if (nginx != null) {
                nginx.close();
            }
        }
        return r;
    }

    private Map<String, Object> wrk(String wrk, Target target, int connections, int seconds) throws Exception {
        Path script = bench.repo.resolve("bench/wrk-report.lua");
        Process process = new ProcessBuilder(wrk, "-t2", "-c" + connections, "-d" + seconds + "s", "--timeout", "10s",
                "-s", script.toString(), "-H", "Authorization: Bearer " + target.token, target.url)
                .redirectErrorStream(true).start();
        long cpuBefore = target.process == null ? 0 : FleetgateProcess.cpuMillis(target.process);
        boolean byThread = target.name.equals("fleetgate");
        Map<String, Long> threadsBefore = byThread ? FleetgateProcess.cpuMillisByThread(target.process) : Map.of();
        String line = null;
        StringBuilder all = new StringBuilder();
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String l; (l = reader.readLine()) != null; ) {
                all.append(l).append('\n');
                if (l.startsWith("WRK_JSON ")) {
                    line = l.substring("WRK_JSON ".length());
                }
            }
        }
        process.waitFor(seconds + 30L, TimeUnit.SECONDS);
        long cpu = target.process == null ? -1 : FleetgateProcess.cpuMillis(target.process) - cpuBefore;
        Map<String, Long> threadsAfter = byThread ? FleetgateProcess.cpuMillisByThread(target.process) : Map.of();
        if (line == null) {
            throw new IllegalStateException("wrk printed no result:\n" + all);
        }
        Map<?, ?> w = json.readValue(line, Map.class);
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("concurrency", connections);
        double durationS = ((Number) w.get("duration_us")).doubleValue() / 1e6;
        long requests = ((Number) w.get("requests")).longValue();
        row.put("requests", requests);
        row.put("requests_per_s", Math.round(requests / durationS * 10) / 10.0);
        for (String p : List.of("p50", "p90", "p99", "p999", "max")) {
            row.put(p + "_ms", ms(((Number) w.get(p + "_us")).doubleValue() / 1000.0));
        }
        long errors = 0;
        for (String e : List.of("errors_connect", "errors_read", "errors_write", "errors_status", "errors_timeout")) {
            errors += ((Number) w.get(e)).longValue();
        }
        row.put("errors", errors);
        if (cpu >= 0 && requests > 0) {
            // CPU the proxy itself spent per request: steadier than req/s on a shared machine
            row.put("proxy_cpu_ms_per_request", Math.round(cpu * 1000.0 / requests) / 1000.0);
        }
        if (byThread && requests > 0) {
            threadGroups(threadsBefore, threadsAfter, requests, row);
        }
        return row;
    }

    /**
     * Fleetgate's CPU per request by what its threads do (µs; from /proc, at 10 ms resolution, so
     * steady only over a whole level), and how many event-loop threads carried the reads (a tenth
     * of the loops' CPU or more each): the API server has one loop, so more than one busy loop
     * means calls and answers hop between loops, as they did while each read's call went through
     * the management server's Vert.x.
     */
    static void threadGroups(Map<String, Long> before, Map<String, Long> after, long requests, Map<String, Object> row) {
        Map<String, Long> groups = new LinkedHashMap<>();
        long loopsTotal = 0;
        List<Long> loops = new ArrayList<>();
        for (var thread : after.entrySet()) {
            long spent = thread.getValue() - before.getOrDefault(thread.getKey(), 0L);
            if (spent <= 0) {
                continue;
            }
            String group = threadGroup(thread.getKey());
            groups.merge(group, spent, Long::sum);
            if (group.equals("event loops")) {
                loops.add(spent);
                loopsTotal += spent;
            }
        }
        Map<String, Object> perRequest = new LinkedHashMap<>();
        groups.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .forEach(group -> perRequest.put(group.getKey(), Math.round(group.getValue() * 10_000.0 / requests) / 10.0));
        row.put("cpu_us_per_request_by_thread", perRequest);
        long total = loopsTotal;
        row.put("busy_event_loops", loops.stream().filter(spent -> spent * 10 >= total).count());
    }

    private static String threadGroup(String thread) {
        if (thread.startsWith("vert.x-eventloo")) {
            return "event loops";
        }
        if (thread.startsWith("data-plane-kafk") || thread.startsWith("kafka") && thread.contains("raft")
                || thread.startsWith("ExpirationReape") || thread.startsWith("executor-") || thread.startsWith("group-coordina")
                || thread.startsWith("quorum-control") || thread.startsWith("LogDirFailureH") || thread.startsWith("kafka-log-clea")
                || thread.startsWith("kafka-scheduler")) {
            return "embedded broker";
        }
        if (thread.startsWith("fleetgate-usage")) {
            return "usage roll-ups";
        }
        if (thread.startsWith("fleetgate-audit")) {
            return "audit publisher";
        }
        if (thread.startsWith("fleetgate-credi")) {
            return "credit ledger";
        }
        if (thread.startsWith("kafka-producer-")) {
            return "Kafka producers' network threads";
        }
        if (thread.startsWith("C1 CompilerThre") || thread.startsWith("C2 CompilerThre")) {
            return "JIT";
        }
        if (thread.startsWith("GC Thread") || thread.startsWith("G1 ")) {
            return "GC";
        }
        if (thread.startsWith("ForkJoinPool-")) {
            return "virtual threads"; // the command lanes, the sends that wait for Kafka
        }
        return "other";
    }

    /**
     * Fleetgate at the fixed rate in 5 s windows until the JIT's threads take under 5 % of its CPU
     * in one (at most {@code maxSeconds}): after the high-rate warm-up the compilers still worked
     * through code a low rate runs (the broker's and the Kafka clients', mostly C1's profiling tier),
     * 20-40 % of Fleetgate's CPU in the first rounds, on the cores the measured reads need.
     *
     * @return each window's JIT share of Fleetgate's CPU
     */
    private List<Double> warmAtFixedRate(Target target, int perSecond, int maxSeconds) throws Exception {
        List<Double> shares = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(maxSeconds);
        double share;
        do {
            Map<String, Long> before = FleetgateProcess.cpuMillisByThread(target.process);
            Histogram h = new Histogram(TimeUnit.SECONDS.toMicros(60), 3);
            fixedRate(target, perSecond, 5, h);
            Map<String, Object> row = new LinkedHashMap<>();
            threadGroups(before, FleetgateProcess.cpuMillisByThread(target.process), Math.max(1, h.getTotalCount()), row);
            share = Bench.jitShare(row.get("cpu_us_per_request_by_thread"));
            shares.add(ms(share));
            Bench.say("read fleetgate at %d req/s, warm-up window: p50 %.2f ms, the JIT %.0f %% of Fleetgate's CPU",
                    perSecond, h.getValueAtPercentile(50) / 1000.0, share * 100);
            bench.simulator.clearRequests();
        } while (share >= 0.05 && System.nanoTime() < deadline);
        return shares;
    }

    /** Sends at a fixed rate into the histogram; returns the number of errors. */
    private int fixedRate(Target target, int perSecond, int seconds, Histogram histogram) throws Exception {
        AtomicInteger errors = new AtomicInteger();
        try (HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .executor(Executors.newVirtualThreadPerTaskExecutor()).connectTimeout(Duration.ofSeconds(5)).build()) {
            HttpRequest request = HttpRequest.newBuilder(URI.create(target.url)).timeout(Duration.ofSeconds(10))
                    .header("Authorization", "Bearer " + target.token).GET().build();
            int total = perSecond * seconds;
            long period = 1_000_000_000L / perSecond;
            List<CompletableFuture<?>> pending = new ArrayList<>(total);
            long start = System.nanoTime();
            for (int i = 0; i < total; i++) {
                long intended = start + i * period;
                Bench.waitUntil(intended);
                pending.add(client.sendAsync(request, HttpResponse.BodyHandlers.discarding()).whenComplete((response, error) -> {
                    long micros = (System.nanoTime() - intended) / 1000;
                    synchronized (histogram) {
                        histogram.recordValue(Math.min(micros, histogram.getHighestTrackableValue()));
                    }
                    if (error != null || response.statusCode() != 200) {
                        errors.incrementAndGet();
                    }
                }));
            }
            CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).exceptionally(e -> null).join();
        }
        return errors.get();
    }

    static double ms(double value) {
        return Math.round(value * 100) / 100.0;
    }

    static String which(String program) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
            Path candidate = Path.of(dir, program);
            if (Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        for (String dir : List.of("/usr/sbin", "/usr/bin", "/usr/local/sbin", "/usr/local/bin")) {
            Path candidate = Path.of(dir, program);
            if (Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        return null;
    }

    /** nginx with its own config in a temp folder on a free loopback port: a plain keep-alive reverse proxy. */
    static final class Nginx implements AutoCloseable {
        final Process process;
        final int port;
        final String version;

        private Nginx(Process process, int port, String version) {
            this.process = process;
            this.port = port;
            this.version = version;
        }

        static Nginx start(Path work, int upstreamPort) throws Exception {
            String nginx = which("nginx");
            if (nginx == null) {
                throw new IllegalStateException("nginx is not installed (apt-get install -y nginx-light)");
            }
            Path dir = Files.createTempDirectory(work, "nginx-");
            int port = Bench.freePort();
            Files.writeString(dir.resolve("nginx.conf"), """
                    worker_processes auto;
                    daemon off;
                    pid %1$s/nginx.pid;
                    error_log %1$s/error.log warn;
                    events { worker_connections 4096; }
                    http {
                        access_log off;
                        client_body_temp_path %1$s/body;
                        proxy_temp_path %1$s/proxy;
                        fastcgi_temp_path %1$s/fastcgi;
                        uwsgi_temp_path %1$s/uwsgi;
                        scgi_temp_path %1$s/scgi;
                        upstream simulator {
                            server 127.0.0.1:%2$d;
                            keepalive 256;
                        }
                        server {
                            listen 127.0.0.1:%3$d;
                            location / {
                                proxy_pass http://simulator;
                                proxy_http_version 1.1;
                                proxy_set_header Connection "";
                            }
                        }
                    }
                    """.formatted(dir, upstreamPort, port));
            Process version = new ProcessBuilder(nginx, "-v").redirectErrorStream(true).start();
            String versionText = new String(version.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            Process process = new ProcessBuilder(nginx, "-e", dir.resolve("error.log").toString(), "-p", dir.toString(),
                    "-c", dir.resolve("nginx.conf").toString())
                    .redirectErrorStream(true).redirectOutput(dir.resolve("stdout.log").toFile()).start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (System.nanoTime() < deadline) {
                if (!process.isAlive()) {
                    throw new IllegalStateException("nginx exited: " + Files.readString(dir.resolve("stdout.log"))
                            + (Files.exists(dir.resolve("error.log")) ? Files.readString(dir.resolve("error.log")) : ""));
                }
                try (java.net.Socket ignored = new java.net.Socket("127.0.0.1", port)) {
                    return new Nginx(process, port, versionText);
                } catch (java.io.IOException notYet) {
                    Thread.sleep(20);
                }
            }
            process.destroyForcibly();
            throw new IllegalStateException("nginx did not listen within 10 s");
        }

        @Override
        public void close() throws Exception {
            // the master stops its workers on SIGTERM (fast shutdown)
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }
}
