package io.fleetgate.bench;

import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * N sleeping vehicles × M REST commands each, sent at once, at the contract's waits (3 s polls,
 * 3 s ready buffer) and the simulator's wake delay; Fleetgate in its own JVM, watched over JMX.
 */
final class SleepStormBench {
    private static final List<String> COMMANDS = List.of("flash_lights", "honk_horn", "door_lock", "door_unlock",
            "charge_port_door_open", "charge_port_door_close", "auto_conditioning_start", "auto_conditioning_stop");
    private final Bench bench;

    SleepStormBench(Bench bench) {
        this.bench = bench;
    }

    /** @param xmx Fleetgate's maximum heap ({@code 512m}), or blank for the JVM's default */
    Map<String, Object> run(String xmx) throws Exception {
        List<String> vins = bench.stormVins;
        // every storm starts from a sleeping fleet, also when an earlier one woke it
        vins.forEach(bench.simulator.fleet()::putToSleep);
        int perVehicle = Integer.getInteger("storm.commands", 5);
        // each process may hold 20,000 open files here: client sockets in this one, server sockets in Fleetgate's
        int maxInFlight = Integer.getInteger("storm.max-in-flight", 12000);
        List<String> jvm = new ArrayList<>();
        if (!xmx.isBlank()) {
            jvm.add("-Xmx" + xmx);
        }
        String jfr = System.getProperty("storm.jfr", "");
        if (!jfr.isBlank()) {
            jvm.add("-XX:StartFlightRecording=filename=" + jfr + ",settings=profile");
        }
        Map<String, Object> r = java.util.Collections.synchronizedMap(new LinkedHashMap<>());
        r.put("vehicles", vins.size());
        r.put("commands_per_vehicle", perVehicle);
        r.put("wake_delay_s", bench.stormWakeDelay);
        r.put("waits", "contract defaults: state check, wake_up, polls every 3 s, 3 s ready buffer");
        r.put("fleetgate_jvm_options", String.join(" ", jvm));
        r.put("max_in_flight", maxInFlight);
        bench.simulator.clearRequests();
        try (FleetgateProcess gateway = bench.startFleetgate(xmx.isBlank() ? "storm" : "storm-" + xmx, jvm)) {
            // several loopback source addresses, so client ports never run short
            List<HttpClient> clients = new ArrayList<>();
            for (int n = 2; n <= 5; n++) {
                clients.add(HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                        .localAddress(InetAddress.getByName("127.0.0." + n))
                        .executor(Executors.newVirtualThreadPerTaskExecutor()).connectTimeout(Duration.ofSeconds(30)).build());
            }
            // warm-up storms until two in a row after the cold first take the same time within 10 %, with the
            // JIT's threads under storm.warm-jit-share of Fleetgate's CPU in the last: after one, much of the
            // code was still C1's profiling tier waiting for C2 (the storm at 30 s, 20-24 s after two or three),
            // and two storms can agree while C2 still compiles the request path (17 % of the measured storm's CPU)
            int[] warm = {0};
            double[] jitShare = {1};
            double jitBound = Double.parseDouble(System.getProperty("storm.warm-jit-share", "0.1"));
            List<Double> warmWalls = Bench.warmUntilSteady("storm", 0, Integer.getInteger("storm.warm-max-seconds", 240), 0.1, () -> {
                warm[0]++;
                Map<String, Object> warmUp = warm[0] == 1 ? r : new LinkedHashMap<>();
                // watched over JMX like the measured storm: Fleetgate's JIT compiles the serialization behind
                // the samples here, not in the measured storm (about 3 s of C2's time there before)
                try (FleetgateProcess.Watch sampled = gateway.watch()) {
                    Map<String, Long> cpuBefore = FleetgateProcess.cpuMillisByThread(gateway.process.toHandle());
                    double wall = warmUp(gateway, clients, perVehicle, warmUp, warm[0]);
                    Map<String, Object> cpu = new LinkedHashMap<>();
                    ReadPathBench.threadGroups(cpuBefore, FleetgateProcess.cpuMillisByThread(gateway.process.toHandle()),
                            Math.max(1, ((Number) warmUp.getOrDefault("warm_up_ok", 1)).longValue()), cpu);
                    // no warm vehicles (storm.warm-vehicles=0, a cold measurement): nothing ran, nothing to wait for
                    jitShare[0] = bench.stormWarmVins.isEmpty() ? 0 : Bench.jitShare(cpu.get("cpu_us_per_request_by_thread"));
                    Bench.say("storm warm-up %d: the JIT %.0f %% of Fleetgate's CPU", warm[0], jitShare[0] * 100);
                    return wall;
                }
            }, () -> jitShare[0] >= jitBound);
            r.put("warm_up_walls_s", warmWalls);
            r.put("warm_up_last_jit_share", Math.round(jitShare[0] * 100) / 100.0);
            try (FleetgateProcess.Watch watch = gateway.watch()) {
                measure(gateway, watch, clients, vins, perVehicle, maxInFlight, xmx, r);
            }
        }
        return r;
    }

