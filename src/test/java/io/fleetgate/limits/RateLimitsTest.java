package io.fleetgate.limits;

import io.fleetgate.testing.MutableClock;
import static io.fleetgate.limits.LimitsHttp.assertRateLimited;
import static io.fleetgate.limits.LimitsHttp.contractLimits;
import static io.fleetgate.limits.LimitsHttp.get;
import static io.fleetgate.limits.LimitsHttp.header;
import static io.fleetgate.limits.LimitsHttp.rateLimit;
import static io.fleetgate.testing.TestFleet.ALICE;
import static io.fleetgate.testing.TestFleet.NA_SITE;
import static io.fleetgate.testing.TestFleet.NA_SITE_NOT_SUBSCRIBED;
import static io.fleetgate.testing.TestFleet.NA_VIN;
import static org.assertj.core.api.Assertions.assertThat;

import io.fleetgate.testing.GatewayHarness;
import io.fleetgate.testing.SimControl;
import io.fleetgate.testing.TestAccount;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * CONTRACT section 3 over HTTP with the memory backend, on a clock the test moves by hand, so the
 * boundaries are exact to the millisecond. Fleetgate trusts 127.0.0.1 as its proxy here: each test
 * names its own client addresses in {@code X-Forwarded-For} and so has budgets of its own.
 */
class RateLimitsTest {
    private static final String VEHICLES = "/api/1/vehicles";
    private static final String SITE_STATUS = "/api/1/energy_sites/" + NA_SITE + "/live_status";
    // three more users of Alice's Tesla account, each with a gateway token of their own
    private static final TestAccount OPS = new TestAccount("alice-ops", "na", ALICE.teslaToken(), "gw-alice-ops",
            TestAccount.ALL_SCOPES, List.of(NA_VIN), List.of(NA_SITE), null);
    private static final TestAccount HOME = new TestAccount("alice-home", "na", ALICE.teslaToken(), "gw-alice-home",
            TestAccount.ALL_SCOPES, List.of(NA_VIN), List.of(NA_SITE), null);
    private static final TestAccount ENTERPRISE = new TestAccount("enterprise", "na", ALICE.teslaToken(), "gw-enterprise",
            TestAccount.ALL_SCOPES, List.of(NA_VIN), List.of(NA_SITE), null);

    private static GatewayHarness harness;
    private static MutableClock clock;

    @BeforeAll
    static void start() {
        harness = contractLimits(GatewayHarness.builder().accounts(ALICE, OPS, HOME, ENTERPRISE))
                .setting("fleetgate.ingress.trusted-proxies", "127.0.0.1/32")
                .setting("fleetgate.limits.ip.overrides", "192.0.2.80/32:100")
                .setting("camel.beans.rateLimitClock", "#class:" + MutableClock.class.getName())
                .start();
        clock = harness.gateway().context().getRegistry().lookupByNameAndType("rateLimitClock", MutableClock.class);
    }

    @AfterAll
    static void stop() {
        harness.close();
    }

    @Test
    void sixtyPassTheSixtyFirstWaitsUntilTheOldestRequestLeavesTheWindow() {
        String ip = "198.51.100.1";
        Instant t0 = clock.instant();
        int forwardedBefore = harness.simulator().requests().size();

        HttpResponse<byte[]> first = get(harness, ip, VEHICLES, ALICE.gatewayToken());
        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(rateLimit(first)).isEqualTo("60/59/60");
        assertThat(header(first, "Retry-After")).isNull();

        clock.advance(Duration.ofSeconds(10));
        HttpResponse<byte[]> sixtieth = null;
        for (int i = 2; i <= 60; i++) {
            sixtieth = get(harness, ip, VEHICLES, ALICE.gatewayToken());
            assertThat(sixtieth.statusCode()).as("request %d", i).isEqualTo(200);
        }
        // full; a slot frees when the first request, sent at t0, is 60 s old
        assertThat(rateLimit(sixtieth)).isEqualTo("60/0/50");

        clock.advance(Duration.ofSeconds(10));
        assertRateLimited(get(harness, ip, VEHICLES, ALICE.gatewayToken()), 40);

        clock.set(t0.plus(Duration.ofSeconds(60)).minusMillis(1));
        assertRateLimited(get(harness, ip, VEHICLES, ALICE.gatewayToken()), 1);

        clock.set(t0.plus(Duration.ofSeconds(60)));
        HttpResponse<byte[]> freed = get(harness, ip, VEHICLES, ALICE.gatewayToken());
        assertThat(freed.statusCode()).as("the first request has left the window").isEqualTo(200);
        // the next slot frees when the second request, sent at t0 + 10 s, leaves
        assertThat(rateLimit(freed)).isEqualTo("60/0/10");
        assertRateLimited(get(harness, ip, VEHICLES, ALICE.gatewayToken()), 10);

        assertThat(harness.simulator().requests().size() - forwardedBefore)
                .as("the three refused requests reached no upstream").isEqualTo(61);
    }

    @Test
    void aSiteTakesThirtyWhoeverSendsThemAndARefusedRequestReachesNoUpstream() {
        String[] tokens = {ALICE.gatewayToken(), OPS.gatewayToken(), HOME.gatewayToken()};
        String[] ips = {"203.0.113.1", "203.0.113.2", "203.0.113.3"};
        int forwardedBefore = harness.simulator().requests(String.valueOf(NA_SITE)).size();

        for (int i = 0; i < 30; i++) {
            HttpResponse<byte[]> response = get(harness, ips[i % 3], SITE_STATUS, tokens[i % 3]);
            assertThat(response.statusCode()).as("request %d", i + 1).isEqualTo(200);
        }
        for (int i = 0; i < 3; i++) {
            HttpResponse<byte[]> refused = get(harness, ips[i], SITE_STATUS, tokens[(i + 1) % 3]);
            assertRateLimited(refused, 60);
            assertThat(header(refused, "RateLimit-Limit")).isEqualTo("30");
        }

        assertThat(harness.simulator().requests(String.valueOf(NA_SITE)).size() - forwardedBefore).isEqualTo(30);
        // each address spent ten of its sixty: the refusals by the site cost it nothing
        assertThat(rateLimit(get(harness, ips[0], VEHICLES, ALICE.gatewayToken()))).isEqualTo("60/49/60");
    }

