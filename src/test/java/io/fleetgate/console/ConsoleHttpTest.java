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
import io.fleetgate.credits.UsageReports;
import io.fleetgate.testing.GatewayHarness;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
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
    void theConsoleIsServedFromTheJarWithAPolicyThatAllowsNothingFromElsewhereButMapTiles() throws Exception {
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
        // images from the map's tile server too (fleetgate.console.map-tiles-url), which the page learns here
        assertThat(page.headers().firstValue("Content-Security-Policy").orElseThrow())
                .contains("img-src 'self' data: https://tile.openstreetmap.org;");
        HttpResponse<byte[]> settings = harness.get("/console/settings.json", null);
        assertThat(settings.headers().firstValue("Content-Type").orElseThrow()).startsWith("application/json");
        assertThat(JSON.readTree(settings.body()).path("map_tiles_url").asText()).isEqualTo("https://tile.openstreetmap.org/{z}/{x}/{y}.png");
        assertThat(JSON.readTree(settings.body()).path("map_attribution").asText()).isEqualTo("\u00a9 OpenStreetMap contributors");
        // an idle tab forgets the admin token after 30 minutes by default (ConsoleBrowserTest: in the browser)
        assertThat(JSON.readTree(settings.body()).path("idle_sign_out_seconds").asLong()).isEqualTo(1800);

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
    void theVehicleEndpointsNeedTheAdminTokenAndKnowOnlyVehiclesOfAnAccount() throws Exception {
        String unknownVin = "5YJ3E1EA7KF999999";
        long flashed = harness.simulator().requests(NA_VIN).stream().filter(r -> executed(r, "flash_lights")).count();
        for (String[] call : new String[][] {{"GET", "/admin/vehicles/" + NA_VIN}, {"GET", "/admin/vehicles/" + NA_VIN + "/commands"},
                {"POST", "/admin/vehicles/" + NA_VIN + "/command/flash_lights"}}) {
            String what = call[0] + " " + call[1];
            assertEnvelope(send(call[0], call[1], null), 401, "missing_token", what);
            assertEnvelope(send(call[0], call[1], "not-the-admin-token"), 401, "invalid_token", what);
            assertEnvelope(send(call[0], call[1], ALICE.gatewayToken()), 401, "invalid_token", what + " with a gateway token");
            assertEnvelope(send(call[0], call[1].replace(NA_VIN, unknownVin), GatewayHarness.ADMIN_TOKEN), 404, "not_found", what);
            assertEnvelope(send(call[0], call[1].replace(NA_VIN, "not-a-vin"), GatewayHarness.ADMIN_TOKEN), 400, "invalid_request", what);
        }
        assertThat(harness.simulator().requests(NA_VIN).stream().filter(r -> executed(r, "flash_lights")).count())
                .as("no refused console command reached Tesla").isEqualTo(flashed);
        assertEnvelope(send("GET", "/admin/vehicles/" + NA_VIN + "/commands?limit=0", GatewayHarness.ADMIN_TOKEN), 400,
                "invalid_request", "limit=0");

        HttpResponse<byte[]> answer = send("GET", "/admin/vehicles/" + EU_VIN, GatewayHarness.ADMIN_TOKEN);
        assertThat(answer.statusCode()).isEqualTo(200);
        assertNoSecret(answer);
        JsonNode vehicle = JSON.readTree(answer.body()).path("response");
        assertThat(vehicle.path("vin").asText()).isEqualTo(EU_VIN);
        assertThat(vehicle.path("account_id").asText()).isEqualTo("bernd");
        assertThat(vehicle.path("region").asText()).isEqualTo("eu");
        assertThat(vehicle.path("location_scope").asBoolean()).isTrue();
    }

    @Test
    void aConsoleCommandGoesThePathOfTheAccountsOwnAndIsListedWithItsOutcomeAndCredits() throws Exception {
        HttpResponse<byte[]> answer = send("POST", "/admin/vehicles/" + EU_VIN + "/command/flash_lights", GatewayHarness.ADMIN_TOKEN, "{}");
        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(answer.body()).path("response").path("result").asBoolean()).isTrue();
        assertThat(answer.headers().firstValue("x-region")).contains("eu");
        assertThat(answer.headers().firstValue("x-fleetgate-attempts")).contains("1");
        assertNoSecret(answer);
        // at Tesla as the account's command: its region, its own Tesla token
        assertThat(harness.simulator().requests(EU_VIN)).anySatisfy(r -> {
            assertThat(executed(r, "flash_lights")).isTrue();
            assertThat(r.region()).isEqualTo("eu");
            assertThat(r.headers().get("Authorization")).isEqualTo("Bearer " + io.fleetgate.testing.TestFleet.BERND.teslaToken());
        });
        // an unknown command and a malformed body are refused as the account's own would be
        assertEnvelope(send("POST", "/admin/vehicles/" + EU_VIN + "/command/fly", GatewayHarness.ADMIN_TOKEN, "{}"), 400,
                "invalid_command", "unknown command");
        assertEnvelope(send("POST", "/admin/vehicles/" + EU_VIN + "/command/set_charge_limit", GatewayHarness.ADMIN_TOKEN, "{\"percent\":"),
                400, "invalid_request", "broken JSON");

        // the commands' audit events, read back from the audit topic, newest first: the refusal too, as a caller's
        Awaitility.await().atMost(Duration.ofSeconds(15)).until(() -> recentCommands(EU_VIN).size() >= 2);
        HttpResponse<byte[]> listed = send("GET", "/admin/vehicles/" + EU_VIN + "/commands", GatewayHarness.ADMIN_TOKEN);
        assertNoSecret(listed);
        List<JsonNode> commands = recentCommands(EU_VIN);
        assertThat(commands).extracting(c -> c.path("command").asText()).containsExactly("set_charge_limit", "flash_lights");
        assertThat(commands.get(0).path("status").asInt()).isEqualTo(400);
        assertThat(commands.get(0).path("credits").asInt()).isZero();
        JsonNode command = commands.get(1);
        assertThat(command.path("status").asInt()).isEqualTo(200);
        assertThat(command.path("attempts").asInt()).isEqualTo(1);
        assertThat(command.path("woke_vehicle").asBoolean()).isFalse();
        assertThat(command.path("credits").asInt()).isEqualTo(1);
        assertThat(command.path("token_name").asText()).isEqualTo("console");
        assertThat(recentCommands(CN_VIN)).as("another vehicle's list").isEmpty();
        // and charged to the account, as its usage shows
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> JSON.readTree(
                harness.get("/admin/accounts/bernd/usage", GatewayHarness.ADMIN_TOKEN).body()).path("response").path("by_token_name")
                .findValuesAsText("token_name").contains("console"));
    }

    @Test
    void aRefreshedVehiclePageReadsOnlyWhatTheAuditTopicGotSince() throws Exception {
        UsageReports reports = harness.gateway().context().getRegistry().lookupByNameAndType("usageReports", UsageReports.class);
        Instant started = Instant.now();
        // the account's other traffic, in the same audit partition as its commands
        for (int i = 0; i < 40; i++) {
            assertThat(harness.get("/api/1/vehicles/" + NA_VIN + "/vehicle_data", ALICE.gatewayToken()).statusCode()).isEqualTo(200);
        }
        assertThat(harness.post("/api/1/vehicles/" + NA_VIN + "/command/flash_lights", ALICE.gatewayToken(), "{}").statusCode())
                .isEqualTo(200);
        Awaitility.await().atMost(Duration.ofSeconds(15)).until(() -> newestSince(recentCommands(NA_VIN), started, "flash_lights"));
        List<JsonNode> listed = recentCommands(NA_VIN);

        // what reading the day again would cost, against what the page's refresh costs
        long before = reports.recordsRead();
        reports.readEvents(ALICE.id(), started.minus(Duration.ofDays(1)), Instant.now(), event -> { });
        long wholeDay = reports.recordsRead() - before;
        before = reports.recordsRead();
        List<JsonNode> refreshed = recentCommands(NA_VIN);
        long refresh = reports.recordsRead() - before;
        assertThat(wholeDay).isGreaterThanOrEqualTo(41);
        assertThat(refresh).as("only the records since the last refresh (the listings' own audit events)").isLessThan(10);
        assertThat(refreshed).isEqualTo(listed);

        // a page asked again long after its last read: not from where that read ended, from the window's start
        UsageReports.ReadUpTo upTo = reports.readEventsSince(ALICE.id(), null, started, Instant.now(), event -> { });
        before = reports.recordsRead();
        Instant windowAfterAll = Instant.now().plus(Duration.ofMinutes(10));
        reports.readEventsSince(ALICE.id(), new UsageReports.ReadUpTo(upTo.partitions(), 0), windowAfterAll,
                windowAfterAll.plusSeconds(1), event -> { });
        assertThat(reports.recordsRead() - before).as("nothing before the window").isZero();

        // a command after it: first, and the ones the page had stay behind it
        assertThat(harness.post("/api/1/vehicles/" + NA_VIN + "/command/honk_horn", ALICE.gatewayToken(), "{}").statusCode())
                .isEqualTo(200);
        Awaitility.await().atMost(Duration.ofSeconds(15)).until(() -> newestSince(recentCommands(NA_VIN), started, "honk_horn"));
        List<JsonNode> after = recentCommands(NA_VIN);
        assertThat(after.subList(1, after.size())).isEqualTo(listed.subList(0, Math.min(listed.size(), after.size() - 1)));
    }

    private static boolean newestSince(List<JsonNode> commands, Instant since, String command) {
        return !commands.isEmpty() && commands.get(0).path("command").asText().equals(command)
                && !Instant.parse(commands.get(0).path("time").asText()).isBefore(since);
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

    /** The simulated vehicle ran the command: sent as REST and answered 200, or signed and executed. */
    static boolean executed(io.fleetgate.sim.RecordedRequest request, String command) {
        return request.status() == 200 && (request.path().endsWith("/command/" + command) || command.equals(request.command()));
    }

    private static List<JsonNode> recentCommands(String vin) throws Exception {
        List<JsonNode> commands = new ArrayList<>();
        JSON.readTree(send("GET", "/admin/vehicles/" + vin + "/commands", GatewayHarness.ADMIN_TOKEN).body()).path("response")
                .forEach(commands::add);
        return commands;
    }

    private static HttpResponse<byte[]> send(String method, String path, String bearer) {
        return send(method, path, bearer, method.equals("POST") ? "{}" : null);
    }

    private static HttpResponse<byte[]> send(String method, String path, String bearer, String json) {
        return new io.fleetgate.testing.AdminApi(harness).send(method, path, bearer, json);
    }

    private static void assertEnvelope(HttpResponse<byte[]> answer, int status, String error, String what) throws Exception {
        assertThat(answer.statusCode()).as(what).isEqualTo(status);
        JsonNode body = JSON.readTree(answer.body());
        assertThat(body.has("response") && body.get("response").isNull()).as(what).isTrue();
        assertThat(body.path("error").asText()).as(what).isEqualTo(error);
        assertThat(body.path("error_description").asText()).as(what).isNotBlank();
        assertNoSecret(answer);
    }

    private static void assertNoSecret(HttpResponse<byte[]> answer) {
        assertThat(new String(answer.body(), StandardCharsets.UTF_8))
                .doesNotContain("tesla-token-", "gw-alice", "gw-bernd", "gw-chen", GatewayHarness.ADMIN_TOKEN);
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