    /**
     * Like the other sections, the storm is measured with the JIT warm: first smaller storms on
     * vehicles of their own (storm.warm-vehicles, asleep, same commands and waits), not measured;
     * the first one's wall time is the cold figure. Cold, Fleetgate ran a read about 10x slower
     * than once compiled.
     *
     * @return its wall time in seconds
     */
    private double warmUp(FleetgateProcess gateway, List<HttpClient> clients, int perVehicle, Map<String, Object> r, int warm) throws Exception {
        List<String> vins = bench.stormWarmVins;
        r.put("warm_up_vehicles", vins.size());
        if (vins.isEmpty()) {
            return 0;
        }
        vins.forEach(bench.simulator.fleet()::putToSleep);
        AtomicInteger ok = new AtomicInteger();
        AtomicInteger refusals = new AtomicInteger();
        Map<String, AtomicInteger> failures = new ConcurrentHashMap<>();
        java.util.Set<String> failedVins = ConcurrentHashMap.newKeySet();
        java.time.Instant startedAt = java.time.Instant.now();
        long started = System.nanoTime();
        long deadline = started + java.util.concurrent.TimeUnit.SECONDS.toNanos(120);
        List<CompletableFuture<?>> all = new ArrayList<>();
        int sent = 0;
        for (int round = 0; round < perVehicle; round++) {
            for (String vin : vins) {
                all.add(sendHonouringRetryAfter(clients.get(sent++ % clients.size()), command(gateway, vin, round), refusals, deadline)
                        .thenAccept(response -> {
                            if (response.statusCode() == 200) {
                                ok.incrementAndGet();
                            } else {
                                failures.computeIfAbsent(response.statusCode() + " " + errorOf(response.body()),
                                        k -> new AtomicInteger()).incrementAndGet();
                                failedVins.add(vin);
                            }
                        }));
            }
        }
        try {
            CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).exceptionally(e -> null)
                    .get(Math.max(0, deadline - System.nanoTime()), java.util.concurrent.TimeUnit.NANOSECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            Bench.say("storm warm-up: unanswered after 120 s, measuring anyway");
        }
        double wall = (System.nanoTime() - started) / 1e9;
        r.put("warm_up_cold_wall_s", Math.round(wall * 10) / 10.0);
        r.put("warm_up_ok", ok.get());
        r.put("warm_up_failures", failures.toString());
        for (String vin : failedVins.stream().sorted().limit(2).toList()) {
            // what reached "Tesla" for a vehicle whose commands failed, in seconds from the warm-up's start
            Bench.say("storm warm-up: %s failed; what reached the simulator for it: %s", vin, bench.simulator.requests(vin).stream()
                    .map(q -> String.format(java.util.Locale.ROOT, "%+.2f s %s %s %d",
                            java.time.Duration.between(startedAt, q.at()).toMillis() / 1000.0, q.method(),
                            q.path().substring(q.path().lastIndexOf('/') + 1), q.status()))
                    .toList());
        }
        Bench.say("storm warm-up %d%s %d x %d: ok %d in %.1f s, failures %s", warm, warm == 1 ? " (cold JVM)" : "", vins.size(), perVehicle,
                ok.get(), wall, failures);
        return Math.round(wall * 10) / 10.0;
    }

