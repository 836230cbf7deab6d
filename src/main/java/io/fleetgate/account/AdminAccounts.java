package io.fleetgate.account;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetgate.ingress.ExchangeKeys;
import io.fleetgate.ingress.GatewayError;
import io.fleetgate.json.JsonMappers;
import io.fleetgate.region.Region;
import io.fleetgate.region.RegionalBaseUrls;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.random.RandomGenerator;
import java.util.regex.Pattern;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin API's work (routes/admin.camel.yaml): accounts added from a Tesla refresh token,
 * gateway tokens issued (value shown once, stored as SHA-256) and revoked, subscriptions and
 * credit budgets set. No answer, log line or error here ever holds a Tesla token or a stored
 * gateway token.
 */
public final class AdminAccounts {
    private static final Logger LOG = LoggerFactory.getLogger(AdminAccounts.class);
    private static final ObjectMapper JSON = JsonMappers.newMapper();
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    private static final Pattern VIN = Pattern.compile("[A-HJ-NPR-Z0-9]{17}");

    private final AccountStore store;
    private final TeslaOAuthClient tesla;
    private final RefreshTiming timing;
    private final RegionalBaseUrls baseUrls;
    private final Clock clock;
    private final RandomGenerator random;

    public AdminAccounts(AccountStore store, TeslaOAuthClient tesla, RefreshTiming timing, RegionalBaseUrls baseUrls,
                         Clock clock, RandomGenerator random) {
        this.store = store;
        this.tesla = tesla;
        this.timing = timing;
        this.baseUrls = baseUrls;
        this.clock = clock;
        this.random = random;
    }

    public void list(Exchange exchange) {
        ArrayNode list = JSON.createArrayNode();
        store.all().stream().sorted(Comparator.comparing(Account::id)).forEach(a -> list.add(view(a)));
        answer(exchange, 200, list);
    }

    public void get(Exchange exchange) {
        answer(exchange, 200, view(account(exchange)));
    }

    /**
     * {@code {"refresh_token": "...", "id": "optional", "active_until": "optional ISO instant"}}:
     * exchanges the refresh token at Tesla, learns the region and the products, stores the account.
     * For an existing account this is "sign in again": new Tesla tokens, everything else kept.
     */
    public void add(Exchange exchange) {
        JsonNode body = body(exchange);
        String refreshToken = text(body, "refresh_token");
        if (refreshToken == null) {
            throw GatewayError.invalidRequest("The body needs \"refresh_token\": a Tesla refresh token (offline_access).");
        }
        String requestedId = text(body, "id");
        if (requestedId != null && !NAME.matcher(requestedId).matches()) {
            throw GatewayError.invalidRequest("\"id\" is 1-64 letters, digits, '.', '_' or '-'.");
        }
        Instant activeUntil = instant(body, "active_until");
        TeslaOAuthClient.Tokens tokens = switch (tesla.refresh(new Secret(refreshToken))) {
            case TeslaOAuthClient.Tokens t -> t;
            case TeslaOAuthClient.LoginRequired refused -> throw GatewayError.invalidRequest(
                    "Tesla refused this refresh token (" + refused.error() + "): sign in with Tesla again for a new one.");
            case TeslaOAuthClient.Failed failed -> throw new GatewayError(502, "upstream_unavailable",
                    "Tesla's token endpoint could not exchange the refresh token: " + failed.reason() + ".");
        };
        String id = requestedId != null ? requestedId : tokens.subject();
        if (id == null || !NAME.matcher(id).matches()) {
            throw GatewayError.invalidRequest("Give the account an \"id\": the token names no usable user id.");
        }
        Instant now = clock.instant();
        Instant expires = now.plus(timing.lifetime(tokens.expiresInSeconds()));
        Account added = null;
        Optional<Account> existing = signInAgain(id, tokens, now, expires);
        if (existing.isEmpty()) {
            Region region = region(tokens);
            added = new Account(id, region, tokens.accessToken(), tokens.scopes(), products(region, tokens, activeUntil),
                    List.of(), null, tokens.refreshToken(), now, expires, false);
            if (!store.saveIfAbsent(added)) {
                // added under this id meanwhile (another request): this one is a sign-in to it, or refused as one
                added = null;
                existing = signInAgain(id, tokens, now, expires);
            }
        }
        Account account = added != null ? added : existing.orElseThrow(() -> new GatewayError(404, "not_found", "No account " + id + "."));
        LOG.info("admin: account {} {} (region {}, {} vehicle(s), {} site(s))", id, added == null ? "signed in again" : "added",
                account.region().code(), account.subscription().vins().size(), account.subscription().energySites().size());
        answer(exchange, added == null ? 200 : 201, view(account));
    }

