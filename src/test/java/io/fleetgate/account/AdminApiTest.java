package io.fleetgate.account;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fleetgate.sim.SimEnergySite;
import io.fleetgate.sim.SimOAuth;
import io.fleetgate.sim.SimVehicle;
import io.fleetgate.sim.VehicleState;
import io.fleetgate.testing.AdminApi;
import io.fleetgate.testing.GatewayHarness;
import io.fleetgate.testing.SimControl;
import io.fleetgate.testing.TestFleet;
import io.fleetgate.testing.TopicRecords;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntUnaryOperator;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The admin API: only the admin token opens it; accounts come from a Tesla refresh token (region
 * and products learned from the Fleet API); gateway tokens are issued once and revoked; no answer,
 * topic record or audit event holds a secret.
 */
class AdminApiTest {
    private static final String DORA_VIN = "LRW3E7FA7MC200001";
    private static final String DORA_VIN_2 = "LRW3E7FA7MC200002";
    private static final long DORA_SITE = 777000111L;

    private static GatewayHarness harness;
    private static AdminApi admin;

    @BeforeAll
    static void start() {
        harness = GatewayHarness.builder().accounts(TestFleet.ALICE).start();
        admin = new AdminApi(harness);
    }

    @AfterAll
    static void stop() {
        harness.close();
    }

    @Test
    void refusesWithoutTheAdminToken() {
        for (var attempt : List.of(
                new Object[] {null, "missing_token"},
                new Object[] {"wrong-admin-token", "invalid_token"},
                new Object[] {TestFleet.ALICE.gatewayToken(), "invalid_token"})) {
            HttpResponse<byte[]> refused = admin.send("GET", "/admin/accounts", (String) attempt[0], null);
            assertThat(refused.statusCode()).isEqualTo(401);
            JsonNode body = AdminApi.json(refused);
            assertThat(body.path("error").asText()).isEqualTo(attempt[1]);
            assertThat(body.has("response")).isTrue();
            assertThat(body.path("response").isNull()).isTrue();
        }
        // a change is refused as well, and changes nothing
        HttpResponse<byte[]> issue = admin.send("POST", "/admin/accounts/alice/gateway-tokens", TestFleet.ALICE.gatewayToken(),
                "{\"name\":\"sneaky\"}");
        assertThat(issue.statusCode()).isEqualTo(401);
        assertThat(AdminApi.expect(200, admin.send("GET", "/admin/accounts/alice", null)).path("gateway_tokens").toString())
                .doesNotContain("sneaky");
    }

