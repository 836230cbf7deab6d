package io.fleetgate.account;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.Properties;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The shipped refresh settings: 8 h access tokens refreshed at 75 % of their life, with jitter and backoff. */
class TokenRefreshDefaultsTest {

    @Test
    void shippedDefaultsAreEightHoursAndSeventyFivePercent() throws Exception {
        Properties p = new Properties();
        try (InputStream in = getClass().getClassLoader().getResourceAsStream("application.properties")) {
            p.load(in);
        }
        assertThat(p.getProperty("fleetgate.tokens.access-token-lifetime-ms").trim()).isEqualTo(String.valueOf(Duration.ofHours(8).toMillis()));
        assertThat(p.getProperty("fleetgate.tokens.refresh-at-percent").trim()).isEqualTo("75");
        assertThat(p.getProperty("fleetgate.tokens.refresh-jitter-percent").trim()).isEqualTo("5");
        assertThat(p.getProperty("fleetgate.tokens.retry-initial-backoff-ms").trim()).isEqualTo("10000");
        assertThat(p.getProperty("fleetgate.tokens.retry-max-backoff-ms").trim()).isEqualTo("600000");
        assertThat(p.getProperty("fleetgate.tesla.auth-url").trim()).isEqualTo("https://fleet-auth.prd.vn.cloud.tesla.com/oauth2/v3/token");
    }

    @Test
    void anEightHourTokenIsRefreshedAfterAboutSixHours() {
        RefreshTiming timing = new RefreshTiming(Duration.ofHours(8), 75, 5, Duration.ofSeconds(10), Duration.ofMinutes(10));
        Instant issued = Instant.parse("2026-03-01T00:00:00Z");
        Random random = new Random(7);
        for (int i = 0; i < 1000; i++) {
            Instant at = timing.refreshAt(issued, issued.plus(timing.lifetime(28800)), random);
            assertThat(at).isBetween(issued.plus(Duration.ofMinutes(336)), issued.plus(Duration.ofMinutes(384)));
        }
        // Tesla's expires_in is believed up to the configured lifetime, never beyond
        assertThat(timing.lifetime(28800)).isEqualTo(Duration.ofHours(8));
        assertThat(timing.lifetime(3600)).isEqualTo(Duration.ofHours(1));
        assertThat(timing.lifetime(999_999)).isEqualTo(Duration.ofHours(8));
        assertThat(timing.lifetime(0)).isEqualTo(Duration.ofHours(8));
        // failures back off 10 s, 20 s, 40 s, ... up to 10 min
        assertThat(timing.backoff(1)).isEqualTo(Duration.ofSeconds(10));
        assertThat(timing.backoff(2)).isEqualTo(Duration.ofSeconds(20));
        assertThat(timing.backoff(3)).isEqualTo(Duration.ofSeconds(40));
        assertThat(timing.backoff(7)).isEqualTo(Duration.ofMinutes(10));
        assertThat(timing.backoff(60)).isEqualTo(Duration.ofMinutes(10));
    }
}
