package io.fleetgate.account;

import com.fasterxml.jackson.databind.JsonNode;
import io.fleetgate.ingress.Classification;
import io.fleetgate.ingress.ExchangeKeys;
import io.fleetgate.ingress.FleetApiCatalog;
import io.fleetgate.ingress.GatewayError;
import io.fleetgate.ingress.IncomingRequest;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.atomic.LongAdder;
import org.apache.camel.Exchange;
import org.apache.camel.Message;

/**
 * Who is calling and what they may touch (CONTRACT section 1): the gateway token from
 * {@code Authorization: Bearer} or {@code ?token=}, the account's subscription, and its scopes.
 */
public final class GatewayTokenCheck {
    private final AccountStore accounts;
    private final Clock clock;
    private final LongAdder missingTokens = new LongAdder();
    private final LongAdder invalidTokens = new LongAdder();

    public GatewayTokenCheck(AccountStore accounts, Clock clock) {
        this.accounts = accounts;
        this.clock = clock;
    }

    /** Finds the caller's account; 401 when there is no token or it is unknown. */
    public void identify(Exchange exchange) {
        String token = presentedToken(exchange.getMessage());
        if (token == null) {
            missingTokens.increment();
            throw GatewayError.missingToken();
        }
        String hash = GatewayToken.hash(token);
        Account account = accounts.findByGatewayTokenHash(hash).orElse(null);
        if (account == null) {
            invalidTokens.increment();
            throw GatewayError.invalidToken();
        }
        exchange.setProperty(ExchangeKeys.ACCOUNT, account);
        account.gatewayTokens().stream().filter(t -> t.sha256().equals(hash)).findFirst()
                .ifPresent(t -> exchange.setProperty(ExchangeKeys.TOKEN_NAME, t.name()));
        exchange.setProperty(ExchangeKeys.REGION, account.region().code());
    }

    /** Requests refused 401 {@code missing_token} since start (for metrics). */
    public long missingTokens() {
        return missingTokens.sum();
    }

    /** Requests refused 401 {@code invalid_token} since start: a token scan shows here (for metrics). */
    public long invalidTokens() {
        return invalidTokens.sum();
    }

    /** 401 when the owner must sign in with Tesla again, 402 when the subscription is over or does not cover the VIN or site, 403 without the scope. */
    public void authorize(Exchange exchange) {
        Account account = exchange.getProperty(ExchangeKeys.ACCOUNT, Account.class);
        Classification request = exchange.getProperty(ExchangeKeys.CLASSIFICATION, Classification.class);
        if (account.signInRequired()) {
            throw GatewayError.signInRequired();
        }
        Subscription subscription = account.subscription();
        if (!subscription.isActive(clock.instant())) {
            throw GatewayError.subscriptionRequired();
        }
        for (String vin : vinsNamed(exchange, request)) {
            if (!subscription.coversVin(vin)) {
                throw GatewayError.vehicleSubscriptionRequired("Vehicle " + vin);
            }
        }
        if (request.energySiteId() != null && !subscription.coversEnergySite(request.energySiteId())) {
            throw GatewayError.vehicleSubscriptionRequired("Energy site " + request.energySiteId());
        }
        if (!account.hasAnyScope(request.endpoint().scopes())) {
            throw GatewayError.invalidScope(String.join(" or ", new TreeSet<>(request.endpoint().scopes())));
        }
    }

    private static List<String> vinsNamed(Exchange exchange, Classification request) {
        return switch (request.endpoint().vinSource()) {
            case NONE -> List.of();
            case PATH -> List.of(request.vin());
            case QUERY -> IncomingRequest.queryParameter(exchange.getProperty(ExchangeKeys.QUERY, String.class), "vin")
                    .map(GatewayTokenCheck::checkedVin)
                    .map(List::of)
                    .orElse(List.of());
            case BODY -> vinsInBody(IncomingRequest.parsedBody(exchange));
        };
    }

    private static List<String> vinsInBody(Optional<JsonNode> body) {
        JsonNode vins = body.map(node -> node.get("vins")).orElse(null);
        if (vins == null || !vins.isArray()) {
            throw GatewayError.invalidRequest("The body needs \"vins\": an array of VINs.");
        }
        List<String> result = new ArrayList<>();
        for (JsonNode vin : vins) {
            result.add(checkedVin(vin.isTextual() ? vin.asText() : vin.toString()));
        }
        return result;
    }

    private static String checkedVin(String vin) {
        if (!FleetApiCatalog.isVin(vin)) {
            throw FleetApiCatalog.malformedVin();
        }
        return vin;
    }

    private static String presentedToken(Message in) {
        String authorization = in.getHeader("Authorization", String.class);
        if (authorization != null && !authorization.isBlank()) {
            String value = authorization.trim();
            if (value.regionMatches(true, 0, "Bearer ", 0, 7)) {
                String token = value.substring(7).trim();
                return token.isEmpty() ? null : token;
            }
            return null;
        }
        return IncomingRequest.queryParameter(IncomingRequest.rawQuery(in), "token").filter(t -> !t.isBlank()).orElse(null);
    }
}