    /**
     * The account's Tesla tokens replaced by these when it holds the same Tesla user's (409 when
     * another's); empty when there is no such account.
     */
    private Optional<Account> signInAgain(String id, TeslaOAuthClient.Tokens tokens, Instant now, Instant expires) {
        return store.update(id, current -> {
            String storedUser = TeslaOAuthClient.claims(current.teslaAccessToken().reveal()).path("sub").asText("");
            if (!storedUser.isEmpty() && tokens.subject() != null && !storedUser.equals(tokens.subject())) {
                throw new GatewayError(409, "conflict", "This refresh token belongs to another Tesla user than account " + id
                        + "; add it under its own id.");
            }
            Account signedIn = current.withTeslaTokens(tokens.accessToken(), tokens.refreshToken(), now, expires);
            return tokens.scopes().isEmpty() ? signedIn : signedIn.withScopes(tokens.scopes());
        });
    }

    /** Makes the account the {@code {id}} names the exchange's, as a gateway token would (404 when none): for the account's own reports. */
    public void actAsAccount(Exchange exchange) {
        exchange.setProperty(ExchangeKeys.ACCOUNT, account(exchange));
    }

    /** {@code {"name": "home-assistant"}}: a new gateway token; its value is in this answer only. */
    public void issueToken(Exchange exchange) {
        Account account = account(exchange);
        String name = text(body(exchange), "name");
        if (name == null || !NAME.matcher(name).matches()) {
            throw GatewayError.invalidRequest("The body needs \"name\": 1-64 letters, digits, '.', '_' or '-'.");
        }
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        String token = "fg_" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        change(account, current -> {
            if (current.gatewayTokens().stream().anyMatch(t -> t.name().equals(name))) {
                throw new GatewayError(409, "conflict", "Account " + current.id() + " already has a gateway token named " + name + ".");
            }
            List<GatewayToken> tokens = new ArrayList<>(current.gatewayTokens());
            tokens.add(new GatewayToken(name, GatewayToken.hash(token)));
            return current.withGatewayTokens(tokens);
        });
        LOG.info("admin: gateway token {} issued for account {}", name, account.id());
        ObjectNode issued = JSON.createObjectNode().put("account_id", account.id()).put("name", name).put("token", token)
                .put("note", "Shown once: Fleetgate keeps only its SHA-256.");
        answer(exchange, 201, issued);
    }

    public void revokeToken(Exchange exchange) {
        String name = exchange.getMessage().getHeader("name", String.class);
        Account changed = change(account(exchange), current -> {
            List<GatewayToken> kept = current.gatewayTokens().stream().filter(t -> !t.name().equals(name)).toList();
            if (kept.size() == current.gatewayTokens().size()) {
                throw new GatewayError(404, "not_found", "Account " + current.id() + " has no gateway token named " + name + ".");
            }
            return current.withGatewayTokens(kept);
        });
        LOG.info("admin: gateway token {} of account {} revoked", name, changed.id());
        answer(exchange, 200, view(changed));
    }

