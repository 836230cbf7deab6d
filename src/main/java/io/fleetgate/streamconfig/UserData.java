package io.fleetgate.streamconfig;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetgate.account.Account;
import io.fleetgate.account.CreditBudget;
import io.fleetgate.account.Subscription;
import io.fleetgate.audit.TokenNames;
import io.fleetgate.credits.CreditLedger;
import io.fleetgate.ingress.ExchangeKeys;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Objects;
import java.util.TreeSet;
import org.apache.camel.Exchange;

/**
 * {@code GET /api/userdata}: the caller's account as Fleetgate holds it, in {@code {"response": ...}}:
 * id, region, scopes, whether the owner must sign in with Tesla again, the subscription, the
 * names of its gateway tokens (and which one the caller presented), and its credits: the budget
 * (null without one), the period it counts (the budget's, else the calendar month, UTC), what was
 * spent in it and when it renews. Never a token, a hash of one, or a Tesla token.
 */
public final class UserData {
    private final CreditLedger ledger;
    private final Clock clock;
    private final Duration catchUpTimeout;
    private final String defaultRegion;

    public UserData(CreditLedger ledger, Clock clock, Duration catchUpTimeout, String defaultRegion) {
        this.ledger = ledger;
        this.clock = clock;
        this.catchUpTimeout = catchUpTimeout;
        this.defaultRegion = defaultRegion;
    }

    public void answer(Exchange exchange) throws InterruptedException {
        Account account = exchange.getProperty(ExchangeKeys.ACCOUNT, Account.class);
        Instant now = clock.instant();
        ObjectNode user = Answers.JSON.createObjectNode();
        user.put("id", account.id());
        user.put("region", account.region().code());
        ArrayNode scopes = user.putArray("scopes");
        new TreeSet<>(account.scopes()).forEach(scopes::add);
        user.put("sign_in_required", account.signInRequired());

        Subscription subscription = account.subscription();
        ObjectNode period = user.putObject("subscription");
        period.put("active", subscription.isActive(now));
        period.put("active_until", subscription.activeUntil() == null ? null : subscription.activeUntil().toString());
        ArrayNode vins = period.putArray("vins");
        new TreeSet<>(subscription.vins()).forEach(vins::add);
        ArrayNode sites = period.putArray("energy_sites");
        new TreeSet<>(subscription.energySites()).forEach(sites::add);

        ArrayNode tokens = user.putArray("gateway_token_names");
        // as in audit events: a name that is a token's value is left out
        account.gatewayTokens().stream().map(t -> TokenNames.shown(account, t.name())).filter(Objects::nonNull).sorted()
                .forEach(tokens::add);
        user.put("token_name", TokenNames.presentedName(exchange));

        // right after a start, the totals are read back first (bounded, as the budget check does)
        if (!ledger.isCaughtUp()) {
            ledger.awaitCaughtUp(catchUpTimeout);
        }
        CreditBudget budget = account.creditBudget();
        CreditBudget counted = budget != null ? budget : new CreditBudget(0, CreditBudget.Period.MONTH);
        Instant from = counted.periodStart(now);
        Instant renews = counted.periodEnd(now);
        ObjectNode credits = user.putObject("credits");
        if (budget != null) {
            credits.put("budget", budget.credits());
        } else {
            credits.putNull("budget");
        }
        credits.put("period", counted.period().name().toLowerCase(Locale.ROOT));
        credits.put("spent", ledger.spent(account.id(), from, renews));
        credits.put("period_start", from.toString());
        credits.put("renews_at", renews.toString());

        ObjectNode body = Answers.JSON.createObjectNode();
        body.set("response", user);
        Answers.json(exchange, 200, body, defaultRegion);
    }
}
