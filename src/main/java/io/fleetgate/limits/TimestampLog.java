package io.fleetgate.limits;

import java.util.Arrays;

/**
 * The accepted-request times of one key, oldest first, in a ring buffer that starts small and
 * grows only as far as the limit needs: most clients send a few requests, not sixty.
 * Not thread-safe: the limiter guards each log with a lock of its own.
 */
final class TimestampLog {
    private static final int INITIAL_CAPACITY = 4;

    private long[] times = new long[INITIAL_CAPACITY];
    private int head;
    private int size;

    /** Forgets every time at or before {@code cutoff}, which is the instant one window ago. */
    void dropUpTo(long cutoff) {
        while (size > 0 && times[head] <= cutoff) {
            head = (head + 1) % times.length;
            size--;
        }
    }

    int size() {
        return size;
    }

    /** The {@code index}-th oldest time, 0 being the oldest. */
    long get(int index) {
        return times[(head + index) % times.length];
    }

    /** Appends a time, kept no earlier than the newest so the log stays ordered if the clock steps back. */
    void add(long time) {
        if (size == times.length) {
            grow();
        }
        long ordered = size == 0 ? time : Math.max(time, get(size - 1));
        times[(head + size) % times.length] = ordered;
        size++;
    }

    /** Forgets the newest time; nothing when the log is empty. */
    void removeNewest() {
        if (size > 0) {
            size--;
        }
    }

    private void grow() {
        long[] larger = Arrays.copyOf(unrolled(), times.length * 2);
        times = larger;
        head = 0;
    }

    private long[] unrolled() {
        long[] copy = new long[size];
        for (int i = 0; i < size; i++) {
            copy[i] = get(i);
        }
        return copy;
    }
}
