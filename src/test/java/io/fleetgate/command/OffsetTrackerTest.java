package io.fleetgate.command;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** Offsets are committed only past records that finished, and coalesced per partition. */
class OffsetTrackerTest {
    private final List<String> committed = new CopyOnWriteArrayList<>();

    private OffsetTracker.Commit commitOf(int partition, long offset) {
        return () -> committed.add(partition + "-" + offset);
    }

    @Test
    void withoutIntervalCommitsOnceEveryEarlierRecordFinished() {
        OffsetTracker offsets = new OffsetTracker();
        for (long offset = 0; offset < 3; offset++) {
            offsets.started(0, offset, commitOf(0, offset));
        }
        offsets.finished(0, 2);
        offsets.finished(0, 1);
        assertThat(committed).isEmpty();
        assertThat(offsets.pending(0)).isEqualTo(3);

        offsets.finished(0, 0);
        assertThat(committed).containsExactly("0-2");
        assertThat(offsets.pending(0)).isZero();
    }

    @Test
    void withIntervalCommitsOnlyTheHighestFinishedOffsetOfEachPartition() {
        OffsetTracker offsets = new OffsetTracker(Duration.ofMillis(200));
        for (long offset = 0; offset < 5; offset++) {
            offsets.started(0, offset, commitOf(0, offset));
            offsets.started(1, offset, commitOf(1, offset));
        }
        for (long offset = 0; offset < 3; offset++) {
            offsets.finished(0, offset);
        }
        offsets.finished(1, 0);
        offsets.finished(1, 3); // offsets 1 and 2 of partition 1 still run
        assertThat(committed).as("nothing before the interval").isEmpty();

        await().atMost(Duration.ofSeconds(5)).until(() -> committed.size() == 2);
        assertThat(committed).containsExactlyInAnyOrder("0-2", "1-0");

        offsets.finished(1, 1);
        offsets.finished(1, 2);
        await().atMost(Duration.ofSeconds(5)).until(() -> committed.size() == 3);
        assertThat(committed).last().isEqualTo("1-3");
    }

    @Test
    void flushCommitsWhatIsDueAtOnce() {
        OffsetTracker offsets = new OffsetTracker(Duration.ofMinutes(10));
        offsets.started(3, 7, commitOf(3, 7));
        offsets.finished(3, 7);
        assertThat(committed).isEmpty();

        offsets.flush();
        assertThat(committed).containsExactly("3-7");
        offsets.flush();
        assertThat(committed).containsExactly("3-7");
    }
}
