package io.fleetgate.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetgate.account.Account;
import io.fleetgate.account.GatewayToken;
import io.fleetgate.account.Secret;
import io.fleetgate.account.Subscription;
import io.fleetgate.ingress.ExchangeKeys;
import io.fleetgate.region.Region;
import java.util.List;
import java.util.Set;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;

class TokenNamesTest {
    private static final Account ACME = new Account("acme", Region.NA, new Secret("tesla"), Set.of(),
            new Subscription(null, Set.of(), Set.of()),
            List.of(new GatewayToken("dispatch-system", GatewayToken.hash("s3cr3t-dispatch")),
                    new GatewayToken("lazy-token", GatewayToken.hash("lazy-token"))));

    @Test
    void aTokensNameIsGivenOut() {
        assertThat(TokenNames.presentedName(exchange("dispatch-system"))).isEqualTo("dispatch-system");
    }

    @Test
    void aNameThatIsTheTokenItselfIsNeverGivenOut() {
        assertThat(TokenNames.presentedName(exchange("lazy-token"))).isNull();
    }

    @Test
    void noTokenNoName() {
        assertThat(TokenNames.presentedName(exchange(null))).isNull();
    }

    private static Exchange exchange(String tokenName) {
        Exchange exchange = new DefaultExchange(new DefaultCamelContext());
        exchange.setProperty(ExchangeKeys.ACCOUNT, ACME);
        exchange.setProperty(ExchangeKeys.TOKEN_NAME, tokenName);
        return exchange;
    }
}
