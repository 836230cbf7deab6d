package io.fleetgate.region;

import io.fleetgate.account.Account;
import io.fleetgate.account.AccountStore;
import io.fleetgate.ingress.ExchangeKeys;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * After a 421: learns the account's real region from the answer, records it on the account, and
 * tells the route whether to send the request once more. A 421 that names no configured
 * region, or the region already tried, is passed to the caller as it is.
 */
public final class RegionRelearning {
    private static final Logger LOG = LoggerFactory.getLogger(RegionRelearning.class);

    private final MisdirectedRequests misdirected;
    private final AccountStore accounts;

    public RegionRelearning(MisdirectedRequests misdirected, AccountStore accounts) {
        this.misdirected = misdirected;
        this.accounts = accounts;
    }

    /** True when the request should go again, to the region now set on the exchange. */
    public boolean relearn(Exchange exchange) {
        exchange.setProperty(ExchangeKeys.REROUTED, true);
        Account account = exchange.getProperty(ExchangeKeys.ACCOUNT, Account.class);
        byte[] body = exchange.getMessage().getBody(byte[].class);
        Optional<Region> learned = misdirected.correctRegion(
                exchange.getMessage().getHeader("Alt-Svc", String.class),
                body == null ? null : new String(body, StandardCharsets.UTF_8));
        String current = exchange.getProperty(ExchangeKeys.REGION, String.class);
        if (learned.isEmpty() || learned.get().code().equals(current)) {
            LOG.warn("account {}: 421 from region {} names no other configured region; passing it on", account.id(), current);
            return false;
        }
        LOG.info("account {}: region re-learned from a 421, {} -> {}", account.id(), current, learned.get().code());
        accounts.updateRegion(account.id(), learned.get());
        exchange.setProperty(ExchangeKeys.ACCOUNT, account.withRegion(learned.get()));
        exchange.setProperty(ExchangeKeys.REGION, learned.get().code());
        return true;
    }
}
