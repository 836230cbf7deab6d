package io.fleetgate.credits;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetgate.account.CreditBudget;
import io.fleetgate.audit.AuditEvent;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class CreditTotalsTest {
    private static final CreditBudget MONTHLY = new CreditBudget(100, CreditBudget.Period.MONTH);
    private static final CreditBudget DAILY = new CreditBudget(100, CreditBudget.Period.DAY);
    private final CreditTotals totals = new CreditTotals(1000);

    @Test
    void aPeriodsTotalIsTheSumOfTheEventsThatArrivedInIt() {
        totals.countFromTopic(event("acme", "2026-10-31T23:59:59.999Z", 20));
        totals.countFromTopic(event("acme", "2026-11-01T00:00:00Z", 2));
        totals.countFromTopic(event("acme", "2026-11-15T12:00:00Z", 1));
        totals.countFromTopic(event("acme", "2026-11-30T23:59:59.999Z", 2));
        totals.countFromTopic(event("acme", "2026-12-01T00:00:00Z", 21));
        totals.countFromTopic(event("other", "2026-11-15T12:00:00Z", 7));

        Instant mid = Instant.parse("2026-11-15T18:00:00Z");
        assertThat(spent("acme", MONTHLY, mid)).isEqualTo(5);
        assertThat(spent("acme", DAILY, mid)).isEqualTo(1);
        assertThat(spent("acme", MONTHLY, Instant.parse("2026-12-01T00:00:00Z"))).as("a new month starts at zero plus its own").isEqualTo(21);
        assertThat(spent("acme", DAILY, Instant.parse("2026-11-16T00:00:00Z"))).isZero();
        assertThat(spent("nobody", MONTHLY, mid)).isZero();
    }

    @Test
    void anOwnEventIsCountedOnceWhenItComesBackFromTheTopic() {
        AuditEvent own = event("acme", "2026-11-15T12:00:00Z", 20);
        totals.countOwn(own);
        assertThat(spent("acme", MONTHLY, own.time())).as("counted before it reaches the topic").isEqualTo(20);

        totals.countFromTopic(own);
        totals.countFromTopic(event("acme", "2026-11-15T12:00:01Z", 1)); // another replica's
        assertThat(spent("acme", MONTHLY, own.time())).isEqualTo(21);
    }

    @Test
    void eventsThatChargeNothingOrHaveNoAccountChangeNothing() {
        totals.countFromTopic(event("acme", "2026-11-15T12:00:00Z", 0));
        totals.countFromTopic(event(null, "2026-11-15T12:00:00Z", 2));
        assertThat(spent("acme", MONTHLY, Instant.parse("2026-11-15T12:00:00Z"))).isZero();
    }

    @Test
    void forgottenDaysNoLongerCount() {
        totals.countFromTopic(event("acme", "2026-10-31T12:00:00Z", 5));
        totals.countFromTopic(event("acme", "2026-11-01T12:00:00Z", 3));
        totals.forgetBefore(Instant.parse("2026-11-01T00:00:00Z"));

        assertThat(totals.spent("acme", Instant.parse("2026-10-01T00:00:00Z"), Instant.parse("2026-12-01T00:00:00Z"))).isEqualTo(3);
    }

    private long spent(String account, CreditBudget budget, Instant now) {
        return totals.spent(account, budget.periodStart(now), budget.periodEnd(now));
    }

    private static AuditEvent event(String account, String time, int credits) {
        return AuditEvent.builder(UUID.randomUUID(), Instant.parse(time), AuditEvent.Source.REST)
                .accountId(account).credits(credits).status(200).build();
    }
}
