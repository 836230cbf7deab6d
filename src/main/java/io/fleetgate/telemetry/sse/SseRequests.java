package io.fleetgate.telemetry.sse;

import io.fleetgate.account.Account;
import io.fleetgate.account.GatewayToken;
import io.fleetgate.account.Subscription;
import io.fleetgate.audit.TokenNames;
import io.fleetgate.ingress.ExchangeKeys;
import io.fleetgate.ingress.FleetApiCatalog;
import io.fleetgate.ingress.GatewayError;
import io.fleetgate.ingress.IncomingRequest;
import io.fleetgate.telemetry.EventTopic;
import io.fleetgate.telemetry.FieldSpec;
import java.time.Clock;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.camel.Exchange;

/**
 * The decisions {@code routes/stream.camel.yaml} makes before a stream starts, each a refusal in
 * the error envelope: who may stream what (401, 402, 403), and what was asked ({@code topics},
 * {@code cache}, {@code Last-Event-ID}: 400).
 */
public final class SseRequests {
    /** Teslemetry's {@code SseTopic} names (streaming.md 3.1): any other name is a 400. */
    static final List<String> TESLEMETRY_TOPICS = List.of("state", "data", "alerts", "errors", "connectivity",
            "vehicle_data", "config", "live_status", "site_info", "tariff_content_v2", "energy_totals", "credits");
    /** Streaming needs the vehicle data scope, as every streamed field does (telemetry/fields.json). */
    static final String STREAM_SCOPE = "vehicle_device_data";

    private final Clock clock;

    public SseRequests(Clock clock) {
        this.clock = clock;
    }

    /** 401 when the owner must sign in again, 402 without an active subscription or for a VIN it does not cover, 403 without the scope. */
    public void authorize(Exchange exchange) {
        Account account = exchange.getProperty(ExchangeKeys.ACCOUNT, Account.class);
        if (account.signInRequired()) {
            throw GatewayError.signInRequired();
        }
        Subscription subscription = account.subscription();
        if (!subscription.isActive(clock.instant())) {
            throw GatewayError.subscriptionRequired();
        }
        String vin = exchange.getMessage().getHeader("vin", String.class);
        if (vin != null) {
            if (!FleetApiCatalog.isVin(vin)) {
                throw FleetApiCatalog.malformedVin();
            }
            if (!subscription.coversVin(vin)) {
                throw GatewayError.vehicleSubscriptionRequired("Vehicle " + vin);
            }
        }
        if (!account.hasAnyScope(Set.of(STREAM_SCOPE))) {
            throw GatewayError.invalidScope(STREAM_SCOPE);
        }
    }

    /** Reads {@code topics=}, {@code cache=} and {@code Last-Event-ID}; 400 for what is not understood. Sets {@link SseRequest}. */
    public void read(Exchange exchange) {
        Account account = exchange.getProperty(ExchangeKeys.ACCOUNT, Account.class);
        String vin = exchange.getMessage().getHeader("vin", String.class);
        Instant receivedAt = exchange.getProperty(ExchangeKeys.RECEIVED_AT, Instant.class);
        exchange.setProperty(SseRequest.EXCHANGE_PROPERTY, request(exchange, account, presentedTokenHash(exchange),
                TokenNames.presentedName(exchange), exchange.getProperty(ExchangeKeys.QUERY, String.class),
                receivedAt != null ? receivedAt : clock.instant(), vin == null ? "/sse" : "/sse/{vin}", vin,
                vin == null ? account.subscription().vins() : Set.of(vin), false));
    }

    /**
     * The console's stream of one vehicle ({@code GET /admin/vehicles/{vin}/sse}, after the admin
     * token and {@code actAsVehicleAccount}): what {@code /sse/{vin}} would send the vehicle's
     * account (location fields only with its {@code vehicle_location} scope), read from the same
     * {@code topics=}, {@code cache=} and {@code Last-Event-ID}, but the operator's: no gateway token,
     * no credits, none of the account's stream slots, and no subscription or scope needed to watch.
     */
    public void readForOperator(Exchange exchange) {
        Account account = exchange.getProperty(ExchangeKeys.ACCOUNT, Account.class);
        String vin = exchange.getMessage().getHeader("vin", String.class);
        exchange.setProperty(SseRequest.EXCHANGE_PROPERTY, request(exchange, account, null, null,
                IncomingRequest.rawQuery(exchange.getMessage()), clock.instant(), "/admin/vehicles/{vin}/sse", vin, Set.of(vin), true));
    }