    /** {@code {"vins": [...], "energy_sites": [...], "active_until": "2030-01-01T00:00:00Z" | null}}. */
    public void setSubscription(Exchange exchange) {
        Account account = account(exchange);
        JsonNode body = body(exchange);
        Set<String> vins = new HashSet<>();
        for (JsonNode vin : array(body, "vins")) {
            if (!vin.isTextual() || !VIN.matcher(vin.asText()).matches()) {
                throw GatewayError.invalidRequest("\"vins\" holds 17-character VINs; " + vin + " is not one.");
            }
            vins.add(vin.asText());
        }
        Set<Long> sites = new HashSet<>();
        for (JsonNode site : array(body, "energy_sites")) {
            if (!site.canConvertToLong() || !site.isIntegralNumber() || site.asLong() <= 0) {
                throw GatewayError.invalidRequest("\"energy_sites\" holds positive whole numbers; " + site + " is not one.");
            }
            sites.add(site.asLong());
        }
        Subscription subscription = new Subscription(instant(body, "active_until"), vins, sites);
        Account changed = change(account, current -> current.withSubscription(subscription));
        answer(exchange, 200, view(changed));
    }

    /** {@code {"credits": 5000, "period": "day" | "month"}}. */
    public void setCreditBudget(Exchange exchange) {
        Account account = account(exchange);
        JsonNode body = body(exchange);
        JsonNode credits = body.path("credits");
        if (!credits.isIntegralNumber() || !credits.canConvertToLong() || credits.asLong() < 0) {
            throw GatewayError.invalidRequest("The body needs \"credits\": a whole number, 0 or more.");
        }
        CreditBudget budget;
        try {
            budget = new CreditBudget(credits.asLong(), CreditBudget.Period.fromText(text(body, "period")));
        } catch (IllegalArgumentException e) {
            throw GatewayError.invalidRequest("The body needs \"period\": \"day\" or \"month\".");
        }
        Account changed = change(account, current -> current.withCreditBudget(budget));
        answer(exchange, 200, view(changed));
    }

    public void removeCreditBudget(Exchange exchange) {
        Account changed = change(account(exchange), current -> current.withCreditBudget(null));
        answer(exchange, 200, view(changed));
    }

    private Account change(Account account, UnaryOperator<Account> change) {
        return change(store, account, change);
    }

    /**
     * An admin change of the account, applied to it as it is now (another change may have come
     * first, see {@link AccountStore#update}); 404 if the account is gone meanwhile.
     */
    public static Account change(AccountStore store, Account account, UnaryOperator<Account> change) {
        return store.update(account.id(), change)
                .orElseThrow(() -> new GatewayError(404, "not_found", "No account " + account.id() + "."));
    }

    /** An account as the admin API shows it: everything but its secrets. */
    static ObjectNode view(Account account) {
        ObjectNode node = JSON.createObjectNode();
        node.put("id", account.id());
        node.put("region", account.region().code());
        ArrayNode scopes = node.putArray("scopes");
        account.scopes().stream().sorted().forEach(scopes::add);
        ObjectNode sub = node.putObject("subscription");
        sub.put("active_until", account.subscription().activeUntil() == null ? null : account.subscription().activeUntil().toString());
        ArrayNode vins = sub.putArray("vins");
        account.subscription().vins().stream().sorted().forEach(vins::add);
        ArrayNode sites = sub.putArray("energy_sites");
        account.subscription().energySites().stream().sorted().forEach(sites::add);
        ArrayNode tokens = node.putArray("gateway_tokens");
        account.gatewayTokens().forEach(t -> tokens.addObject().put("name", t.name()));
        if (account.creditBudget() == null) {
            node.putNull("credit_budget");
        } else {
            node.putObject("credit_budget").put("credits", account.creditBudget().credits())
                    .put("period", account.creditBudget().period().name().toLowerCase(Locale.ROOT));
        }
        node.putObject("tesla")
                .put("refresh_token_held", account.teslaRefreshToken() != null)
                .put("access_token_expires_at", account.teslaTokenExpiresAt() == null ? null : account.teslaTokenExpiresAt().toString())
                .put("sign_in_required", account.signInRequired());
        return node;
    }

