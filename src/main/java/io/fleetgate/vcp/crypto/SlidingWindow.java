package io.fleetgate.vcp.crypto;

/**
 * Anti-replay window over uint32 counters (reference 2.12): the highest accepted counter and a
 * 64-bit map of the 32 counters below it. Not thread-safe; owners lock around it.
 */
public final class SlidingWindow {
    public static final int SIZE = 32;

    private long counter;
    private long bits;
    private boolean started;

    /** A window that accepts any first value (response counters). */
    public SlidingWindow() {
    }

    /** A window at counter {@code counter} with history {@code bits} (bit i: counter-(i+1) used). */
    public SlidingWindow(long counter, long bits) {
        this.counter = counter;
        this.bits = bits;
        this.started = true;
    }

    /** Accepts {@code n} once; on refusal nothing changes. */
    public boolean accept(long n) {
        if (!started) {
            started = true;
            counter = n;
            bits = 0;
            return true;
        }
        if (n == counter) {
            return false;
        }
        if (n < counter) {
            long age = counter - n;
            if (age > SIZE || (bits & (1L << (age - 1))) != 0) {
                return false;
            }
            bits |= 1L << (age - 1);
            return true;
        }
        long shift = n - counter;
        // Java masks shift counts to 6 bits; a jump of 64 or more clears the history
        bits = shift >= 64 ? 0 : bits << shift;
        if (shift - 1 < 64) {
            bits |= 1L << (shift - 1);
        }
        counter = n;
        return true;
    }

    public long counter() {
        return counter;
    }

    public long bits() {
        return bits;
    }
}
