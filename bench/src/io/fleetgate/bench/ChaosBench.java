package io.fleetgate.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fleetgate.app.EmbeddedKafka;
import io.fleetgate.sim.RecordedRequest;
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
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Faults at scale (issue #13): two Fleetgate replicas on an external broker, sleeping vehicles
 * each sent several commands (Kafka records, and REST calls to either replica), while replicas are
 * killed with SIGKILL and restarted, the broker stops for a while, and a whole region answers 503.
 * Counts what was accepted (on the command topic), executed (reached the simulator and accepted by
 * the vehicle), lost (no result), duplicated (executed twice) and refused, and how long vehicles
 * with work pending waited for their next result after each fault. Contract timings throughout
 * (3 s wake polls, 3 s ready buffer, 90 s retry budget, 8 s group session).
 */
final class ChaosBench {
    private static final String COMMANDS = "fleetgate.commands.v1";
    private static final String RESULTS = "fleetgate.command-results.v1";
    private static final int FIRST_PERCENT = 50;

    private final Bench bench;
    private final ObjectMapper json = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();
    /** When each command id was handed to Kafka or to a replica (ms since the run began). */
    private final Map<String, Long> sentAt = new ConcurrentHashMap<>();
    /** Results seen per VIN: (ms since the run began, status). */
    private final Map<String, List<long[]>> resultsByVin = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> restAnswers = new ConcurrentHashMap<>();
    private final List<Map<String, Object>> faults = new CopyOnWriteArrayList<>();
    private final long began = System.nanoTime();
    private final long startedAtEpochMs = System.currentTimeMillis();
    private volatile boolean reading = true;

    ChaosBench(Bench bench) {
        this.bench = bench;
    }

    Map<String, Object> run() throws Exception {
        List<String> vins = bench.chaosVins;
        int perVehicle = Integer.getInteger("chaos.commands-per-vehicle", 4);
        // long enough for three kills spaced beyond a replica's restart
        int loadSeconds = Integer.getInteger("chaos.load-seconds", bench.quick ? 45 : 60);
        int outageSeconds = Integer.getInteger("chaos.outage-seconds", 20);
        Path dir = Files.createTempDirectory(bench.work, "chaos-");
        int brokerPort = Bench.freePort();
        int controllerPort = Bench.freePort();
        EmbeddedKafka broker = EmbeddedKafka.start(dir.resolve("broker"), brokerPort, controllerPort);
        Map<String, String> settings = new LinkedHashMap<>(bench.settings);
        settings.put("fleetgate.kafka.bootstrap-servers", broker.bootstrapServers());
        Replica[] replicas = {new Replica("chaos-a", settings), new Replica("chaos-b", settings)};
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("vehicles", vins.size());
        r.put("commands_per_vehicle", perVehicle);
        r.put("replicas", replicas.length);
        r.put("wake_delay_s", bench.chaosWakeDelay);
        Thread reader = null;
        Thread rest = null;
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerProperties(broker.bootstrapServers()))) {
            for (Replica replica : replicas) {
                replica.start();
            }
            String bootstrap = broker.bootstrapServers(); // the same address after the broker's restart
            reader = Thread.ofPlatform().name("chaos-results").start(() -> readResults(bootstrap));
            Bench.say("chaos: %d vehicles x %d commands, 2 replicas; kills at 15, 45 and 75 %% of %d s, then a broker outage "
                    + "and a regional outage of %d s", vins.size(), perVehicle, loadSeconds, outageSeconds);

            // phase 1: commands flow (Kafka records paced evenly, REST calls to either replica) while replicas
            // are killed, each when it is up, and brought back as an orchestrator would
            rest = Thread.ofVirtual().start(() -> restLoad(replicas, vins));
            int total = vins.size() * perVehicle;
            long period = TimeUnit.SECONDS.toNanos(loadSeconds) / total;
            long start = System.nanoTime();
            Thread killer = Thread.ofVirtual().start(() -> {
                int[] percents = {15, 45, 75};
                for (int k = 0; k < percents.length; k++) {
                    Bench.waitUntil(start + TimeUnit.SECONDS.toNanos(loadSeconds) * percents[k] / 100);
                    kill(replicas[k % 2]);
                }
            });
            for (int i = 0; i < total; i++) {
                Bench.waitUntil(start + i * period);
                String vin = vins.get(i % vins.size());
                send(producer, vin, FIRST_PERCENT + i / vins.size());
            }
            producer.flush();
            killer.join();
            awaitResults(Duration.ofSeconds(180));
            awaitBothUp(replicas);

            // phase 2: the broker stops while a command per vehicle waits for its vehicle to wake;
            // REST commands meanwhile are refused at once, and the lanes' results wait for the broker
            vins.forEach(bench.simulator.fleet()::putToSleep);
            for (String vin : vins) {
                send(producer, vin, FIRST_PERCENT + perVehicle);
            }
            producer.flush();
            Thread.sleep(1000);
            Map<String, Object> outage = fault("broker stopped " + outageSeconds + " s", now());
            broker.close();
            Thread.sleep(TimeUnit.SECONDS.toMillis(outageSeconds));
            broker = EmbeddedKafka.start(dir.resolve("broker"), brokerPort, controllerPort);
            long back = now();
            outage.put("broker_back_at_ms", back);
            awaitResults(Duration.ofSeconds(180));
            outage.put("all_results_after_broker_back_ms", lastResultAt() - back);

            // phase 3: the region answers 503 for everything while a command per vehicle is sent: the
            // breaker opens, the lanes retry within their 90 s budget, and succeed once it is back
            for (String vin : vins) {
                send(producer, vin, FIRST_PERCENT + perVehicle + 1);
            }
            producer.flush();
            Map<String, Object> region = fault("region na answers 503 for " + outageSeconds + " s", now());
            bench.simulator.failRegion("na", 503);
            Thread.sleep(TimeUnit.SECONDS.toMillis(outageSeconds));
            bench.simulator.restoreRegion("na");
            long restored = now();
            region.put("region_back_at_ms", restored);
            awaitResults(Duration.ofSeconds(180));
            region.put("all_results_after_region_back_ms", lastResultAt() - restored);
        } finally {
            reading = false;
            if (rest != null) {
                rest.interrupt();
                rest.join(5000);
            }
            if (reader != null) {
                reader.join(5000);
            }
            for (Replica replica : replicas) {
                replica.close();
            }
        }
        try {
            r.putAll(account(broker.bootstrapServers(), vins));
        } finally {
            broker.close();
        }
        // the report keeps the figures, not the lists of vehicles behind them
        faults.forEach(fault -> {
            fault.remove("pending");
            fault.remove("next_result");
        });
        r.put("faults", faults);
        Bench.say("chaos: accepted %s, executed once %s, lost %s, duplicated %s, refused with 503 %s, results per command >1: %s",
                r.get("accepted"), r.get("executed_once"), r.get("lost"), r.get("duplicated"), r.get("rest_refused_503"),
                r.get("results_repeated"));
        for (Map<String, Object> fault : faults) {
            Bench.say("chaos: %s at %s ms: %s vehicles had work pending; next result after %s ms (p50), %s ms (max)",
                    fault.get("fault"), fault.get("at_ms"), fault.get("vehicles_pending"), fault.get("next_result_p50_ms"),
                    fault.get("next_result_max_ms"));
        }
        return r;
    }

    /** What the command topic accepted, against what the vehicles executed and the results topic answered. */
    private Map<String, Object> account(String bootstrap, List<String> vins) throws IOException {
        Set<String> ours = Set.copyOf(vins);
        Map<String, String> vinOf = new HashMap<>();
        Map<String, Integer> percentOf = new HashMap<>();
        Map<String, Integer> resultsPerId = new HashMap<>();
        Map<Integer, Integer> resultStatuses = new TreeMap<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(consumerProperties(bootstrap))) {
            for (ConsumerRecord<String, String> record : readAll(consumer, COMMANDS)) {
                if (ours.contains(record.key())) {
                    JsonNode command = json.readTree(record.value());
                    vinOf.put(command.path("id").asText(), record.key());
                    percentOf.put(command.path("id").asText(), command.path("parameters").path("percent").asInt());
                }
            }
            for (ConsumerRecord<String, String> record : readAll(consumer, RESULTS)) {
                if (ours.contains(record.key())) {
                    JsonNode result = json.readTree(record.value());
                    resultsPerId.merge(result.path("id").asText(), 1, Integer::sum);
                    resultStatuses.merge(result.path("status").asInt(), 1, Integer::sum);
                }
            }
        }
        Map<String, Integer> executions = new HashMap<>();
        for (String vin : vins) {
            for (RecordedRequest request : bench.simulator.requests(vin)) {
                if (request.status() == 200 && request.path().endsWith("/command/set_charge_limit")) {
                    executions.merge(vin + "/" + json.readTree(request.body()).path("percent").asInt(), 1, Integer::sum);
                }
            }
        }
        List<String> duplicates = new ArrayList<>();
        executions.forEach((command, runs) -> {
            if (runs > 1 && duplicates.size() < 20) {
                String vin = command.substring(0, command.indexOf('/'));
                int percent = Integer.parseInt(command.substring(command.indexOf('/') + 1));
                duplicates.add(command + " at " + bench.simulator.requests(vin).stream()
                        .filter(q -> q.status() == 200 && q.path().endsWith("/command/set_charge_limit") && q.body().contains(":" + percent + "}"))
                        .map(q -> String.valueOf(q.at().toEpochMilli() - startedAtEpochMs)).toList());
            }
        });
        long executedOnce = 0;
        long duplicated = 0;
        long lost = 0;
        long answeredWithoutRunning = 0;
        for (var command : vinOf.entrySet()) {
            int runs = executions.getOrDefault(command.getValue() + "/" + percentOf.get(command.getKey()), 0);
            executedOnce += runs == 1 ? 1 : 0;
            duplicated += runs > 1 ? 1 : 0;
            if (!resultsPerId.containsKey(command.getKey())) {
                lost++;
            } else if (runs == 0) {
                answeredWithoutRunning++;
            }
        }
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("accepted", vinOf.size());
        r.put("executed_once", executedOnce);
        r.put("lost", lost);
        r.put("duplicated", duplicated);
        r.put("answered_with_an_error_not_run", answeredWithoutRunning);
        r.put("duplicates", duplicates);
        r.put("results_repeated", resultsPerId.values().stream().filter(n -> n > 1).count());
        r.put("result_statuses", resultStatuses);
        r.put("rest_answers", restAnswers.entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().get(),
                (x, y) -> x, TreeMap::new)));
        r.put("rest_refused_503", restAnswers.getOrDefault("503", new AtomicLong()).get());
        return r;
    }

    private void kill(Replica replica) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (replica.port() < 0 && System.nanoTime() < deadline) {
            Bench.waitUntil(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(100)); // still coming back from the last kill
        }
        fault("kill -9 " + replica.name, now());
        replica.kill();
        // back on its feet as an operator's orchestrator would bring it, while the load goes on
        Thread.ofVirtual().start(replica::start);
    }

    /** Notes a fault and which vehicles had work pending at it (sent, no result yet). */
    private Map<String, Object> fault(String what, long at) {
        Map<String, Object> fault = new LinkedHashMap<>();
        fault.put("fault", what);
        fault.put("at_ms", at);
        Map<String, Long> pending = new HashMap<>();
        sentAt.forEach((id, sent) -> {
            String vin = id.substring(id.indexOf('/') + 1);
            if (sent < at && resultsAfter(vin, sent) == 0) {
                pending.merge(vin, sent, Math::min);
            }
        });
        fault.put("vehicles_pending", pending.size());
        fault.put("pending", pending.keySet());
        faults.add(fault);
        return fault;
    }

    private long resultsAfter(String vin, long sinceMs) {
        List<long[]> seen = resultsByVin.getOrDefault(vin, List.of());
        synchronized (seen) {
            return seen.stream().filter(r -> r[0] >= sinceMs).count();
        }
    }

    private void send(KafkaProducer<String, String> producer, String vin, int percent) {
        String id = "chaos-" + percent + "/" + vin;
        sentAt.put(id, now());
        producer.send(new ProducerRecord<>(COMMANDS, vin, "{\"id\":\"" + id + "\",\"account_id\":\"" + Bench.ACCOUNT
                + "\",\"vin\":\"" + vin + "\",\"command\":\"set_charge_limit\",\"parameters\":{\"percent\":" + percent + "}}"));
    }

    /** REST commands at 5/s to either replica, round after round over the vehicles (percent 90, 91, ...): refusals and all. */
    private void restLoad(Replica[] replicas, List<String> vins) {
        try {
            for (int i = 0; i < vins.size() * 10 && !Thread.currentThread().isInterrupted(); i++) {
                Replica replica = replicas[i % replicas.length];
                String vin = vins.get(i % vins.size());
                String answer;
                int port = replica.port();
                if (port < 0) {
                    answer = "replica down";
                } else {
                    HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/1/vehicles/" + vin
                                    + "/command/set_charge_limit")).timeout(Duration.ofSeconds(150))
                            .header("Authorization", "Bearer " + Bench.GATEWAY_TOKEN).header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString("{\"percent\":" + (90 + i / vins.size()) + "}")).build();
                    CompletableRest.send(http, request, restAnswers);
                    answer = null;
                }
                if (answer != null) {
                    restAnswers.computeIfAbsent(answer, k -> new AtomicLong()).incrementAndGet();
                }
                Thread.sleep(200);
            }
        } catch (InterruptedException stopped) {
            Thread.currentThread().interrupt();
        }
    }

    private void readResults(String bootstrap) {
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(consumerProperties(bootstrap))) {
            List<TopicPartition> partitions = consumer.partitionsFor(RESULTS).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            while (reading) {
                try {
                    for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(100))) {
                        JsonNode result = json.readTree(record.value());
                        List<long[]> seen = resultsByVin.computeIfAbsent(record.key(), k -> new ArrayList<>());
                        synchronized (seen) {
                            seen.add(new long[] {now(), result.path("status").asInt()});
                        }
                        String id = result.path("id").asText();
                        sentAt.remove(id);
                        if (id.endsWith("/" + record.key()) && id.startsWith("chaos-")) {
                            noteRecovery(record.key());
                        }
                    }
                } catch (IOException | RuntimeException duringOutage) {
                    // the broker is away: the consumer reconnects by itself
                }
            }
        }
    }

    /** A result for a vehicle that had work pending at a fault: how long after the fault it came. */
    private void noteRecovery(String vin) {
        long at = now();
        for (Map<String, Object> fault : faults) {
            @SuppressWarnings("unchecked")
            Set<String> pending = (Set<String>) fault.get("pending");
            if (pending.contains(vin)) {
                @SuppressWarnings("unchecked")
                Map<String, Long> next = (Map<String, Long>) fault.computeIfAbsent("next_result", k -> new ConcurrentHashMap<>());
                next.putIfAbsent(vin, at - (long) fault.get("at_ms"));
                List<Long> waits = next.values().stream().sorted().toList();
                fault.put("next_result_p50_ms", waits.get(waits.size() / 2));
                fault.put("next_result_max_ms", waits.getLast());
                fault.put("vehicles_answered", waits.size());
            }
        }
    }

    private static void awaitBothUp(Replica[] replicas) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (java.util.Arrays.stream(replicas).anyMatch(r -> r.port() < 0) && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
    }

    private void awaitResults(Duration atMost) throws InterruptedException {
        long deadline = System.nanoTime() + atMost.toNanos();
        while (!sentAt.keySet().stream().allMatch(id -> !id.startsWith("chaos-")) && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
    }

    private long lastResultAt() {
        return resultsByVin.values().stream().flatMap(seen -> {
            synchronized (seen) {
                return List.copyOf(seen).stream();
            }
        }).mapToLong(r -> r[0]).max().orElse(0);
    }

    private List<ConsumerRecord<String, String>> readAll(KafkaConsumer<String, String> consumer, String topic) {
        List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
        List<ConsumerRecord<String, String>> all = new ArrayList<>();
        while (partitions.stream().anyMatch(p -> consumer.position(p) < ends.get(p))) {
            consumer.poll(Duration.ofMillis(200)).forEach(all::add);
        }
        return all;
    }

    private long now() {
        return (System.nanoTime() - began) / 1_000_000;
    }

    private static Properties producerProperties(String bootstrap) {
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrap);
        p.put("linger.ms", "2");
        p.put("key.serializer", StringSerializer.class.getName());
        p.put("value.serializer", StringSerializer.class.getName());
        return p;
    }

    private static Properties consumerProperties(String bootstrap) {
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrap);
        p.put("enable.auto.commit", "false");
        p.put("key.deserializer", StringDeserializer.class.getName());
        p.put("value.deserializer", StringDeserializer.class.getName());
        return p;
    }

    /** One replica, killed and started again by the chaos. */
    private final class Replica implements AutoCloseable {
        final String name;
        final Map<String, String> settings;
        private volatile FleetgateProcess process;
        private int starts;

        Replica(String name, Map<String, String> settings) {
            this.name = name;
            this.settings = settings;
        }

        void start() {
            try {
                process = bench.startFleetgate(name + "-" + (++starts), settings, List.of());
            } catch (Exception e) {
                Bench.say("chaos: %s did not start: %s", name, e);
            }
        }

        void kill() {
            FleetgateProcess running = process;
            process = null;
            if (running != null) {
                running.process.destroyForcibly();
                try {
                    running.process.waitFor(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }

        int port() {
            FleetgateProcess running = process;
            return running == null ? -1 : running.port;
        }

        @Override
        public void close() throws Exception {
            FleetgateProcess running = process;
            if (running != null) {
                running.close();
            }
        }
    }

    /** A REST command sent without waiting, its answer counted by status (or the failure's kind). */
    private static final class CompletableRest {
        static void send(HttpClient http, HttpRequest request, Map<String, AtomicLong> answers) {
            http.sendAsync(request, HttpResponse.BodyHandlers.discarding()).whenComplete((response, failure) -> {
                String key = failure != null ? "no answer (" + failure.getClass().getSimpleName() + ")" : String.valueOf(response.statusCode());
                answers.computeIfAbsent(key, k -> new AtomicLong()).incrementAndGet();
            });
        }
    }
}
