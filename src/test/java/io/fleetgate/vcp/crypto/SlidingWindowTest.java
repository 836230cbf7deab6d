package io.fleetgate.vcp.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** The reference's window table (2.12), from C=100 with bits 0 and 5 set. */
class SlidingWindowTest {

    private static long bits(int... positions) {
        long bits = 0;
        for (int position : positions) {
            bits |= 1L << position;
        }
        return bits;
    }

    @ParameterizedTest
    @CsvSource({
            "101, true, 101, 0;1;6",
            "103, true, 103, 2;3;8",
            "500, true, 500, ''",
            "98, true, 100, 0;1;5",
            "99, false, 100, 0;5",
            "3, false, 100, 0;5",
            "100, false, 100, 0;5"})
    void followsTheReferenceTable(long n, boolean accepted, long counter, String setBits) {
        SlidingWindow window = new SlidingWindow(100, bits(0, 5));
        assertThat(window.accept(n)).isEqualTo(accepted);
        assertThat(window.counter()).isEqualTo(counter);
        int[] positions = setBits.isEmpty() ? new int[0]
                : java.util.Arrays.stream(setBits.split(";")).mapToInt(Integer::parseInt).toArray();
        assertThat(window.bits()).isEqualTo(bits(positions));
    }

    @Test
    void jumpsOf64OrMoreClearTheHistoryDespiteJavaShiftMasking() {
        SlidingWindow window = new SlidingWindow(0, 0);
        assertThat(window.accept(0xFFFFFFFFL)).isTrue();
        assertThat(window.bits()).isZero();
        SlidingWindow exact = new SlidingWindow(0, bits(3));
        assertThat(exact.accept(64)).isTrue();
        assertThat(exact.bits()).isEqualTo(bits(63));
    }

    @Test
    void acceptsAnyFirstResponseCounterThenNoRepeat() {
        SlidingWindow window = new SlidingWindow();
        assertThat(window.accept(7)).isTrue();
        assertThat(window.accept(7)).isFalse();
        assertThat(window.accept(8)).isTrue();
    }
}
