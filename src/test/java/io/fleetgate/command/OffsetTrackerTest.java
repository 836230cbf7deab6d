package io.fleetgate.command;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Offsets are committable only past records that finished, per assignment of a partition. */
class OffsetTrackerTest {

    @Test
    void commitsOnlyPastRecordsThatFinishedWithEveryEarlierOne() {
        OffsetTracker offsets = new OffsetTracker();
        OffsetTracker.Assignment assignment = null;
        for (long offset = 0; offset < 3; offset++) {
            assignment = offsets.started(0, offset);
        }
        offsets.finished(assignment, 2);
        offsets.finished(assignment, 1);
        assertThat(offsets.due()).as("offset 0 still runs").isEmpty();
        assertThat(offsets.pending(0)).isEqualTo(3);

        offsets.finished(assignment, 0);
        assertThat(offsets.due()).containsExactly(Map.entry(0, 3L));
        assertThat(offsets.pending(0)).isZero();
    }

    @Test
    void theFirstUnfinishedRecordOfEachPartitionIsWhatAConfirmationCommits() {
        OffsetTracker offsets = new OffsetTracker();
        OffsetTracker.Assignment p0 = offsets.started(0, 7);
        offsets.started(0, 8);
        offsets.started(0, 9);
        OffsetTracker.Assignment p1 = offsets.started(1, 3);
        offsets.finished(p0, 7);
        offsets.finished(p0, 9);
        offsets.finished(p1, 3);
        // 7 finished, 8 runs (9 behind it is not committable yet); partition 1 holds nothing
        assertThat(offsets.firstUnfinished()).containsExactly(Map.entry(0, 8L));
        assertThat(offsets.due()).containsEntry(0, 8L).containsEntry(1, 4L);

        offsets.forget(List.of(0));
        assertThat(offsets.firstUnfinished()).as("a lost partition is not confirmed").isEmpty();
    }

    @Test
    void aCommitAcknowledgedIsNotDueAgainUntilMoreFinish() {
        OffsetTracker offsets = new OffsetTracker();
        OffsetTracker.Assignment p0 = offsets.started(0, 10);
        OffsetTracker.Assignment p1 = offsets.started(1, 4);
        offsets.started(1, 5);
        offsets.finished(p0, 10);
        offsets.finished(p1, 5);
        assertThat(offsets.due()).containsExactly(Map.entry(0, 11L));

        offsets.committed(Map.of(0, 11L));
        assertThat(offsets.due()).isEmpty();

        offsets.finished(p1, 4);
        assertThat(offsets.due()).containsExactly(Map.entry(1, 6L));
        assertThat(offsets.due(List.of(0))).isEmpty();
    }

    @Test
    void aReleasedPartitionStartsNothingButItsRunningRecordsStillFinish() {
        OffsetTracker offsets = new OffsetTracker();
        OffsetTracker.Assignment assignment = offsets.started(2, 0);
        offsets.started(2, 1);
        offsets.release(List.of(2));

        assertThat(offsets.mayStart(assignment)).isFalse();
        offsets.finished(assignment, 0);
        assertThat(offsets.due(List.of(2))).containsExactly(Map.entry(2, 1L));
    }

    @Test
    void aForgottenAssignmentCountsForNothingWhenThePartitionComesBack() {
        OffsetTracker offsets = new OffsetTracker();
        OffsetTracker.Assignment first = offsets.started(3, 7);
        offsets.forget(List.of(3));

        OffsetTracker.Assignment second = offsets.started(3, 7);
        offsets.finished(first, 7);
        assertThat(offsets.mayStart(first)).isFalse();
        assertThat(offsets.due()).as("a late finish of the earlier assignment").isEmpty();

        offsets.finished(second, 7);
        assertThat(offsets.due()).containsExactly(Map.entry(3, 8L));
    }
}
