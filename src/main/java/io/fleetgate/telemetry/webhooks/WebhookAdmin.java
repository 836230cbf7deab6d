package io.fleetgate.telemetry.webhooks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetgate.account.Account;
import io.fleetgate.account.AdminAccounts;
import io.fleetgate.account.AccountStore;
import io.fleetgate.account.Secret;
import io.fleetgate.account.WebhookEndpoint;
import io.fleetgate.ingress.GatewayError;
import io.fleetgate.json.JsonMappers;
import io.fleetgate.telemetry.EventTopic;
import java.net.URI;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.random.RandomGenerator;
import java.util.regex.Pattern;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin API's webhook endpoints of an account (routes/admin.camel.yaml): create, list, delete.
 * Endpoints are kept with their account on {@code fleetgate.accounts.v1}, the secret encrypted
 * like the Tesla tokens; no answer or log line holds a secret.
 */
public final class WebhookAdmin {
    private static final Logger LOG = LoggerFactory.getLogger(WebhookAdmin.class);
    private static final ObjectMapper JSON = JsonMappers.newMapper();
    private static final Pattern VIN = Pattern.compile("[A-HJ-NPR-Z0-9]{17}");
    private static final int MIN_SECRET = 16;
    private static final int MAX_SECRET = 512;
    private static final int MAX_PER_ACCOUNT = 20;

    private final AccountStore store;
    private final WebhookAddresses addresses;
    private final Clock clock;
    private final RandomGenerator random;

    public WebhookAdmin(AccountStore store, WebhookAddresses addresses, Clock clock, RandomGenerator random) {
        this.store = store;
        this.addresses = addresses;
        this.clock = clock;
        this.random = random;
    }

    /** {@code {"url": "https://...", "secret": "...", "topics": ["data", ...], "vins": [...] (optional)}}. */
    public void create(Exchange exchange) {
        Account account = account(exchange);
        JsonNode body = body(exchange);
        URI url;
        try {
            url = WebhookAddresses.parse(body.path("url").isTextual() ? body.path("url").asText().trim() : null);
            addresses.resolve(url);
        } catch (WebhookAddresses.Refused refused) {
            throw GatewayError.invalidRequest(refused.getMessage().startsWith("\"") ? refused.getMessage()
                    : "\"url\" is refused: " + refused.getMessage() + ".");
        }
        JsonNode secret = body.path("secret");
        if (!secret.isTextual() || secret.asText().length() < MIN_SECRET || secret.asText().length() > MAX_SECRET) {
            throw GatewayError.invalidRequest("The body needs \"secret\": " + MIN_SECRET + " to " + MAX_SECRET
                    + " characters that sign each delivery.");
        }
        Set<String> topics = new LinkedHashSet<>();
        JsonNode topicList = body.path("topics");
        if (!topicList.isArray() || topicList.isEmpty()) {
            throw GatewayError.invalidRequest("The body needs \"topics\": a non-empty array of data, alerts, errors, connectivity, state.");
        }
        for (JsonNode topic : topicList) {
            if (!topic.isTextual() || EventTopic.ofWire(topic.asText()).isEmpty()) {
                throw GatewayError.invalidRequest("\"topics\" holds data, alerts, errors, connectivity or state; " + topic + " is none.");
            }
            topics.add(topic.asText());
        }
        Set<String> vins = new LinkedHashSet<>();
        JsonNode vinList = body.path("vins");
        if (!vinList.isMissingNode() && !vinList.isNull()) {
            if (!vinList.isArray()) {
                throw GatewayError.invalidRequest("\"vins\" must be an array of VINs.");
            }
            for (JsonNode vin : vinList) {
                if (!vin.isTextual() || !VIN.matcher(vin.asText()).matches()) {
                    throw GatewayError.invalidRequest("\"vins\" holds 17-character VINs; " + vin + " is not one.");
                }
                vins.add(vin.asText());
            }
        }
        byte[] idBytes = new byte[8];
        random.nextBytes(idBytes);
        WebhookEndpoint endpoint = new WebhookEndpoint("wh_" + HexFormat.of().formatHex(idBytes), url,
                new Secret(secret.asText()), topics, vins, clock.instant());
        change(account, current -> {
            if (current.webhooks().size() >= MAX_PER_ACCOUNT) {
                throw new GatewayError(409, "conflict", "Account " + current.id() + " already has " + MAX_PER_ACCOUNT + " webhook endpoints.");
            }
            List<WebhookEndpoint> all = new ArrayList<>(current.webhooks());
            all.add(endpoint);
            return current.withWebhooks(all);
        });
        LOG.info("admin: webhook endpoint {} added for account {} (host {}, topics {})", endpoint.id(), account.id(),
                url.getHost(), topics);
        answer(exchange, 201, view(endpoint));
    }

    public void list(Exchange exchange) {
        ArrayNode list = JSON.createArrayNode();
        account(exchange).webhooks().forEach(w -> list.add(view(w)));
        answer(exchange, 200, list);
    }

    public void delete(Exchange exchange) {
        Account account = account(exchange);
        String webhookId = exchange.getMessage().getHeader("webhookId", String.class);
        change(account, current -> {
            List<WebhookEndpoint> kept = current.webhooks().stream().filter(w -> !w.id().equals(webhookId)).toList();
            if (kept.size() == current.webhooks().size()) {
                throw new GatewayError(404, "not_found", "Account " + current.id() + " has no webhook endpoint " + webhookId + ".");
            }
            return current.withWebhooks(kept);
        });
        LOG.info("admin: webhook endpoint {} of account {} deleted", webhookId, account.id());
        answer(exchange, 200, JSON.createObjectNode().put("id", webhookId).put("deleted", true));
    }

    /** An endpoint as the admin API shows it: everything but its secret. */
    static ObjectNode view(WebhookEndpoint endpoint) {
        ObjectNode node = JSON.createObjectNode();
        node.put("id", endpoint.id());
        node.put("url", endpoint.url().toString());
        ArrayNode topics = node.putArray("topics");
        endpoint.topics().stream().sorted().forEach(topics::add);
        ArrayNode vins = node.putArray("vins");
        endpoint.vins().stream().sorted().forEach(vins::add);
        node.put("created_at", endpoint.createdAt() == null ? null : endpoint.createdAt().toString());
        return node;
    }

    private Account account(Exchange exchange) {
        return AdminAccounts.requestedAccount(store, exchange);
    }

    private Account change(Account account, UnaryOperator<Account> change) {
        return AdminAccounts.change(store, account, change);
    }

    private static JsonNode body(Exchange exchange) {
        return AdminAccounts.body(exchange);
    }

    private static void answer(Exchange exchange, int status, JsonNode response) {
        AdminAccounts.answer(exchange, status, response);
    }
}