    @Test
    void aTrustedProxysForwardedForNamesTheClient() {
        for (int i = 0; i < 60; i++) {
            assertThat(get(harness, "192.0.2.50", VEHICLES, ALICE.gatewayToken()).statusCode()).isEqualTo(200);
        }
        assertRateLimited(get(harness, "192.0.2.50", VEHICLES, ALICE.gatewayToken()), 60);

        // another client behind the same proxy has its own budget
        HttpResponse<byte[]> other = get(harness, "192.0.2.51", VEHICLES, ALICE.gatewayToken());
        assertThat(other.statusCode()).isEqualTo(200);
        assertThat(rateLimit(other)).isEqualTo("60/59/60");
        // the client is the nearest address the proxy did not write: a spoofed entry left of it is not believed
        HttpResponse<byte[]> spoofedBehindProxy = get(harness, "192.0.2.51, 192.0.2.50", VEHICLES, ALICE.gatewayToken());
        assertRateLimited(spoofedBehindProxy, 60);
    }

    @Test
    void anUntrustedClientsForwardedForIsIgnored() {
        // no trusted proxies (the default): every request below comes from the socket peer, 127.0.0.1
        try (GatewayHarness untrusting = contractLimits(GatewayHarness.builder().accounts(ALICE)).start()) {
            for (int i = 0; i < 60; i++) {
                HttpResponse<byte[]> response = get(untrusting, "10.9.8." + i, VEHICLES, ALICE.gatewayToken());
                assertThat(response.statusCode()).as("request %d", i + 1).isEqualTo(200);
            }
            HttpResponse<byte[]> refused = get(untrusting, "10.9.8.200", VEHICLES, ALICE.gatewayToken());
            assertThat(refused.statusCode()).isEqualTo(429);
            assertThat(header(refused, "RateLimit-Limit")).isEqualTo("60");
        }
    }

    @Test
    void aNetworkOverrideGivesItsAddressesMore() {
        // the per-IP limit is decided before the token is read: by the address, whichever account calls
        for (int i = 0; i < 100; i++) {
            assertThat(get(harness, "192.0.2.80", VEHICLES, ENTERPRISE.gatewayToken()).statusCode()).as("request %d", i + 1)
                    .isEqualTo(200);
        }
        HttpResponse<byte[]> refused = get(harness, "192.0.2.80", VEHICLES, ENTERPRISE.gatewayToken());
        assertRateLimited(refused, 60);
        assertThat(header(refused, "RateLimit-Limit")).isEqualTo("100");

        // other addresses keep the defaults, whatever account calls from them
        assertThat(rateLimit(get(harness, "192.0.2.81", VEHICLES, ENTERPRISE.gatewayToken()))).isEqualTo("60/59/60");
    }

    @Test
    void everyAnswerTellsTheTightestLimit() {
        String ip = "192.0.2.90";
        // refused by the subscription check after the limits: the site's 30 is tighter than the IP's 60
        HttpResponse<byte[]> notSubscribed = get(harness, ip, "/api/1/energy_sites/" + NA_SITE_NOT_SUBSCRIBED + "/live_status",
                ALICE.gatewayToken());
        assertThat(notSubscribed.statusCode()).isEqualTo(402);
        assertThat(rateLimit(notSubscribed)).isEqualTo("30/29/60");
        assertThat(header(notSubscribed, "Retry-After")).isNull();

        // refused for its (missing) token: counted by its address all the same
        HttpResponse<byte[]> noToken = harness.send("GET", VEHICLES, java.util.Map.of("X-Forwarded-For", ip), null);
        assertThat(noToken.statusCode()).isEqualTo(401);
        assertThat(rateLimit(noToken)).isEqualTo("60/58/60");
        assertThat(header(noToken, "Retry-After")).isNull();
    }

    @Test
    void theFleetApisOwnBucketShowsWhenItIsTighter() {
        String path = "/api/1/vehicles/" + NA_VIN + "/vehicle_data";
        new SimControl(harness.simulator()).script("""
                {"vin":"%s","path":"/vehicle_data","responses":[
                  {"status":200,"headers":{"RateLimit-Limit":"300","RateLimit-Remaining":"2","RateLimit-Reset":"45983"}},
                  {"status":200,"headers":{"RateLimit-Limit":"300","RateLimit-Remaining":"250","RateLimit-Reset":"45983"}}]}
                """.formatted(NA_VIN));

        HttpResponse<byte[]> upstreamTighter = get(harness, "192.0.2.100", path, ALICE.gatewayToken());
        HttpResponse<byte[]> oursTighter = get(harness, "192.0.2.100", path, ALICE.gatewayToken());

        assertThat(upstreamTighter.statusCode()).isEqualTo(200);
        assertThat(rateLimit(upstreamTighter)).isEqualTo("300/2/45983");
        assertThat(oursTighter.statusCode()).isEqualTo(200);
        assertThat(rateLimit(oursTighter)).isEqualTo("60/58/60");
    }
}
