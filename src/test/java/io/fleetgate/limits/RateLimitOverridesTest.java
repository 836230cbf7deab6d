package io.fleetgate.limits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class RateLimitOverridesTest {

    @Test
    void readsAnAccountsPerSiteLimit() {
        assertThat(RateLimitOverrides.perSiteByAccount(List.of("acme-fleet:300", " big : 50 ")))
                .containsEntry("acme-fleet", 300)
                .containsEntry("big", 50)
                .hasSize(2);
        assertThat(RateLimitOverrides.perSiteByAccount(List.of())).isEmpty();
    }

    @Test
    void anAccountIdMayHoldAColon() {
        assertThat(RateLimitOverrides.perSiteByAccount(List.of("tenant:acme:60"))).containsEntry("tenant:acme", 60);
    }

    @Test
    void aMalformedAccountEntryStopsStartup() {
        for (String bad : List.of("acme", ":300", "acme:", "acme:six", "acme:0", "acme:-3")) {
            assertThatThrownBy(() -> RateLimitOverrides.perSiteByAccount(List.of(bad))).as(bad)
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("fleetgate.limits.account-overrides");
        }
        assertThatThrownBy(() -> RateLimitOverrides.perSiteByAccount(List.of("acme:30", "acme:300")))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void anAccountsPerIpLimitStopsStartupAndSaysWhereItGoesNow() {
        // the earlier <account>:<per IP>/<per site> form: the per-IP limit is decided before the token is read
        assertThatThrownBy(() -> RateLimitOverrides.perSiteByAccount(List.of("acme-fleet:600/300")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("acme-fleet:600/300")
                .hasMessageContaining("before the token is read")
                .hasMessageContaining("fleetgate.limits.ip.overrides");
    }

    @Test
    void readsNetworksPerIpLimitsAndTheMostSpecificBlockApplies() {
        NetworkLimits limits = RateLimitOverrides.perIpByNetwork(List.of("203.0.113.0/24:600", "203.0.113.7:5",
                " 2001:db8::/32 : 120 "));

        assertThat(limits.limitFor("203.0.113.8", 60)).isEqualTo(600);
        assertThat(limits.limitFor("203.0.113.7", 60)).isEqualTo(5);
        assertThat(limits.limitFor("2001:db8::1", 60)).isEqualTo(120);
        assertThat(limits.limitFor("198.51.100.1", 60)).isEqualTo(60);
        assertThat(limits.limitFor("unknown", 60)).isEqualTo(60);
        assertThat(RateLimitOverrides.perIpByNetwork(List.of()).limitFor("203.0.113.8", 60)).isEqualTo(60);
    }

    @Test
    void aMalformedNetworkEntryStopsStartup() {
        for (String bad : List.of("203.0.113.0/24", "203.0.113.0/24:", "example.com:600", "203.0.113.0/33:600",
                "203.0.113.0/24:0", "203.0.113.0/24:many")) {
            assertThatThrownBy(() -> RateLimitOverrides.perIpByNetwork(List.of(bad))).as(bad)
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("fleetgate.limits.ip.overrides");
        }
        assertThatThrownBy(() -> RateLimitOverrides.perIpByNetwork(List.of("203.0.113.0/24:600", "203.0.113.0/24:60")))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
