package io.fleetgate.account;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetgate.region.Region;
import io.fleetgate.testing.AdminApi;
import io.fleetgate.testing.GatewayHarness;
import io.fleetgate.testing.KafkaClientMetrics;
import io.fleetgate.testing.TestAccount;
import io.fleetgate.testing.TestFleet;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/** Accounts live on Kafka: a restarted Fleetgate finds every account, token, region and budget it had. */
class AccountsSurviveRestartTest {
    /** An accounts file of some size besides the test fleet's, imported at the first start. */
    private static final int IMPORTED = 300;

    @Test
    void accountsTokensAndRegionsSurviveARestart() throws Exception {
        TestAccount misplaced = TestFleet.BERND.withRegion("na");
        GatewayHarness.Builder builder = GatewayHarness.builder().accounts(TestFleet.ALICE, misplaced)
                .setting("fleetgate.tokens.access-token-lifetime-ms", "3000");
        for (int i = 0; i < IMPORTED; i++) {
            builder.accountYaml(imported(i));
        }
        try (GatewayHarness harness = builder.start()) {
            // the file's accounts went to the topic together, not one acknowledged round trip each
            assertThat(KafkaClientMetrics.value("kafka.producer:type=producer-metrics,client-id=fleetgate-accounts-writer",
                    "request-total")).isLessThan(IMPORTED / 3.0);
            String vin = TokenRefreshTest.addUserWithVehicle(harness, "jo", "eu", "LRW3E7FA7MC500001");
            AdminApi admin = new AdminApi(harness);
            admin.addAccount("jo", TokenRefreshTest.grantsOf(harness, "jo").getFirst().token());
            String gateway = admin.issueToken("jo", "app");
            AdminApi.expect(200, admin.send("PUT", "/admin/accounts/jo/credit-budget", "{\"credits\":100,\"period\":\"day\"}"));
            // bernd is recorded in the wrong region: the first request re-learns it from a 421
            assertThat(harness.get("/api/1/vehicles/" + TestFleet.EU_VIN, misplaced.gatewayToken()).statusCode()).isEqualTo(200);
            Account joBefore = TokenRefreshTest.store(harness).findById("jo").orElseThrow();

            harness.restart();

            KafkaAccountStore store = TokenRefreshTest.store(harness);
            assertThat(store.isReady()).isTrue();
            for (int i = 0; i < IMPORTED; i++) {
                assertThat(store.findByGatewayTokenHash(GatewayToken.hash(importedToken(i)))).map(Account::id)
                        .contains(importedId(i));
            }
            assertThat(store.findById("bernd").orElseThrow().region()).isEqualTo(Region.EU);
            Account jo = store.findById("jo").orElseThrow();
            assertThat(jo.gatewayTokens()).extracting(GatewayToken::name).containsExactly("app");
            assertThat(jo.creditBudget()).isEqualTo(new CreditBudget(100, CreditBudget.Period.DAY));
            assertThat(jo.teslaRefreshToken()).isNotNull();
            assertThat(jo.teslaTokenExpiresAt()).isAfterOrEqualTo(joBefore.teslaTokenExpiresAt());

            harness.simulator().clearRequests();
            assertThat(harness.get("/api/1/vehicles/" + TestFleet.EU_VIN, misplaced.gatewayToken()).statusCode()).isEqualTo(200);
            assertThat(harness.simulator().requests()).allSatisfy(r -> assertThat(r.status()).isNotEqualTo(421));
            assertThat(harness.get("/api/1/vehicles/" + vin, gateway).statusCode()).isEqualTo(200);
            assertThat(harness.get("/api/1/vehicles/" + TestFleet.NA_VIN, TestFleet.ALICE.gatewayToken()).statusCode()).isEqualTo(200);

            // the stored refresh token is the live one: refreshing goes on after the restart
            int grants = TokenRefreshTest.grantsOf(harness, "jo").size();
            Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> TokenRefreshTest.grantsOf(harness, "jo").size() >= grants + 2);
            assertThat(store.findById("jo").orElseThrow().signInRequired()).isFalse();
            assertThat(harness.simulator().oauth().refreshTokensPresentedTwice()).isZero();
        }
    }

    private static String importedId(int i) {
        return "imported-%03d".formatted(i);
    }

    private static String importedToken(int i) {
        return "gw-imported-%03d".formatted(i);
    }

    private static String imported(int i) {
        return """
                  - id: %s
                    region: na
                    tesla-access-token: tesla-token-%s
                    scopes: [openid, vehicle_device_data]
                    gateway-tokens:
                      - name: app
                        sha256: %s
                """.formatted(importedId(i), importedId(i), GatewayToken.hash(importedToken(i)));
    }
}