    private Region region(TeslaOAuthClient.Tokens tokens) {
        // the region endpoint answers on every regional server; its URL is never followed, only its code
        Optional<Region> region = tesla.get(baseUrls.baseUrl(Region.NA), "/api/1/users/region", tokens.accessToken())
                .flatMap(answer -> Region.fromCode(answer.path("response").path("region").asText("").toLowerCase(Locale.ROOT)));
        return region.orElseThrow(() -> new GatewayError(502, "upstream_unavailable",
                "The Fleet API did not tell this account's region (GET /api/1/users/region)."));
    }

    private Subscription products(Region region, TeslaOAuthClient.Tokens tokens, Instant activeUntil) {
        Set<String> vins = new HashSet<>();
        Set<Long> sites = new HashSet<>();
        tesla.get(baseUrls.baseUrl(region), "/api/1/products", tokens.accessToken()).ifPresent(answer -> {
            for (JsonNode product : answer.path("response")) {
                if (product.path("vin").isTextual()) {
                    vins.add(product.path("vin").asText());
                } else if (product.path("energy_site_id").canConvertToLong() && product.has("energy_site_id")) {
                    sites.add(product.path("energy_site_id").asLong());
                }
            }
        });
        return new Subscription(activeUntil, vins, sites);
    }

    private Account account(Exchange exchange) {
        return requestedAccount(store, exchange);
    }

    /** The account the admin request's {@code {id}} names, or 404 {@code not_found}. */
    public static Account requestedAccount(AccountStore store, Exchange exchange) {
        String id = exchange.getMessage().getHeader("id", String.class);
        return store.findById(id == null ? "" : id)
                .orElseThrow(() -> new GatewayError(404, "not_found", "No account " + id + "."));
    }

    /** The admin request's body, which must be a JSON object: else 400 {@code invalid_request}. */
    public static JsonNode body(Exchange exchange) {
        String text = exchange.getMessage().getBody(String.class);
        if (text == null || text.isBlank()) {
            throw GatewayError.invalidRequest("A JSON object body is required.");
        }
        try {
            JsonNode node = JSON.readTree(text);
            if (node == null || !node.isObject()) {
                throw GatewayError.invalidRequest("The body must be a JSON object.");
            }
            return node;
        } catch (JsonProcessingException e) {
            throw GatewayError.invalidRequest("The body is not valid JSON.");
        }
    }

    private static String text(JsonNode body, String field) {
        JsonNode value = body.path(field);
        return value.isTextual() && !value.asText().isBlank() ? value.asText().trim() : null;
    }

    private static JsonNode array(JsonNode body, String field) {
        JsonNode value = body.path(field);
        if (value.isMissingNode() || value.isNull()) {
            return JSON.createArrayNode();
        }
        if (!value.isArray()) {
            throw GatewayError.invalidRequest("\"" + field + "\" must be an array.");
        }
        return value;
    }

    private static Instant instant(JsonNode body, String field) {
        JsonNode value = body.path(field);
        if (value.isMissingNode() || value.isNull()) {
            return null;
        }
        try {
            return Instant.parse(value.asText());
        } catch (DateTimeParseException e) {
            throw GatewayError.invalidRequest("\"" + field + "\" must be an ISO-8601 instant such as 2030-01-01T00:00:00Z.");
        }
    }

    /** An admin answer: {@code {"response": ...}} with this status. */
    public static void answer(Exchange exchange, int status, JsonNode response) {
        Message out = exchange.getMessage();
        out.getHeaders().clear();
        out.setHeader(Exchange.HTTP_RESPONSE_CODE, status);
        out.setHeader(Exchange.CONTENT_TYPE, "application/json");
        ObjectNode envelope = JSON.createObjectNode();
        envelope.set("response", response);
        out.setBody(envelope.toString());
    }
}
