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
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.apache.camel.CamelContext;
import org.apache.camel.spi.Registry;
import org.apache.camel.support.LifecycleStrategySupport;
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
        // the topic is read (once Kafka is up) while the rest of Fleetgate is configured and its
        // routes are built; the routes start once it has been read to its end (or the ready timeout
        // has passed)
        CompletableFuture<?> kafkaStarted = registry.lookupByNameAndType(KafkaSetup.STARTED, CompletableFuture.class);
        CompletableFuture<Void> reading = (kafkaStarted == null ? CompletableFuture.completedFuture(null) : kafkaStarted)
                .thenRun(store::start);
        Duration readyTimeout = settings.duration("fleetgate.accounts.ready-timeout-ms");
        Optional<String> file = settings.optional("fleetgate.accounts.file");
        context.addLifecycleStrategy(new LifecycleStrategySupport() {
            @Override
            public void onContextStarting(CamelContext starting) {
                KafkaSetup.await(reading);
                awaitLoaded(store, readyTimeout, file);
            }

            @Override
            public String toString() {
                // Camel names it in its warning when the start fails here
                return "'Kafka and the accounts first'";
            }
        });
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

    /** Waits for the accounts topic to be read to its end, then imports the accounts file's new accounts. */
    private static void awaitLoaded(KafkaAccountStore store, Duration readyTimeout, Optional<String> file) {
        boolean ready;
        try {
            ready = store.awaitReady(readyTimeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StartupFailure("interrupted while reading the accounts topic", e);
        }
        if (!ready) {
            LOG.warn("the accounts topic was not read to its end within {} ms; not ready yet, the accounts file is not imported",
                    readyTimeout.toMillis());
            return;
        }
        if (!store.unreadableAccounts().isEmpty()) {
            // starting anyway would re-import the file over them and serve none of the others
            throw new StartupFailure(store.unreadableAccounts().size() + " account(s) on the accounts topic do not"
                    + " decrypt with fleetgate.accounts.token-encryption-key (a different key than the one they were"
                    + " written with?): " + String.join(", ", new java.util.TreeSet<>(store.unreadableAccounts())));
        }
        file.ifPresent(location -> {
            int imported = store.importAbsent(YamlAccountStore.load(location).all());
            LOG.info("accounts file {}: {} account(s) imported onto the accounts topic", location, imported);
        });
    }
}
