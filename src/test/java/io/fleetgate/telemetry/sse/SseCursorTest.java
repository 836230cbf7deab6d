package io.fleetgate.telemetry.sse;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetgate.telemetry.EventId;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SseCursorTest {

    @Test
    void oneVehiclesCursorIsTheEventsOwnId() {
        SseCursor cursor = SseCursor.before(Map.of(3, 100L), List.of(3)).after(new EventId(3, 1187));
        assertThat(cursor.toString()).isEqualTo("3-1187");
        assertThat(SseCursor.parse("3-1187")).contains(cursor);
        assertThat(cursor.resumeFrom(List.of(3))).isEqualTo(Map.of(3, 1188L));
    }

    @Test
    void severalPartitionsAreWrittenInPartitionOrderAndEachResumesAfterItsOwnLast() {
        SseCursor cursor = SseCursor.before(Map.of(9, 1024L, 0, 18L, 4, 0L, 7, 5L), List.of(9, 0, 4))
                .after(new EventId(9, 1030)).after(new EventId(0, 20));
        // partition 4 was empty when the stream began: no entry; partition 7 is not the stream's
        assertThat(cursor.toString()).isEqualTo("0-20.9-1030");
        assertThat(SseCursor.parse(cursor.toString())).contains(cursor);
        assertThat(cursor.resumeFrom(List.of(0, 4, 9))).isEqualTo(Map.of(0, 21L, 4, 0L, 9, 1031L));
    }

    @Test
    void anEventNeverMovesAPartitionBack() {
        SseCursor cursor = SseCursor.before(Map.of(2, 50L), List.of(2)).after(new EventId(2, 40));
        assertThat(cursor.toString()).isEqualTo("2-49");
    }

    @Test
    void aStreamWithNothingCoveredIsStartAndResumesFromTheBeginning() {
        SseCursor empty = SseCursor.before(Map.of(5, 0L), List.of(5));
        assertThat(empty.toString()).isEqualTo("start");
        assertThat(SseCursor.parse("start")).contains(SseCursor.empty());
        assertThat(empty.resumeFrom(List.of(5))).isEqualTo(Map.of(5, 0L));
    }

    @Test
    void anythingElseIsNoCursor() {
        for (String text : List.of("", " ", "3", "3-", "-3", "3-x", "3-1.3-2", "3-1..4-2", "3-1.", "a-b", "3--1", "x".repeat(5000))) {
            assertThat(SseCursor.parse(text)).as(text).isEmpty();
        }
    }
}
