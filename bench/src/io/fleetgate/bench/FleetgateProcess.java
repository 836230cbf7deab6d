package io.fleetgate.bench;

import com.sun.tools.attach.VirtualMachine;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.lang.management.ThreadMXBean;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;

/**
 * {@code java -jar target/fleetgate.jar} as its own process, as an operator runs it: started with
 * settings as {@code -D}, ready when a proxied request first succeeds, watched over JMX (attach
 * API) for heap and threads and through /proc for resident memory.
 */
final class FleetgateProcess implements AutoCloseable {
    final Process process;
    final int port;
    final int kafkaPort;
    final long readyMillis;
    final Path log;
    private JMXConnector jmx;
    private MBeanServerConnection mbeans;

    private FleetgateProcess(Process process, int port, int kafkaPort, long readyMillis, Path log) {
        this.process = process;
        this.port = port;
        this.kafkaPort = kafkaPort;
        this.readyMillis = readyMillis;
        this.log = log;
    }

    /**
     * Starts Fleetgate and waits until {@code GET /api/1/vehicles} with the gateway token answers 200.
     *
     * @param jvmOptions e.g. {@code -Xmx512m}, {@code -XX:StartFlightRecording=...}
     */
    static FleetgateProcess start(String name, Path repo, Path work, Map<String, String> settings,
                                  List<String> jvmOptions, String gatewayToken) throws Exception {
        return start(name, repo, work, settings, jvmOptions, gatewayToken, null);
    }

    /**
     * @param aotCache null: {@code java -jar}; else {@code bin/fleetgate}, the launcher, keeping its
     *                 ahead-of-time cache there ({@code FLEETGATE_AOT_CACHE}), with the JVM options and
     *                 settings in {@code JDK_JAVA_OPTIONS} as an operator would give them
     */
    static FleetgateProcess start(String name, Path repo, Path work, Map<String, String> settings,
                                  List<String> jvmOptions, String gatewayToken, Path aotCache) throws Exception {
        int port = Bench.freePort();
        int kafkaPort = Bench.freePort();
        // a fresh Kafka data folder, unless given one (a restart on the data of the start before)
        Map<String, String> rest = new LinkedHashMap<>(settings);
        String keptData = rest.remove("fleetgate.kafka.embedded.data-dir");
        Path dataDir = keptData != null ? Path.of(keptData) : Files.createTempDirectory(work, "kafka-" + name + "-");
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.add("-Dcamel.server.host=127.0.0.1");
        command.add("-Dcamel.server.port=" + port);
        // several replicas side by side (the chaos section): each its own management port
        command.add("-Dcamel.management.port=" + Bench.freePort());
        command.add("-Dfleetgate.kafka.embedded.data-dir=" + dataDir);
        command.add("-Dfleetgate.kafka.embedded.port=" + kafkaPort);
        command.add("-Dfleetgate.kafka.embedded.controller-port=" + Bench.freePort());
        rest.forEach((k, v) -> command.add("-D" + k + "=" + v));
        command.add("-jar");
        command.add(repo.resolve("target/fleetgate.jar").toString());
        Path log = work.resolve("fleetgate-" + name + ".log");
        long started = System.nanoTime();
        ProcessBuilder builder = new ProcessBuilder(command);
        if (aotCache != null) {
            // java <options> -jar <jar> becomes bin/fleetgate, the options passed as the java launcher reads them
            int jar = command.indexOf("-jar");
            builder = new ProcessBuilder(List.of(repo.resolve("bin/fleetgate").toString()));
            builder.environment().put("JDK_JAVA_OPTIONS", String.join(" ", command.subList(1, jar)));
            builder.environment().put("FLEETGATE_JAR", command.get(jar + 1));
            builder.environment().put("FLEETGATE_AOT_CACHE", aotCache.toString());
            builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        }
        Process process = builder.directory(repo.toFile())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        // a suite stopped early (Ctrl-C, a timeout) must not leave a Fleetgate behind, busy and in the way
        Runtime.getRuntime().addShutdownHook(new Thread(process::destroyForcibly));
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest probe = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/1/vehicles"))
                .header("Authorization", "Bearer " + gatewayToken).timeout(Duration.ofSeconds(5)).build();
        long deadline = started + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("Fleetgate exited with " + process.exitValue() + "; see " + log);
            }
            try {
                if (http.send(probe, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    long ready = (System.nanoTime() - started) / 1_000_000;
                    return new FleetgateProcess(process, port, kafkaPort, ready, log);
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(20);
        }
        process.destroyForcibly();
        throw new IllegalStateException("Fleetgate not ready within 120 s; see " + log);
    }

    String url(String path) {
        return "http://127.0.0.1:" + port + path;
    }

    String kafkaBootstrap() {
        return "127.0.0.1:" + kafkaPort;
    }

    /** CPU time (user + system) the process and its children used so far, in ms. */
    static long cpuMillis(ProcessHandle process) {
        long total = 0;
        for (ProcessHandle p : java.util.stream.Stream.concat(java.util.stream.Stream.of(process), process.descendants()).toList()) {
            try {
                total += statCpuMillis(Files.readString(Path.of("/proc/" + p.pid() + "/stat")));
            } catch (IOException | RuntimeException gone) {
                // a process that ended adds nothing
            }
        }
        return total;
    }

    /**
     * CPU ms of each thread of the process, by the kernel's thread name (its first 15 characters),
     * from /proc/&lt;pid&gt;/task; keyed by name and thread id, so threads that share a name stay apart.
     */
    static Map<String, Long> cpuMillisByThread(ProcessHandle process) {
        Map<String, Long> byThread = new java.util.TreeMap<>();
        try (java.util.stream.Stream<Path> tasks = Files.list(Path.of("/proc/" + process.pid() + "/task"))) {
            for (Path task : tasks.toList()) {
                try {
                    String stat = Files.readString(task.resolve("stat"));
                    String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                    byThread.put(name + " #" + task.getFileName(), statCpuMillis(stat));
                } catch (IOException | RuntimeException gone) {
                    // a thread that ended adds nothing
                }
            }
        } catch (IOException gone) {
            // the process ended
        }
        return byThread;
    }

    /** User and system CPU of a /proc stat line: its fields 14 and 15, in clock ticks of 10 ms. */
    private static long statCpuMillis(String stat) {
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) * 10;
    }

