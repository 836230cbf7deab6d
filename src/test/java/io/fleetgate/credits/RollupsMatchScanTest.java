package io.fleetgate.credits;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetgate.app.EmbeddedKafka;
import io.fleetgate.audit.AuditEvent;
import io.fleetgate.testing.GatewayHarness;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Property: for random event sets across day and month edges (seeded, so a failure repeats), the
 * roll-ups on a real broker hold exactly what a plain scan of the events sums, and so do the
 * totals and reports built from them: by a ledger that followed while the events came (roll-ups
 * and the events past them), and by one started afterwards (roll-ups alone).
 */
class RollupsMatchScanTest {
    private static final long BASE_SEED = 20261121L;
    private static final int SETS = 40;
    private static final String APPLICATION = "rollups-match-scan";
    private static final Clock AFTER_ALL = Clock.fixed(Instant.parse("2027-01-10T00:00:00Z"), ZoneOffset.UTC);

    private static Path dir;
    private static EmbeddedKafka kafka;
    private static UsageRollups rollups;
    private static CreditLedger following;
    private static final List<AuditEvent> events = new ArrayList<>();

    @BeforeAll
    static void startBrokerRollupsAndAFollowingLedger() throws Exception {
        dir = Files.createTempDirectory("fleetgate-rollups");
        kafka = EmbeddedKafka.start(dir.resolve("broker"), GatewayHarness.freePort(), GatewayHarness.freePort());
        RandomUsage.createTopics(kafka.bootstrapServers());
        following = ledger();
        following.start();
        rollups = new UsageRollups(clients(), RandomUsage.AUDIT, RandomUsage.ROLLUPS, new UsageRollups.Settings(APPLICATION,
                UsageRollups.retentionOfMonths(13), Duration.ofMillis(100), dir.resolve("streams"), Duration.ofSeconds(10)));
        rollups.start();
        for (int set = 0; set < SETS; set++) {
            events.addAll(RandomUsage.events(BASE_SEED + set, 400));
        }
        // all sets at once, in arrival order: a partition's records are stamped in about that order
        RandomUsage.publish(kafka.bootstrapServers(), events);
        Awaitility.await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200))
                .until(() -> RandomUsage.notRolledUp(kafka.bootstrapServers(), APPLICATION) == 0);
    }

    @AfterAll
    static void stopAll() throws Exception {
        following.stop();
        rollups.stop();
        kafka.close();
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @Test
    void eachDaysRollupOnTheTopicHoldsExactlyItsEvents() {
        Map<String, DayRollup.Read> latest = new HashMap<>();
        for (ConsumerRecord<String, byte[]> record : committedRollups()) {
            DayRollup.fromJson(record.value()).ifPresent(read -> latest.put(record.key(), read));
        }
        Map<String, List<AuditEvent>> byDay = new HashMap<>();
        events.stream().filter(e -> e.accountId() != null)
                .forEach(e -> byDay.computeIfAbsent(DayRollup.topicKey(e.accountId(), UsageTotals.day(e.time())), k -> new ArrayList<>()).add(e));

        assertThat(latest.keySet()).as("one roll-up per account and day with events").isEqualTo(byDay.keySet());
        byDay.forEach((key, dayEvents) -> {
            DayRollup.Read read = latest.get(key);
            UsageReports.Summary fromRollup = new UsageReports.Summary();
            read.rollup().rows().forEach((row, sum) -> fromRollup.add(read.day(), row, sum[0], sum[1]));
            Instant start = read.day().atStartOfDay().toInstant(ZoneOffset.UTC);
            assertThat(fromRollup.toJson().toString()).as(key)
                    .isEqualTo(RandomUsage.scan(dayEvents, read.accountId(), start, start.plus(Duration.ofDays(1))));
        });
    }

    @Test
    void reportsOfRandomWindowsEqualTheScanFromAFollowingLedgerAndFromOneStartedAfter() throws Exception {
        CreditLedger after = ledger();
        after.start();
        try {
            assertThat(after.awaitCaughtUp(Duration.ofSeconds(30))).isTrue();
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(following::isCaughtUp);
            for (int set = 0; set < SETS; set++) {
                Random random = new Random(BASE_SEED + set);
                List<AuditEvent> drawn = RandomUsage.events(BASE_SEED + set, 400).stream().filter(e -> e.accountId() != null).toList();
                if (drawn.isEmpty()) {
                    continue;
                }
                for (int w = 0; w < 5; w++) {
                    String account = drawn.get(random.nextInt(drawn.size())).accountId();
                    Instant[] window = RandomUsage.window(random, drawn);
                    String expected = RandomUsage.scan(drawn, account, window[0], window[1]);
                    String what = "seed " + (BASE_SEED + set) + " " + account + " [" + window[0] + ", " + window[1] + ")";
                    assertThat(report(after, account, window)).as("started after: " + what).isEqualTo(expected);
                    assertThat(report(following, account, window)).as("following: " + what).isEqualTo(expected);
                }
            }
        } finally {
            after.stop();
        }
    }

    @Test
    void budgetPeriodsSpentEqualTheScanAcrossMonthEdges() throws Exception {
        assertThat(following.awaitCaughtUp(Duration.ofSeconds(30))).isTrue();
        Map<String, Long> perAccountMonth = new HashMap<>();
        for (AuditEvent e : events) {
            if (e.accountId() != null) {
                perAccountMonth.merge(e.accountId() + " " + UsageTotals.day(e.time()).withDayOfMonth(1), (long) e.credits(), Long::sum);
            }
        }
        perAccountMonth.forEach((key, credits) -> {
            String[] parts = key.split(" ");
            Instant start = LocalDate.parse(parts[1]).atStartOfDay().toInstant(ZoneOffset.UTC);
            Instant end = LocalDate.parse(parts[1]).plusMonths(1).atStartOfDay().toInstant(ZoneOffset.UTC);
            assertThat(following.spent(parts[0], start, end)).as(key).isEqualTo(credits);
        });
    }

    private static String report(CreditLedger ledger, String account, Instant[] window) throws InterruptedException {
        UsageReports reports = new UsageReports(clients(), RandomUsage.AUDIT, AFTER_ALL, null, ledger);
        return reports.summarise(account, window[0], window[1], AFTER_ALL.instant()).toJson().toString();
    }

    private static CreditLedger ledger() {
        return new CreditLedger(clients(), RandomUsage.AUDIT, RandomUsage.ROLLUPS, APPLICATION, AFTER_ALL, new UsageTotals(), 13);
    }

    private static Map<String, Object> clients() {
        return Map.of("bootstrap.servers", kafka.bootstrapServers());
    }

    private static List<ConsumerRecord<String, byte[]>> committedRollups() {
        List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class))) {
            List<TopicPartition> partitions = consumer.partitionsFor(RandomUsage.ROLLUPS).stream()
                    .map(p -> new TopicPartition(RandomUsage.ROLLUPS, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            while (partitions.stream().anyMatch(p -> consumer.position(p) < ends.get(p))) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
        }
        return records;
    }
}
