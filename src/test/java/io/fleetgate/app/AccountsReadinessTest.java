package io.fleetgate.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetgate.account.Account;
import io.fleetgate.account.AccountStore;
import io.fleetgate.region.Region;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.camel.health.HealthCheck;
import org.apache.camel.support.DefaultRegistry;
import org.junit.jupiter.api.Test;

/** Readiness asks the account store whether it has loaded its accounts (a Kafka-backed one catches up first). */
class AccountsReadinessTest {

    @Test
    void readinessFollowsTheAccountStore() {
        AtomicBoolean loaded = new AtomicBoolean(false);
        DefaultRegistry registry = new DefaultRegistry();
        registry.bind("kafkaHealth", new KafkaHealth("127.0.0.1:1", 500)); // not started: counts as up
        registry.bind("accountStore", new AccountStore() {
            @Override
            public Optional<Account> findByGatewayTokenHash(String sha256) {
                return Optional.empty();
            }

            @Override
            public Optional<Account> findById(String accountId) {
                return Optional.empty();
            }

            @Override
            public void updateRegion(String accountId, Region region) {
            }

            @Override
            public java.util.List<Account> all() {
                return java.util.List.of();
            }

            @Override
            public void save(Account account) {
            }

            @Override
            public <T> T underWriteLock(String accountId, java.util.function.Supplier<T> write) {
                return write.get();
            }

            @Override
            public boolean isReady() {
                return loaded.get();
            }
        });
        HealthCheck accounts = Operations.readinessChecks(registry).stream()
                .filter(c -> c.getId().equals("accounts")).findFirst().orElseThrow();

        assertThat(accounts.isReadiness()).isTrue();
        assertThat(accounts.isLiveness()).isFalse();
        assertThat(accounts.call().getState()).isEqualTo(HealthCheck.State.DOWN);
        loaded.set(true);
        assertThat(accounts.call().getState()).isEqualTo(HealthCheck.State.UP);
        assertThat(Operations.readinessChecks(registry)).extracting(HealthCheck::getId)
                .as("no Redis check without the Redis limiter, and Kafka decides no readiness").containsExactly("accounts");
    }
}
