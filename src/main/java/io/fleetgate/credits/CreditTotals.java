package io.fleetgate.credits;

import io.fleetgate.audit.AuditEvent;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.UUID;

/**
 * Credits spent per account per UTC day, summed from audit events. Budget periods (a UTC day or
 * month) are whole days, so a period's total is the sum of its days, whatever period an account's
 * budget has or changes to. An event is counted once: this replica counts its own events as it
 * emits them (so its next request already sees them), and skips them when they come back from
 * the audit topic, where every other replica's events are counted.
 */
public final class CreditTotals {
    private final Map<String, NavigableMap<LocalDate, Long>> byAccount = new HashMap<>();
    private final Map<UUID, Boolean> countedHere;

    /** @param rememberedOwnEvents own events remembered until they come back from the topic */
    public CreditTotals(int rememberedOwnEvents) {
        this.countedHere = new LinkedHashMap<>(16, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<UUID, Boolean> eldest) {
                // an event dropped before Kafka never comes back: forget the oldest
                return size() > rememberedOwnEvents;
            }
        };
    }

    /** An event this replica emitted, counted before it is offered to the audit topic. */
    public synchronized void countOwn(AuditEvent event) {
        if (charges(event)) {
            countedHere.put(event.eventId(), Boolean.TRUE);
            add(event);
        }
    }

    /** An event read from the audit topic: counted unless this replica counted it when it emitted it. */
    public synchronized void countFromTopic(AuditEvent event) {
        if (charges(event) && countedHere.remove(event.eventId()) == null) {
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
