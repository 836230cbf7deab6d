package io.fleetgate.account;

import io.fleetgate.region.Region;
import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * One Tesla account served by Fleetgate. Tesla tokens are {@link Secret}s (encrypted on the
 * accounts topic), gateway tokens are hashes. An account with a refresh token has its access
 * token refreshed before {@code teslaTokenExpiresAt}; one without (an imported static token) is
 * used as it is.
 */
public record Account(
        String id,
        Region region,
        Secret teslaAccessToken,
        Set<String> scopes,
        Subscription subscription,
        List<GatewayToken> gatewayTokens,
        /** Null when the account has no budget. */
        CreditBudget creditBudget,
        /** Null for an account imported with a static access token only. */
        Secret teslaRefreshToken,
        /** When the access token was issued and expires; null when unknown (a static token). */
        Instant teslaTokenIssuedAt,
        Instant teslaTokenExpiresAt,
        /** Tesla refused the refresh token (login_required): the owner must sign in again. */
        boolean signInRequired,
        /** Where the account's vehicle events are POSTed (secrets encrypted on the accounts topic). */
        List<WebhookEndpoint> webhooks) {

    public Account(String id, Region region, Secret teslaAccessToken, Set<String> scopes,
                   Subscription subscription, List<GatewayToken> gatewayTokens) {
        this(id, region, teslaAccessToken, scopes, subscription, gatewayTokens, null);
    }

    public Account(String id, Region region, Secret teslaAccessToken, Set<String> scopes,
                   Subscription subscription, List<GatewayToken> gatewayTokens, CreditBudget creditBudget) {
        this(id, region, teslaAccessToken, scopes, subscription, gatewayTokens, creditBudget, null, null, null, false);
    }

    public Account(String id, Region region, Secret teslaAccessToken, Set<String> scopes, Subscription subscription,
                   List<GatewayToken> gatewayTokens, CreditBudget creditBudget, Secret teslaRefreshToken,
                   Instant teslaTokenIssuedAt, Instant teslaTokenExpiresAt, boolean signInRequired) {
        this(id, region, teslaAccessToken, scopes, subscription, gatewayTokens, creditBudget, teslaRefreshToken,
                teslaTokenIssuedAt, teslaTokenExpiresAt, signInRequired, List.of());
    }

    public Account {
        scopes = Set.copyOf(scopes);
        gatewayTokens = List.copyOf(gatewayTokens);
        webhooks = webhooks == null ? List.of() : List.copyOf(webhooks);
    }

    public Account withWebhooks(List<WebhookEndpoint> newWebhooks) {
        return new Account(id, region, teslaAccessToken, scopes, subscription, gatewayTokens, creditBudget,
                teslaRefreshToken, teslaTokenIssuedAt, teslaTokenExpiresAt, signInRequired, newWebhooks);
    }

    public Account withRegion(Region newRegion) {
        return new Account(id, newRegion, teslaAccessToken, scopes, subscription, gatewayTokens, creditBudget,
                teslaRefreshToken, teslaTokenIssuedAt, teslaTokenExpiresAt, signInRequired, webhooks);
    }

    /** Fresh tokens from Tesla's token endpoint; clears a sign-in-required flag. */
    public Account withTeslaTokens(Secret access, Secret refresh, Instant issuedAt, Instant expiresAt) {
        return new Account(id, region, access, scopes, subscription, gatewayTokens, creditBudget,
                refresh, issuedAt, expiresAt, false, webhooks);
    }

    public Account withSignInRequired() {
        return new Account(id, region, teslaAccessToken, scopes, subscription, gatewayTokens, creditBudget,
                teslaRefreshToken, teslaTokenIssuedAt, teslaTokenExpiresAt, true, webhooks);
    }

    public Account withScopes(Set<String> newScopes) {
        return new Account(id, region, teslaAccessToken, newScopes, subscription, gatewayTokens, creditBudget,
                teslaRefreshToken, teslaTokenIssuedAt, teslaTokenExpiresAt, signInRequired, webhooks);
    }

    public Account withSubscription(Subscription newSubscription) {
        return new Account(id, region, teslaAccessToken, scopes, newSubscription, gatewayTokens, creditBudget,
                teslaRefreshToken, teslaTokenIssuedAt, teslaTokenExpiresAt, signInRequired, webhooks);
    }

    public Account withGatewayTokens(List<GatewayToken> newTokens) {
        return new Account(id, region, teslaAccessToken, scopes, subscription, newTokens, creditBudget,
                teslaRefreshToken, teslaTokenIssuedAt, teslaTokenExpiresAt, signInRequired, webhooks);
    }

    public Account withCreditBudget(CreditBudget newBudget) {
        return new Account(id, region, teslaAccessToken, scopes, subscription, gatewayTokens, newBudget,
                teslaRefreshToken, teslaTokenIssuedAt, teslaTokenExpiresAt, signInRequired, webhooks);
    }

    /** True when Fleetgate can refresh the access token itself. */
    public boolean refreshable() {
        return teslaRefreshToken != null && !signInRequired;
    }

    public boolean hasAnyScope(Set<String> wanted) {
        return wanted.isEmpty() || wanted.stream().anyMatch(scopes::contains);
    }
}
