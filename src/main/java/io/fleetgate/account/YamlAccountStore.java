package io.fleetgate.account;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fleetgate.region.Region;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * Accounts read once from a YAML file (or {@code classpath:} resource): the import path of the
 * accounts topic ({@link KafkaAccountStore#importAbsent}). Used on its own, changes are kept in
 * memory; the file is the operator's and is never rewritten.
 */
public final class YamlAccountStore implements AccountStore {
    private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-f]{64}");

    private final Map<String, Account> byId = new ConcurrentHashMap<>();
    private final Map<String, String> accountIdByTokenHash = new ConcurrentHashMap<>();

    public YamlAccountStore(List<Account> accounts) {
        for (Account account : accounts) {
            if (byId.putIfAbsent(account.id(), account) != null) {
                throw new IllegalArgumentException("account id appears twice: " + account.id());
            }
            for (GatewayToken token : account.gatewayTokens()) {
                if (accountIdByTokenHash.putIfAbsent(token.sha256(), account.id()) != null) {
                    throw new IllegalArgumentException("a gateway token hash appears twice (account " + account.id() + ")");
                }
            }
        }
    }

    public static YamlAccountStore load(String location) {
        try (InputStream in = open(location)) {
            AccountsFile file = new ObjectMapper(new YAMLFactory())
                    .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true)
                    .readValue(in, AccountsFile.class);
            List<AccountEntry> entries = file.accounts() == null ? List.of() : file.accounts();
            return new YamlAccountStore(entries.stream().map(YamlAccountStore::toAccount).toList());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read accounts from " + location + ": " + e.getMessage(), e);
        }
    }

    @Override
    public Optional<Account> findByGatewayTokenHash(String sha256) {
        String accountId = accountIdByTokenHash.get(sha256);
        return accountId == null ? Optional.empty() : findById(accountId);
    }

    @Override
    public Optional<Account> findById(String accountId) {
        return Optional.ofNullable(byId.get(accountId));
    }

    @Override
    public void updateRegion(String accountId, Region region) {
        byId.computeIfPresent(accountId, (id, account) -> account.withRegion(region));
    }

    @Override
    public List<Account> all() {
        return List.copyOf(byId.values());
    }

    @Override
    public synchronized <T> T underWriteLock(String accountId, Supplier<T> write) {
        return write.get();
    }

    /** Kept in memory only: the file is the operator's and is never rewritten. */
    @Override
    public synchronized void save(Account account) {
        // as KafkaAccountStore: a token the account keeps is never out of the index meanwhile
        Account previous = byId.put(account.id(), account);
        account.gatewayTokens().forEach(t -> accountIdByTokenHash.put(t.sha256(), account.id()));
        if (previous != null) {
            Set<String> kept = KafkaAccountStore.tokenHashes(account);
            previous.gatewayTokens().stream().map(GatewayToken::sha256).filter(hash -> !kept.contains(hash))
                    .forEach(hash -> accountIdByTokenHash.remove(hash, account.id()));
        }
    }

    private static InputStream open(String location) throws IOException {
        if (location.startsWith("classpath:")) {
            String name = location.substring("classpath:".length()).replaceFirst("^/", "");
            InputStream in = YamlAccountStore.class.getClassLoader().getResourceAsStream(name);
            if (in == null) {
                throw new IOException("no such classpath resource");
            }
            return in;
        }
        String path = location.startsWith("file:") ? location.substring("file:".length()) : location;
        return Files.newInputStream(Path.of(path));
    }

    private static Account toAccount(AccountEntry entry) {
        require(entry.id() != null && !entry.id().isBlank(), "an account has no id");
        String where = "account " + entry.id() + ": ";
        Region region = Region.fromCode(entry.region())
                .orElseThrow(() -> new IllegalArgumentException(where + "region must be na, eu or cn"));
        require(entry.teslaAccessToken() != null && !entry.teslaAccessToken().isBlank(), where + "tesla-access-token is missing");
        Secret refreshToken = entry.teslaRefreshToken() == null || entry.teslaRefreshToken().isBlank()
                ? null : new Secret(entry.teslaRefreshToken().trim());
        List<GatewayToken> tokens = entry.gatewayTokens() == null ? List.of() : entry.gatewayTokens().stream()
                .map(t -> {
                    require(t.sha256() != null && SHA256_HEX.matcher(t.sha256()).matches(),
                            where + "gateway token " + t.name() + " needs sha256: 64 lower-case hex digits");
                    return new GatewayToken(t.name(), t.sha256());
                })
                .toList();
        SubscriptionEntry sub = entry.subscription() == null ? new SubscriptionEntry(null, null, null) : entry.subscription();
        Subscription subscription = new Subscription(
                parseInstant(where, sub.activeUntil()),
                sub.vins() == null ? Set.of() : Set.copyOf(sub.vins()),
                sub.energySites() == null ? Set.of() : Set.copyOf(sub.energySites()));
        CreditBudget budget = entry.creditBudget() == null ? null
                : new CreditBudget(entry.creditBudget().credits(), CreditBudget.Period.fromText(entry.creditBudget().period()));
        // with a refresh token, the access token's age is unknown: it is refreshed at once
        return new Account(entry.id(), region, new Secret(entry.teslaAccessToken()),
                entry.scopes() == null ? Set.of() : Set.copyOf(entry.scopes()), subscription, tokens, budget,
                refreshToken, null, null, false);
    }

    private static Instant parseInstant(String where, String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        try {
            return Instant.parse(text.trim());
        } catch (java.time.format.DateTimeParseException e) {
            throw new IllegalArgumentException(where + "active-until must be an ISO-8601 instant such as 2030-01-01T00:00:00Z");
        }
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }

    record AccountsFile(List<AccountEntry> accounts) {}

    record AccountEntry(
            String id,
            String region,
            @JsonProperty("tesla-access-token") String teslaAccessToken,
            @JsonProperty("tesla-refresh-token") String teslaRefreshToken,
            List<String> scopes,
            @JsonProperty("gateway-tokens") List<TokenEntry> gatewayTokens,
            SubscriptionEntry subscription,
            @JsonProperty("credit-budget") BudgetEntry creditBudget) {}

    record BudgetEntry(long credits, String period) {}

    record TokenEntry(String name, String sha256) {}

    record SubscriptionEntry(
            @JsonProperty("active-until") String activeUntil,
            List<String> vins,
            @JsonProperty("energy-sites") List<Long> energySites) {}
}
