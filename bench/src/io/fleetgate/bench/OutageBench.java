package io.fleetgate.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fleetgate.app.EmbeddedKafka;
import java.io.IOException;
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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Chaos: a Kafka outage under steady load. Fleetgate (its own process) on a broker this JVM runs
 * and stops: reads at a steady rate (open loop) before, during and after a long outage. Prints
 * the audit events produced (requests answered), journaled, replayed, on the topic, lost (goal 0)
 * and twice (goal 0), how long the replay took after the broker's return, and the journal's
 * largest size on disk. Sizes: {@code outage.rate} (200/s), {@code outage.seconds} (300),
 * {@code outage.before-seconds} (10), {@code outage.after-seconds} (20), after a warm-up at the same
 * rate that is not counted, {@code outage.warm-seconds} (20: a cold JVM answers late). Call {@link #run()} from a
 * section of {@link Bench} (e.g. a chaos section: {@code -Dbench.sections=outage}).
 */
final class OutageBench {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String LIBRARY = "outage-bench ";
    private static final String TOPIC = "fleetgate.audit.v1";
    private static final Pattern REPLAYED = Pattern.compile("audit journal replayed: (\\d+) event\\(s\\) in (\\d+) ms");

    private final Bench bench;

    OutageBench(Bench bench) {
        this.bench = bench;
    }

    Map<String, Object> run() throws Exception {
        int rate = Integer.getInteger("outage.rate", bench.quick ? 100 : 200);
        int outageSeconds = Integer.getInteger("outage.seconds", bench.quick ? 30 : 300);
        int beforeSeconds = Integer.getInteger("outage.before-seconds", 10);
        int afterSeconds = Integer.getInteger("outage.after-seconds", 20);
        int warmSeconds = Integer.getInteger("outage.warm-seconds", bench.quick ? 5 : 20);
        Path dir = Files.createTempDirectory(bench.work, "outage-");
        int kafkaPort = Bench.freePort();
        int controllerPort = Bench.freePort();
        EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("broker"), kafkaPort, controllerPort);
        Map<String, String> settings = new HashMap<>(bench.settings);
        settings.put("fleetgate.kafka.bootstrap-servers", kafka.bootstrapServers());
        settings.put("fleetgate.audit.journal-dir", dir.resolve("audit-journal").toString());
        int managementPort = Bench.freePort();
        settings.put("camel.management.host", "127.0.0.1");
        settings.put("camel.management.port", String.valueOf(managementPort));
        String metricsUrl = "http://127.0.0.1:" + managementPort + "/observe/metrics";
        Map<String, Object> r = new LinkedHashMap<>();
        try (FleetgateProcess gateway = FleetgateProcess.start("outage", bench.repo, bench.work, settings, List.of(),
                Bench.GATEWAY_TOKEN);
             HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                     .executor(Executors.newVirtualThreadPerTaskExecutor()).connectTimeout(Duration.ofSeconds(5)).build()) {
            // the answers' statuses by when the request was sent: before, during and after the outage
            Map<String, Map<Integer, Integer>> statuses = new ConcurrentHashMap<>();
            String[] phase = {"before"};
            AtomicLong failed = new AtomicLong();
            List<CompletableFuture<?>> answers = new ArrayList<>();
            long interval = 1_000_000_000L / rate;
            long[] start = {System.nanoTime()};
            int[] sent = {0};
            // one read per interval (open loop): before, during and after the outage
            java.util.function.LongConsumer load = until -> {
                long at = start[0] + (long) sent[0] * interval;
                while (at < until) {
                    Bench.waitUntil(at);
                    HttpRequest request = HttpRequest.newBuilder(URI.create(gateway.url("/api/1/vehicles/" + Bench.READ_VIN
                                    + "/vehicle_data"))).timeout(Duration.ofSeconds(60))
                            .header("Authorization", "Bearer " + Bench.GATEWAY_TOKEN).header("X-Library", LIBRARY + sent[0]).build();
                    Map<Integer, Integer> ofPhase = statuses.computeIfAbsent(phase[0], p -> new ConcurrentHashMap<>());
                    answers.add(http.sendAsync(request, HttpResponse.BodyHandlers.discarding())
                            .whenComplete((answer, error) -> {
                                if (error != null) {
                                    failed.incrementAndGet();
                                } else {
                                    ofPhase.merge(answer.statusCode(), 1, Integer::sum);
                                }
                            }));
                    sent[0]++;
                    at = start[0] + (long) sent[0] * interval;
                }
            };
            warmUp(http, gateway, rate, warmSeconds);
            start[0] = System.nanoTime();
            load.accept(System.nanoTime() + Duration.ofSeconds(beforeSeconds).toNanos());
            int beforeOutage = sent[0];
            phase[0] = "during";
            kafka.close();
            long stopped = System.nanoTime();
            Bench.say("outage: broker stopped after %d requests; %d s at %d/s", sent[0], outageSeconds, rate);
            long peakBytes = 0;
            long peakWaiting = 0;
            long outageEnds = stopped + Duration.ofSeconds(outageSeconds).toNanos();
            while (System.nanoTime() < outageEnds) {
                load.accept(Math.min(outageEnds, System.nanoTime() + Duration.ofSeconds(5).toNanos()));
                Map<String, Double> m = metrics(http, metricsUrl);
                peakBytes = Math.max(peakBytes, m.getOrDefault("fleetgate_audit_journal_bytes", 0.0).longValue());
                peakWaiting = Math.max(peakWaiting, m.getOrDefault("fleetgate_audit_journal_events", 0.0).longValue());
            }
            int duringOutage = sent[0] - beforeOutage;
            kafka = EmbeddedKafka.start(dir.resolve("broker"), kafkaPort, controllerPort);
            phase[0] = "after";
            long restarted = System.nanoTime();
            Bench.say("outage: broker back after %d s; journal held %d events, %.1f MB", outageSeconds, peakWaiting, peakBytes / 1e6);
            long replayEnded = 0;
            long afterEnds = restarted + Duration.ofSeconds(afterSeconds).toNanos();
            while (System.nanoTime() < afterEnds) {
                load.accept(Math.min(afterEnds, System.nanoTime() + Duration.ofMillis(500).toNanos()));
                if (replayEnded == 0) {
                    Map<String, Double> m = metrics(http, metricsUrl);
                    peakBytes = Math.max(peakBytes, m.getOrDefault("fleetgate_audit_journal_bytes", 0.0).longValue());
                    if (m.getOrDefault("fleetgate_audit_journal_events", 1.0) == 0) {
                        replayEnded = System.nanoTime();
                    }
                }
            }
            CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new)).exceptionally(e -> null).join();
            long deadline = System.nanoTime() + Duration.ofSeconds(300).toNanos();
            Map<String, Double> m = metrics(http, metricsUrl);
            while ((m.getOrDefault("fleetgate_audit_journal_events", 1.0) > 0 || m.getOrDefault("fleetgate_audit_events_buffered", 1.0) > 0)
                    && System.nanoTime() < deadline) {
                Thread.sleep(500);
                m = metrics(http, metricsUrl);
            }
            if (replayEnded == 0) {
                replayEnded = System.nanoTime();
            }
            Map<String, Integer> onTopic = eventsPerRequest(kafka.bootstrapServers());
            int answered = statuses.values().stream().flatMap(m2 -> m2.values().stream()).mapToInt(Integer::intValue).sum();
            long lost = 0;
            long twice = 0;
            for (int n = 0; n < sent[0]; n++) {
                int count = onTopic.getOrDefault(LIBRARY + n, 0);
                lost += count == 0 ? 1 : 0;
                twice += count > 1 ? 1 : 0;
            }
            Matcher replayLine = REPLAYED.matcher(Files.readString(gateway.log));
            String logged = null;
            while (replayLine.find()) {
                logged = replayLine.group(1) + " events in " + replayLine.group(2) + " ms";
            }
            r.put("rate_per_s", rate);
            r.put("outage_s", outageSeconds);
            r.put("requests", sent[0]);
            r.put("requests_during_outage", duringOutage);
            Map<String, Object> byPhase = new LinkedHashMap<>();
            for (String p : List.of("before", "during", "after")) {
                byPhase.put(p, new java.util.TreeMap<>(statuses.getOrDefault(p, Map.of())));
            }
            r.put("statuses", byPhase);
            r.put("requests_failed", failed.get());
            r.put("events_produced", answered);
            r.put("events_journaled", m.getOrDefault("fleetgate_audit_events_journaled_total", -1.0).longValue());
            r.put("events_replayed", m.getOrDefault("fleetgate_audit_events_replayed_total", -1.0).longValue());
            r.put("events_on_topic", onTopic.size());
            r.put("events_lost", lost);
            r.put("events_twice", twice);
            r.put("events_dropped_metric", m.getOrDefault("fleetgate_audit_events_dropped_total", -1.0).longValue());
            r.put("replay_s", Math.round((replayEnded - restarted) / 1e8) / 10.0);
            r.put("replay_logged", logged);
            r.put("journal_peak_events", peakWaiting);
            r.put("journal_peak_mb", Math.round(peakBytes / 1e5) / 10.0);
            r.put("journal_bytes_per_event", peakWaiting == 0 ? 0 : peakBytes / peakWaiting);
            Bench.say("outage: %d requests (%d during the %d s outage), statuses %s; audit events: produced %d, journaled %d, "
                            + "replayed %d, on the topic %d, lost %d, twice %d; replay %.1f s after the broker's return (%s); "
                            + "journal at most %d events, %.1f MB on disk",
                    sent[0], duringOutage, outageSeconds, r.get("statuses"), answered, r.get("events_journaled"), r.get("events_replayed"),
                    onTopic.size(), lost, twice, (Double) r.get("replay_s"), logged, peakWaiting, peakBytes / 1e6);
        } finally {
            kafka.close();
        }
        return r;
    }

    /** The same reads, untagged and uncounted, so that the measured ones meet a JVM that has compiled its hot paths. */
    private static void warmUp(HttpClient http, FleetgateProcess gateway, int rate, int seconds) {
        List<CompletableFuture<?>> answers = new ArrayList<>();
        long interval = 1_000_000_000L / rate;
        long start = System.nanoTime();
        for (long n = 0; n < (long) rate * seconds; n++) {
            Bench.waitUntil(start + n * interval);
            answers.add(http.sendAsync(HttpRequest.newBuilder(URI.create(gateway.url("/api/1/vehicles/" + Bench.READ_VIN
                            + "/vehicle_data"))).timeout(Duration.ofSeconds(60)).header("Authorization", "Bearer " + Bench.GATEWAY_TOKEN)
                    .header("X-Library", "outage-warm-up").build(), HttpResponse.BodyHandlers.discarding()));
        }
        CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new)).exceptionally(e -> null).join();
    }

    /** Fleetgate's own meters (fleetgate_*), summed over their labels. */
    private static Map<String, Double> metrics(HttpClient http, String url) {
        Map<String, Double> values = new HashMap<>();
        try {
            String text = http.send(HttpRequest.newBuilder(URI.create(url))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString()).body();
            for (String line : text.split("\n")) {
                if (line.startsWith("fleetgate_")) {
                    String name = line.substring(0, line.indexOf(line.contains("{") ? '{' : ' '));
                    values.merge(name, Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)), Double::sum);
                }
            }
        } catch (IOException | InterruptedException | RuntimeException e) {
            // a missed sample
        }
        return values;
    }

    /** How many audit events each tagged request has on the topic. */
    private static Map<String, Integer> eventsPerRequest(String bootstrapServers) {
        Map<String, Integer> counts = new HashMap<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class))) {
            List<TopicPartition> partitions = consumer.partitionsFor(TOPIC, Duration.ofSeconds(30)).stream()
                    .map(p -> new TopicPartition(TOPIC, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            while (partitions.stream().anyMatch(p -> consumer.position(p) < ends.get(p))) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    try {
                        JsonNode event = JSON.readTree(record.value());
                        String library = event.path("client_library").asText("");
                        if (library.startsWith(LIBRARY)) {
                            counts.merge(library, 1, Integer::sum);
                        }
                    } catch (IOException notAnEvent) {
                        // skipped
                    }
                }
            }
        }
        return counts;
    }
}
