package io.fleetgate.credits;

import io.fleetgate.audit.AuditEvent;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * Credits spent per account per UTC day, summed from audit events. Budget periods (a UTC day or
 * month) are whole days, so a period's total is the sum of its days, whatever period an account's
 * budget has or changes to. Which events to count (each once) is the {@link CreditLedger}'s call.
 */
public final class CreditTotals {
    private final Map<String, NavigableMap<LocalDate, Long>> byAccount = new HashMap<>();

    /** Adds the event's credits to its account's day. */
    public synchronized void count(AuditEvent event) {
        if (charges(event)) {
            add(event);
        }
    }

    /** Credits the account spent on requests that arrived in [{@code from}, {@code to}); both on UTC day starts. */
    public synchronized long spent(String accountId, Instant from, Instant to) {
        NavigableMap<LocalDate, Long> days = byAccount.get(accountId);
        if (days == null) {
            return 0;
        }
        long sum = 0;
        for (long credits : days.subMap(day(from), true, day(to), false).values()) {
            sum += credits;
        }
        return sum;
    }

    /** Drops the days before {@code from}: no budget period reaches back to them any more. */
    public synchronized void forgetBefore(Instant from) {
        LocalDate first = day(from);
        byAccount.values().forEach(days -> days.headMap(first, false).clear());
        byAccount.values().removeIf(Map::isEmpty);
    }

    private void add(AuditEvent event) {
        byAccount.computeIfAbsent(event.accountId(), id -> new TreeMap<>())
                .merge(day(event.time()), (long) event.credits(), Long::sum);
    }

    private static boolean charges(AuditEvent event) {
        return event.accountId() != null && event.credits() > 0;
    }

    private static LocalDate day(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC).toLocalDate();
    }
}
