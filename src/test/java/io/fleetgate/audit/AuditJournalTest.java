package io.fleetgate.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fleetgate.testing.MutableClock;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The journal on its own: order, segments, bound, checkpoint, and what a killed run leaves behind. */
class AuditJournalTest {
    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-26T12:00:00Z"));
    private final List<AuditJournal> opened = new ArrayList<>();
    @TempDir
    Path dir;

    @AfterEach
    void close() {
        opened.forEach(AuditJournal::close);
    }

    @Test
    void readsBackWhatWasAppendedInOrderAcrossSegmentsAndIsEmptyOnDiskOnceAllIsAcknowledged() throws IOException {
        AuditJournal journal = open(dir, 1024 * 1024);
        for (int i = 0; i < 600; i++) {
            assertThat(journal.append(line(i), "run-a")).isTrue();
        }
        assertThat(segments(dir)).as("rolled at 128 KiB").hasSizeGreaterThan(1);
        assertThat(journal.unread()).isEqualTo(600);

        List<AuditJournal.Entry> entries = new ArrayList<>();
        for (AuditJournal.Entry entry; (entry = journal.next()) != null; ) {
            entries.add(entry);
        }
        assertThat(entries).extracting(e -> new String(e.value(), StandardCharsets.UTF_8))
                .containsExactlyElementsOf(java.util.stream.IntStream.range(0, 600).mapToObj(i -> new String(line(i))).toList());
        assertThat(entries).allSatisfy(e -> assertThat(e.origin()).isEqualTo("run-a")).noneMatch(AuditJournal.Entry::suspect);
        assertThat(journal.unread()).isZero();
        assertThat(journal.waiting()).isEqualTo(600);

        // acknowledged out of order (different partitions): the checkpoint only moves over a whole prefix
        for (int i = entries.size() - 1; i >= 0; i--) {
            journal.acknowledge(entries.get(i));
        }
        assertThat(journal.waiting()).isZero();
        assertThat(journal.bytes()).isZero();
        assertThat(segments(dir)).isEmpty();
        assertThat(journal.append(line(600), "run-a")).isTrue();
        assertThat(new String(journal.next().value())).isEqualTo(new String(line(600)));
    }

    @Test
    void refusesWhatWouldTakeItPastItsBound() {
        AuditJournal journal = open(dir, 4096);
        int accepted = 0;
        while (journal.append(line(accepted), "run-a")) {
            accepted++;
        }
        assertThat(accepted).as("lines of about 300 bytes").isBetween(12, 14);
        assertThat(journal.bytes()).isLessThanOrEqualTo(4096);
        journal.acknowledge(journal.next());
        assertThat(journal.append(line(999), "run-a")).as("still full: the first segment is not finished").isFalse();
    }

    @Test
    void aRestartReadsOnFromTheCheckpointAndMarksWhatMayHaveBeenSent() throws IOException {
        AuditJournal first = open(dir, 1024 * 1024);
        for (int i = 0; i < 10; i++) {
            first.append(line(i), "run-a");
        }
        List<AuditJournal.Entry> sent = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            sent.add(first.next());
        }
        first.acknowledge(sent.get(0));
        first.acknowledge(sent.get(1));
        first.acknowledge(sent.get(3)); // acknowledged, but after one that is not
        first.checkpoint();
        // what a kill leaves behind: the files as they are now, the lock gone with the process
        Path killed = copy(dir);

        AuditJournal second = open(killed, 1024 * 1024);
        assertThat(second.waiting()).as("from the first unacknowledged on").isEqualTo(8);
        assertThat(second.suspectSince()).as("sent since the first was taken out").isEqualTo(clock.millis());
        List<String> again = new ArrayList<>();
        for (AuditJournal.Entry entry; (entry = second.next()) != null; ) {
            assertThat(entry.suspect()).isTrue();
            again.add(new String(entry.value()));
        }
        assertThat(again).containsExactlyElementsOf(java.util.stream.IntStream.range(2, 10).mapToObj(i -> new String(line(i))).toList());
        second.append(line(10), "run-b");
        AuditJournal.Entry fresh = second.next();
        assertThat(fresh.suspect()).as("this run's own").isFalse();
        assertThat(fresh.origin()).isEqualTo("run-b");
    }

    @Test
    void aCleanStopWithNothingInFlightLeavesNothingSuspect() {
        AuditJournal first = open(dir, 1024 * 1024);
        for (int i = 0; i < 5; i++) {
            first.append(line(i), "run-a");
        }
        first.acknowledge(first.next());
        first.close();
        opened.remove(first);

        AuditJournal second = open(dir, 1024 * 1024);
        assertThat(second.waiting()).isEqualTo(4);
        assertThat(second.suspectSince()).isZero();
        assertThat(new String(second.next().value())).isEqualTo(new String(line(1)));
    }

    @Test
    void aLastLineTornByACrashIsCutOff() throws IOException {
        Files.writeString(dir.resolve("audit-000000000007-run-a.jsonl"), "{\"n\":1}\n{\"n\":2}\n{\"n\":", StandardCharsets.UTF_8);
        AuditJournal journal = open(dir, 1024 * 1024);
        assertThat(journal.waiting()).isEqualTo(2);
        assertThat(new String(journal.next().value())).isEqualTo("{\"n\":1}");
        assertThat(new String(journal.next().value())).isEqualTo("{\"n\":2}");
        assertThat(journal.next()).isNull();
        journal.append(line(3), "run-b");
        assertThat(new String(journal.next().value())).isEqualTo(new String(line(3)));
        assertThat(segments(dir)).containsExactly("audit-000000000007-run-a.jsonl", "audit-000000000008-run-b.jsonl");
    }

    @Test
    void aFolderIsOneFleetgatesOnly() {
        open(dir, 1024 * 1024);
        assertThatThrownBy(() -> AuditJournal.open(dir, 1024 * 1024, 1000, clock))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("in use by another Fleetgate");
    }

    private AuditJournal open(Path folder, long maxBytes) {
        AuditJournal journal = AuditJournal.open(folder, maxBytes, 1000, clock);
        opened.add(journal);
        return journal;
    }

    /** An event-sized line (~300 bytes) numbered n. */
    private static byte[] line(int n) {
        return ("{\"n\":" + n + ",\"padding\":\"" + "x".repeat(280) + "\"}").getBytes(StandardCharsets.UTF_8);
    }

    private static List<String> segments(Path folder) throws IOException {
        try (Stream<Path> files = Files.list(folder)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".jsonl")).sorted().toList();
        }
    }

    private Path copy(Path from) throws IOException {
        Path to = Files.createTempDirectory(dir.getParent(), "killed");
        try (Stream<Path> files = Files.list(from)) {
            for (Path file : files.filter(f -> !f.getFileName().toString().equals(".lock")).toList()) {
                Files.copy(file, to.resolve(file.getFileName()));
            }
        }
        return to;
    }
}
