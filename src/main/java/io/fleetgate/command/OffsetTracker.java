package io.fleetgate.command;

import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Commits a partition's offset only when every earlier record of it has finished, so a crash
 * re-delivers every command that had not (records finish out of order across VIN lanes).
 */
public final class OffsetTracker {

    /** What commits an offset (Camel's manual commit of that record). */
    public interface Commit {
        void commit();
    }

    private final Map<Integer, TreeMap<Long, Entry>> partitions = new HashMap<>();

    public synchronized void started(int partition, long offset, Commit commit) {
        partitions.computeIfAbsent(partition, p -> new TreeMap<>()).put(offset, new Entry(commit));
    }

    public void finished(int partition, long offset) {
        Commit toCommit = null;
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
        }
        if (toCommit != null) {
            toCommit.commit();
        }
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
