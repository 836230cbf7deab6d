package io.fleetgate.account;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fleetgate.region.Region;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class YamlAccountStoreTest {
    @TempDir
    Path dir;

    @Test
    void findsAnAccountByTheHashOfItsGatewayTokenOnly() throws Exception {
        YamlAccountStore store = YamlAccountStore.load(write("""
                accounts:
                  - id: fleet-1
                    region: eu
                    tesla-access-token: tesla-secret
                    scopes: [vehicle_device_data]
                    gateway-tokens:
                      - name: dispatch
                        sha256: %s
                    subscription:
                      active-until: 2031-01-01T00:00:00Z
                      vins: [5YJ3E1EA7KF000001]
                      energy-sites: [42]
                """.formatted(GatewayToken.hash("gw-token-1"))).toString());

        Account account = store.findByGatewayTokenHash(GatewayToken.hash("gw-token-1")).orElseThrow();
        assertThat(account.id()).isEqualTo("fleet-1");
        assertThat(account.region()).isEqualTo(Region.EU);
        assertThat(account.subscription().coversVin("5YJ3E1EA7KF000001")).isTrue();
        assertThat(account.subscription().coversEnergySite(42)).isTrue();
        assertThat(account.subscription().isActive(Instant.parse("2030-12-31T00:00:00Z"))).isTrue();
        assertThat(account.subscription().isActive(Instant.parse("2031-01-01T00:00:00Z"))).isFalse();
        assertThat(store.findByGatewayTokenHash("gw-token-1")).isEmpty();
    }

    @Test
    void neverPrintsTheTeslaToken() {
        Account account = new Account("a", Region.NA, new Secret("tesla-secret"), java.util.Set.of(),
                new Subscription(null, java.util.Set.of(), java.util.Set.of()), java.util.List.of());
        assertThat(account.toString()).doesNotContain("tesla-secret");
    }

    @Test
    void keepsARegionLearnedAtRunTime() throws Exception {
        YamlAccountStore store = YamlAccountStore.load(write("""
                accounts:
                  - id: a
                    region: na
                    tesla-access-token: t
                """).toString());
        store.updateRegion("a", Region.EU);
        assertThat(store.findById("a").orElseThrow().region()).isEqualTo(Region.EU);
    }

    @Test
    void refusesAClearTextTokenWhereAHashBelongs() throws Exception {
        Path file = write("""
                accounts:
                  - id: a
                    region: na
                    tesla-access-token: t
                    gateway-tokens:
                      - name: oops
                        sha256: demo-token
                """);
        assertThatThrownBy(() -> YamlAccountStore.load(file.toString()))
                .hasMessageContaining("64 lower-case hex digits");
    }

    @Test
    void refusesAnUnknownRegion() throws Exception {
        Path file = write("""
                accounts:
                  - id: a
                    region: mars
                    tesla-access-token: t
                """);
        assertThatThrownBy(() -> YamlAccountStore.load(file.toString())).hasMessageContaining("region");
    }

    private Path write(String yaml) throws Exception {
        Path file = dir.resolve("accounts.yaml");
        Files.writeString(file, yaml);
        return file;
    }
}
