package io.fleetgate.bench;

import io.fleetgate.audit.AuditEvent;
import io.fleetgate.audit.AuditEventJson;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Issue 21: start-up and {@code /api/usage} with 0, 1 M (and, asked for, 10 M) audit events in the
 * month. For each size: a fresh Fleetgate, the events produced straight to {@code fleetgate.audit.v1}
 * in the documented shape (this month, stamped in arrival order), rolled up; then Fleetgate is
 * stopped and started again on the same Kafka data, and measured: spawn to the first budget-checked
 * read answered 200, usage reports (the month to now; a window with partial days), budget-checked
 * reads, resident memory.
 */
final class ScaleBench {
    private static final String AUDIT = "fleetgate.audit.v1";
    private static final String ROLLUPS_APP = "fleetgate-usage-rollups";
    private final Bench bench;

    ScaleBench(Bench bench) {
        this.bench = bench;
    }

    Map<String, Object> run() throws Exception {
        long[] sizes = Arrays.stream(System.getProperty("scale.events", bench.quick ? "0,100000" : "0,1000000").split(","))
                .mapToLong(s -> Long.parseLong(s.trim())).toArray();
        int reports = Integer.getInteger("scale.reports", 300);
        int tokens = Integer.getInteger("scale.tokens", 2);
        Map<String, String> settings = new LinkedHashMap<>(bench.settings);
        settings.put("fleetgate.accounts.file", budgetedAccounts().toString());
        List<Map<String, Object>> rows = new ArrayList<>();
        for (long size : sizes) {
            Path data = Files.createTempDirectory(bench.work, "scale-kafka-" + size + "-");
            Map<String, String> own = new LinkedHashMap<>(settings);
            own.put("fleetgate.kafka.embedded.data-dir", data.toString());
            // the same broker port for the restart (these settings win over the process's own picks)
            String kafka = "127.0.0.1:" + Bench.freePort();
            own.put("fleetgate.kafka.embedded.port", kafka.substring(kafka.indexOf(':') + 1));
            own.put("fleetgate.kafka.embedded.controller-port", String.valueOf(Bench.freePort()));
            own.put("fleetgate.usage.state-dir", bench.work.resolve("usage-state-scale-" + size).toString());
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("events", size);
            try (FleetgateProcess loading = bench.startFleetgate("scale-" + size + "-load", own, List.of())) {
                long began = System.nanoTime();
                long cpuBefore = FleetgateProcess.cpuMillis(loading.process.toHandle());
                produce(kafka, size, tokens);
                row.put("produce_s", round((System.nanoTime() - began) / 1e9));
                awaitRolledUp(kafka);
                row.put("produced_and_rolled_up_s", round((System.nanoTime() - began) / 1e9));
                // the broker taking the events in and the roll-ups' aggregation, both in Fleetgate's process
                double cpuPerEvent = size == 0 ? 0 : (FleetgateProcess.cpuMillis(loading.process.toHandle()) - cpuBefore) * 1000.0 / size;
                row.put("load_cpu_us_per_event", round(cpuPerEvent));
                Bench.say("scale %,d events: produced and rolled up in %.1f s, Fleetgate's CPU %.1f µs per event",
                        size, (System.nanoTime() - began) / 1e9, cpuPerEvent);
                loading.process.destroy();
                loading.process.waitFor();
            }
            try (FleetgateProcess gateway = bench.startFleetgate("scale-" + size, own, List.of())) {
                row.put("ready_ms", gateway.readyMillis);
                HttpClient http = HttpClient.newHttpClient();
                String monthToNow = "/api/usage";
                Instant now = Instant.now();
                Instant today = LocalDate.now(ZoneOffset.UTC).atStartOfDay().toInstant(ZoneOffset.UTC);
                // starts mid-day two days ago and ends an hour ago: two partial days read from the audit topic
                String partial = "/api/usage?from=" + encode(today.minus(Duration.ofDays(2)).plus(Duration.ofHours(5)))
                        + "&to=" + encode(now.minus(Duration.ofHours(1)));
                long[] first = latencies(http, gateway, monthToNow, 1);
                row.put("first_usage_ms", round(first[0] / 1e6));
                // the JIT on 2 shared cores: measured after as many reports and reads again, unrecorded
                latencies(http, gateway, monthToNow, reports);
                latencies(http, gateway, "/api/1/vehicles", reports);
                row.put("usage_month_to_now", percentiles(latencies(http, gateway, monthToNow, reports)));
                row.put("usage_partial_days", percentiles(latencies(http, gateway, partial, Math.max(20, reports / 10))));
                row.put("budget_checked_read", percentiles(latencies(http, gateway, "/api/1/vehicles", reports)));
                row.put("rss_mb", gateway.rssBytes() / (1024 * 1024));
                Bench.say("scale %,d events: ready %d ms, usage month-to-now %s, partial days %s, budget-checked read %s, RSS %d MB",
                        size, gateway.readyMillis, row.get("usage_month_to_now"), row.get("usage_partial_days"),
                        row.get("budget_checked_read"), row.get("rss_mb"));
            }
            rows.add(row);
        }
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("sizes", rows);
        r.put("reports_per_size", reports);
        r.put("ready_means", "process spawn to the first GET /api/1/vehicles answered 200 for an account with a credit budget"
                + " (the budget check waits for the usage totals), after a restart on the same Kafka data");
        r.put("events_mean", "audit events of one account this month (days 1 to today, stamped in arrival order), "
                + 6 * tokens + " distinct rows per day (3 endpoints, " + tokens + " token names, 2 client libraries)");
        return r;
    }

