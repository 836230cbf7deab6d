package io.fleetgate.bench;

import com.google.protobuf.Timestamp;
import io.fleetgate.sim.TelemetryEmitter;
import io.fleetgate.telemetry.proto.VehicleData;
import io.fleetgate.telemetry.proto.VehicleData.Datum;
import io.fleetgate.telemetry.proto.VehicleData.Field;
import io.fleetgate.telemetry.proto.VehicleData.Payload;
import io.fleetgate.telemetry.proto.VehicleData.Value;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.stream.IntStream;
import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Issue 15: fleet-telemetry records (protobuf, with fleet-telemetry's headers) produced straight to
 * {@code <namespace>_V} for simulated vehicles, each 1 record/s of 5 fields, while SSE clients
 * stream them: one account per 4 vehicles with one {@code /sse} client each, and a fleet account
 * of every vehicle with 10 {@code /sse} clients. Measured: memory per open stream (live heap and
 * RSS after a collection, before and after opening them), latency from a record's creation (its
 * {@code created_at}, which becomes the event's {@code createdAt}) to its SSE line read by the
 * client at the paced rate, and records ingested per second with a backlog (saturation), with
 * Fleetgate's CPU per record for both.
 */
final class StreamBench {
    private static final String NAMESPACE = "tesla_telemetry";
    private static final String EVENTS = "fleetgate.vehicle-events.v1";
    private static final String FLEET_ACCOUNT = "stream-fleet";
    private static final int VINS_PER_ACCOUNT = 4;
    private static final Field[] FIELDS = {Field.VehicleSpeed, Field.Odometer, Field.BatteryLevel, Field.Location, Field.Gear};

    private final Bench bench;
    private final List<String> vins;
    private final int fleetClients;
    /** Latency of each SSE data line (µs), of the phase being measured; null between phases. */
    private volatile Histogram latencies;
    private final AtomicLong delivered = new AtomicLong();
    private final AtomicInteger connected = new AtomicInteger();
    private final AtomicInteger ended = new AtomicInteger();
    private final AtomicInteger fleetStreamsEnded = new AtomicInteger();

    StreamBench(Bench bench) {
        this.bench = bench;
        this.vins = IntStream.range(0, Integer.getInteger("stream.vehicles", bench.quick ? 400 : 2000))
                .mapToObj(n -> "5YJ3E1EA7KT" + String.format("%06d", n)).toList();
        this.fleetClients = Integer.getInteger("stream.fleet-clients", 10);
    }

    Map<String, Object> run() throws Exception {
        int rate = vins.size();
        int seconds = Integer.getInteger("stream.seconds", bench.quick ? 10 : 30);
        int backlog = Integer.getInteger("stream.saturation-records", bench.quick ? 20_000 : 100_000);
        Map<String, String> settings = new LinkedHashMap<>(bench.settings);
        settings.put("fleetgate.accounts.file", accounts().toString());
        settings.put("fleetgate.telemetry.namespace", NAMESPACE);
        settings.put("fleetgate.stream.connections-per-account", String.valueOf(Math.max(10, fleetClients)));
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("vehicles", vins.size());
        r.put("fields_per_record", FIELDS.length);
        r.put("sse_clients", vins.size() / VINS_PER_ACCOUNT + fleetClients);
        r.put("clients", String.format("%d accounts of %d vehicles with one /sse client each; %d /sse clients of an account of all %d vehicles; "
                        + "?topics=data&cache=false, java.net.http (HTTP/1.1, 2 threads for all)",
                vins.size() / VINS_PER_ACCOUNT, VINS_PER_ACCOUNT, fleetClients, vins.size()));
        r.put("latency", "the record's created_at (set just before the producer's send; linger.ms 5) to its SSE data line read by the client");
        r.put("load_average_at_start", Bench.loadAverage());
        ExecutorService clientThreads = Executors.newFixedThreadPool(2, Thread.ofPlatform().daemon().name("bench-sse-", 0).factory());
        try (FleetgateProcess gateway = bench.startFleetgate("stream", settings, List.of());
             KafkaProducer<String, byte[]> producer = producer(gateway);
             Admin admin = Admin.create(Map.of("bootstrap.servers", gateway.kafkaBootstrap()))) {
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).executor(clientThreads)
                    .connectTimeout(Duration.ofSeconds(10)).build();
            MemoryMXBean memory = ManagementFactory.getPlatformMXBean(gateway.mbeans(), MemoryMXBean.class);
            memory.gc();
            long heapBefore = memory.getHeapMemoryUsage().getUsed();
            long rssBefore = gateway.rssBytes();
            int clients = openStreams(http, gateway);
            memory.gc();
            long heapAfter = memory.getHeapMemoryUsage().getUsed();
            long rssAfter = gateway.rssBytes();
            r.put("streams_open", clients);
            r.put("heap_per_connection_kb", Math.round((heapAfter - heapBefore) / 1024.0 / clients * 10) / 10.0);
            r.put("rss_per_connection_kb", Math.round((rssAfter - rssBefore) / 1024.0 / clients * 10) / 10.0);
            r.put("live_heap_mb_before_and_after", List.of((heapBefore >> 20), (heapAfter >> 20)));
            Bench.say("stream: %d streams open; per connection %.1f KB heap, %.1f KB RSS", clients,
                    r.get("heap_per_connection_kb"), r.get("rss_per_connection_kb"));

            int warmRate = rate;
            r.put("warm_up", "the paced rate in 5 s steps, at least " + Integer.getInteger("stream.warm-seconds", bench.quick ? 5 : 120)
                    + " s and until two steps in a row cost the same CPU per record within 10 %");
            r.put("warm_up_cpu_ms_per_record", Bench.warmUntilSteady("stream", Integer.getInteger("stream.warm-seconds", bench.quick ? 5 : 120),
                    Integer.getInteger("stream.warm-max-seconds", bench.quick ? 15 : 180), 0.10,
                    () -> paced(producer, gateway, warmRate, 5).get("fleetgate_cpu_ms_per_record") instanceof Double cpu ? cpu : Double.NaN));
            try (AutoCloseable profiling = bench.profile(gateway.process.toHandle(), "stream")) {
                Map<String, Object> paced = paced(producer, gateway, rate, seconds);
                r.put("paced", paced);
                Bench.say("stream paced %d records/s for %d s: %s", rate, seconds, paced);
                Map<String, Object> saturation = saturation(producer, admin, gateway, backlog);
                r.put("saturation", saturation);
                Bench.say("stream saturation: %s", saturation);
            }
            r.put("streams_ended_by_the_server", ended.get());
        } finally {
            clientThreads.shutdownNow();
        }
        r.put("load_average_at_end", Bench.loadAverage());
        return r;
    }

    /** 500 accounts of 4 vehicles each, an account of every vehicle, and the bench account (the readiness probe's). */
    private Path accounts() throws Exception {
        StringBuilder yaml = new StringBuilder("accounts:\n").append(Bench.accountEntry(Bench.ACCOUNT, Bench.GATEWAY_TOKEN, List.of(Bench.READ_VIN)));
        for (int a = 0; a * VINS_PER_ACCOUNT < vins.size(); a++) {
            yaml.append(Bench.accountEntry("stream-" + a, token(a), vins.subList(a * VINS_PER_ACCOUNT, Math.min(vins.size(), (a + 1) * VINS_PER_ACCOUNT))));
        }
        yaml.append(Bench.accountEntry(FLEET_ACCOUNT, "gw-" + FLEET_ACCOUNT, vins));
        Path file = bench.work.resolve("accounts-stream.yaml");
        Files.writeString(file, yaml);
        return file;
    }

    private static String token(int account) {
        return "gw-stream-" + account;
    }

    private static KafkaProducer<String, byte[]> producer(FleetgateProcess gateway) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, gateway.kafkaBootstrap());
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        return new KafkaProducer<>(p);
    }

    /** Opens every stream and waits until each has its first line (": connected"); the number open. */
    private int openStreams(HttpClient http, FleetgateProcess gateway) throws Exception {
        List<HttpRequest> requests = new ArrayList<>();
        for (int a = 0; a * VINS_PER_ACCOUNT < vins.size(); a++) {
            requests.add(stream(gateway, token(a)));
        }
        for (int i = 0; i < fleetClients; i++) {
            requests.add(stream(gateway, "gw-" + FLEET_ACCOUNT));
        }
        for (int i = 0; i < requests.size(); i++) {
            boolean fleetStream = i >= requests.size() - fleetClients;
            http.sendAsync(requests.get(i), HttpResponse.BodyHandlers.fromLineSubscriber(new Lines()))
                    .whenComplete((response, failure) -> {
                        ended.incrementAndGet();
                        if (fleetStream) {
                            fleetStreamsEnded.incrementAndGet();
                        }
                    });
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (connected.get() < requests.size() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        // what an open stream holds once it is idle, not the garbage of opening it
        Thread.sleep(1000);
        return connected.get();
    }

    private static HttpRequest stream(FleetgateProcess gateway, String token) {
        return HttpRequest.newBuilder(URI.create(gateway.url("/sse?topics=data&cache=false")))
                .header("Authorization", "Bearer " + token).build();
    }

    /** One SSE client's lines: counts its opening and, while a phase is measured, each event's latency. */
    private final class Lines implements Flow.Subscriber<String> {
        private static final String CREATED_AT = "\"createdAt\":\"";

        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            subscription.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(String line) {
            if (line.startsWith(": connected")) {
                connected.incrementAndGet();
                return;
            }
            if (!line.startsWith("data: ")) {
                return;
            }
            long now = nowMicros();
            int at = line.lastIndexOf(CREATED_AT);
            Histogram histogram = latencies;
            if (at < 0 || histogram == null) {
                return;
            }
            int start = at + CREATED_AT.length();
            Instant created = Instant.parse(line.substring(start, line.indexOf('"', start)));
            long micros = Math.max(0, now - (created.getEpochSecond() * 1_000_000 + created.getNano() / 1000));
            synchronized (histogram) {
                histogram.recordValue(Math.min(micros, histogram.getHighestTrackableValue()));
            }
            delivered.incrementAndGet();
        }

        @Override
        public void onError(Throwable throwable) {
            // counted as ended by the request's future
        }

        @Override
        public void onComplete() {
            // counted as ended by the request's future
        }
    }

    private static long nowMicros() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000 + now.getNano() / 1000;
    }

    /**
     * Every vehicle one record per second, spread evenly (open loop), for {@code seconds}; then up to
     * 30 s for what is still on its way. Each record reaches its account's client and every fleet client.
     */
    private Map<String, Object> paced(KafkaProducer<String, byte[]> producer, FleetgateProcess gateway, int rate, int seconds) throws Exception {
        Histogram histogram = new Histogram(TimeUnit.MINUTES.toMicros(5), 3);
        delivered.set(0);
        latencies = histogram;
        int total = rate * seconds;
        // a stream of all vehicles the server cut off gets nothing more: not waited for
        LongSupplier expected = () -> (long) total * (1 + fleetClients - fleetStreamsEnded.get());
        long period = 1_000_000_000L / rate;
        long cpuBefore = FleetgateProcess.cpuMillis(gateway.process.toHandle());
        long start = System.nanoTime();
        for (int i = 0; i < total; i++) {
            Bench.waitUntil(start + i * period);
            send(producer, i);
        }
        producer.flush();
        long sent = System.nanoTime();
        long deadline = sent + TimeUnit.SECONDS.toNanos(30);
        while (delivered.get() < expected.getAsLong() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        long cpu = FleetgateProcess.cpuMillis(gateway.process.toHandle()) - cpuBefore;
        latencies = null;
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("offered_records_per_s", rate);
        row.put("records", total);
        row.put("achieved_records_per_s", Math.round(total / ((sent - start) / 1e9) * 10) / 10.0);
        row.put("sse_deliveries_expected", expected.getAsLong());
        row.put("sse_deliveries", delivered.get());
        row.put("drain_ms", (System.nanoTime() - sent) / 1_000_000);
        synchronized (histogram) {
            row.put("p50_ms", ReadPathBench.ms(histogram.getValueAtPercentile(50) / 1000.0));
            row.put("p99_ms", ReadPathBench.ms(histogram.getValueAtPercentile(99) / 1000.0));
            row.put("max_ms", ReadPathBench.ms(histogram.getMaxValue() / 1000.0));
        }
        row.put("fleetgate_cpu_ms_per_record", Math.round(cpu * 1000.0 / total) / 1000.0);
        return row;
    }

    /**
     * {@code count} records produced as fast as the producer takes them, and how fast Fleetgate
     * turns them into events: from the first record sent to the last event on the events topic.
     */
    private Map<String, Object> saturation(KafkaProducer<String, byte[]> producer, Admin admin, FleetgateProcess gateway, int count) throws Exception {
        long eventsBefore = events(admin);
        long cpuBefore = FleetgateProcess.cpuMillis(gateway.process.toHandle());
        long start = System.nanoTime();
        for (int i = 0; i < count; i++) {
            send(producer, i);
        }
        producer.flush();
        long produced = System.nanoTime();
        long written = 0;
        long lastGrowth = produced;
        long deadline = produced + TimeUnit.SECONDS.toNanos(Integer.getInteger("stream.saturation-max-seconds", 300));
        while (written < count && System.nanoTime() < deadline) {
            Thread.sleep(100);
            long now = events(admin) - eventsBefore;
            if (now > written) {
                written = now;
                lastGrowth = System.nanoTime();
            }
        }
        long cpu = FleetgateProcess.cpuMillis(gateway.process.toHandle()) - cpuBefore;
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("records", count);
        row.put("produced_per_s", Math.round(count / ((produced - start) / 1e9)));
        row.put("events_written", written);
        row.put("ingested_per_s", Math.round(written / ((lastGrowth - start) / 1e9) * 10) / 10.0);
        row.put("fleetgate_cpu_ms_per_record", Math.round(cpu * 1000.0 / Math.max(1, written)) / 1000.0);
        return row;
    }

    private void send(KafkaProducer<String, byte[]> producer, int i) {
        String vin = vins.get(i % vins.size());
        Instant now = Instant.now();
        int round = i / vins.size();
        double d = round * 0.1 + (i % 97) * 0.01;
        Payload.Builder payload = Payload.newBuilder().setVin(vin)
                .setCreatedAt(Timestamp.newBuilder().setSeconds(now.getEpochSecond()).setNanos(now.getNano()));
        for (Field field : FIELDS) {
            Value.Builder value = Value.newBuilder();
            switch (field) {
                case Location -> value.setLocationValue(VehicleData.LocationValue.newBuilder().setLatitude(37.4 + d / 1000).setLongitude(-122.1 - d / 1000));
                case Gear -> value.setShiftStateValue(round % 2 == 0 ? VehicleData.ShiftState.ShiftStateD : VehicleData.ShiftState.ShiftStateP);
                case Odometer -> value.setDoubleValue(10_000 + d);
                case BatteryLevel -> value.setDoubleValue(80 - (d % 50));
                default -> value.setDoubleValue(30 + d % 40);
            }
            payload.addData(Datum.newBuilder().setKey(field).setValue(value));
        }
        producer.send(TelemetryEmitter.fleetTelemetryRecord(NAMESPACE, "V", vin, payload.build().toByteArray(), now.toEpochMilli()));
    }

    /** Events on the events topic so far (the sum of its partitions' end offsets). */
    private static long events(Admin admin) throws Exception {
        Map<TopicPartition, OffsetSpec> latest = new LinkedHashMap<>();
        admin.describeTopics(List.of(EVENTS)).allTopicNames().get().get(EVENTS).partitions()
                .forEach(info -> latest.put(new TopicPartition(EVENTS, info.partition()), OffsetSpec.latest()));
        return admin.listOffsets(latest).all().get().values().stream().mapToLong(o -> o.offset()).sum();
    }
}
