package io.fleetgate.gateway;

import static io.fleetgate.testing.TestFleet.BERND;
import static io.fleetgate.testing.TestFleet.EU_VIN;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fleetgate.sim.SimEnergySite;
import io.fleetgate.sim.SimulatedFleet;
import io.fleetgate.testing.GatewayHarness;
import io.fleetgate.testing.TestAccount;
import io.fleetgate.testing.TestFleet;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * CONTRACT sections 1-3: {@code x-region} names the account's region on every answer, also on the
 * ones Fleetgate makes itself: a command's answer from its lane, its own 429 for an energy site,
 * and 402 insufficient_credits. All for an account in Europe, so a default of "na" cannot pass.
 */
class RegionHeaderOnOwnAnswersTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long EU_SITE = 2234567890125L;
    private static final TestAccount BERND_WITH_SITE = new TestAccount("bernd-site", "eu", BERND.teslaToken(), "gw-bernd-site",
            TestAccount.ALL_SCOPES, List.of(EU_VIN), List.of(EU_SITE), null);
    private static final TestAccount BERND_BROKE = new TestAccount("bernd-broke", "eu", BERND.teslaToken(), "gw-bernd-broke",
            TestAccount.ALL_SCOPES, List.of(EU_VIN), List.of(), null);
    private static GatewayHarness harness;

    @BeforeAll
    static void start() {
        SimulatedFleet fleet = TestFleet.fleet();
        fleet.addEnergySite(SimEnergySite.of(EU_SITE, "bernd", "Bernd's Powerwall"));
        harness = GatewayHarness.builder().fleet(fleet)
                .accountYaml(BERND_WITH_SITE.yaml())
                // one credit a month: the first read spends it, the next is refused
                .accountYaml(BERND_BROKE.yaml() + "    credit-budget: {credits: 1, period: month}\n")
                .setting("fleetgate.limits.site.per-window", "2")
                .start();
    }

    @AfterAll
    static void stop() {
        harness.close();
    }

    @Test
    void aVehicleCommandsAnswerNamesTheAccountsRegion() throws IOException {
        HttpResponse<byte[]> answer = harness.post("/api/1/vehicles/" + EU_VIN + "/command/flash_lights", BERND_WITH_SITE.gatewayToken(), "{}");
        assertThat(answer.statusCode()).as(new String(answer.body())).isEqualTo(200);
        assertThat(JSON.readTree(answer.body()).at("/response/result").asBoolean()).isTrue();
        assertThat(answer.headers().firstValue("x-region")).contains("eu");
        assertThat(harness.simulator().requests(EU_VIN)).extracting(r -> r.region()).containsOnly("eu");
    }

    @Test
    void fleetgatesOwn429ForAnEnergySiteNamesTheAccountsRegion() throws IOException {
        String path = "/api/1/energy_sites/" + EU_SITE + "/site_info";
        for (int i = 1; i <= 2; i++) {
            assertThat(harness.get(path, BERND_WITH_SITE.gatewayToken()).statusCode()).as("read %d", i).isEqualTo(200);
        }
        HttpResponse<byte[]> refused = harness.get(path, BERND_WITH_SITE.gatewayToken());
        assertThat(refused.statusCode()).isEqualTo(429);
        assertThat(JSON.readTree(refused.body()).get("error").asText()).isEqualTo("rate_limited");
        assertThat(refused.headers().firstValue("x-region")).contains("eu");
    }

    @Test
    void insufficientCreditsNamesTheAccountsRegion() throws IOException {
        String read = "/api/1/vehicles/" + EU_VIN + "/vehicle_data";
        assertThat(harness.get(read, BERND_BROKE.gatewayToken()).statusCode()).isEqualTo(200);
        HttpResponse<byte[]> refused = harness.get(read, BERND_BROKE.gatewayToken());
        assertThat(refused.statusCode()).isEqualTo(402);
        assertThat(JSON.readTree(refused.body()).get("error").asText()).isEqualTo("insufficient_credits");
        assertThat(refused.headers().firstValue("x-region")).contains("eu");
    }
}
