package io.fleetgate.credits;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetgate.account.CreditBudget;
import io.fleetgate.audit.AuditEvent;
import io.fleetgate.audit.AuditEventJson;
import io.fleetgate.audit.AuditPublisher;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class CreditTotalsTest {
    private static final CreditBudget MONTHLY = new CreditBudget(100, CreditBudget.Period.MONTH);
    private static final CreditBudget DAILY = new CreditBudget(100, CreditBudget.Period.DAY);
    private final CreditTotals totals = new CreditTotals();

    @Test
    void aPeriodsTotalIsTheSumOfTheEventsThatArrivedInIt() {
        totals.count(event("acme", "2026-10-31T23:59:59.999Z", 20));
        totals.count(event("acme", "2026-11-01T00:00:00Z", 2));
        totals.count(event("acme", "2026-11-15T12:00:00Z", 1));
        totals.count(event("acme", "2026-11-30T23:59:59.999Z", 2));
        totals.count(event("acme", "2026-12-01T00:00:00Z", 21));
        totals.count(event("other", "2026-11-15T12:00:00Z", 7));

        Instant mid = Instant.parse("2026-11-15T18:00:00Z");
        assertThat(spent("acme", MONTHLY, mid)).isEqualTo(5);
        assertThat(spent("acme", DAILY, mid)).isEqualTo(1);
        assertThat(spent("acme", MONTHLY, Instant.parse("2026-12-01T00:00:00Z"))).as("a new month starts at zero plus its own").isEqualTo(21);
        assertThat(spent("acme", DAILY, Instant.parse("2026-11-16T00:00:00Z"))).isZero();
        assertThat(spent("nobody", MONTHLY, mid)).isZero();
    }

    @Test
    void anOwnEventIsCountedOnceWhenItComesBackFromTheTopicAndAnEarlierRunsOnesAreCounted() {
        CreditLedger ledger = new CreditLedger(Map.of("bootstrap.servers", "127.0.0.1:1"), "fleetgate.audit.v1",
                Clock.fixed(Instant.parse("2026-11-15T12:00:00Z"), ZoneOffset.UTC), totals, "this-run");
        AuditEvent own = event("acme", "2026-11-15T12:00:00Z", 20);
        ledger.countOwn(own);
        assertThat(spent("acme", MONTHLY, own.time())).as("counted before it reaches the topic").isEqualTo(20);

        ledger.count(record(own, "this-run"));
        ledger.count(record(event("acme", "2026-11-15T12:00:01Z", 1), "another-replica"));
        // journaled by this replica before a restart, published by this run: this run never counted it
        ledger.count(record(event("acme", "2026-11-15T12:00:02Z", 2), "the-run-before"));
        ledger.count(record(event("acme", "2026-11-15T12:00:03Z", 2), null));
        assertThat(spent("acme", MONTHLY, own.time())).isEqualTo(25);
    }

    private static ConsumerRecord<String, byte[]> record(AuditEvent event, String origin) {
        RecordHeaders headers = new RecordHeaders();
        if (origin != null) {
            headers.add(AuditPublisher.ORIGIN_HEADER, origin.getBytes(StandardCharsets.UTF_8));
        }
        return new ConsumerRecord<>("fleetgate.audit.v1", 0, 0, 0L, TimestampType.CREATE_TIME, 0, 0, event.partitionKey(),
                AuditEventJson.bytes(event), headers, Optional.empty());
    }

    @Test
    void eventsThatChargeNothingOrHaveNoAccountChangeNothing() {
        totals.count(event("acme", "2026-11-15T12:00:00Z", 0));
        totals.count(event(null, "2026-11-15T12:00:00Z", 2));
        assertThat(spent("acme", MONTHLY, Instant.parse("2026-11-15T12:00:00Z"))).isZero();
    }

    @Test
    void forgottenDaysNoLongerCount() {
        totals.count(event("acme", "2026-10-31T12:00:00Z", 5));
        totals.count(event("acme", "2026-11-01T12:00:00Z", 3));
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