    @Test
    void addsAnAccountFromARefreshTokenAndServesItThroughIssuedTokens() {
        String refreshToken = harness.simulator().addUserWithRefreshToken("dora", "eu");
        harness.simulator().fleet().addVehicle(SimVehicle.of(DORA_VIN, 200001L, "Dora's Three", "dora", VehicleState.ONLINE));
        harness.simulator().fleet().addVehicle(SimVehicle.of(DORA_VIN_2, 200002L, "Dora's Y", "dora", VehicleState.ASLEEP));
        harness.simulator().fleet().addEnergySite(SimEnergySite.of(DORA_SITE, "dora", "Dora's Powerwall"));

        JsonNode added = admin.addAccount("dora", refreshToken);
        assertThat(added.path("region").asText()).isEqualTo("eu");
        assertThat(added.path("subscription").path("vins").toString()).contains(DORA_VIN, DORA_VIN_2);
        assertThat(added.path("subscription").path("energy_sites").toString()).contains(String.valueOf(DORA_SITE));
        assertThat(added.path("scopes").toString()).contains("vehicle_device_data", "vehicle_cmds");
        assertThat(added.path("tesla").path("refresh_token_held").asBoolean()).isTrue();

        String homeAssistant = admin.issueToken("dora", "home-assistant");
        String script = admin.issueToken("dora", "script");
        assertThat(homeAssistant).isNotEqualTo(script);
        HttpResponse<byte[]> data = harness.get("/api/1/vehicles/" + DORA_VIN + "/vehicle_data", homeAssistant);
        assertThat(data.statusCode()).isEqualTo(200);
        assertThat(data.headers().firstValue("x-region")).contains("eu");
        assertThat(AdminApi.expect(409, admin.send("POST", "/admin/accounts/dora/gateway-tokens", "{\"name\":\"script\"}")).isNull()).isTrue();

        AdminApi.expect(200, admin.send("DELETE", "/admin/accounts/dora/gateway-tokens/home-assistant", null));
        assertThat(AdminApi.json(harness.get("/api/1/vehicles/" + DORA_VIN, homeAssistant)).path("error").asText())
                .isEqualTo("invalid_token");
        assertThat(harness.get("/api/1/vehicles/" + DORA_VIN, script).statusCode()).isEqualTo(200);

        // the subscription and the budget are the operator's to set
        AdminApi.expect(200, admin.send("PUT", "/admin/accounts/dora/subscription",
                "{\"vins\":[\"" + DORA_VIN_2 + "\"],\"energy_sites\":[],\"active_until\":\"2099-01-01T00:00:00Z\"}"));
        assertThat(AdminApi.json(harness.get("/api/1/vehicles/" + DORA_VIN, script)).path("error").asText())
                .isEqualTo("vehicle_subscription_required");
        JsonNode budgeted = AdminApi.expect(200, admin.send("PUT", "/admin/accounts/dora/credit-budget",
                "{\"credits\":5000,\"period\":\"month\"}"));
        assertThat(budgeted.path("credit_budget").path("credits").asLong()).isEqualTo(5000);
        AccountStore store = harness.gateway().context().getRegistry().lookupByNameAndType("accountStore", AccountStore.class);
        assertThat(store.findById("dora").orElseThrow().creditBudget())
                .isEqualTo(new CreditBudget(5000, CreditBudget.Period.MONTH));

        // no secret in any admin answer, topic record or audit event
        List<String> secrets = teslaTokensSeen();
        secrets.add(homeAssistant);
        secrets.add(script);
        secrets.add(TestFleet.ALICE.gatewayToken());
        String answers = new String(admin.send("GET", "/admin/accounts", null).body(), StandardCharsets.UTF_8)
                + new String(admin.send("GET", "/admin/accounts/dora", null).body(), StandardCharsets.UTF_8);
        assertThat(answers).contains("dora", "alice");
        TopicRecords topics = new TopicRecords(harness.kafkaBootstrapServers());
        StringBuilder records = new StringBuilder();
        for (String topic : List.of("fleetgate.accounts.v1", "fleetgate.audit.v1", "fleetgate.token-refresh.v1")) {
            for (ConsumerRecord<String, String> record : topics.all(topic)) {
                records.append(record.key()).append(' ').append(record.value()).append('\n');
            }
        }
        assertThat(records).contains("dora");
        for (String secret : secrets) {
            assertThat(answers).as("admin answers").doesNotContain(secret);
            assertThat(records.toString()).as("topic records").doesNotContain(secret);
        }
    }

    @Test
    void signingInAgainTakesOnlyTheSameTeslaUsersToken() {
        admin.addAccount("pat", harness.simulator().addUserWithRefreshToken("pat", "na"));
        Account before = harness.gateway().context().getRegistry().lookupByNameAndType("accountStore", AccountStore.class)
                .findById("pat").orElseThrow();
        String someoneElse = harness.simulator().addUserWithRefreshToken("quinn", "na");
        HttpResponse<byte[]> mixUp = admin.send("POST", "/admin/accounts", "{\"id\":\"pat\",\"refresh_token\":\"" + someoneElse + "\"}");
        assertThat(mixUp.statusCode()).isEqualTo(409);
        AccountStore store = harness.gateway().context().getRegistry().lookupByNameAndType("accountStore", AccountStore.class);
        assertThat(store.findById("pat").orElseThrow().teslaRefreshToken()).isEqualTo(before.teslaRefreshToken());

        String again = new io.fleetgate.testing.SimControl(harness.simulator()).post("/sim/oauth/users/pat/refresh-tokens", "{}")
                .path("refresh_token").asText();
        AdminApi.expect(200, admin.send("POST", "/admin/accounts", "{\"id\":\"pat\",\"refresh_token\":\"" + again + "\"}"));
        assertThat(store.findById("pat").orElseThrow().teslaRefreshToken()).isNotEqualTo(before.teslaRefreshToken());
    }

