package io.fleetgate.console;

import static io.fleetgate.testing.TestFleet.ALICE;
import static io.fleetgate.testing.TestFleet.CN_VIN;
import static io.fleetgate.testing.TestFleet.EU_VIN;
import static io.fleetgate.testing.TestFleet.NA_SITE;
import static io.fleetgate.testing.TestFleet.NA_VIN;
import static io.fleetgate.testing.TestFleet.NA_VIN_ASLEEP;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fleetgate.testing.GatewayHarness;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The console's files and the admin fleet view it reads, over real HTTP. */
class ConsoleHttpTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static GatewayHarness harness;

    @BeforeAll
    static void start() {
        harness = GatewayHarness.standard();
    }

    @AfterAll
    static void stop() {
        harness.close();
    }

    @Test
    void theConsoleIsServedFromTheJarWithAPolicyThatAllowsNothingFromElsewhere() {
        HttpResponse<byte[]> bare = harness.get("/console", null);
        assertThat(bare.statusCode()).isEqualTo(308);
        assertThat(bare.headers().firstValue("Location")).contains("/console/");

        HttpResponse<byte[]> page = harness.get("/console/", null);
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/html");
        assertThat(new String(page.body(), StandardCharsets.UTF_8)).contains("/console/app.js", "/console/style.css");
        assertThat(page.headers().firstValue("Content-Security-Policy").orElseThrow())
                .contains("default-src 'none'", "script-src 'self'", "connect-src 'self'", "frame-ancestors 'none'");
        assertThat(page.headers().firstValue("X-Content-Type-Options")).contains("nosniff");

        HttpResponse<byte[]> script = harness.get("/console/app.js", null);
        assertThat(script.statusCode()).isEqualTo(200);
        assertThat(script.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/javascript");
        assertThat(script.body().length).as("the bundle holds the app and Preact").isGreaterThan(5_000);
        assertThat(harness.get("/console/style.css", null).headers().firstValue("Content-Type").orElseThrow()).startsWith("text/css");
    }

    @Test
    void whatTheConsoleDoesNotHaveIs404InTheEnvelope() throws Exception {
        for (String path : List.of("/console/missing.js", "/console/app.exe", "/console/%2e%2e/pom.xml", "/console/sub/app.js")) {
            HttpResponse<byte[]> answer = harness.get(path, null);
            assertThat(answer.statusCode()).as(path).isEqualTo(404);
            assertThat(JSON.readTree(answer.body()).path("error").asText()).as(path).isEqualTo("not_found");
        }
        assertThat(harness.send("POST", "/console/", Map.of(), new byte[0]).statusCode()).isEqualTo(405);
    }

    @Test
    void theFleetViewNeedsTheAdminTokenAndListsEveryAccountsVehiclesAndSitesWithoutASecret() throws Exception {
        assertThat(harness.get("/admin/fleet", null).statusCode()).isEqualTo(401);
        assertThat(harness.get("/admin/fleet", ALICE.gatewayToken()).statusCode()).as("a gateway token is no admin token").isEqualTo(401);

        HttpResponse<byte[]> answer = harness.get("/admin/fleet", GatewayHarness.ADMIN_TOKEN);
        assertThat(answer.statusCode()).isEqualTo(200);
        String text = new String(answer.body(), StandardCharsets.UTF_8);
        assertThat(text).doesNotContain("tesla-token-", "gw-alice", "gw-bernd", "gw-chen");
        JsonNode fleet = JSON.readTree(answer.body()).path("response");
        assertThat(fleet.path("vehicles").findValuesAsText("vin")).containsExactly(NA_VIN, NA_VIN_ASLEEP, EU_VIN, CN_VIN);
        assertThat(fleet.path("vehicles").findValuesAsText("account_id")).containsExactly("alice", "alice", "bernd", "chen");
        assertThat(fleet.path("energy_sites").get(0).path("energy_site_id").asLong()).isEqualTo(NA_SITE);
        JsonNode untouched = vehicle(CN_VIN);
        assertThat(untouched.path("state").asText()).as("nothing learned of it").isEqualTo("unknown");
        assertThat(untouched.path("state_as_of").isNull()).isTrue();
        assertThat(untouched.path("queued_commands").asInt()).isZero();
    }

    @Test
    void theAdminSeesAnAccountsUsageReportAsItsOwnCallersDo() throws Exception {
        assertThat(harness.get("/admin/accounts/alice/usage", null).statusCode()).isEqualTo(401);
        assertThat(harness.get("/admin/accounts/alice/usage", ALICE.gatewayToken()).statusCode()).isEqualTo(401);
        HttpResponse<byte[]> unknown = harness.get("/admin/accounts/nobody/usage", GatewayHarness.ADMIN_TOKEN);
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(JSON.readTree(unknown.body()).path("error").asText()).isEqualTo("not_found");
        assertThat(harness.get("/admin/accounts/alice/usage?from=tomorrow", GatewayHarness.ADMIN_TOKEN).statusCode()).isEqualTo(400);

        assertThat(harness.get("/api/1/vehicles", ALICE.gatewayToken()).statusCode()).isEqualTo(200);
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> JSON.readTree(
                harness.get("/admin/accounts/alice/usage", GatewayHarness.ADMIN_TOKEN).body()).path("response").path("by_endpoint")
                .findValuesAsText("endpoint").contains("GET /api/1/vehicles"));
        JsonNode admin = JSON.readTree(harness.get("/admin/accounts/alice/usage", GatewayHarness.ADMIN_TOKEN).body()).path("response");
        JsonNode own = JSON.readTree(harness.get("/api/usage", ALICE.gatewayToken()).body()).path("response");
        assertThat(admin.path("account_id").asText()).isEqualTo("alice");
        assertThat(admin.path("by_endpoint")).as("the same report").isEqualTo(own.path("by_endpoint"));
        assertThat(admin.path("by_day").get(0).path("day").asText()).isEqualTo(java.time.LocalDate.now(java.time.ZoneOffset.UTC).toString());
    }

    @Test
    void theHealthViewHoldsTheChecksAndFleetgatesMetersAndNeedsTheAdminToken() throws Exception {
        assertThat(harness.get("/admin/health", null).statusCode()).isEqualTo(401);
        assertThat(harness.get("/api/1/vehicles", ALICE.gatewayToken()).statusCode()).isEqualTo(200);
        JsonNode health = JSON.readTree(harness.get("/admin/health", GatewayHarness.ADMIN_TOKEN).body()).path("response");
        assertThat(health.path("checks").findValuesAsText("id")).contains("accounts", "kafka");
        assertThat(health.path("checks").findValuesAsText("state")).containsOnly("UP");
        JsonNode meters = health.path("meters");
        assertThat(meters.findValuesAsText("name")).allMatch(name -> name.startsWith("fleetgate."))
                .contains("fleetgate.requests", "fleetgate.upstream.breaker.state", "fleetgate.audit.events.dropped");
        double requests = 0;
        for (JsonNode meter : meters) {
            if (meter.path("name").asText().equals("fleetgate.requests")) {
                requests += meter.path("value").asDouble();
            }
            if (meter.path("name").asText().equals("fleetgate.upstream.latency")) {
                assertThat(meter.path("type").asText()).isEqualTo("timer");
                assertThat(meter.has("total_ms")).isTrue();
            }
        }
        assertThat(requests).as("the vehicle list counted").isGreaterThanOrEqualTo(1);
    }

    @Test
    void aFleetStatusTeachesSigningAndFirmwareAndQueuedCommandsShowWhileTheVehicleWakes() throws Exception {
        assertThat(harness.post("/api/1/vehicles/fleet_status", ALICE.gatewayToken(), "{\"vins\":[\"" + NA_VIN + "\"]}").statusCode())
                .isEqualTo(200);
        JsonNode learned = vehicle(NA_VIN);
        assertThat(learned.path("signing").isBoolean()).as("fleet_status says whether it needs the protocol").isTrue();
        assertThat(learned.path("firmware").asText()).isNotBlank();

        // two commands behind a wake-up of 1 s (the harness polls every 200 ms): both in the vehicle's lane meanwhile, none after
        harness.simulator().fleet().setWakeDelay(NA_VIN_ASLEEP, 1);
        List<CompletableFuture<HttpResponse<Void>>> commands = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            commands.add(harness.httpClient().sendAsync(HttpRequest.newBuilder(
                            URI.create(harness.url("/api/1/vehicles/" + NA_VIN_ASLEEP + "/command/flash_lights")))
                    .header("Authorization", "Bearer " + ALICE.gatewayToken()).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.discarding()));
        }
        Awaitility.await().atMost(Duration.ofSeconds(3)).pollInterval(Duration.ofMillis(50))
                .until(() -> vehicle(NA_VIN_ASLEEP).path("queued_commands").asInt() == 2);
        CompletableFuture.allOf(commands.toArray(CompletableFuture[]::new)).get(30, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(commands).allSatisfy(c -> assertThat(c.get().statusCode()).isEqualTo(200));
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> vehicle(NA_VIN_ASLEEP).path("queued_commands").asInt() == 0);
        JsonNode woken = vehicle(NA_VIN_ASLEEP);
        assertThat(woken.path("state").asText()).isEqualTo("online");
        assertThat(woken.path("state_as_of").asText()).isNotBlank();
    }

    @Test
    void theFleetViewSaysSinceWhenAVehicleHasBeenInItsState() throws Exception {
        assertThat(harness.post("/api/1/vehicles/" + NA_VIN + "/command/flash_lights", ALICE.gatewayToken(), "{}").statusCode())
                .isEqualTo(200);
        // once its state event is back from Kafka, the vehicle's state changes are that event's
        io.fleetgate.telemetry.LastValues lastValues = harness.gateway().context().getRegistry()
                .lookupByNameAndType("lastValues", io.fleetgate.telemetry.LastValues.class);
        Awaitility.await().atMost(Duration.ofSeconds(10))
                .until(() -> lastValues.get(NA_VIN, "state").map(v -> v.value().asText().equals("online")).orElse(false));
        JsonNode first = vehicle(NA_VIN);
        assertThat(first.path("state").asText()).isEqualTo("online");
        assertThat(first.path("state_since").asText()).isEqualTo(lastValues.get(NA_VIN, "state").orElseThrow().createdAt().toString());
        String since = first.path("state_since").asText();
        assertThat(since).isNotBlank();
        assertThat(harness.post("/api/1/vehicles/" + NA_VIN + "/command/honk_horn", ALICE.gatewayToken(), "{}").statusCode())
                .isEqualTo(200);
        JsonNode again = vehicle(NA_VIN);
        assertThat(again.path("state_as_of").asText()).as("learned again").isNotEqualTo(first.path("state_as_of").asText());
        assertThat(again.path("state_since").asText()).as("still online since the same moment").isEqualTo(since);
    }

    private static JsonNode vehicle(String vin) throws Exception {
        JsonNode vehicles = JSON.readTree(harness.get("/admin/fleet", GatewayHarness.ADMIN_TOKEN).body()).path("response").path("vehicles");
        for (JsonNode vehicle : vehicles) {
            if (vin.equals(vehicle.path("vin").asText())) {
                return vehicle;
            }
        }
        throw new AssertionError("no vehicle " + vin + " in " + vehicles);
    }
}
