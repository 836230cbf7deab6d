package io.fleetgate.credits;

import io.fleetgate.account.Account;
import io.fleetgate.account.CreditBudget;
import io.fleetgate.ingress.ExchangeKeys;
import io.fleetgate.ingress.GatewayError;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * CONTRACT section 8: an account whose credits for the current period are used up gets 402
 * {@code insufficient_credits} until the period renews. A request is let through while the
 * account has spent less than its budget, so the last one may overshoot by its own charge.
 */
public final class CreditBudgets {
    private static final Logger LOG = LoggerFactory.getLogger(CreditBudgets.class);

    private final CreditLedger ledger;
    private final Clock clock;
    private final Duration catchUpTimeout;

    public CreditBudgets(CreditLedger ledger, Clock clock, Duration catchUpTimeout) {
        this.ledger = ledger;
        this.clock = clock;
        this.catchUpTimeout = catchUpTimeout;
    }

    /** True when {@link #requireCredits} would wait for the totals to be read back (right after a start). */
    public boolean waitsForTotals(Exchange exchange) {
        Account account = exchange.getProperty(ExchangeKeys.ACCOUNT, Account.class);
        return account != null && account.creditBudget() != null && !ledger.isCaughtUp();
    }

    /** Refuses the exchange's account (exchange property {@link ExchangeKeys#ACCOUNT}) once its budget is spent. */
    public void requireCredits(Exchange exchange) throws InterruptedException {
        Account account = exchange.getProperty(ExchangeKeys.ACCOUNT, Account.class);
        if (account == null || account.creditBudget() == null) {
            return;
        }
        // right after a start, wait for the totals to be read back (bounded): else a restart would reset them
        if (!ledger.isCaughtUp() && !ledger.awaitCaughtUp(catchUpTimeout)) {
            LOG.warn("credit totals not read back from the audit topic yet: account {} checked against what is known", account.id());
        }
        CreditBudget budget = account.creditBudget();
        Instant now = clock.instant();
        Instant renews = budget.periodEnd(now);
        long spent = ledger.spent(account.id(), budget.periodStart(now), renews);
        if (spent >= budget.credits()) {
            throw new GatewayError(402, "insufficient_credits", "This account has used its " + budget.credits()
                    + " credits for this " + budget.period().name().toLowerCase(Locale.ROOT)
                    + "; they renew at " + renews + ".");
        }
    }

    /** What the account has spent in the current period of its budget (0 without a budget). */
    public long spentThisPeriod(Account account) {
        CreditBudget budget = account.creditBudget();
        if (budget == null) {
            return 0;
        }
        Instant now = clock.instant();
        return ledger.spent(account.id(), budget.periodStart(now), budget.periodEnd(now));
    }
}
