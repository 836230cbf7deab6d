package io.fleetgate.account;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetgate.app.Fleetgate;
import io.fleetgate.testing.AdminApi;
import io.fleetgate.testing.GatewayHarness;
import io.fleetgate.testing.SimControl;
import io.fleetgate.testing.TestFleet;
import io.fleetgate.testing.TopicRecords;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * Two Fleetgate replicas on one Kafka cluster and one Tesla: each account is refreshed by one of
 * them only, also while the second joins and when it leaves, so no single-use refresh token is
 * ever presented twice.
 */
class TwoReplicasRefreshTest {
    private static final List<String> USERS = List.of("kim", "lou", "max", "ned");

    @Test
    void aReplicaThatMeetsA401AsksTheOwnerToRefresh() throws Exception {
        try (GatewayHarness harness = GatewayHarness.builder().declaredPartitions().accounts(TestFleet.ALICE).start()) {
            AdminApi admin = new AdminApi(harness);
            Map<String, String> gatewayTokens = new HashMap<>();
            for (String user : USERS) {
                TokenRefreshTest.addUserWithVehicle(harness, user, "na", vinOf(user));
                admin.addAccount(user, TokenRefreshTest.grantsOf(harness, user).getFirst().token());
                gatewayTokens.put(user, admin.issueToken(user, "app"));
            }
            Map<String, String> second = harness.secondReplicaSettings();
            try (Fleetgate replica = new Fleetgate(second).start()) {
                RefreshOwnership firstOwner = ownership(harness.gateway());
                RefreshOwnership secondOwner = ownership(replica);
                Awaitility.await().atMost(Duration.ofSeconds(30)).until(() ->
                        USERS.stream().allMatch(u -> firstOwner.owns(u) ^ secondOwner.owns(u)) && USERS.stream().anyMatch(secondOwner::owns));
                String user = USERS.stream().filter(secondOwner::owns).findFirst().orElseThrow();

                new SimControl(harness.simulator()).post("/sim/oauth/users/" + user + "/expire-access-tokens", "{}");
                harness.simulator().clearRequests();
                // the first replica does not own the account: it asks the second, and retries with the new token
                HttpResponse<byte[]> read = harness.get("/api/1/vehicles/" + vinOf(user), gatewayTokens.get(user));
                assertThat(read.statusCode()).isEqualTo(200);
                assertThat(harness.simulator().requests().stream().map(r -> r.path() + " " + r.status()).toList())
                        .containsExactly("/api/1/vehicles/" + vinOf(user) + " 401", "/oauth2/v3/token 200",
                                "/api/1/vehicles/" + vinOf(user) + " 200");
                assertThat(new TopicRecords(harness.kafkaBootstrapServers()).all("fleetgate.token-refresh.v1"))
                        .anySatisfy(r -> assertThat(r.key()).isEqualTo(user));
                assertThat(harness.simulator().oauth().refreshTokensPresentedTwice()).isZero();
            }
        }
    }

    @Test
    void noRefreshTokenIsPresentedTwice() throws Exception {
        try (GatewayHarness harness = GatewayHarness.builder().declaredPartitions().accounts(TestFleet.ALICE)
                .setting("fleetgate.tokens.access-token-lifetime-ms", "1500").start()) {
            AdminApi admin = new AdminApi(harness);
            for (String user : USERS) {
                harness.simulator().addUserWithRefreshToken(user, "na");
                admin.addAccount(user, TokenRefreshTest.grantsOf(harness, user).getFirst().token());
            }
            Map<String, String> second = harness.secondReplicaSettings();
            try (Fleetgate replica = new Fleetgate(second).start()) {
                KafkaAccountStore secondStore = replica.context().getRegistry()
                        .lookupByNameAndType("accountStore", KafkaAccountStore.class);
                RefreshOwnership secondOwner = replica.context().getRegistry()
                        .lookupByNameAndType("refreshOwnership", RefreshOwnership.class);
                RefreshOwnership firstOwner = harness.gateway().context().getRegistry()
                        .lookupByNameAndType("refreshOwnership", RefreshOwnership.class);
                assertThat(secondStore.findById("kim")).isPresent();
                // both replicas take part: between them they own every account, never one twice
                Awaitility.await().atMost(Duration.ofSeconds(30)).until(() ->
                        USERS.stream().allMatch(u -> firstOwner.owns(u) ^ secondOwner.owns(u))
                                && USERS.stream().anyMatch(secondOwner::owns) && USERS.stream().anyMatch(firstOwner::owns));
                int[] before = USERS.stream().mapToInt(u -> TokenRefreshTest.grantsOf(harness, u).size()).toArray();
                Awaitility.await().atMost(Duration.ofSeconds(40)).until(() -> {
                    for (int i = 0; i < USERS.size(); i++) {
                        if (TokenRefreshTest.grantsOf(harness, USERS.get(i)).size() < before[i] + 3) {
                            return false;
                        }
                    }
                    return true;
                });
                assertThat(harness.simulator().oauth().refreshTokensPresentedTwice()).isZero();
            }
            // the second replica leaves: the first takes its accounts over and goes on refreshing
            int[] before = USERS.stream().mapToInt(u -> TokenRefreshTest.grantsOf(harness, u).size()).toArray();
            Awaitility.await().atMost(Duration.ofSeconds(40)).until(() -> {
                for (int i = 0; i < USERS.size(); i++) {
                    if (TokenRefreshTest.grantsOf(harness, USERS.get(i)).size() < before[i] + 2) {
                        return false;
                    }
                }
                return true;
            });
            assertThat(harness.simulator().oauth().refreshTokensPresentedTwice()).isZero();
            KafkaAccountStore store = TokenRefreshTest.store(harness);
            assertThat(USERS).allSatisfy(u -> assertThat(store.findById(u).orElseThrow().signInRequired()).isFalse());
        }
    }

    private static RefreshOwnership ownership(Fleetgate gateway) {
        return gateway.context().getRegistry().lookupByNameAndType("refreshOwnership", RefreshOwnership.class);
    }

    private static String vinOf(String user) {
        return "5YJ3E1EA7KF6" + String.format("%05d", USERS.indexOf(user) + 1);
    }
}
