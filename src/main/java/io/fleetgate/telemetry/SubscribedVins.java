package io.fleetgate.telemetry;

import io.fleetgate.account.Account;
import io.fleetgate.account.AccountStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;

/**
 * Whether any account's active subscription covers a VIN: telemetry of other vehicles is nobody's
 * to see. The set is rebuilt from the accounts at most once per {@code refresh}, so a vehicle added
 * to a subscription streams within that time, and records do not each scan every account.
 */
public final class SubscribedVins {
    private final AccountStore accounts;
    private final Clock clock;
    private final Duration refresh;
    private volatile Known known = new Known(Set.of(), Instant.MIN);

    private record Known(Set<String> vins, Instant builtAt) {}

    public SubscribedVins(AccountStore accounts, Clock clock, Duration refresh) {
        this.accounts = accounts;
        this.clock = clock;
        this.refresh = refresh;
    }

    public boolean covers(String vin) {
        Instant now = clock.instant();
        Known current = known;
        if (current.builtAt().plus(refresh).isBefore(now) || current.builtAt() == Instant.MIN) {
            Set<String> vins = new HashSet<>();
            for (Account account : accounts.all()) {
                if (account.subscription() != null && account.subscription().isActive(now)) {
                    vins.addAll(account.subscription().vins());
                }
            }
            current = new Known(Set.copyOf(vins), now);
            known = current;
        }
        return current.vins().contains(vin);
    }
}
