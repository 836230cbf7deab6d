package io.fleetgate.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetgate.account.AccountStore;
import io.fleetgate.account.YamlAccountStore;
import io.fleetgate.sim.SimUser;
import io.fleetgate.sim.SimVehicle;
import io.fleetgate.sim.SimulatedFleet;
import io.fleetgate.sim.SimulatorConfig;
import io.fleetgate.testing.GatewayHarness;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Demo mode: the simulator's demo fleet behind Fleetgate, reachable with {@code demo-token}. */
class DemoModeTest {

    @Test
    void demoAccountsCoverTheSimulatorsDemoFleet() {
        SimulatedFleet fleet = SimulatedFleet.demo();
        YamlAccountStore accounts = YamlAccountStore.load(DemoMode.DEMO_ACCOUNTS);
        for (SimUser user : fleet.users()) {
            var account = accounts.findById(user.id()).orElseThrow();
            assertThat(account.teslaAccessToken().reveal()).isEqualTo(user.accessToken());
            Set<String> vins = fleet.vehiclesOf(user.id()).stream().map(SimVehicle::vin).collect(Collectors.toSet());
            assertThat(account.subscription().vins()).isEqualTo(vins);
        }
        assertThat(accounts.findById("demo").orElseThrow().subscription().energySites())
                .containsExactly(SimulatedFleet.DEMO_ENERGY_SITE_ID);
    }

    @Test
    void demoServesTheVehicleListWithTheDemoToken() throws Exception {
        int port = GatewayHarness.freePort();
        String keyFile = java.nio.file.Files.createTempDirectory("fleetgate-demo-key").resolve("fleet-key.pem").toString();
        try (DemoMode demo = DemoMode.start(SimulatorConfig.ephemeral(SimulatedFleet.demo()), port, keyFile)) {
            Map<String, String> settings = new HashMap<>(demo.settings());
            settings.put("camel.server.host", "127.0.0.1");
            settings.put("camel.management.host", "127.0.0.1");
            settings.put("camel.management.port", String.valueOf(GatewayHarness.freePort()));
            settings.put("fleetgate.kafka.embedded.data-dir",
                    java.nio.file.Files.createTempDirectory("fleetgate-demo-test").resolve("kafka").toString());
            settings.put("fleetgate.kafka.embedded.port", String.valueOf(GatewayHarness.freePort()));
            settings.put("fleetgate.kafka.embedded.controller-port", String.valueOf(GatewayHarness.freePort()));
            try (Fleetgate gateway = new Fleetgate(settings).start()) {
                HttpClient http = HttpClient.newHttpClient();
                HttpResponse<String> vehicles = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/1/vehicles"))
                        .header("Authorization", "Bearer demo-token").build(), HttpResponse.BodyHandlers.ofString());
                assertThat(vehicles.statusCode()).isEqualTo(200);
                assertThat(vehicles.body()).contains(SimulatedFleet.DEMO_VIN_ONLINE, SimulatedFleet.DEMO_VIN_ASLEEP);
                assertThat(vehicles.headers().firstValue("x-region")).contains("na");

                // the EU demo account is recorded as NA: its first request is re-routed and re-learned
                HttpResponse<String> eu = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/1/vehicles"))
                        .header("Authorization", "Bearer demo-token-eu").build(), HttpResponse.BodyHandlers.ofString());
                assertThat(eu.statusCode()).isEqualTo(200);
                assertThat(eu.headers().firstValue("x-region")).contains("eu");
                AccountStore store = gateway.context().getRegistry().lookupByNameAndType("accountStore", AccountStore.class);
                assertThat(store.findById("demo-eu").orElseThrow().region().code()).isEqualTo("eu");

                // the admin API opens with the demo's admin token and shows the imported accounts, no secret
                HttpResponse<String> accounts = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/admin/accounts"))
                        .header("Authorization", "Bearer " + DemoMode.DEMO_ADMIN_TOKEN).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(accounts.statusCode()).isEqualTo(200);
                assertThat(accounts.body()).contains("\"demo\"", "\"demo-eu\"").doesNotContain(SimulatedFleet.DEMO_ACCESS_TOKEN);

                // the demo fleet key is the one served, and every simulated vehicle knows it
                String key = new com.fasterxml.jackson.databind.ObjectMapper().readTree(http.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port + "/api/key")).build(), HttpResponse.BodyHandlers.ofString()).body())
                        .get("response").get("public_key").asText();
                assertThat(demo.simulator().fleet().vehicles()).allSatisfy(v -> assertThat(v.isPaired(java.util.HexFormat.of().parseHex(key))).isTrue());
            }
        }
    }
}
