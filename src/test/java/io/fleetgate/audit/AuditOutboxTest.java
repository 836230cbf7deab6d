package io.fleetgate.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetgate.testing.MutableClock;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Memory first, then the journal, in the order events came; only a full journal drops. */
class AuditOutboxTest {
    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-26T12:00:00Z"));
    private final List<String> warnings = new ArrayList<>();
    @TempDir
    Path dir;
    private final java.util.concurrent.atomic.AtomicBoolean kafkaUp = new java.util.concurrent.atomic.AtomicBoolean(true);
    private AuditJournal journal;
    private AuditOutbox outbox;

    @BeforeEach
    void open() {
        journal = AuditJournal.open(dir, 1024 * 1024, 1000, clock);
        outbox = new AuditOutbox(2, journal, "this-run", kafkaUp::get, clock, warnings::add);
    }

    @AfterEach
    void close() {
        journal.close();
    }

    @Test
    void aPublisherThatFoundMemoryEmptyTenTimesWaitsToBeWokenAndTheNextOfferWakesItAtOnce() throws Exception {
        // ten looks 5 ms apart find nothing: the publisher then waits to be woken
        assertThat(outbox.takeFromMemory(100)).isNull();
        AuditEvent event = event("alice");
        CompletableFuture<AuditEvent> taken = CompletableFuture.supplyAsync(() -> {
            try {
                return outbox.takeFromMemory(10_000);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        Thread.sleep(300);
        assertThat(taken).as("still waiting").isNotDone();
        long offered = System.nanoTime();
        assertThat(outbox.offer(event)).isTrue();
        assertThat(taken.get(5, TimeUnit.SECONDS)).isSameAs(event);
        assertThat(Duration.ofNanos(System.nanoTime() - offered)).as("woken by the offer, not at the end of its wait")
                .isLessThan(Duration.ofSeconds(1));
        // an event found: the next empty looks are 5 ms apart again, and nothing is taken twice
        assertThat(outbox.takeFromMemory(20)).isNull();
    }

    @Test
    void keepsEventsInMemoryUpToItsCapacityThenInTheJournalInTheirOrder() throws Exception {
        List<AuditEvent> events = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            events.add(event("alice"));
            assertThat(outbox.offer(events.get(i))).isTrue();
        }
        assertThat(outbox.buffered()).isEqualTo(2);
        assertThat(outbox.journaledWaiting()).isEqualTo(3);
        assertThat(outbox.journaledEvents().sum()).isEqualTo(3);
        assertThat(outbox.waiting()).isEqualTo(5);

        assertThat(outbox.takeFromMemory(0)).isSameAs(events.get(0));
        assertThat(outbox.takeFromMemory(0)).isSameAs(events.get(1));
        assertThat(outbox.takeFromMemory(0)).isNull();
        for (int i = 2; i < 5; i++) {
            AuditJournal.Entry entry = outbox.takeFromJournal();
            assertThat(AuditEventJson.read(entry.value()).eventId()).isEqualTo(events.get(i).eventId());
            assertThat(entry.origin()).isEqualTo("this-run");
        }
        assertThat(outbox.droppedEvents().sum()).isZero();
    }

    @Test
    void onceEventsWaitInTheJournalNewerOnesFollowThemThereUntilItIsReadEmpty() throws Exception {
        AuditEvent first = event("alice");
        AuditEvent second = event("alice");
        AuditEvent spilled = event("alice");
        outbox.offer(first);
        outbox.offer(second);
        outbox.offer(spilled);
        outbox.takeFromMemory(0);
        outbox.takeFromMemory(0);
        outbox.leftMemory();
        outbox.leftMemory(); // Kafka acknowledged both: memory has room again

        AuditEvent behind = event("alice");
        outbox.offer(behind);
        assertThat(outbox.buffered()).as("behind the journaled one, not before it").isZero();
        assertThat(AuditEventJson.read(outbox.takeFromJournal().value()).eventId()).isEqualTo(spilled.eventId());
        assertThat(AuditEventJson.read(outbox.takeFromJournal().value()).eventId()).isEqualTo(behind.eventId());

        AuditEvent next = event("alice");
        outbox.offer(next);
        assertThat(outbox.takeFromMemory(0)).as("the journal is read empty: memory again").isSameAs(next);
    }

    @Test
    void whileKafkaIsAwayEventsGoStraightToTheJournalWhereTheyOutliveACrash() throws Exception {
        kafkaUp.set(false);
        AuditEvent away = event("alice");
        outbox.offer(away);
        assertThat(outbox.buffered()).isZero();
        assertThat(outbox.journaledWaiting()).isEqualTo(1);

        kafkaUp.set(true);
        AuditEvent back = event("alice");
        outbox.offer(back);
        assertThat(outbox.buffered()).as("behind the journaled one").isZero();
        assertThat(AuditEventJson.read(outbox.takeFromJournal().value()).eventId()).isEqualTo(away.eventId());
        assertThat(AuditEventJson.read(outbox.takeFromJournal().value()).eventId()).isEqualTo(back.eventId());
    }

    @Test
    void aFullJournalDropsAndCountsWithoutWaitingAndWarnsAtMostEvery30SecondsWithIdsOnly() {
        journal.close();
        journal = AuditJournal.open(dir.resolve("small"), 2048, 1000, clock);
        outbox = new AuditOutbox(1, journal, "this-run", kafkaUp::get, clock, warnings::add);
        long started = System.nanoTime();
        List<Boolean> kept = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            kept.add(outbox.offer(event("alice")));
        }
        // nothing drains the journal here, so an offer that waited for room would wait for good, or
        // for its timeout: 1,000 offers waiting 10 ms each would take 10 s. Not 1 s: on 2 busy cores
        // with three other test JVMs the loop itself once took 1.6 s
        assertThat(Duration.ofNanos(System.nanoTime() - started)).as("offering never waits").isLessThan(Duration.ofSeconds(10));
        long accepted = kept.stream().filter(k -> k).count();
        assertThat(accepted).as("one in memory, the rest what 2 KiB hold").isBetween(4L, 8L);
        assertThat(outbox.droppedEvents().sum()).isEqualTo(1000 - accepted);
        assertThat(outbox.journalBytes()).isLessThanOrEqualTo(2048);
        assertThat(warnings).hasSize(1);
        assertThat(warnings.get(0)).contains("audit journal full", "1 dropped", "alice")
                .doesNotContain("5YJ3E1EA7KF100001", "127.0.0.1", "tesla_fleet_api", "/api/1/");

        clock.advance(Duration.ofSeconds(29));
        outbox.offer(event("alice"));
        assertThat(warnings).hasSize(1);
        clock.advance(Duration.ofSeconds(1));
        outbox.offer(event("bernd"));
        assertThat(warnings).hasSize(2);
        assertThat(warnings.get(1)).contains((1000 - accepted + 2) + " dropped", "bernd");
    }

    @Test
    void aMissingEventIsNotCountedAsDropped() {
        assertThat(outbox.offer(null)).isFalse();
        assertThat(outbox.droppedEvents().sum()).isZero();
        assertThat(outbox.waiting()).isZero();
    }

    static AuditEvent event(String accountId) {
        return AuditEvent.builder(UUID.randomUUID(), Instant.parse("2026-11-26T12:00:00Z"), AuditEvent.Source.REST)
                .accountId(accountId).clientIp("127.0.0.1").clientLibrary("python tesla_fleet_api 1.0").method("GET")
                .pathTemplate("/api/1/vehicles/{vin}/vehicle_data").vin("5YJ3E1EA7KF100001").status(200).attempts(1)
                .credits(2).build();
    }
}
