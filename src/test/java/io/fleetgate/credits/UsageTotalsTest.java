package io.fleetgate.credits;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetgate.account.CreditBudget;
import io.fleetgate.audit.AuditEvent;
import java.time.Instant;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The usage totals one replica keeps: roll-ups, the events read back past them and its own events
 * not yet read back, each event counted once whichever of the three saw it first; periods are sums of days.
 */
class UsageTotalsTest {
    private static final CreditBudget MONTHLY = new CreditBudget(100, CreditBudget.Period.MONTH);
    private static final CreditBudget DAILY = new CreditBudget(100, CreditBudget.Period.DAY);
    private static final LocalDate NOV_15 = LocalDate.parse("2026-11-15");
    private final UsageTotals totals = new UsageTotals();

    @Test
    void aPeriodsTotalIsTheSumOfTheEventsThatArrivedInIt() {
        long offset = 0;
        for (AuditEvent event : new AuditEvent[] {
                event("acme", "2026-10-31T23:59:59.999Z", 20), event("acme", "2026-11-01T00:00:00Z", 2),
                event("acme", "2026-11-15T12:00:00Z", 1), event("acme", "2026-11-30T23:59:59.999Z", 2),
                event("acme", "2026-12-01T00:00:00Z", 21), event("other", "2026-11-15T12:00:00Z", 7)}) {
            totals.countPublished(event, 0, offset++);
        }
        Instant mid = Instant.parse("2026-11-15T18:00:00Z");
        assertThat(spent("acme", MONTHLY, mid)).isEqualTo(5);
        assertThat(spent("acme", DAILY, mid)).isEqualTo(1);
        assertThat(spent("acme", MONTHLY, Instant.parse("2026-12-01T00:00:00Z"))).as("a new month starts at zero plus its own").isEqualTo(21);
        assertThat(spent("acme", DAILY, Instant.parse("2026-11-16T00:00:00Z"))).isZero();
        assertThat(spent("nobody", MONTHLY, mid)).isZero();
    }

    @Test
    void anOwnEventCountsAtOnceAndOnceOnlyWhenReadBackAndRolledUp() {
        AuditEvent own = event("acme", "2026-11-15T12:00:00Z", 20);
        totals.countOwn(own);
        assertThat(spent("acme", DAILY, own.time())).as("counted before it reaches the topic").isEqualTo(20);

        totals.countPublished(own, 3, 41);
        assertThat(spent("acme", DAILY, own.time())).as("read back: still once").isEqualTo(20);
        totals.applyRollup("acme", NOV_15, rollup(3, 41, own));
        assertThat(spent("acme", DAILY, own.time())).as("rolled up: still once").isEqualTo(20);
        assertThat(rows("acme", NOV_15)).containsExactly(Map.entry(UsageRow.of(own), 20L));
    }

    @Test
    void anOwnEventReadBackByItsIdAloneCountsAsIfItsJsonHadBeenRead() {
        AuditEvent own = event("acme", "2026-11-15T12:00:00Z", 20);
        AuditEvent rolledFirst = event("acme", "2026-11-15T12:00:01Z", 2);
        totals.countOwn(own);
        totals.countOwn(rolledFirst);
        assertThat(totals.countOwnPublished(own.eventId(), 3, 41)).isTrue();
        assertThat(spent("acme", DAILY, own.time())).as("read back: still once").isEqualTo(22);
        assertThat(totals.countOwnPublished(own.eventId(), 3, 41)).as("no longer pending: its JSON decides").isFalse();
        assertThat(totals.countOwnPublished(UUID.randomUUID(), 3, 43)).as("another replica's event").isFalse();
        // a roll-up through offset 42 covers both: the one read back is replaced by it, and the
        // one read back only after it is not counted again
        totals.applyRollup("acme", NOV_15, rollup(3, 42, own, rolledFirst));
        assertThat(totals.countOwnPublished(rolledFirst.eventId(), 3, 42)).isTrue();
        assertThat(spent("acme", DAILY, own.time())).isEqualTo(22);
        assertThat(rows("acme", NOV_15)).containsExactly(Map.entry(UsageRow.of(own), 22L));
    }

