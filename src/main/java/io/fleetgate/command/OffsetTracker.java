package io.fleetgate.command;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Which offset of each command partition may be committed: the one past the last record that,
 * with every earlier record of its partition, has finished (its result acknowledged by Kafka).
 * Records finish out of order across VIN lanes, so a crash re-delivers every command that had not.
 *
 * <p>Bookkeeping is per {@link Assignment}: a partition revoked or lost is forgotten, and a record
 * of an earlier assignment that finishes late changes nothing, so a partition that comes back
 * starts clean from its committed offset. Thread-safe; the consumer's thread alone commits.
 */
public final class OffsetTracker {

    /** One assignment of one partition to this replica. */
    public static final class Assignment {
        final int partition;
        /** Taken offsets not yet committable: true once finished. */
        final TreeMap<Long, Boolean> pending = new TreeMap<>();
        /** The next offset to commit (one past the last finished record), -1 before any. */
        long committable = -1;
        long committed = -1;
        /** Being handed to another replica: running records finish, queued ones do not start. */
        boolean released;

        Assignment(int partition) {
            this.partition = partition;
        }

        public int partition() {
            return partition;
        }
    }

    private final Map<Integer, Assignment> current = new HashMap<>();

    /** A record taken from the partition; the assignment it belongs to tells a late finish apart. */
    public synchronized Assignment started(int partition, long offset) {
        Assignment assignment = current.computeIfAbsent(partition, Assignment::new);
        assignment.pending.put(offset, false);
        return assignment;
    }

    /** The record's result is on the results topic. */
    public synchronized void finished(Assignment assignment, long offset) {
        if (current.get(assignment.partition) != assignment || !assignment.pending.containsKey(offset)) {
            return;
        }
        assignment.pending.put(offset, true);
        while (!assignment.pending.isEmpty() && assignment.pending.firstEntry().getValue()) {
            assignment.committable = assignment.pending.pollFirstEntry().getKey() + 1;
        }
    }

    /** Whether a record of this assignment may start here (its partition was not revoked or lost meanwhile). */
    public synchronized boolean mayStart(Assignment assignment) {
        return current.get(assignment.partition) == assignment && !assignment.released;
    }

    /** The partitions are being handed over: nothing more of them starts; what runs still finishes. */
    public synchronized void release(Collection<Integer> partitions) {
        for (Integer partition : partitions) {
            Assignment assignment = current.get(partition);
            if (assignment != null) {
                assignment.released = true;
            }
        }
    }

    /** The next offsets to commit, of partitions that have moved on since their last commit. */
    public synchronized Map<Integer, Long> due() {
        return due(current.keySet());
    }

    /** {@link #due()} of some partitions only. */
    public synchronized Map<Integer, Long> due(Collection<Integer> partitions) {
        Map<Integer, Long> due = new HashMap<>();
        for (Integer partition : partitions) {
            Assignment assignment = current.get(partition);
            if (assignment != null && assignment.committable > assignment.committed) {
                due.put(partition, assignment.committable);
            }
        }
        return due;
    }

    /** Kafka acknowledged these commits. */
    public synchronized void committed(Map<Integer, Long> offsets) {
        offsets.forEach((partition, offset) -> {
            Assignment assignment = current.get(partition);
            if (assignment != null) {
                assignment.committed = Math.max(assignment.committed, offset);
            }
        });
    }

    /** The partitions left this replica: their records run no more here and are never committed. */
    public synchronized void forget(Collection<Integer> partitions) {
        partitions.forEach(current::remove);
    }

    /**
     * Per partition with records taken and not finished, the first of them: committing it loses
     * nothing (all before it finished here or before this assignment), so it proves this member's
     * hold on the partition without moving the group's position.
     */
    public synchronized Map<Integer, Long> firstUnfinished() {
        Map<Integer, Long> first = new HashMap<>();
        current.forEach((partition, assignment) -> {
            if (!assignment.pending.isEmpty()) {
                first.put(partition, assignment.pending.firstKey());
            }
        });
        return first;
    }

    /** Records taken but not yet committable, for a partition. */
    public synchronized int pending(int partition) {
        Assignment assignment = current.get(partition);
        return assignment == null ? 0 : assignment.pending.size();
    }
}
