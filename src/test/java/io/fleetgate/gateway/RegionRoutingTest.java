package io.fleetgate.gateway;

import static io.fleetgate.gateway.TokenCheckTest.body;
import static io.fleetgate.testing.TestFleet.ALICE;
import static io.fleetgate.testing.TestFleet.BERND;
import static io.fleetgate.testing.TestFleet.CHEN;
import static io.fleetgate.testing.TestFleet.CN_VIN;
import static io.fleetgate.testing.TestFleet.EU_VIN;
import static io.fleetgate.testing.TestFleet.NA_VIN;
import static org.assertj.core.api.Assertions.assertThat;

import io.fleetgate.account.AccountStore;
import io.fleetgate.region.Region;
import io.fleetgate.sim.RecordedRequest;
import io.fleetgate.testing.GatewayHarness;
import io.fleetgate.testing.GatewayPerClass;
import io.fleetgate.testing.SimControl;
import io.fleetgate.testing.TestAccount;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** CONTRACT section 2: each account goes to its region; a 421 re-learns it once; no other host is ever called. */
class RegionRoutingTest {
    /** Bernd's Tesla account, recorded in Fleetgate as NA: upstream will answer 421. */
    private static final TestAccount MOVED = new TestAccount("moved", "na", BERND.teslaToken(), "gw-moved",
            TestAccount.ALL_SCOPES, List.of(EU_VIN), List.of(), null);
    /** Alice's Tesla account under other gateway tokens, for tests that change its recorded region. */
    private static final TestAccount BODY_ONLY = new TestAccount("body-only", "na", ALICE.teslaToken(), "gw-body-only",
            TestAccount.ALL_SCOPES, List.of(NA_VIN), List.of(), null);
    private static final TestAccount LOOPING = new TestAccount("looping", "na", ALICE.teslaToken(), "gw-looping",
            TestAccount.ALL_SCOPES, List.of(NA_VIN), List.of(), null);

    @RegisterExtension
    static final GatewayPerClass GATEWAY = new GatewayPerClass(() -> GatewayHarness.builder().accounts(ALICE, BERND, CHEN, MOVED, BODY_ONLY, LOOPING).start());

    @Test
    void eachAccountIsServedByItsOwnRegionalServer() {
        assertThat(GATEWAY.harness().get("/api/1/vehicles/" + NA_VIN, ALICE.gatewayToken()).statusCode()).isEqualTo(200);
        assertThat(GATEWAY.harness().get("/api/1/vehicles/" + EU_VIN, BERND.gatewayToken()).statusCode()).isEqualTo(200);
        assertThat(GATEWAY.harness().get("/api/1/vehicles/" + CN_VIN, CHEN.gatewayToken()).statusCode()).isEqualTo(200);
        assertThat(GATEWAY.harness().simulator().requests()).extracting(RecordedRequest::region).containsExactly("na", "eu", "cn");
    }

    @Test
    void a421ReRoutesOnceToTheNamedRegionAndUpdatesTheAccount() {
        HttpResponse<byte[]> first = GATEWAY.harness().get("/api/1/vehicles/" + EU_VIN + "/vehicle_data", MOVED.gatewayToken());
        assertThat(first.statusCode()).as(body(first)).isEqualTo(200);
        assertThat(first.headers().firstValue("x-region")).contains("eu");
        assertThat(first.headers().firstValue("Alt-Svc")).isEmpty();
        assertThat(GATEWAY.harness().simulator().requests()).extracting(r -> r.region() + " " + r.status())
                .containsExactly("na 421", "eu 200");
        AccountStore accounts = GATEWAY.harness().gateway().context().getRegistry().lookupByNameAndType("accountStore", AccountStore.class);
        assertThat(accounts.findById("moved").orElseThrow().region()).isEqualTo(Region.EU);

        GATEWAY.harness().simulator().clearRequests();
        assertThat(GATEWAY.harness().get("/api/1/vehicles/" + EU_VIN, MOVED.gatewayToken()).statusCode()).isEqualTo(200);
        assertThat(GATEWAY.harness().simulator().requests()).extracting(r -> r.region() + " " + r.status()).containsExactly("eu 200");
    }

    @Test
    void a421IsFollowedFromTheBodyTextWhenItHasNoAltSvcHeader() {
        // a scripted 421 names the CN server in its body only; CN then answers with its own 421
        // (the user lives in NA), which is passed on: one re-route per request
        new SimControl(GATEWAY.harness().simulator()).script("""
                {"vin":"%s","responses":[{"status":421,
                  "body":{"response":null,"error":"user out of region, use base URL: %s, see https://developer.tesla.com/docs/fleet-api#regional-requirements","error_description":""}}]}
                """.formatted(NA_VIN, GATEWAY.harness().simulator().baseUrl("cn")));
        HttpResponse<byte[]> response = GATEWAY.harness().get("/api/1/vehicles/" + NA_VIN, BODY_ONLY.gatewayToken());
        assertThat(GATEWAY.harness().simulator().requests()).extracting(r -> r.region() + " " + r.status())
                .containsExactly("na 421", "cn 421");
        assertThat(response.statusCode()).isEqualTo(421);
        assertThat(response.headers().firstValue("x-region")).contains("cn");
    }

    @Test
    void a421NamingAHostThatIsNoConfiguredRegionIsPassedOnAndNothingElseIsCalled() {
        new SimControl(GATEWAY.harness().simulator()).script("""
                {"vin":"%s","responses":[{"status":421,"headers":{"Alt-Svc":"h2=https://fleet-api.attacker.example"},
                  "body":{"response":null,"error":"user out of region, use base URL: https://fleet-api.attacker.example, see docs","error_description":""}}]}
                """.formatted(NA_VIN));
        HttpResponse<byte[]> response = GATEWAY.harness().get("/api/1/vehicles/" + NA_VIN, ALICE.gatewayToken());
        assertThat(response.statusCode()).isEqualTo(421);
        assertThat(response.headers().firstValue("x-region")).contains("na");
        assertThat(GATEWAY.harness().simulator().requests()).extracting(r -> r.region() + " " + r.status()).containsExactly("na 421");
    }

    @Test
    void aSecond421AfterTheReRouteIsPassedOnInsteadOfLooping() {
        // NA says "go to EU"; EU, where this user is unknown, says "go to NA": passed on, no loop
        new SimControl(GATEWAY.harness().simulator()).script("""
                {"vin":"%s","responses":[{"status":421,"headers":{"Alt-Svc":"h2=%s"}}]}
                """.formatted(NA_VIN, GATEWAY.harness().simulator().baseUrl("eu")));
        HttpResponse<byte[]> response = GATEWAY.harness().get("/api/1/vehicles/" + NA_VIN, LOOPING.gatewayToken());
        assertThat(response.statusCode()).isEqualTo(421);
        assertThat(GATEWAY.harness().simulator().requests()).extracting(r -> r.region() + " " + r.status())
                .containsExactly("na 421", "eu 421");
    }
}
