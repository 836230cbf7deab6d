package io.fleetgate.limits;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.stream.IntStream;

/**
 * Sliding windows held in this process: right for one replica. Each key has its own log and its
 * own lock, so requests under different keys never wait for each other.
 *
 * <p>Memory stays bounded by the keys active in the last window: a log whose every request has
 * left its window is dropped by a sweep. The first request after each sweep interval hands the
 * sweep to the sweeper executor and goes on without waiting: over 100,000 keys a sweep takes
 * tens of milliseconds, which no request should pay. {@link #sweep()} may also be scheduled.
 */
public final class InMemorySlidingWindowLimiter implements SlidingWindowLimiter {
    private final Clock clock;
    private final long sweepIntervalMillis;
    private final Map<String, Entry> logs = new ConcurrentHashMap<>();
    private final AtomicLong nextSweepAt;
    private final Executor sweeper;

    /** Sweeps once a minute on the common fork-join pool. */
    public InMemorySlidingWindowLimiter(Clock clock) {
        this(clock, Duration.ofSeconds(60), ForkJoinPool.commonPool());
    }

    /**
     * @param sweepInterval how often idle keys are looked for
     * @param sweeper runs the sweep off the request path ({@code Runnable::run} in tests, to run it in place)
     */
    public InMemorySlidingWindowLimiter(Clock clock, Duration sweepInterval, Executor sweeper) {
        this.clock = clock;
        this.sweepIntervalMillis = Math.max(1, sweepInterval.toMillis());
        this.nextSweepAt = new AtomicLong(clock.millis() + sweepIntervalMillis);
        this.sweeper = sweeper;
    }

    @Override
    public List<LimitDecision> acquireAll(List<Quota> quotas) {
        requireDistinctKeys(quotas);
        sweepIfDue();
        while (true) {
            Entry[] entries = new Entry[quotas.size()];
            for (int i = 0; i < entries.length; i++) {
                Quota quota = quotas.get(i);
                entries[i] = logs.computeIfAbsent(quota.key(), key -> new Entry(quota.windowMillis()));
            }
            List<LimitDecision> decisions = underLocks(lockOrder(quotas, entries), 0, () -> decide(quotas, entries));
            if (decisions != null) {
                return decisions;
            }
            // a sweep retired one of the logs between lookup and lock: look them up again
        }
    }

    @Override
    public LimitDecision peek(Quota quota) {
        sweepIfDue();
        // a key that counts nothing gets no log: peeking costs no memory
        Entry entry = logs.get(quota.key());
        if (entry == null) {
            return LimitDecision.of(true, quota.limit(), 0, -1, clock.millis());
        }
        synchronized (entry) {
            long now = clock.millis();
            if (entry.retired) {
                return LimitDecision.of(true, quota.limit(), 0, -1, now);
            }
            TimestampLog log = entry.log;
            log.dropUpTo(now - quota.windowMillis());
            return LimitDecision.of(log.size() < quota.limit(), quota.limit(), log.size(), nextFreeAt(log, quota), now);
        }
    }

    @Override
    public void releaseNewest(String key) {
        Entry entry = logs.get(key);
        if (entry == null) {
            return;
        }
        synchronized (entry) {
            if (!entry.retired) {
                entry.log.removeNewest();
            }
        }
    }

    @Override
    public boolean decidesInProcess() {
        return true;
    }

    /** Drops the logs whose every request has left the window. Safe to call at any time. */
    public void sweep() {
        long now = clock.millis();
        logs.forEach((key, entry) -> {
            synchronized (entry) {
                entry.log.dropUpTo(now - entry.windowMillis);
                if (entry.log.size() == 0) {
                    entry.retired = true;
                    logs.remove(key, entry);
                }
            }
        });
    }

    /** How many keys currently hold a log (for tests and metrics). */
    public int trackedKeys() {
        return logs.size();
    }

    private List<LimitDecision> decide(List<Quota> quotas, Entry[] entries) {
        for (Entry entry : entries) {
            if (entry.retired) {
                return null;
            }
        }
        // read under the locks, so times are appended in the order the decisions were made
        long now = clock.millis();
        boolean[] room = new boolean[entries.length];
        boolean all = true;
        for (int i = 0; i < entries.length; i++) {
            Quota quota = quotas.get(i);
            TimestampLog log = entries[i].log;
            entries[i].windowMillis = quota.windowMillis();
            log.dropUpTo(now - quota.windowMillis());
            room[i] = log.size() < quota.limit();
            all &= room[i];
        }
        List<LimitDecision> decisions = new ArrayList<>(entries.length);
        for (int i = 0; i < entries.length; i++) {
            Quota quota = quotas.get(i);
            TimestampLog log = entries[i].log;
            if (all) {
                log.add(now);
            }
            decisions.add(LimitDecision.of(room[i], quota.limit(), log.size(), nextFreeAt(log, quota), now));
        }
        return decisions;
    }

    /** When the request whose departure gives the window room again leaves it; -1 if the log is empty. */
    private static long nextFreeAt(TimestampLog log, Quota quota) {
        if (log.size() == 0) {
            return -1;
        }
        return log.get(Math.max(0, log.size() - quota.limit())) + quota.windowMillis();
    }

    private static <T> T underLocks(Entry[] lockOrder, int index, Supplier<T> body) {
        if (index == lockOrder.length) {
            return body.get();
        }
        synchronized (lockOrder[index]) {
            return underLocks(lockOrder, index + 1, body);
        }
    }

    private void sweepIfDue() {
        long now = clock.millis();
        long due = nextSweepAt.get();
        if (now >= due && nextSweepAt.compareAndSet(due, now + sweepIntervalMillis)) {
            sweeper.execute(this::sweep);
        }
    }

    /** Several keys are locked in key order, so two requests can never each hold what the other waits for. */
    private static Entry[] lockOrder(List<Quota> quotas, Entry[] entries) {
        if (entries.length == 1) {
            return entries;
        }
        return IntStream.range(0, entries.length).boxed()
                .sorted(Comparator.comparing(i -> quotas.get(i).key()))
                .map(i -> entries[i])
                .toArray(Entry[]::new);
    }

    private static void requireDistinctKeys(List<Quota> quotas) {
        if (quotas.isEmpty()) {
            throw new IllegalArgumentException("no quota to apply");
        }
        if (quotas.size() > 1 && new HashSet<>(quotas.stream().map(Quota::key).toList()).size() != quotas.size()) {
            throw new IllegalArgumentException("each quota needs its own key: " + quotas);
        }
    }

    /** A key's log and the window it was last used with, which the sweep needs; guarded by its own monitor. */
    private static final class Entry {
        final TimestampLog log = new TimestampLog();
        long windowMillis;
        /** Set when the sweep has dropped this entry from the map: a request holding it must look again. */
        boolean retired;

        Entry(long windowMillis) {
            this.windowMillis = windowMillis;
        }
    }
}
