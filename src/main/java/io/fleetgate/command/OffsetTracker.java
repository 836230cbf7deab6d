package io.fleetgate.command;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * Commits a partition's offset only when every earlier record of it has finished, so a crash
 * re-delivers every command that had not (records finish out of order across VIN lanes).
 *
 * <p>Commits are coalesced: within one interval only the highest committable offset of each
 * partition is committed. Each commit is a request to the group coordinator, and at thousands of
 * commands a second one commit per record cost more than the commands' own results. A crash loses
 * at most the interval's commits; those records come again and the command ledger recognises them.
 */
public final class OffsetTracker {

    /** What commits an offset (Camel's manual commit of that record). */
    public interface Commit {
        void commit();
    }

    private final Map<Integer, TreeMap<Long, Entry>> partitions = new HashMap<>();
    private final Map<Integer, Commit> due = new HashMap<>();
    private final Executor flushLater;
    private boolean flushScheduled;

    /** Commits as soon as a record and those before it have finished. */
    public OffsetTracker() {
        this(Duration.ZERO);
    }

    /** Commits at most once per interval and partition (zero: at once). */
    public OffsetTracker(Duration commitInterval) {
        this.flushLater = commitInterval.isZero() ? null
                : CompletableFuture.delayedExecutor(commitInterval.toMillis(), TimeUnit.MILLISECONDS);
    }

    public synchronized void started(int partition, long offset, Commit commit) {
        partitions.computeIfAbsent(partition, p -> new TreeMap<>()).put(offset, new Entry(commit));
    }

    public void finished(int partition, long offset) {
        Commit toCommit = null;
        boolean scheduleFlush = false;
        synchronized (this) {
            TreeMap<Long, Entry> pending = partitions.get(partition);
            if (pending == null) {
                return;
            }
            Entry entry = pending.get(offset);
            if (entry == null) {
                return;
            }
            entry.done = true;
            while (!pending.isEmpty() && pending.firstEntry().getValue().done) {
                toCommit = pending.pollFirstEntry().getValue().commit;
            }
            if (toCommit != null && flushLater != null) {
                due.put(partition, toCommit);
                toCommit = null;
                scheduleFlush = !flushScheduled;
                flushScheduled = true;
            }
        }
        if (toCommit != null) {
            toCommit.commit();
        }
        if (scheduleFlush) {
            flushLater.execute(this::flush);
        }
    }

    /** Commits the highest finished offset of each partition now. */
    public void flush() {
        List<Commit> commits;
        synchronized (this) {
            commits = new ArrayList<>(due.values());
            due.clear();
            flushScheduled = false;
        }
        commits.forEach(Commit::commit);
    }

    /** Records taken but not yet committable, for a partition. */
    public synchronized int pending(int partition) {
        TreeMap<Long, Entry> pending = partitions.get(partition);
        return pending == null ? 0 : pending.size();
    }

    private static final class Entry {
        final Commit commit;
        boolean done;

        Entry(Commit commit) {
            this.commit = commit;
        }
    }
}
