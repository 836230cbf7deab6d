package io.fleetgate.credits;

import io.fleetgate.audit.AuditEvent;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.UUID;

/**
 * Credits and requests per account, UTC day and {@link UsageRow}, as this replica knows them:
 * each day's roll-up (from the roll-up topic), plus the audit events of that day found on the
 * audit topic past the roll-up's offset, plus this replica's own events not yet read back from
 * the audit topic. Each event counts once: an own event by its {@code event_id} until it is read
 * back, an event read back until a roll-up covers its offset. Budget periods and report windows
 * are whole days here, so a period's total is the sum of its days.
 */
public final class UsageTotals {
    private final Map<String, NavigableMap<LocalDate, Day>> byAccount = new HashMap<>();
    private final Map<UUID, Pending> pending = new HashMap<>();

    private record Pending(String accountId, LocalDate day, UsageRow row, int credits) {}

    private record Tail(long offset, UsageRow row, int credits) {}

    /** Receives rows of a report: credits and requests of one row on one day. */
    @FunctionalInterface
    interface RowSink {
        void add(LocalDate day, UsageRow row, long credits, long requests);
    }

    private static final class Day {
        /** rolled + tail + pending, per row: what is reported. */
        final Map<UsageRow, long[]> current = new HashMap<>();
        Map<UsageRow, long[]> rolled = Map.of();
        int auditPartition = -1;
        long throughOffset = -1;
        /** Audit events past the roll-up's offset, in offset order. */
        final ArrayDeque<Tail> tail = new ArrayDeque<>();
        long credits;
        long requests;

        void add(UsageRow row, long addCredits, long addRequests) {
            long[] sum = current.computeIfAbsent(row, r -> new long[2]);
            sum[0] += addCredits;
            sum[1] += addRequests;
            if (sum[0] == 0 && sum[1] == 0) {
                current.remove(row);
            }
            credits += addCredits;
            requests += addRequests;
        }

        boolean covers(int partition, long offset) {
            return partition == auditPartition && offset <= throughOffset;
        }
    }

    /** An event this replica is about to publish: counted now, until it is read back from the audit topic. */
    public synchronized void countOwn(AuditEvent event) {
        if (event.accountId() == null || pending.containsKey(event.eventId())) {
            return;
        }
        Pending own = new Pending(event.accountId(), day(event.time()), UsageRow.of(event), event.credits());
        pending.put(event.eventId(), own);
        day(own.accountId(), own.day()).add(own.row(), own.credits(), 1);
    }

    /** An event read from the audit topic at this partition and offset (read in offset order). */
    public synchronized void countPublished(AuditEvent event, int partition, long offset) {
        if (event.accountId() == null || countOwnPublished(event.eventId(), partition, offset)) {
            return;
        }
        Day day = day(event.accountId(), day(event.time()));
        if (day.covers(partition, offset)) {
            return; // the roll-up has it already
        }
        UsageRow row = UsageRow.of(event);
        day.tail.addLast(new Tail(offset, row, event.credits()));
        day.add(row, event.credits(), 1);
    }

    /**
     * The event with this id read back from the audit topic, when it is one of this replica's own
     * still pending: moved from pending to the day's events past the roll-up, from what
     * {@link #countOwn} kept of it, so its JSON need not be read. False when it is not pending here.
     */
    public synchronized boolean countOwnPublished(UUID eventId, int partition, long offset) {
        Pending own = pending.remove(eventId);
        if (own == null) {
            return false;
        }
        Day day = day(own.accountId(), own.day());
        if (day.covers(partition, offset)) {
            day.add(own.row(), -own.credits(), -1); // the roll-up has it already
        } else {
            day.tail.addLast(new Tail(offset, own.row(), own.credits()));
        }
        return true;
    }

    /** A day's roll-up: replaces the earlier one, and the events read back that it now covers. */
    public synchronized void applyRollup(String accountId, LocalDate date, DayRollup rollup) {
        Day day = day(accountId, date);
        if (rollup.auditPartition() == day.auditPartition && rollup.throughOffset() <= day.throughOffset) {
            return; // not newer than what is applied
        }
        day.rolled.forEach((row, sum) -> day.add(row, -sum[0], -sum[1]));
        day.rolled = Map.copyOf(rollup.rows());
        day.rolled.forEach((row, sum) -> day.add(row, sum[0], sum[1]));
        day.auditPartition = rollup.auditPartition();
        day.throughOffset = rollup.throughOffset();
        while (!day.tail.isEmpty() && day.covers(day.auditPartition, day.tail.peekFirst().offset())) {
            Tail covered = day.tail.removeFirst();
            day.add(covered.row(), -covered.credits(), -1);
        }
    }

    /** Credits the account spent on requests that arrived in [{@code from}, {@code to}); both on UTC day starts. */
    public synchronized long spent(String accountId, Instant from, Instant to) {
        NavigableMap<LocalDate, Day> days = byAccount.get(accountId);
        if (days == null) {
            return 0;
        }
        long sum = 0;
        for (Day day : days.subMap(day(from), true, day(to), false).values()) {
            sum += day.credits;
        }
        return sum;
    }

    /** Hands every row of the account's days in [{@code from}, {@code to}) to {@code sink}. */
    synchronized void rows(String accountId, LocalDate from, LocalDate to, RowSink sink) {
        NavigableMap<LocalDate, Day> days = byAccount.get(accountId);
        if (days == null || !from.isBefore(to)) {
            return;
        }
        days.subMap(from, true, to, false).forEach((date, day) ->
                day.current.forEach((row, sum) -> sink.add(date, row, sum[0], sum[1])));
    }

    /** Drops the days before {@code first}: past the retention. */
    public synchronized void forgetBefore(LocalDate first) {
        byAccount.values().forEach(days -> days.headMap(first, false).clear());
        byAccount.values().removeIf(Map::isEmpty);
        pending.values().removeIf(own -> own.day().isBefore(first));
    }

    private Day day(String accountId, LocalDate date) {
        return byAccount.computeIfAbsent(accountId, id -> new TreeMap<>()).computeIfAbsent(date, d -> new Day());
    }

    static LocalDate day(Instant instant) {
        return LocalDate.ofInstant(instant, ZoneOffset.UTC);
    }
}
