package io.fleetgate.account;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetgate.json.JsonMappers;
import io.fleetgate.region.Region;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * An account as a record value on {@code fleetgate.accounts.v1}: JSON, with the Tesla tokens
 * encrypted ({@link TokenCipher}) and gateway tokens as SHA-256 hashes. Format in kafka/README.md.
 */
public final class AccountRecords {
    private static final ObjectMapper JSON = JsonMappers.newMapper();

    private final TokenCipher cipher;

    public AccountRecords(TokenCipher cipher) {
        this.cipher = cipher;
    }

    public String write(Account account) {
        ObjectNode node = JSON.createObjectNode();
        node.put("id", account.id());
        node.put("region", account.region().code());
        ArrayNode scopes = node.putArray("scopes");
        account.scopes().stream().sorted().forEach(scopes::add);
        ObjectNode subscription = node.putObject("subscription");
        Subscription sub = account.subscription();
        subscription.put("active_until", sub.activeUntil() == null ? null : sub.activeUntil().toString());
        ArrayNode vins = subscription.putArray("vins");
        sub.vins().stream().sorted().forEach(vins::add);
        ArrayNode sites = subscription.putArray("energy_sites");
        sub.energySites().stream().sorted().forEach(sites::add);
        ArrayNode tokens = node.putArray("gateway_tokens");
        account.gatewayTokens().forEach(t -> tokens.addObject().put("name", t.name()).put("sha256", t.sha256()));
        if (account.creditBudget() == null) {
            node.putNull("credit_budget");
        } else {
            node.putObject("credit_budget").put("credits", account.creditBudget().credits())
                    .put("period", account.creditBudget().period().name().toLowerCase(java.util.Locale.ROOT));
        }
        ObjectNode tesla = node.putObject("tesla");
        tesla.put("access_token", cipher.encrypt(account.id(), account.teslaAccessToken()));
        tesla.put("refresh_token", account.teslaRefreshToken() == null ? null : cipher.encrypt(account.id(), account.teslaRefreshToken()));
        tesla.put("issued_at", account.teslaTokenIssuedAt() == null ? null : account.teslaTokenIssuedAt().toString());
        tesla.put("expires_at", account.teslaTokenExpiresAt() == null ? null : account.teslaTokenExpiresAt().toString());
        tesla.put("sign_in_required", account.signInRequired());
        ArrayNode webhooks = node.putArray("webhooks");
        for (WebhookEndpoint hook : account.webhooks()) {
            ObjectNode h = webhooks.addObject().put("id", hook.id()).put("url", hook.url().toString())
                    .put("secret", cipher.encrypt(account.id(), hook.secret()));
            ArrayNode topics = h.putArray("topics");
            hook.topics().stream().sorted().forEach(topics::add);
            ArrayNode hookVins = h.putArray("vins");
            hook.vins().stream().sorted().forEach(hookVins::add);
            h.put("created_at", hook.createdAt() == null ? null : hook.createdAt().toString());
        }
        return node.toString();
    }

    public Account read(String value) {
        JsonNode node;
        try {
            node = JSON.readTree(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String id = node.path("id").asText();
        Region region = Region.fromCode(node.path("region").asText()).orElseThrow(() -> new IllegalArgumentException("bad region"));
        Set<String> scopes = new HashSet<>();
        node.path("scopes").forEach(s -> scopes.add(s.asText()));
        JsonNode sub = node.path("subscription");
        Set<String> vins = new HashSet<>();
        sub.path("vins").forEach(v -> vins.add(v.asText()));
        Set<Long> sites = new HashSet<>();
        sub.path("energy_sites").forEach(s -> sites.add(s.asLong()));
        Subscription subscription = new Subscription(instant(sub.path("active_until")), vins, sites);
        List<GatewayToken> tokens = new ArrayList<>();
        node.path("gateway_tokens").forEach(t -> tokens.add(new GatewayToken(t.path("name").asText(), t.path("sha256").asText())));
        JsonNode budget = node.path("credit_budget");
        CreditBudget creditBudget = budget.isObject()
                ? new CreditBudget(budget.path("credits").asLong(), CreditBudget.Period.fromText(budget.path("period").asText())) : null;
        JsonNode tesla = node.path("tesla");
        Secret access = cipher.decrypt(id, tesla.path("access_token").asText());
        Secret refresh = tesla.path("refresh_token").isTextual() ? cipher.decrypt(id, tesla.path("refresh_token").asText()) : null;
        List<WebhookEndpoint> webhooks = new ArrayList<>();
        for (JsonNode h : node.path("webhooks")) {
            Set<String> topics = new HashSet<>();
            h.path("topics").forEach(t -> topics.add(t.asText()));
            Set<String> hookVins = new HashSet<>();
            h.path("vins").forEach(v -> hookVins.add(v.asText()));
            webhooks.add(new WebhookEndpoint(h.path("id").asText(), java.net.URI.create(h.path("url").asText()),
                    cipher.decrypt(id, h.path("secret").asText()), topics, hookVins, instant(h.path("created_at"))));
        }
        return new Account(id, region, access, scopes, subscription, tokens, creditBudget, refresh,
                instant(tesla.path("issued_at")), instant(tesla.path("expires_at")), tesla.path("sign_in_required").asBoolean(false),
                webhooks);
    }

    private static Instant instant(JsonNode node) {
        return node.isTextual() ? Instant.parse(node.asText()) : null;
    }
}
