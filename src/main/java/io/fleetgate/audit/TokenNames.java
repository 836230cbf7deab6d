package io.fleetgate.audit;

import io.fleetgate.account.Account;
import io.fleetgate.account.GatewayToken;
import io.fleetgate.ingress.ExchangeKeys;
import org.apache.camel.Exchange;

/**
 * The name of the gateway token a caller presented, as audit events and command records carry
 * it. A token named after its own value (an operator's shortcut: {@code name: demo-token} for the
 * token {@code demo-token}) would put the token in every event, so such a name is never given out.
 */
public final class TokenNames {
    private TokenNames() {}

    /** The presented token's name, or null when none is known or the name is the token itself. */
    public static String presentedName(Exchange exchange) {
        String name = exchange.getProperty(ExchangeKeys.TOKEN_NAME, String.class);
        Account account = exchange.getProperty(ExchangeKeys.ACCOUNT, Account.class);
        return account == null ? name : shown(account, name);
    }

    /** The name, or null when it is null or the value of one of the account's tokens. */
    public static String shown(Account account, String name) {
        if (name == null) {
            return null;
        }
        String nameHash = GatewayToken.hash(name);
        for (GatewayToken token : account.gatewayTokens()) {
            if (token.sha256().equals(nameHash)) {
                return null;
            }
        }
        return name;
    }
}
