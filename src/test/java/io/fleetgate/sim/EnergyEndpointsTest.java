package io.fleetgate.sim;

import io.fleetgate.testing.MutableClock;
import static io.fleetgate.sim.SimulatedFleet.DEMO_ACCESS_TOKEN;
import static io.fleetgate.sim.SimulatedFleet.DEMO_ENERGY_SITE_ID;
import static io.fleetgate.sim.SimulatedFleet.DEMO_EU_ACCESS_TOKEN;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Energy site reads and commands. */
class EnergyEndpointsTest {

    private static final String SITE = "/api/1/energy_sites/" + DEMO_ENERGY_SITE_ID;
    private static final MutableClock CLOCK = new MutableClock(Instant.parse("2026-06-21T19:30:00Z"));

    @RegisterExtension
    static final SimulatorPerClass SIM = SimulatorPerClass.demo(CLOCK);
    private final SimHttp http = new SimHttp();

    @Test
    void describesTheSite() {
        JsonNode info = http.json(get(SITE + "/site_info")).get("response");

        assertThat(info.get("site_name").asText()).isEqualTo("Demo Home");
        assertThat(info.get("backup_reserve_percent").asInt()).isEqualTo(20);
        assertThat(info.get("default_real_mode").asText()).isEqualTo("self_consumption");
        assertThat(info.at("/user_settings/storm_mode_enabled").asBoolean()).isFalse();
        assertThat(info.at("/components/batteries/0/nameplate_energy").asInt()).isPositive();
        assertThat(info.get("installation_time_zone").asText()).isEqualTo("America/Los_Angeles");
    }

    @Test
    void reportsLivePowerFlows() {
        JsonNode live = http.json(get(SITE + "/live_status")).get("response");

        // 12:30 in Los Angeles: the sun is up
        assertThat(live.get("solar_power").asLong()).isPositive();
        assertThat(live.get("grid_status").asText()).isEqualTo("Active");
        assertThat(live.get("island_status").asText()).isEqualTo("on_grid");
        assertThat(live.get("percentage_charged").asDouble()).isBetween(0.0, 100.0);
        assertThat(live.get("timestamp").asText()).isEqualTo("2026-06-21T12:30:00-07:00");
        assertThat(live.has("load_power")).isTrue();
    }

    @Test
    void returnsEnergyHistoryForThePeriod() {
        JsonNode day = http.json(get(SITE + "/calendar_history?kind=energy&period=day&time_zone=UTC"))
                .get("response");
        JsonNode week = http.json(get(SITE + "/calendar_history?kind=energy&period=week")).get("response");

        assertThat(day.get("time_series")).hasSize(24);
        assertThat(day.at("/time_series/0/timestamp").asText()).isEqualTo("2026-06-21T00:00:00Z");
        assertThat(day.at("/time_series/0/solar_energy_exported").isNumber()).isTrue();
        assertThat(week.get("time_series")).hasSize(7);
    }

    @Test
    void returnsBackupHistory() {
        JsonNode backup = http.json(get(SITE + "/calendar_history?kind=backup")).get("response");

        assertThat(backup.get("total_events").asInt()).isEqualTo(backup.get("events").size());
        assertThat(backup.at("/events/0/duration").asLong()).isPositive();
    }

    @Test
    void answers400ForCalendarHistoryWithoutKind() {
        HttpResponse<String> response = get(SITE + "/calendar_history?period=day");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(http.json(response).get("error").asText()).isEqualTo("invalid_field");
    }

    @Test
    void appliesEnergyCommandsAndAnswersUpdated() {
        HttpResponse<String> backup = post(SITE + "/backup", "{\"backup_reserve_percent\":55}");
        HttpResponse<String> operation = post(SITE + "/operation", "{\"default_real_mode\":\"autonomous\"}");
        HttpResponse<String> storm = post(SITE + "/storm_mode", "{\"enabled\":true}");

        for (HttpResponse<String> response : java.util.List.of(backup, operation, storm)) {
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body()).isEqualTo("{\"response\":{\"code\":201,\"message\":\"Updated\"}}");
        }
        JsonNode info = http.json(get(SITE + "/site_info")).get("response");
        assertThat(info.get("backup_reserve_percent").asInt()).isEqualTo(55);
        assertThat(info.get("default_real_mode").asText()).isEqualTo("autonomous");
        assertThat(info.at("/user_settings/storm_mode_enabled").asBoolean()).isTrue();
    }

    @Test
    void acceptsTheOtherEnergyCommands() {
        assertThat(post(SITE + "/grid_import_export", "{\"customer_preferred_export_rule\":\"battery_ok\"}")
                .statusCode()).isEqualTo(200);
        assertThat(post(SITE + "/off_grid_vehicle_charging_reserve",
                "{\"off_grid_vehicle_charging_reserve_percent\":30}").statusCode()).isEqualTo(200);
        assertThat(post(SITE + "/time_of_use_settings", "{\"tou_settings\":{\"tariff_content_v2\":{}}}")
                .statusCode()).isEqualTo(200);
    }

    @Test
    void answers400ForEnergyCommandWithBadBody() {
        HttpResponse<String> response = post(SITE + "/backup", "{\"backup_reserve_percent\":140}");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(http.json(response).get("error").asText()).isEqualTo("invalid_field");
    }

    @Test
    void answers404ForSiteOfAnotherUserAndUnknownCommand() {
        HttpResponse<String> foreign = http.get(SIM.simulator().baseUrl("eu") + SITE + "/site_info",
                DEMO_EU_ACCESS_TOKEN);
        HttpResponse<String> unknown = post(SITE + "/self_destruct", "{}");

        assertThat(foreign.statusCode()).isEqualTo(404);
        assertThat(unknown.statusCode()).isEqualTo(404);
    }

    private HttpResponse<String> get(String path) {
        return http.get(SIM.simulator().baseUrl("na") + path, DEMO_ACCESS_TOKEN);
    }

    private HttpResponse<String> post(String path, String body) {
        return http.post(SIM.simulator().baseUrl("na") + path, DEMO_ACCESS_TOKEN, body);
    }
}