    @Test
    void ofAccountsAddedAtOnceUnderOneIdOneIsAddedAndTheOthersAreSignInsToIt() throws Exception {
        // eight Tesla users, each a refresh token for the same new id "sol", and one more of the first user's
        List<String> refreshTokens = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            refreshTokens.add(harness.simulator().addUserWithRefreshToken("sol-user-" + i, "na"));
        }
        refreshTokens.add(new SimControl(harness.simulator()).post("/sim/oauth/users/sol-user-0/refresh-tokens", "{}")
                .path("refresh_token").asText());
        List<Future<HttpResponse<byte[]>>> answers = new ArrayList<>();
        try (var callers = Executors.newVirtualThreadPerTaskExecutor()) {
            for (String refreshToken : refreshTokens) {
                answers.add(callers.submit(() -> admin.send("POST", "/admin/accounts",
                        "{\"id\":\"sol\",\"refresh_token\":\"" + refreshToken + "\"}")));
            }
        }
        List<Integer> added = new ArrayList<>();
        List<Integer> conflicts = new ArrayList<>();
        List<Integer> signedIn = new ArrayList<>();
        for (int i = 0; i < answers.size(); i++) {
            int status = answers.get(i).get().statusCode();
            assertThat(status).as("answer %d", i).isIn(200, 201, 409);
            (status == 201 ? added : status == 409 ? conflicts : signedIn).add(i);
        }
        assertThat(added).as("added").hasSize(1);
        // the stored account is the added one's Tesla user; the others' tokens were refused, the owner's other one a sign-in
        IntUnaryOperator userOf = i -> i == 8 ? 0 : i;
        int owner = userOf.applyAsInt(added.get(0));
        Account sol = harness.gateway().context().getRegistry().lookupByNameAndType("accountStore", AccountStore.class)
                .findById("sol").orElseThrow();
        assertThat(TeslaOAuthClient.claims(sol.teslaAccessToken().reveal()).path("sub").asText()).isEqualTo("sol-user-" + owner);
        for (int i = 0; i < answers.size(); i++) {
            if (i != added.get(0)) {
                assertThat(userOf.applyAsInt(i) == owner ? signedIn : conflicts).as("answer %d", i).contains(i);
            }
        }
    }

    @Test
    void badInputIsA400InTheEnvelope() {
        List<String[]> cases = List.of(
                new String[] {"POST", "/admin/accounts", "{\"id\":\"x\"}"},
                new String[] {"POST", "/admin/accounts", "not json"},
                new String[] {"POST", "/admin/accounts", "{\"id\":\"bad id!\",\"refresh_token\":\"NA_x\"}"},
                new String[] {"POST", "/admin/accounts", "{\"id\":\"zed\",\"refresh_token\":\"NA_unknown\"}"},
                new String[] {"POST", "/admin/accounts/alice/gateway-tokens", "{\"name\":\"\"}"},
                new String[] {"PUT", "/admin/accounts/alice/subscription", "{\"vins\":[\"not-a-vin\"]}"},
                new String[] {"PUT", "/admin/accounts/alice/subscription", "{\"vins\":[],\"active_until\":\"tomorrow\"}"},
                new String[] {"PUT", "/admin/accounts/alice/credit-budget", "{\"credits\":10,\"period\":\"week\"}"},
                new String[] {"PUT", "/admin/accounts/alice/credit-budget", "{\"credits\":-1,\"period\":\"day\"}"});
        for (String[] c : cases) {
            HttpResponse<byte[]> answer = admin.send(c[0], c[1], c[2]);
            assertThat(answer.statusCode()).as("%s %s %s", c[0], c[1], c[2]).isEqualTo(400);
            JsonNode body = AdminApi.json(answer);
            assertThat(body.path("error").asText()).isEqualTo("invalid_request");
            assertThat(body.path("error_description").asText()).isNotBlank().doesNotContain("Exception");
        }
        assertThat(admin.send("GET", "/admin/accounts/nobody", null).statusCode()).isEqualTo(404);
        // alice is unchanged by all of it
        JsonNode alice = AdminApi.expect(200, admin.send("GET", "/admin/accounts/alice", null));
        assertThat(alice.path("credit_budget").isNull()).isTrue();
        assertThat(alice.path("subscription").path("vins").toString()).contains(TestFleet.NA_VIN);
    }

    /** Every Tesla token the simulator issued or saw: refresh tokens, and bearer tokens in its request log. */
    private static List<String> teslaTokensSeen() {
        List<String> tokens = new ArrayList<>();
        harness.simulator().oauth().refreshGrants().stream().map(SimOAuth.RefreshGrant::token).forEach(tokens::add);
        harness.simulator().requests().forEach(r -> r.headers().forEach((name, value) -> {
            if (name.equalsIgnoreCase("Authorization")) {
                tokens.add(value.substring("Bearer ".length()));
            }
        }));
        assertThat(tokens).isNotEmpty();
        tokens.add(TestFleet.ALICE.teslaToken());
        return tokens;
    }
}
