package io.fleetgate.app;

import io.fleetgate.account.AccountRecords;
import io.fleetgate.account.AdminAccounts;
import io.fleetgate.account.AdminToken;
import io.fleetgate.account.KafkaAccountStore;
import io.fleetgate.account.RefreshOwnership;
import io.fleetgate.account.RefreshTiming;
import io.fleetgate.account.TeslaOAuthClient;
import io.fleetgate.account.TokenCipher;
import io.fleetgate.account.TokenRefresher;
import io.fleetgate.account.YamlAccountStore;
import io.fleetgate.kafka.KafkaClientConfig;
import io.fleetgate.limits.AdminAuthLimit;
import io.fleetgate.limits.ClientAddressResolver;
import io.fleetgate.region.RegionalBaseUrls;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.apache.camel.CamelContext;
import org.apache.camel.spi.Registry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The accounts stage: the store on the accounts topic (read to its end before Fleetgate takes
 * requests), the import of the accounts file, token refresh and its ownership, the admin API.
 */
final class AccountsConfiguration {
    private static final Logger LOG = LoggerFactory.getLogger(AccountsConfiguration.class);

    static final String TOKEN_KEY = "fleetgate.accounts.token-encryption-key";
    static final String TOKEN_KEY_REQUIRED = "setting " + TOKEN_KEY + " is required: base64 of 32 random bytes"
            + " (openssl rand -base64 32); it encrypts Tesla tokens on the accounts topic";

    private AccountsConfiguration() {}

    static KafkaAccountStore bind(CamelContext context, Settings settings, RegionalBaseUrls baseUrls, Clock clock)
            throws Exception {
        Registry registry = context.getRegistry();
        String key = settings.optional(TOKEN_KEY).orElseThrow(() -> new StartupFailure(TOKEN_KEY_REQUIRED));
        Map<String, Object> kafkaClients = KafkaClientConfig.of(settings.required("fleetgate.kafka.bootstrap-servers"),
                context.getPropertiesComponent());
        Duration writeTimeout = settings.duration("fleetgate.accounts.write-timeout-ms");
        KafkaAccountStore store = new KafkaAccountStore(kafkaClients, settings.required("fleetgate.topics.accounts"),
                new AccountRecords(TokenCipher.fromSetting(key)), writeTimeout);
        context.addService(store, true, false);
        store.start();
        Duration readyTimeout = settings.duration("fleetgate.accounts.ready-timeout-ms");
        if (store.awaitReady(readyTimeout)) {
            if (!store.unreadableAccounts().isEmpty()) {
                // starting anyway would re-import the file over them and serve none of the others
                throw new StartupFailure(store.unreadableAccounts().size() + " account(s) on the accounts topic do not"
                        + " decrypt with fleetgate.accounts.token-encryption-key (a different key than the one they were"
                        + " written with?): " + String.join(", ", new java.util.TreeSet<>(store.unreadableAccounts())));
            }
            settings.optional("fleetgate.accounts.file").ifPresent(file -> {
                int imported = store.importAbsent(YamlAccountStore.load(file).all());
                LOG.info("accounts file {}: {} account(s) imported onto the accounts topic", file, imported);
            });
        } else {
            LOG.warn("the accounts topic was not read to its end within {} ms; not ready yet, the accounts file is not imported",
                    readyTimeout.toMillis());
        }
        registry.bind("accountStore", store);

        if (settings.optional("fleetgate.tesla.client-id").isEmpty()) {
            LOG.warn("fleetgate.tesla.client-id is not set: Tesla will refuse every token refresh and every account added"
                    + " through the admin API");
        }
        String userAgent = settings.required("fleetgate.upstream.user-agent");
        TeslaOAuthClient tesla = new TeslaOAuthClient(settings.required("fleetgate.tesla.auth-url"),
                settings.optional("fleetgate.tesla.client-id").orElse(""),
                settings.optional("fleetgate.tesla.client-secret").orElse(""), userAgent,
                settings.duration("fleetgate.tesla.timeout-ms"));
        RefreshTiming timing = new RefreshTiming(settings.duration("fleetgate.tokens.access-token-lifetime-ms"),
                (int) settings.longValue("fleetgate.tokens.refresh-at-percent"),
                (int) settings.longValue("fleetgate.tokens.refresh-jitter-percent"),
                settings.duration("fleetgate.tokens.retry-initial-backoff-ms"),
                settings.duration("fleetgate.tokens.retry-max-backoff-ms"));
        TokenRefresher refresher = new TokenRefresher(store, tesla, timing, clock, new SecureRandom(),
                settings.duration("fleetgate.tokens.owner-wait-ms"));
        RefreshOwnership ownership = new RefreshOwnership(kafkaClients, settings.required("fleetgate.topics.token-refresh"),
                settings.required("fleetgate.tokens.consumer-group"), refresher, store);
        context.addService(ownership, true, true);
        registry.bind("tokenRefreshTiming", timing);
        registry.bind("tokenRefresher", refresher);
        registry.bind("refreshOwnership", ownership);
        registry.bind("adminToken", new AdminToken(settings.optional("fleetgate.admin.token").orElse(""),
                registry.lookupByNameAndType("adminAuthLimit", AdminAuthLimit.class),
                registry.lookupByNameAndType("clientAddresses", ClientAddressResolver.class)));
        registry.bind("adminAccounts", new AdminAccounts(store, tesla, timing, baseUrls, clock, new SecureRandom()));
        return store;
    }
}
