package io.fleetgate.credits;

import io.fleetgate.audit.AuditEvent;
import io.fleetgate.audit.AuditEventJson;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Audit events drawn from a seeded random source (so a failure names its seed and repeats), their
 * records on a real broker, and the straightforward scan a roll-up must agree with.
 */
final class RandomUsage {
    static final String AUDIT = "fleetgate.audit.v1";
    static final String ROLLUPS = "fleetgate.usage-rollups.v1";
    /** Month edges the events cluster around (a day either side and more). */
    static final List<Instant> MONTH_EDGES = List.of(Instant.parse("2026-02-01T00:00:00Z"), Instant.parse("2026-03-01T00:00:00Z"),
            Instant.parse("2026-07-01T00:00:00Z"), Instant.parse("2026-10-01T00:00:00Z"), Instant.parse("2026-11-01T00:00:00Z"));
    private static final List<String[]> ENDPOINTS = List.of(
            new String[] {"GET", "/api/1/vehicles/{vin}/vehicle_data", null},
            new String[] {"GET", "/api/1/vehicles", null},
            new String[] {"POST", "/api/1/vehicles/{vin}/command/{command}", "flash_lights"},
            new String[] {"POST", "/api/1/vehicles/{vin}/command/{command}", "honk_horn"},
            new String[] {"POST", "/api/1/vehicles/{vin}/wake_up", null},
            new String[] {"GET", "/api/usage", null},
            new String[] {"GET", null, null});
    private static final String[] TOKENS = {"phone", "server", null};
    private static final String[] LIBRARIES = {"python tesla_fleet_api 1.0", "typescript teslemetry 0.5", null};
    private static final int[] CREDITS = {0, 1, 2, 2, 20};

    private RandomUsage() {}

    /** Up to {@code max} events for a few accounts named after the seed, within a few days of a month edge. */
    static List<AuditEvent> events(long seed, int max) {
        Random random = new Random(seed);
        Instant edge = MONTH_EDGES.get(random.nextInt(MONTH_EDGES.size()));
        int accounts = 1 + random.nextInt(3);
        int count = 1 + random.nextInt(max);
        long spread = Duration.ofDays(1 + random.nextInt(4)).toMillis();
        List<AuditEvent> events = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String[] endpoint = ENDPOINTS.get(random.nextInt(ENDPOINTS.size()));
            // a tenth exactly on a day edge, or a millisecond before one
            Instant time = random.nextInt(10) == 0
                    ? edge.plus(Duration.ofDays(random.nextInt(5) - 2)).minusMillis(random.nextInt(2))
                    : edge.plusMillis((long) ((random.nextDouble() * 2 - 1) * spread));
            events.add(AuditEvent.builder(new UUID(seed, i), time, AuditEvent.Source.REST)
                    .accountId(random.nextInt(40) == 0 ? null : "seed-" + seed + "-account-" + random.nextInt(accounts))
                    .tokenName(TOKENS[random.nextInt(TOKENS.length)])
                    .clientLibrary(LIBRARIES[random.nextInt(LIBRARIES.length)])
                    .method(endpoint[0]).pathTemplate(endpoint[1]).command(endpoint[2])
                    .status(200).attempts(1).credits(CREDITS[random.nextInt(CREDITS.length)]).build());
        }
        return events;
    }

    /** What a report of the account over [from, to) must say: the events in it, summed one by one. */
    static String scan(List<AuditEvent> events, String accountId, Instant from, Instant to) {
        UsageReports.Summary summary = new UsageReports.Summary();
        for (AuditEvent event : events) {
            if (accountId.equals(event.accountId()) && !event.time().isBefore(from) && event.time().isBefore(to)) {
                summary.add(event);
            }
        }
        return summary.toJson().toString();
    }

    /** A random window over the events' days: on day edges or not, a few hours to several days long. */
    static Instant[] window(Random random, List<AuditEvent> events) {
        Instant first = events.stream().map(AuditEvent::time).min(Instant::compareTo).orElseThrow();
        Instant last = events.stream().map(AuditEvent::time).max(Instant::compareTo).orElseThrow();
        Instant a = pick(random, first, last);
        Instant b = pick(random, first, last);
        return a.isBefore(b) ? new Instant[] {a, b} : new Instant[] {b, a.plusMillis(1)};
    }

    private static Instant pick(Random random, Instant first, Instant last) {
        Instant any = first.minus(Duration.ofHours(6)).plusMillis(
                (long) (random.nextDouble() * Duration.between(first, last).plus(Duration.ofHours(12)).toMillis()));
        // half the windows start or end on a day edge, where the roll-ups alone answer
        return random.nextBoolean() ? LocalDate.ofInstant(any, ZoneOffset.UTC).atStartOfDay().toInstant(ZoneOffset.UTC) : any;
    }

    static void createTopics(String bootstrapServers) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrapServers))) {
            // the events are months old, and so are their records' stamps: with the broker's 7-day
            // retention, its first retention pass (30 s after it started) deleted them mid-test
            admin.createTopics(List.of(new NewTopic(AUDIT, 6, (short) 1).configs(Map.of("retention.ms", "-1")),
                    new NewTopic(ROLLUPS, 6, (short) 1).configs(Map.of("cleanup.policy", "compact,delete", "retention.ms", "-1"))))
                    .all().get();
        }
    }

    /**
     * Each event as Fleetgate publishes it: keyed by its account id ("anonymous" without one), the
     * documented JSON, stamped when its request arrived (the publisher stamps it a moment later),
     * in the order the requests arrived.
     */
    static void publish(String bootstrapServers, List<AuditEvent> events) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.LINGER_MS_CONFIG, 20);
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(p)) {
            for (AuditEvent event : events.stream().sorted(java.util.Comparator.comparing(AuditEvent::time)).toList()) {
                producer.send(new ProducerRecord<>(AUDIT, null, event.time().toEpochMilli(), event.partitionKey(),
                        AuditEventJson.bytes(event)));
            }
            producer.flush();
        }
    }

    /** Records of the audit topic the roll-ups' aggregation has not committed yet (0: all rolled up). */
    static long notRolledUp(String bootstrapServers, String applicationId) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrapServers))) {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(applicationId)
                    .partitionsToOffsetAndMetadata().get();
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            for (int p = 0; p < 6; p++) {
                latest.put(new TopicPartition(AUDIT, p), OffsetSpec.latest());
            }
            long behind = 0;
            for (var end : admin.listOffsets(latest).all().get().entrySet()) {
                OffsetAndMetadata at = committed.get(end.getKey());
                behind += end.getValue().offset() - (at == null ? 0 : at.offset());
            }
            return behind;
        }
    }
}