    /** The envelope's error code, or the body's first characters when it has none. */
    private static String errorOf(String body) {
        java.util.regex.Matcher error = java.util.regex.Pattern.compile("\"error\"\\s*:\\s*\"([^\"]*)\"").matcher(body == null ? "" : body);
        return error.find() ? error.group(1) : String.valueOf(body).substring(0, Math.min(60, String.valueOf(body).length()));
    }

    private static HttpRequest command(FleetgateProcess gateway, String vin, int round) {
        return HttpRequest.newBuilder(URI.create(gateway.url(
                        "/api/1/vehicles/" + vin + "/command/" + COMMANDS.get(round % COMMANDS.size()))))
                .timeout(Duration.ofSeconds(180))
                .header("Authorization", "Bearer " + Bench.GATEWAY_TOKEN)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build();
    }

    private void measure(FleetgateProcess gateway, FleetgateProcess.Watch watch, List<HttpClient> clients, List<String> vins,
                         int perVehicle, int maxInFlight, String xmx, Map<String, Object> r) throws Exception {
        {
            AtomicInteger succeeded = new AtomicInteger();
            AtomicInteger refusals = new AtomicInteger();
            Map<String, AtomicInteger> failures = new ConcurrentHashMap<>();
            ConcurrentLinkedQueue<Long> completions = new ConcurrentLinkedQueue<>();
            List<CompletableFuture<?>> all = new ArrayList<>();
            Semaphore inFlight = new Semaphore(maxInFlight);
            // off by default: jcmd's histogram is a full collection, every thread stopped (0.6 s on 2 slow
            // cores) inside the measured storm; -Dstorm.histogram-at-s=10 takes one at 10 s
            int histogramAt = Integer.getInteger("storm.histogram-at-s", 0);
            Thread histogram = histogramAt <= 0 ? null : Thread.ofPlatform().daemon().start(() -> {
                try {
                    Thread.sleep(histogramAt * 1000L);
                    String heapDump = System.getProperty("storm.heap-dump", "");
                    if (!heapDump.isBlank()) {
                        // the live objects themselves, for finding who holds them; stops Fleetgate for seconds
                        r.put("heap_dump", jcmd(gateway.process.pid(), "GC.heap_dump", heapDump).strip());
                        r.put("heap_dump_at_s", histogramAt);
                        return;
                    }
                    // live objects (jcmd collects first) while the storm is in full swing
                    List<String> lines = jcmd(gateway.process.pid(), "GC.class_histogram").lines().toList();
                    java.nio.file.Files.write(bench.work.resolve(xmx.isBlank() ? "storm-histogram.txt" : "storm-histogram-" + xmx + ".txt"), lines);
                    r.put("live_histogram_at_s", histogramAt);
                    r.put("live_histogram_top", lines.stream().limit(25).toList());
                    String total = lines.isEmpty() ? "" : lines.getLast().trim();
                    r.put("live_histogram_total", total);
                    if (total.startsWith("Total")) {
                        r.put("live_heap_mb", Long.parseLong(total.split("\\s+")[2]) / (1024 * 1024));
                    }
                    r.put("in_flight_at_histogram", maxInFlight - inFlight.availablePermits());
                } catch (Exception e) {
                    r.put("live_histogram_top", List.of("failed: " + e));
                }
            });
            AutoCloseable profiling = bench.profile(gateway.process.toHandle(), xmx.isBlank() ? "storm" : "storm-" + xmx);
            // a storm that cannot finish (e.g. out of memory under a capped heap) must not hold up the suite
            int deadlineS = Integer.getInteger("storm.deadline-s", xmx.isBlank() ? 180 : 75);
            // Fleetgate's CPU through the storm, by thread: steadier than the wall time on a busy host
            Map<String, Long> cpuBefore = FleetgateProcess.cpuMillisByThread(gateway.process.toHandle());
            long started = System.nanoTime();
            long deadline = started + java.util.concurrent.TimeUnit.SECONDS.toNanos(deadlineS);
            java.time.Instant startedAt = java.time.Instant.now();
            int sent = 0;
            sending:
            for (int round = 0; round < perVehicle; round++) {
                for (String vin : vins) {
                    if (!inFlight.tryAcquire(Math.max(0, deadline - System.nanoTime()), java.util.concurrent.TimeUnit.NANOSECONDS)) {
                        break sending;
                    }
                    HttpRequest request = command(gateway, vin, round);
                    all.add(sendHonouringRetryAfter(clients.get(sent++ % clients.size()), request, refusals, deadline)
                            .whenComplete((response, error) -> {
                                inFlight.release();
                                completions.add(System.nanoTime() - started);
                                if (error == null && response.statusCode() == 200) {
                                    succeeded.incrementAndGet();
                                } else {
                                    String why = error != null ? error.getClass().getSimpleName() : String.valueOf(response.statusCode());
                                    if (failures.computeIfAbsent(why, k -> new AtomicInteger()).incrementAndGet() == 1) {
                                        Bench.say("storm: first failure %s %s", why, error != null ? error.getMessage() : response.body());
                                    }
                                }
                            }));
                }
            }
            boolean finished = sent == vins.size() * perVehicle;
            try {
                CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).exceptionally(e -> null)
                        .get(Math.max(0, deadline - System.nanoTime()), java.util.concurrent.TimeUnit.NANOSECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                finished = false;
            }
            double wallSeconds = (System.nanoTime() - started) / 1e9;
            Map<String, Long> cpuAfter = FleetgateProcess.cpuMillisByThread(gateway.process.toHandle());
            Map<String, Object> cpu = new LinkedHashMap<>();
            ReadPathBench.threadGroups(cpuBefore, cpuAfter, Math.max(1, succeeded.get()), cpu);
            r.put("fleetgate_cpu_s", Math.round(cpuAfter.entrySet().stream()
                    .mapToLong(t -> Math.max(0, t.getValue() - cpuBefore.getOrDefault(t.getKey(), 0L))).sum() / 100.0) / 10.0);
            r.put("cpu_us_per_command_by_thread", cpu.get("cpu_us_per_request_by_thread"));
            profiling.close(); // after the wall time is read: drawing the graphs takes a few seconds
            long unfinished = all.stream().filter(f -> !f.isDone()).count() + (vins.size() * perVehicle - sent);
            r.put("deadline_s", deadlineS);
            r.put("refused_503_then_sent_again", refusals.get());
            r.put("unfinished_at_deadline", unfinished);
            r.put("out_of_memory", java.nio.file.Files.readString(gateway.log).contains("OutOfMemoryError"));
            if (!finished) {
                Bench.say("storm: %d requests unanswered after %d s, given up", unfinished, deadlineS);
            }
            if (histogram != null) {
                histogram.join(60_000);
            }
            // close() would wait for the unanswered requests
            clients.forEach(finished ? HttpClient::close : HttpClient::shutdownNow);
            watch.close();
            Set<String> stormVins = Set.copyOf(vins);
            long wakeUps = bench.simulator.requests().stream()
                    .filter(q -> q.path().endsWith("/wake_up"))
                    .filter(q -> {
                        String[] parts = q.path().split("/");
                        return parts.length > 4 && stormVins.contains(parts[4]);
                    })
                    .count();
            r.put("wake_up_calls", wakeUps);
            // what reached "Tesla" for the first and the last vehicle, in seconds from the start
            for (String vin : List.of(vins.getFirst(), vins.getLast())) {
                r.put("upstream_calls_of_" + vin, bench.simulator.requests(vin).stream()
                        .map(q -> String.format(java.util.Locale.ROOT, "%+.2f s %s %s %d",
                                java.time.Duration.between(startedAt, q.at()).toMillis() / 1000.0, q.method(),
                                q.path().substring(q.path().lastIndexOf('/') + 1), q.status()))
                        .toList());
            }
            r.put("commands_sent", vins.size() * perVehicle);
            r.put("commands_succeeded", succeeded.get());
            r.put("failures", failures);
            r.put("wall_s", Math.round(wallSeconds * 10) / 10.0);
            r.put("peak_heap_used_mb", watch.peakHeapUsed() / (1024 * 1024));
            // after young collections too, so old garbage not yet collected counts: not the live set
            r.put("peak_heap_after_any_gc_mb", watch.peakLiveAfterGc / (1024 * 1024));
            r.put("peak_heap_committed_mb", watch.heapCommittedPeak / (1024 * 1024));
            r.put("gc_collections", watch.collections());
            r.put("peak_rss_mb", watch.peakRss / (1024 * 1024));
            r.put("peak_platform_threads", watch.peakThreads());
            r.put("platform_threads_before", watch.threadsBefore);
            // completions per second, for the plot
            int buckets = (int) Math.ceil(wallSeconds) + 1;
            long[] perSecond = new long[buckets];
            for (long at : completions) {
                perSecond[(int) Math.min(buckets - 1, at / 1_000_000_000L)]++;
            }
            List<Long> series = new ArrayList<>();
            for (long count : perSecond) {
                series.add(count);
            }
            r.put("completions_per_second", series);
            r.put("heap_used_mb_every_200ms", watch.heapSeries());
            Bench.say("storm: Fleetgate's CPU %s s; µs per command by thread %s", r.get("fleetgate_cpu_s"), r.get("cpu_us_per_command_by_thread"));
            Bench.say("storm %d x %d: wake_up %d, ok %d of %d, %.1f s, peak heap %d MB (after GC %d MB), threads %d (before %d), failures %s, 503 sent again after Retry-After %d",
                    vins.size(), perVehicle, wakeUps, succeeded.get(), vins.size() * perVehicle, wallSeconds,
                    watch.peakHeapUsed() / (1024 * 1024), watch.peakLiveAfterGc / (1024 * 1024), watch.peakThreads(),
                    watch.threadsBefore, failures, refusals.get());
        }
    }

