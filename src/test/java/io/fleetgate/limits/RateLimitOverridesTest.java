package io.fleetgate.limits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class RateLimitOverridesTest {

    @Test
    void readsAccountPerIpAndPerSite() {
        assertThat(RateLimitOverrides.parse(List.of("acme-fleet:600/300", " big : 1000 / 50 ")))
                .containsEntry("acme-fleet", new RateLimits(600, 300))
                .containsEntry("big", new RateLimits(1000, 50))
                .hasSize(2);
        assertThat(RateLimitOverrides.parse(List.of())).isEmpty();
    }

    @Test
    void anAccountIdMayHoldAColon() {
        assertThat(RateLimitOverrides.parse(List.of("tenant:acme:120/60"))).containsEntry("tenant:acme", new RateLimits(120, 60));
    }

    @Test
    void aMalformedEntryStopsStartup() {
        for (String bad : List.of("acme", "acme:600", ":600/300", "acme:600/", "acme:six/300", "acme:0/30", "acme:60/30/1")) {
            assertThatThrownBy(() -> RateLimitOverrides.parse(List.of(bad))).as(bad)
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("fleetgate.limits.account-overrides");
        }
        assertThatThrownBy(() -> RateLimitOverrides.parse(List.of("acme:60/30", "acme:600/300")))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