    @Test
    void aRollupReplacesTheEventsItCoversAndLeavesThoseAfterIt() {
        AuditEvent first = event("acme", "2026-11-15T10:00:00Z", 2);
        AuditEvent second = event("acme", "2026-11-15T11:00:00Z", 1);
        AuditEvent third = event("acme", "2026-11-15T12:00:00Z", 20);
        totals.countPublished(first, 2, 10);
        totals.countPublished(second, 2, 11);
        totals.countPublished(third, 2, 12);
        assertThat(spent("acme", DAILY, first.time())).isEqualTo(23);

        totals.applyRollup("acme", NOV_15, rollup(2, 11, first, second));
        assertThat(spent("acme", DAILY, first.time())).isEqualTo(23);
        totals.applyRollup("acme", NOV_15, rollup(2, 12, first, second, third));
        assertThat(spent("acme", DAILY, first.time())).isEqualTo(23);
        // an older roll-up (a record read again) changes nothing
        totals.applyRollup("acme", NOV_15, rollup(2, 11, first, second));
        assertThat(spent("acme", DAILY, first.time())).isEqualTo(23);
    }

    @Test
    void anEventReadBackAfterTheRollupThatCoversItIsNotCountedAgain() {
        AuditEvent event = event("acme", "2026-11-15T10:00:00Z", 2);
        totals.applyRollup("acme", NOV_15, rollup(1, 7, event));
        totals.countPublished(event, 1, 7);
        assertThat(spent("acme", DAILY, event.time())).isEqualTo(2);
        // the same offset of another partition is another event
        AuditEvent elsewhere = event("acme", "2026-11-15T10:00:01Z", 1);
        totals.countPublished(elsewhere, 4, 7);
        assertThat(spent("acme", DAILY, event.time())).isEqualTo(3);
    }

    @Test
    void eventsWithoutAnAccountAreNotCountedAndFreeOnesCountAsRequests() {
        totals.countPublished(event(null, "2026-11-15T12:00:00Z", 2), 0, 0);
        AuditEvent free = event("acme", "2026-11-15T12:00:00Z", 0);
        totals.countPublished(free, 0, 1);
        assertThat(spent("acme", MONTHLY, free.time())).isZero();
        long[] requests = {0};
        totals.rows("acme", NOV_15, NOV_15.plusDays(1), (day, row, credits, n) -> requests[0] += n);
        assertThat(requests[0]).isEqualTo(1);
    }

    @Test
    void forgottenDaysNoLongerCount() {
        totals.countPublished(event("acme", "2026-10-31T12:00:00Z", 5), 0, 0);
        totals.countOwn(event("acme", "2026-10-31T13:00:00Z", 7));
        totals.countPublished(event("acme", "2026-11-01T12:00:00Z", 3), 0, 1);
        totals.forgetBefore(LocalDate.parse("2026-11-01"));

        assertThat(totals.spent("acme", Instant.parse("2026-10-01T00:00:00Z"), Instant.parse("2026-12-01T00:00:00Z"))).isEqualTo(3);
    }

    private static DayRollup rollup(int partition, long through, AuditEvent... events) {
        DayRollup day = new DayRollup();
        long offset = through - events.length + 1;
        for (AuditEvent event : events) {
            day.plus(UsageFields.of(event), partition, offset++);
        }
        return day;
    }

    private Map<UsageRow, Long> rows(String account, LocalDate day) {
        Map<UsageRow, Long> credits = new HashMap<>();
        totals.rows(account, day, day.plusDays(1), (date, row, c, n) -> credits.merge(row, c, Long::sum));
        return credits;
    }

    private long spent(String account, CreditBudget budget, Instant now) {
        return totals.spent(account, budget.periodStart(now), budget.periodEnd(now));
    }

    private static AuditEvent event(String account, String time, int credits) {
        return AuditEvent.builder(UUID.randomUUID(), Instant.parse(time), AuditEvent.Source.REST)
                .accountId(account).tokenName("phone").clientLibrary("python").method("GET")
                .pathTemplate("/api/1/vehicles/{vin}/vehicle_data").credits(credits).status(200).build();
    }
}