    private SseRequest request(Exchange exchange, Account account, String tokenHash, String tokenName, String query,
                               Instant receivedAt, String pathTemplate, String vin, Set<String> vins, boolean operator) {
        Set<EventTopic> topics = topics(IncomingRequest.queryParameter(query, "topics"));
        boolean cache = cache(IncomingRequest.queryParameter(query, "cache"));
        Optional<SseCursor> resume = lastEventId(exchange.getMessage().getHeader("Last-Event-ID", String.class));
        return new SseRequest(account, tokenHash, tokenName,
                exchange.getProperty(ExchangeKeys.CLIENT_IP, String.class),
                exchange.getProperty(ExchangeKeys.CLIENT_LIBRARY, String.class),
                exchange.getProperty(ExchangeKeys.REGION, String.class),
                receivedAt, pathTemplate, vin, vins, topics, cache, resume,
                account.hasAnyScope(Set.of(FieldSpec.LOCATION_SCOPE)), operator);
    }

    /**
     * Why an open stream may no longer go on, checked again while it runs (the account as it is
     * now): its token revoked, its subscription over or no longer the same vehicles, its scope
     * gone, its owner to sign in again. Empty while it may.
     */
    public Optional<String> stillAllowed(SseRequest request, Optional<Account> now) {
        if (request.operator()) {
            return stillAllowedToOperator(request, now);
        }
        if (now.isEmpty() || now.get().gatewayTokens().stream().noneMatch(t -> t.sha256().equals(request.tokenHash()))) {
            return Optional.of("The gateway token of this stream was revoked.");
        }
        Account account = now.get();
        if (account.signInRequired()) {
            return Optional.of("The account's owner must sign in with Tesla again.");
        }
        if (!account.subscription().isActive(clock.instant())) {
            return Optional.of("The account's subscription has ended.");
        }
        Set<String> vins = request.vin() == null ? account.subscription().vins() : Set.of(request.vin());
        if (!account.subscription().vins().containsAll(vins) || !vins.equals(request.vins())) {
            return Optional.of("The vehicles of the account's subscription changed; reconnect (with Last-Event-ID) to stream them.");
        }
        if (!account.hasAnyScope(Set.of(STREAM_SCOPE)) || request.location() != account.hasAnyScope(Set.of(FieldSpec.LOCATION_SCOPE))) {
            return Optional.of("The account's scopes changed; reconnect (with Last-Event-ID) to stream with them.");
        }
        return Optional.empty();
    }

    /** An operator watches the vehicle as long as its account has it, and with the location the account may see. */
    private static Optional<String> stillAllowedToOperator(SseRequest request, Optional<Account> now) {
        if (now.isEmpty() || !now.get().subscription().coversVin(request.vin())) {
            return Optional.of("The vehicle is no longer in account " + request.account().id() + "'s subscription.");
        }
        if (request.location() != now.get().hasAnyScope(Set.of(FieldSpec.LOCATION_SCOPE))) {
            return Optional.of("The account's scopes changed; reconnect (with Last-Event-ID) to stream with them.");
        }
        return Optional.empty();
    }

    private static String presentedTokenHash(Exchange exchange) {
        String authorization = exchange.getMessage().getHeader("Authorization", String.class);
        String token = authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)
                ? authorization.substring(7).trim()
                : IncomingRequest.queryParameter(IncomingRequest.rawQuery(exchange.getMessage()), "token").orElse("");
        return GatewayToken.hash(token);
    }

    static Set<EventTopic> topics(Optional<String> asked) {
        if (asked.isEmpty()) {
            return EnumSet.allOf(EventTopic.class);
        }
        Set<EventTopic> topics = EnumSet.noneOf(EventTopic.class);
        for (String name : asked.get().split(",", -1)) {
            String topic = name.trim();
            if (!TESLEMETRY_TOPICS.contains(topic)) {
                throw GatewayError.invalidRequest(topic.isEmpty() ? "topics= names no topic; name some of "
                        + String.join(", ", TESLEMETRY_TOPICS) + ", or leave it out for all."
                        : "Unknown topic '" + printable(topic) + "'; topics are " + String.join(", ", TESLEMETRY_TOPICS) + ".");
            }
            EventTopic.ofWire(topic).ifPresent(topics::add);
        }
        return topics;
    }

    static boolean cache(Optional<String> asked) {
        if (asked.isEmpty()) {
            return true;
        }
        return switch (asked.get()) {
            case "true" -> true;
            case "false" -> false;
            default -> throw GatewayError.invalidRequest("cache= is true or false.");
        };
    }

    static Optional<SseCursor> lastEventId(String header) {
        if (header == null || header.isBlank()) {
            return Optional.empty();
        }
        return Optional.of(SseCursor.parse(header).orElseThrow(() -> GatewayError.invalidRequest(
                "Last-Event-ID is not the id of an event of a Fleetgate stream; connect without it to start afresh.")));
    }

    private static String printable(String text) {
        String oneLine = text.replaceAll("[\\p{Cntrl}]", "?");
        return oneLine.length() > 40 ? oneLine.substring(0, 40) + "..." : oneLine;
    }
}