    /**
     * As a well-behaved caller does: a 503 with Retry-After (a bulkhead full) is sent again after
     * that many seconds, until the storm's deadline; the refusals are counted, not failed.
     */
    private static CompletableFuture<HttpResponse<String>> sendHonouringRetryAfter(HttpClient client, HttpRequest request,
                                                                                 AtomicInteger refusals, long deadline) {
        return client.sendAsync(request, HttpResponse.BodyHandlers.ofString()).thenCompose(response -> {
            java.util.Optional<String> retryAfter = response.headers().firstValue("Retry-After");
            if (response.statusCode() != 503 || retryAfter.isEmpty() || System.nanoTime() >= deadline) {
                return CompletableFuture.completedFuture(response);
            }
            refusals.incrementAndGet();
            long seconds = Math.max(1, Long.parseLong(retryAfter.get().trim()));
            return CompletableFuture.supplyAsync(() -> null, CompletableFuture.delayedExecutor(seconds, java.util.concurrent.TimeUnit.SECONDS))
                    .thenCompose(again -> sendHonouringRetryAfter(client, request, refusals, deadline));
        });
    }

    /** What {@code jcmd <pid> <command...>} of this JDK prints (output and errors). */
    private static String jcmd(long pid, String... command) throws java.io.IOException {
        List<String> line = new ArrayList<>(List.of(java.nio.file.Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                String.valueOf(pid)));
        line.addAll(List.of(command));
        Process jcmd = new ProcessBuilder(line).redirectErrorStream(true).start();
        return new String(jcmd.getInputStream().readAllBytes());
    }
}
