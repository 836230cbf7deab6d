package io.fleetgate.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** The shipped defaults are the contract's numbers (tests shorten some of them through settings). */
class ContractDefaultsTest {

    @Test
    void shippedDefaultsAreTheContractsNumbers() throws Exception {
        Properties p = new Properties();
        try (InputStream in = getClass().getClassLoader().getResourceAsStream("application.properties")) {
            p.load(in);
        }
        // CONTRACT section 1: bodies over 1 MiB get 413
        assertThat(p.getProperty("fleetgate.ingress.max-body-bytes").trim()).isEqualTo("1048576");
        // CONTRACT section 2: Tesla's three regional hosts
        assertThat(p.getProperty("fleetgate.regions.na.base-url").trim()).isEqualTo("https://fleet-api.prd.na.vn.cloud.tesla.com");
        assertThat(p.getProperty("fleetgate.regions.eu.base-url").trim()).isEqualTo("https://fleet-api.prd.eu.vn.cloud.tesla.com");
        assertThat(p.getProperty("fleetgate.regions.cn.base-url").trim()).isEqualTo("https://fleet-api.prd.cn.vn.cloud.tesla.cn");
        // CONTRACT section 3: 60 per client IP and 30 per energy site in any 60-second window
        assertThat(p.getProperty("fleetgate.limits.ip.per-window").trim()).isEqualTo("60");
        assertThat(p.getProperty("fleetgate.limits.site.per-window").trim()).isEqualTo("30");
        assertThat(p.getProperty("fleetgate.limits.window-seconds").trim()).isEqualTo("60");
        // not a contract number (issue 20): the admin API takes 10 failed authentications per client IP in that window
        assertThat(p.getProperty("fleetgate.limits.admin.failed-auth-per-window").trim()).isEqualTo("10");
        // no overrides ship: every address and account is held to the contract's numbers
        assertThat(p.getProperty("fleetgate.limits.ip.overrides").trim()).isEmpty();
        assertThat(p.getProperty("fleetgate.limits.account-overrides").trim()).isEmpty();
        // CONTRACT section 4: 30 s state memory, a check every 3 s at most 10 times, 3 s ready buffer
        assertThat(p.getProperty("fleetgate.wake.state-cache-ms").trim()).isEqualTo("30000");
        assertThat(p.getProperty("fleetgate.wake.poll-interval-ms").trim()).isEqualTo("3000");
        assertThat(p.getProperty("fleetgate.wake.max-polls").trim()).isEqualTo("10");
        assertThat(p.getProperty("fleetgate.wake.ready-buffer-ms").trim()).isEqualTo("3000");
        // CONTRACT section 5: at most 6 retries, backoff from 1 s, all within 90 s
        assertThat(p.getProperty("fleetgate.retries.max").trim()).isEqualTo("6");
        assertThat(p.getProperty("fleetgate.retries.initial-backoff-ms").trim()).isEqualTo("1000");
        assertThat(p.getProperty("fleetgate.retries.budget-ms").trim()).isEqualTo("90000");
        // CONTRACT section 5, signed commands: at most 5 attempts, waits of 1, 2, 3, 4 s
        assertThat(p.getProperty("fleetgate.signing.max-attempts").trim()).isEqualTo("5");
        assertThat(p.getProperty("fleetgate.signing.retry-step-ms").trim()).isEqualTo("1000");
        // not a contract number: command offsets are committed together at most every 100 ms (CONTRACT section 7 holds either way)
        assertThat(p.getProperty("fleetgate.commands.commit-interval-ms").trim()).isEqualTo("100");
        // CONTRACT section 9: a breaker per region opens when half of the last 20 calls failed (10 at least),
        // stays open 30 s, then closes after 3 good probes (Fleetgate's choice; README "Breakers and bulkheads")
        assertThat(p.getProperty("fleetgate.breaker.failure-rate-percent").trim()).isEqualTo("50");
        assertThat(p.getProperty("fleetgate.breaker.window-size").trim()).isEqualTo("20");
        assertThat(p.getProperty("fleetgate.breaker.minimum-calls").trim()).isEqualTo("10");
        assertThat(p.getProperty("fleetgate.breaker.open-wait-ms").trim()).isEqualTo("30000");
        assertThat(p.getProperty("fleetgate.breaker.half-open-calls").trim()).isEqualTo("3");
        // not a contract number: what no request needs at once starts 2 s after the API (StartAfterTheApiTest)
        assertThat(p.getProperty("fleetgate.startup.background-delay-ms").trim()).isEqualTo("2000");
        // CONTRACT section 10: an SSE keep-alive at least every 10 s
        assertThat(p.getProperty("fleetgate.stream.keep-alive-ms").trim()).isEqualTo("10000");
        // CONTRACT section 8 in Tesla's prices: 150,000 streamed signals cost what 1,000 commands do
        assertThat(p.getProperty("fleetgate.audit.credits.signals-per-credit").trim()).isEqualTo("150");
        // CONTRACT section 9: bulkheads per replica, refusals with Retry-After: 1
        assertThat(p.getProperty("fleetgate.bulkhead.rest-commands-waiting").trim()).isEqualTo("12500");
        assertThat(p.getProperty("fleetgate.bulkhead.reads-in-flight").trim()).isEqualTo("400");
        assertThat(p.getProperty("fleetgate.bulkhead.energy-commands-in-flight").trim()).isEqualTo("500");
        assertThat(p.getProperty("fleetgate.bulkhead.retry-after-seconds").trim()).isEqualTo("1");
        // a region's upstream connection pool holds every read the reads' bulkhead lets in (application.properties says why)
        assertThat(p.getProperty("fleetgate.bulkhead.reads-in-flight").trim())
                .isEqualTo(p.getProperty("fleetgate.upstream.connections-per-region").trim());
        // CONTRACT section 9: no call waits for ever
        assertThat(p.getProperty("fleetgate.upstream.connect-timeout-ms").trim()).isEqualTo("5000");
        assertThat(p.getProperty("fleetgate.upstream.response-timeout-ms").trim()).isEqualTo("15000");
    }

    @Test
    void topicSettingsNameTheDeclaredTopics() throws Exception {
        Properties p = new Properties();
        try (InputStream in = getClass().getClassLoader().getResourceAsStream("application.properties")) {
            p.load(in);
        }
        var declared = KafkaTopics.load(java.nio.file.Path.of("kafka/topics.yaml")).topics().stream()
                .map(KafkaTopics.Topic::name).toList();
        for (String key : new String[] {"commands", "command-results", "audit", "accounts"}) {
            assertThat(declared).contains(p.getProperty("fleetgate.topics." + key).trim());
        }
    }
}