    /** The bench account with a credit budget too large to refuse: every read goes through the budget check. */
    private Path budgetedAccounts() throws Exception {
        Path accounts = bench.work.resolve("accounts-scale.yaml");
        Files.writeString(accounts, "accounts:\n" + Bench.accountEntry(Bench.ACCOUNT, Bench.GATEWAY_TOKEN, List.of(Bench.READ_VIN))
                + "    credit-budget: {credits: 1000000000000, period: month}\n");
        return accounts;
    }

    /** {@code count} events of the bench account spread over this month up to now, in time order, from {@code tokens} token names. */
    private static void produce(String bootstrap, long count, int tokens) throws Exception {
        if (count == 0) {
            return;
        }
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.LINGER_MS_CONFIG, 50);
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, 512 * 1024);
        p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        Instant start = LocalDate.now(ZoneOffset.UTC).withDayOfMonth(1).atStartOfDay().toInstant(ZoneOffset.UTC);
        long span = Instant.now().minusSeconds(60).toEpochMilli() - start.toEpochMilli();
        Random random = new Random(21);
        String[][] endpoints = {{"GET", "/api/1/vehicles/{vin}/vehicle_data", null}, {"GET", "/api/1/vehicles", null},
                {"POST", "/api/1/vehicles/{vin}/command/{command}", "flash_lights"}};
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(p)) {
            for (long i = 0; i < count; i++) {
                long at = start.toEpochMilli() + span * i / count;
                String[] endpoint = endpoints[random.nextInt(endpoints.length)];
                AuditEvent event = AuditEvent.builder(UUID.randomUUID(), Instant.ofEpochMilli(at), AuditEvent.Source.REST)
                        .accountId(Bench.ACCOUNT).tokenName(tokens == 2 ? (random.nextBoolean() ? "bench" : "phone") : "token-" + random.nextInt(tokens))
                        .clientLibrary(random.nextBoolean() ? "python tesla_fleet_api 1.0" : "typescript teslemetry 0.5")
                        .method(endpoint[0]).pathTemplate(endpoint[1]).command(endpoint[2]).vin(Bench.READ_VIN)
                        .status(200).attempts(1).credits(endpoint[2] == null ? 2 : 1).latencyMs(40).region("na").build();
                producer.send(new ProducerRecord<>(AUDIT, null, at, Bench.ACCOUNT, AuditEventJson.bytes(event)));
            }
            producer.flush();
        }
    }

    /** Until the roll-ups' aggregation has committed the whole audit topic. */
    private static void awaitRolledUp(String bootstrap) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            long deadline = System.nanoTime() + Duration.ofMinutes(60).toNanos();
            while (System.nanoTime() < deadline) {
                Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(ROLLUPS_APP)
                        .partitionsToOffsetAndMetadata().get();
                Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
                admin.describeTopics(List.of(AUDIT)).allTopicNames().get().get(AUDIT).partitions()
                        .forEach(info -> latest.put(new TopicPartition(AUDIT, info.partition()), OffsetSpec.latest()));
                long behind = 0;
                for (var end : admin.listOffsets(latest).all().get().entrySet()) {
                    OffsetAndMetadata at = committed.get(end.getKey());
                    behind += end.getValue().offset() - (at == null ? 0 : at.offset());
                }
                if (behind == 0) {
                    return;
                }
                Thread.sleep(500);
            }
            throw new IllegalStateException("the roll-ups did not catch up within 60 minutes");
        }
    }

    private static long[] latencies(HttpClient http, FleetgateProcess gateway, String path, int n) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(gateway.url(path)))
                .header("Authorization", "Bearer " + Bench.GATEWAY_TOKEN).timeout(Duration.ofSeconds(60)).build();
        long[] nanos = new long[n];
        for (int i = 0; i < n; i++) {
            long began = System.nanoTime();
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            nanos[i] = System.nanoTime() - began;
            if (response.statusCode() != 200) {
                throw new IllegalStateException(path + " answered " + response.statusCode() + ": " + response.body());
            }
        }
        return nanos;
    }

    private static Map<String, Object> percentiles(long[] nanos) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("n", sorted.length);
        m.put("p50_ms", round(sorted[sorted.length / 2] / 1e6));
        m.put("p99_ms", round(sorted[Math.min(sorted.length - 1, (int) Math.ceil(sorted.length * 0.99) - 1)] / 1e6));
        m.put("max_ms", round(sorted[sorted.length - 1] / 1e6));
        return m;
    }

    private static double round(double value) {
        return Math.round(value * 10) / 10.0;
    }

    private static String encode(Instant instant) {
        return URLEncoder.encode(instant.toString(), StandardCharsets.UTF_8);
    }
}
