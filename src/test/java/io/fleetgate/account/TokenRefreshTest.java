package io.fleetgate.account;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fleetgate.sim.RecordedRequest;
import io.fleetgate.sim.SimOAuth;
import io.fleetgate.sim.SimVehicle;
import io.fleetgate.sim.VehicleState;
import io.fleetgate.testing.AdminApi;
import io.fleetgate.testing.GatewayHarness;
import io.fleetgate.testing.SimControl;
import io.fleetgate.testing.TestFleet;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * Tesla tokens refresh themselves: before they expire (rotating the single-use refresh token),
 * after a failure with backoff, once after an upstream 401; a dead refresh token flags the
 * account so its callers hear that the owner must sign in again.
 */
class TokenRefreshTest {
    private static final String TOKEN_PATH = "/oauth2/v3/token";

    @Test
    void refreshRotatesBeforeExpiryAndTheNewTokenServesRequests() {
        // 1.5 s tokens: refreshed at 75 % (± 5 %) of that, every ~1.1 s
        try (GatewayHarness harness = harnessWithTokenLifetime("1500")) {
            String vin = addUserWithVehicle(harness, "erin", "na", "5YJ3E1EA7KF300001");
            String gateway = addAccountWithGatewayToken(harness, "erin");
            KafkaAccountStore store = store(harness);
            Secret first = store.findById("erin").orElseThrow().teslaAccessToken();

            Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> grantsOf(harness, "erin").size() >= 5);
            assertThat(grantsOf(harness, "erin")).allSatisfy(g -> assertThat(g.presented()).isLessThanOrEqualTo(1));
            assertThat(store.findById("erin").orElseThrow().teslaAccessToken()).isNotEqualTo(first);
            // the account holds the newest refresh token, the one Tesla has not seen spent
            Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> {
                String held = store.findById("erin").orElseThrow().teslaRefreshToken().reveal();
                return grantsOf(harness, "erin").stream().anyMatch(g -> g.token().equals(held) && !g.spent());
            });
            assertThat(harness.get("/api/1/vehicles/" + vin, gateway).statusCode()).isEqualTo(200);
        }
    }

    @Test
    void aFailedRefreshIsRetriedWithGrowingBackoff() {
        try (GatewayHarness harness = harnessWithTokenLifetime("28800000")) {
            harness.simulator().addUserWithRefreshToken("finn", "na");
            String refreshToken = grantsOf(harness, "finn").getFirst().token();
            new SimControl(harness.simulator()).post("/sim/oauth/failures", "{\"status\":503,\"count\":3}");
            // the import path: an account with a refresh token is refreshed at once, as its token's age is unknown
            Account imported = new Account("finn", io.fleetgate.region.Region.NA, new Secret("stale-access-token"),
                    java.util.Set.of("vehicle_device_data"), new Subscription(null, java.util.Set.of(), java.util.Set.of()),
                    List.of(), null, new Secret(refreshToken), null, null, false);
            harness.simulator().clearRequests();
            store(harness).save(imported);

            Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> tokenRequests(harness).size() >= 4
                    && tokenRequests(harness).get(3).status() == 200);
            List<RecordedRequest> attempts = tokenRequests(harness);
            assertThat(attempts.subList(0, 3)).allSatisfy(r -> assertThat(r.status()).isEqualTo(503));
            // backoff from 200 ms, doubling: each wait at least as long as its step
            for (int i = 1; i < 4; i++) {
                long waitedMs = Duration.between(attempts.get(i - 1).at(), attempts.get(i).at()).toMillis();
                assertThat(waitedMs).as("wait before attempt %d", i + 1).isGreaterThanOrEqualTo(200L << (i - 1));
            }
            Awaitility.await().atMost(Duration.ofSeconds(5)).until(() ->
                    !store(harness).findById("finn").orElseThrow().teslaAccessToken().reveal().equals("stale-access-token"));
        }
    }

    @Test
    void aDeadRefreshTokenFlagsTheAccountAndSigningInAgainRestoresIt() {
        try (GatewayHarness harness = harnessWithTokenLifetime("1500")) {
            String vin = addUserWithVehicle(harness, "gus", "eu", "LRW3E7FA7MC300002");
            AdminApi admin = new AdminApi(harness);
            String gateway = addAccountWithGatewayToken(harness, "gus");
            new SimControl(harness.simulator()).post("/sim/oauth/users/gus/revoke-refresh-tokens", "{}");

            Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> store(harness).findById("gus").orElseThrow().signInRequired());
            HttpResponse<byte[]> refused = harness.get("/api/1/vehicles/" + vin, gateway);
            assertThat(refused.statusCode()).isEqualTo(401);
            JsonNode body = AdminApi.json(refused);
            assertThat(body.path("error").asText()).isEqualTo("login_required");
            assertThat(body.path("error_description").asText()).contains("owner must sign in");
            long upstreamBefore = harness.simulator().requests(vin).size();
            assertThat(upstreamBefore).isZero();
            assertThat(AdminApi.expect(200, admin.send("GET", "/admin/accounts/gus", null)).path("tesla")
                    .path("sign_in_required").asBoolean()).isTrue();

            // the owner signs in again: a new refresh token for the same account
            String again = new SimControl(harness.simulator()).post("/sim/oauth/users/gus/refresh-tokens", "{}")
                    .path("refresh_token").asText();
            AdminApi.expect(200, admin.send("POST", "/admin/accounts", "{\"id\":\"gus\",\"refresh_token\":\"" + again + "\"}"));
            assertThat(harness.get("/api/1/vehicles/" + vin, gateway).statusCode()).isEqualTo(200);
        }
    }

    @Test
    void aRefusalThatArrivesAfterTheOwnerSignedInAgainLeavesTheNewSignInAlone() throws Exception {
        try (GatewayHarness harness = harnessWithTokenLifetime("28800000")) {
            String vin = addUserWithVehicle(harness, "ivy", "na", "5YJ3E1EA7KF300005");
            AdminApi admin = new AdminApi(harness);
            String gateway = addAccountWithGatewayToken(harness, "ivy");
            SimControl control = new SimControl(harness.simulator());

            // a password reset, and a read whose 401 makes Fleetgate present the dead refresh token;
            // Tesla decides at once but answers 3 s later
            control.post("/sim/oauth/users/ivy/revoke-refresh-tokens", "{}");
            control.post("/sim/oauth/users/ivy/expire-access-tokens", "{}");
            control.post("/sim/oauth/delays", "{\"millis\":3000,\"count\":1}");
            int presentedBefore = grantsOf(harness, "ivy").stream().mapToInt(SimOAuth.RefreshGrant::presented).sum();
            CompletableFuture<HttpResponse<byte[]>> inFlight =
                    CompletableFuture.supplyAsync(() -> harness.get("/api/1/vehicles/" + vin, gateway));
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() ->
                    grantsOf(harness, "ivy").stream().mapToInt(SimOAuth.RefreshGrant::presented).sum() > presentedBefore);

            // meanwhile the owner signs in again
            String again = control.post("/sim/oauth/users/ivy/refresh-tokens", "{}").path("refresh_token").asText();
            AdminApi.expect(200, admin.send("POST", "/admin/accounts", "{\"id\":\"ivy\",\"refresh_token\":\"" + again + "\"}"));
            Account signedIn = store(harness).findById("ivy").orElseThrow();
            assertThat(signedIn.signInRequired()).isFalse();

            // the refusal of the old token arrives: the account keeps the sign-in, and the read goes
            // on with its new token
            assertThat(inFlight.get(20, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
            Account after = store(harness).findById("ivy").orElseThrow();
            assertThat(after.signInRequired()).isFalse();
            assertThat(after.teslaRefreshToken()).isEqualTo(signedIn.teslaRefreshToken());
            assertThat(harness.get("/api/1/vehicles/" + vin, gateway).statusCode()).isEqualTo(200);
        }
    }

    @Test
    void anUpstream401RefreshesOnceAndRetriesOnce() {
        try (GatewayHarness harness = harnessWithTokenLifetime("28800000")) {
            String vin = addUserWithVehicle(harness, "hana", "na", "5YJ3E1EA7KF300003");
            String gateway = addAccountWithGatewayToken(harness, "hana");
            SimControl control = new SimControl(harness.simulator());

            // a read: Tesla refuses the (expired) token, Fleetgate refreshes and asks again
            control.post("/sim/oauth/users/hana/expire-access-tokens", "{}");
            harness.simulator().clearRequests();
            HttpResponse<byte[]> read = harness.get("/api/1/vehicles/" + vin + "/vehicle_data", gateway);
            assertThat(read.statusCode()).isEqualTo(200);
            assertThat(harness.simulator().requests().stream().map(r -> r.path() + " " + r.status()).toList())
                    .containsExactly("/api/1/vehicles/" + vin + "/vehicle_data 401", TOKEN_PATH + " 200",
                            "/api/1/vehicles/" + vin + "/vehicle_data 200");

            // a command: the same, in its lane
            control.post("/sim/oauth/users/hana/expire-access-tokens", "{}");
            harness.simulator().clearRequests();
            HttpResponse<byte[]> command = harness.post("/api/1/vehicles/" + vin + "/command/flash_lights", gateway, "{}");
            assertThat(command.statusCode()).isEqualTo(200);
            assertThat(harness.simulator().requests().stream().filter(r -> r.path().equals(TOKEN_PATH)).count()).isEqualTo(1);
            assertThat(harness.simulator().requests().stream().filter(r -> r.status() == 401).count()).isEqualTo(1);

            // a token Tesla keeps refusing: one refresh, one retry, then the 401 goes back to the caller
            harness.simulator().clearRequests();
            control.script("{\"vin\":\"" + vin + "\",\"path\":\"/vehicle_data\",\"responses\":[{\"status\":401},{\"status\":401}]}");
            HttpResponse<byte[]> refused = harness.get("/api/1/vehicles/" + vin + "/vehicle_data", gateway);
            assertThat(refused.statusCode()).isEqualTo(401);
            assertThat(harness.simulator().requests().stream().filter(r -> r.path().equals(TOKEN_PATH)).count()).isEqualTo(1);
            assertThat(harness.simulator().requests(vin)).hasSize(2);
            assertThat(harness.simulator().oauth().refreshTokensPresentedTwice()).isZero();
        }
    }

    @Test
    void aWriteThatCarriesASpentRefreshTokenIsRepairedByTheOwner() {
        try (GatewayHarness harness = harnessWithTokenLifetime("28800000")) {
            String vin = addUserWithVehicle(harness, "olga", "na", "5YJ3E1EA7KF300004");
            String gateway = addAccountWithGatewayToken(harness, "olga");
            KafkaAccountStore store = store(harness);
            Account beforeRotation = store.findById("olga").orElseThrow();
            // a rotation by this replica (the owner): the 401 path
            new SimControl(harness.simulator()).post("/sim/oauth/users/olga/expire-access-tokens", "{}");
            assertThat(harness.get("/api/1/vehicles/" + vin, gateway).statusCode()).isEqualTo(200);
            Account rotated = store.findById("olga").orElseThrow();
            assertThat(rotated.teslaRefreshToken()).isNotEqualTo(beforeRotation.teslaRefreshToken());

            // another replica writes its older view of the account, with the refresh token Tesla already took
            store.save(beforeRotation.withSubscription(new Subscription(null, java.util.Set.of(vin), java.util.Set.of())));

            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() ->
                    store.findById("olga").orElseThrow().teslaRefreshToken().equals(rotated.teslaRefreshToken()));
            Account repaired = store.findById("olga").orElseThrow();
            assertThat(repaired.subscription().vins()).containsExactly(vin);
            assertThat(repaired.teslaAccessToken()).isEqualTo(rotated.teslaAccessToken());
        }
    }

    static GatewayHarness harnessWithTokenLifetime(String lifetimeMs) {
        return GatewayHarness.builder().accounts(TestFleet.ALICE)
                .setting("fleetgate.tokens.access-token-lifetime-ms", lifetimeMs).start();
    }

    /** Adds the account from the user's first refresh token and issues it a gateway token ("app"), whose value it returns. */
    private static String addAccountWithGatewayToken(GatewayHarness harness, String user) {
        AdminApi admin = new AdminApi(harness);
        admin.addAccount(user, grantsOf(harness, user).getFirst().token());
        return admin.issueToken(user, "app");
    }

    static String addUserWithVehicle(GatewayHarness harness, String user, String region, String vin) {
        harness.simulator().addUserWithRefreshToken(user, region);
        harness.simulator().fleet().addVehicle(SimVehicle.of(vin, Math.abs(vin.hashCode()), user + "'s car", user, VehicleState.ONLINE));
        return vin;
    }

    static List<SimOAuth.RefreshGrant> grantsOf(GatewayHarness harness, String user) {
        return harness.simulator().oauth().refreshGrants().stream().filter(g -> g.userId().equals(user)).toList();
    }

    static KafkaAccountStore store(GatewayHarness harness) {
        return harness.gateway().context().getRegistry().lookupByNameAndType("accountStore", KafkaAccountStore.class);
    }

    private static List<RecordedRequest> tokenRequests(GatewayHarness harness) {
        return harness.simulator().requests().stream().filter(r -> r.path().equals(TOKEN_PATH)).toList();
    }
}
