package io.fleetgate.account;

import io.fleetgate.region.Region;
import java.util.List;
import java.util.Set;

/** One Tesla account served by Fleetgate. The Tesla token is a {@link Secret}, gateway tokens are hashes. */
public record Account(
        String id,
        Region region,
        Secret teslaAccessToken,
        Set<String> scopes,
        Subscription subscription,
        List<GatewayToken> gatewayTokens,
        /** Null when the account has no budget. */
        CreditBudget creditBudget) {

    public Account(String id, Region region, Secret teslaAccessToken, Set<String> scopes,
                   Subscription subscription, List<GatewayToken> gatewayTokens) {
        this(id, region, teslaAccessToken, scopes, subscription, gatewayTokens, null);
    }

    public Account {
        scopes = Set.copyOf(scopes);
        gatewayTokens = List.copyOf(gatewayTokens);
    }

    public Account withRegion(Region newRegion) {
        return new Account(id, newRegion, teslaAccessToken, scopes, subscription, gatewayTokens, creditBudget);
    }

    public boolean hasAnyScope(Set<String> wanted) {
        return wanted.isEmpty() || wanted.stream().anyMatch(scopes::contains);
    }
}