    /** Resident set size from /proc, in bytes. */
    long rssBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + process.pid() + "/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException gone) {
            return -1;
        }
        return -1;
    }

    MBeanServerConnection mbeans() throws Exception {
        if (mbeans == null) {
            VirtualMachine vm = VirtualMachine.attach(String.valueOf(process.pid()));
            try {
                jmx = JMXConnectorFactory.connect(new JMXServiceURL(vm.startLocalManagementAgent()));
            } finally {
                vm.detach();
            }
            mbeans = jmx.getMBeanServerConnection();
        }
        return mbeans;
    }

    /**
     * Requests a second each Kafka client of the process sends (Kafka's own {@code request-rate}, a
     * rate over its last minute or so), by client id with Streams' instance UUID taken out; busiest first.
     */
    Map<String, Double> kafkaRequestRates() throws Exception {
        Map<String, Double> rates = new HashMap<>();
        for (String clients : List.of("kafka.consumer:type=consumer-metrics,*", "kafka.producer:type=producer-metrics,*",
                "kafka.admin.client:type=admin-client-metrics,*")) {
            for (ObjectName client : mbeans().queryNames(new ObjectName(clients), null)) {
                if (mbeans().getAttribute(client, "request-rate") instanceof Double rate && rate > 0) {
                    rates.merge(client.getKeyProperty("client-id").replaceAll("-[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}", ""),
                            rate, Double::sum);
                }
            }
        }
        Map<String, Double> busiestFirst = new LinkedHashMap<>();
        rates.entrySet().stream().sorted(Map.Entry.<String, Double>comparingByValue().reversed())
                .forEach(e -> busiestFirst.put(e.getKey(), Math.round(e.getValue() * 10) / 10.0));
        return busiestFirst;
    }

    /**
     * Requests each Kafka client of the process has sent since it started (Kafka's own
     * {@code request-total}), by client id with Streams' instance UUID taken out.
     */
    Map<String, Double> kafkaRequestTotals() throws Exception {
        Map<String, Double> totals = new HashMap<>();
        for (String clients : List.of("kafka.consumer:type=consumer-metrics,*", "kafka.producer:type=producer-metrics,*",
                "kafka.admin.client:type=admin-client-metrics,*")) {
            for (ObjectName client : mbeans().queryNames(new ObjectName(clients), null)) {
                if (mbeans().getAttribute(client, "request-total") instanceof Double total) {
                    totals.merge(client.getKeyProperty("client-id").replaceAll("-[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}", ""),
                            total, Double::sum);
                }
            }
        }
        return totals;
    }

    /** Samples heap (used, and live after the last collection), platform threads and RSS while work runs. */
    Watch watch() throws Exception {
        return new Watch(mbeans(), this);
    }

    static final class Watch implements AutoCloseable {
        private final List<MemoryPoolMXBean> heapPools;
        private final List<com.sun.management.GarbageCollectorMXBean> collectors;
        private final ThreadMXBean threads;
        private final FleetgateProcess owner;
        private final java.util.Set<String> heapPoolNames;
        private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
        final int threadsBefore;
        final long rssBefore;
        volatile long peakLiveAfterGc;
        volatile long peakHeapUsed;
        volatile long peakRss;
        volatile long heapCommittedPeak;
        private final List<Long> heapSeriesMb = java.util.Collections.synchronizedList(new ArrayList<>());
        /** Per collector, its collections and their milliseconds when the watch began. */
        private final Map<String, long[]> collectorsBefore = new java.util.LinkedHashMap<>();

        Watch(MBeanServerConnection mbeans, FleetgateProcess owner) throws Exception {
            this.owner = owner;
            heapPools = ManagementFactory.getPlatformMXBeans(mbeans, MemoryPoolMXBean.class).stream()
                    .filter(p -> p.getType() == MemoryType.HEAP).toList();
            heapPoolNames = heapPools.stream().map(MemoryPoolMXBean::getName).collect(java.util.stream.Collectors.toSet());
            collectors = ManagementFactory.getPlatformMXBeans(mbeans, com.sun.management.GarbageCollectorMXBean.class);
            threads = ManagementFactory.newPlatformMXBeanProxy(mbeans, ManagementFactory.THREAD_MXBEAN_NAME, ThreadMXBean.class);
            ManagementFactory.getPlatformMXBean(mbeans, java.lang.management.MemoryMXBean.class).gc();
            heapPools.forEach(MemoryPoolMXBean::resetPeakUsage);
            for (com.sun.management.GarbageCollectorMXBean gc : collectors) {
                collectorsBefore.put(gc.getName(), new long[] {gc.getCollectionCount(), gc.getCollectionTime()});
            }
            threads.resetPeakThreadCount();
            threadsBefore = threads.getThreadCount();
            rssBefore = owner.rssBytes();
            timer.scheduleAtFixedRate(this::sample, 0, 200, TimeUnit.MILLISECONDS);
        }

        private void sample() {
            try {
                long committed = 0;
                long used = 0;
                for (MemoryPoolMXBean pool : heapPools) {
                    MemoryUsage usage = pool.getUsage();
                    committed += usage.getCommitted();
                    used += usage.getUsed();
                }
                heapSeriesMb.add(used / (1024 * 1024));
                peakHeapUsed = Math.max(peakHeapUsed, used);
                // heap left after each collection (young ones included): an upper bound of what is retained
                for (com.sun.management.GarbageCollectorMXBean gc : collectors) {
                    com.sun.management.GcInfo last = gc.getLastGcInfo();
                    if (last != null) {
                        long after = last.getMemoryUsageAfterGc().entrySet().stream()
                                .filter(e -> heapPoolNames.contains(e.getKey()))
                                .mapToLong(e -> e.getValue().getUsed()).sum();
                        peakLiveAfterGc = Math.max(peakLiveAfterGc, after);
                    }
                }
                heapCommittedPeak = Math.max(heapCommittedPeak, committed);
                peakRss = Math.max(peakRss, owner.rssBytes());
            } catch (RuntimeException ignored) {
                // a missed sample only lowers the peak a little
            }
        }

        List<Long> heapSeries() {
            synchronized (heapSeriesMb) {
                return List.copyOf(heapSeriesMb);
            }
        }

        /**
         * The most heap in use at once, of the samples (every 200 ms). Not the sum of each pool's own
         * peak: those come at different moments (eden fills, then a collection fills the old
         * generation), and their sum once read 810 MB under -Xmx512m.
         */
        long peakHeapUsed() {
            return peakHeapUsed;
        }

        /**
         * Per collector, its collections and their seconds since the watch began. G1's "Young" and
         * "Old" collectors count pauses (every thread stopped); its "Concurrent GC" runs beside the work.
         */
        Map<String, String> collections() {
            Map<String, String> since = new java.util.LinkedHashMap<>();
            for (com.sun.management.GarbageCollectorMXBean gc : collectors) {
                long[] before = collectorsBefore.getOrDefault(gc.getName(), new long[2]);
                since.put(gc.getName(), String.format(java.util.Locale.ROOT, "%d in %.2f s",
                        gc.getCollectionCount() - before[0], (gc.getCollectionTime() - before[1]) / 1000.0));
            }
            return since;
        }

        int peakThreads() {
            return threads.getPeakThreadCount();
        }

        @Override
        public void close() {
            sample();
            timer.shutdownNow();
        }
    }

    @Override
    public void close() throws Exception {
        if (jmx != null) {
            try {
                jmx.close();
            } catch (IOException ignored) {
                // the process is going anyway
            }
        }
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
