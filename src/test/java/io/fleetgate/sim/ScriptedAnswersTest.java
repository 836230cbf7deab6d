package io.fleetgate.sim;

import static io.fleetgate.sim.SimulatedFleet.DEMO_ACCESS_TOKEN;
import static io.fleetgate.sim.SimulatedFleet.DEMO_ENERGY_SITE_ID;
import static io.fleetgate.sim.SimulatedFleet.DEMO_EU_ACCESS_TOKEN;
import static io.fleetgate.sim.SimulatedFleet.DEMO_VIN_ASLEEP;
import static io.fleetgate.sim.SimulatedFleet.DEMO_VIN_ONLINE;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Answers queued through {@code POST /sim/script}. */
class ScriptedAnswersTest {

    private static final String FLASH = "/api/1/vehicles/" + DEMO_VIN_ONLINE + "/command/flash_lights";
    private static final String HONK = "/api/1/vehicles/" + DEMO_VIN_ONLINE + "/command/honk_horn";

    @RegisterExtension
    static final SimulatorPerClass SIM = SimulatorPerClass.demo();
    private final SimHttp http = new SimHttp();

    @Test
    void usesQueuedAnswersOnceInOrderThenAnswersNormally() {
        script("{\"vin\":\"" + DEMO_VIN_ONLINE + "\",\"path\":\"/command/flash_lights\",\"responses\":["
                + "{\"status\":424},{\"status\":429,\"headers\":{\"Retry-After\":\"2\"}},{\"status\":503}]}");

        assertThat(post(FLASH).statusCode()).isEqualTo(424);
        assertThat(post(FLASH).statusCode()).isEqualTo(429);
        assertThat(post(FLASH).statusCode()).isEqualTo(503);
        assertThat(post(FLASH).statusCode()).isEqualTo(200);
        assertThat(SIM.simulator().requests(DEMO_VIN_ONLINE)).extracting(RecordedRequest::status)
                .containsExactly(424, 429, 503, 200);
    }

    @Test
    void appliesAScriptOnlyToPathsEndingWithItsPath() {
        script("{\"vin\":\"" + DEMO_VIN_ONLINE + "\",\"path\":\"/command/flash_lights\","
                + "\"responses\":[{\"status\":500}]}");

        assertThat(post(HONK).statusCode()).isEqualTo(200);
        assertThat(get("/api/1/vehicles/" + DEMO_VIN_ONLINE).statusCode()).isEqualTo(200);
        assertThat(post(FLASH).statusCode()).isEqualTo(500);
    }

    @Test
    void appliesAScriptWithoutPathToAnyRequestNamingTheVin() {
        script("{\"vin\":\"" + DEMO_VIN_ONLINE + "\",\"responses\":[{\"status\":502},{\"status\":504}]}");

        assertThat(get("/api/1/vehicles").statusCode()).isEqualTo(200);
        assertThat(get("/api/1/vehicles/" + DEMO_VIN_ONLINE + "/vehicle_data").statusCode()).isEqualTo(502);
        assertThat(post(HONK).statusCode()).isEqualTo(504);
    }

    @Test
    void prefersTheScriptWithAPathOverTheGeneralOne() {
        script("{\"vin\":\"" + DEMO_VIN_ONLINE + "\",\"responses\":[{\"status\":502}]}");
        script("{\"vin\":\"" + DEMO_VIN_ONLINE + "\",\"path\":\"flash_lights\",\"responses\":[{\"status\":424}]}");

        assertThat(post(FLASH).statusCode()).isEqualTo(424);
        assertThat(post(FLASH).statusCode()).isEqualTo(502);
    }

    @Test
    void givesTheFleetApiBodyForAScriptedStatus() {
        script("{\"vin\":\"" + DEMO_VIN_ONLINE + "\",\"responses\":[{\"status\":408},{\"status\":429},"
                + "{\"status\":424},{\"status\":403}]}");

        HttpResponse<String> unavailable = post(FLASH);
        HttpResponse<String> limited = post(FLASH);
        HttpResponse<String> failed = post(FLASH);
        HttpResponse<String> forbidden = post(FLASH);

        assertThat(http.json(unavailable).get("error").asText())
                .isEqualTo("vehicle unavailable: vehicle is offline or asleep");
        assertThat(limited.body()).isEqualTo("Retry in 30 seconds");
        assertThat(limited.headers().firstValue("Retry-After")).contains("30");
        assertThat(limited.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("text/plain"));
        JsonNode failure = http.json(failed);
        assertThat(failure.get("response").isNull()).isTrue();
        assertThat(failure.get("error").asText()).isNotEmpty();
        assertThat(failure.get("txid").asText()).matches("[0-9a-f]{32}");
        assertThat(http.json(forbidden).get("error").asText()).startsWith("Tesla Vehicle Command Protocol required");
    }

    @Test
    void takesTheRetryAfterSecondsIntoThe429Text() {
        script("{\"vin\":\"" + DEMO_VIN_ONLINE + "\",\"responses\":[{\"status\":429,\"headers\":{\"Retry-After\":7}}]}");

        HttpResponse<String> limited = post(FLASH);

        assertThat(limited.body()).isEqualTo("Retry in 7 seconds");
        assertThat(limited.headers().firstValue("Retry-After")).contains("7");
    }

    @Test
    void answersScripted200LikeTheRealEndpointEvenWhenAsleep() {
        String command = "/api/1/vehicles/" + DEMO_VIN_ASLEEP + "/command/flash_lights";
        script("{\"vin\":\"" + DEMO_VIN_ASLEEP + "\",\"responses\":[{\"status\":200,"
                + "\"headers\":{\"X-Sim\":\"scripted\"}}]}");

        HttpResponse<String> scripted = post(command);

        assertThat(scripted.statusCode()).isEqualTo(200);
        assertThat(scripted.body()).isEqualTo("{\"response\":{\"result\":true,\"reason\":\"\"}}");
        assertThat(scripted.headers().firstValue("X-Sim")).contains("scripted");
        assertThat(post(command).statusCode()).isEqualTo(408);
    }

    @Test
    void sendsAScriptedBodyAsJsonOrText() {
        script("{\"vin\":\"" + DEMO_VIN_ONLINE + "\",\"responses\":["
                + "{\"status\":200,\"body\":{\"response\":{\"result\":false,\"reason\":\"user_present\"}}},"
                + "{\"status\":500,\"body\":\"upstream exploded\"}]}");

        HttpResponse<String> refused = post(FLASH);
        HttpResponse<String> broken = post(FLASH);

        assertThat(refused.body()).isEqualTo("{\"response\":{\"result\":false,\"reason\":\"user_present\"}}");
        assertThat(refused.headers().firstValue("Content-Type")).contains("application/json");
        assertThat(broken.statusCode()).isEqualTo(500);
        assertThat(broken.body()).isEqualTo("upstream exploded");
    }

    @Test
    void waitsTheScriptedLatencyBeforeAnswering() {
        script("{\"vin\":\"" + DEMO_VIN_ONLINE + "\",\"responses\":[{\"status\":200,\"latency_ms\":300},"
                + "{\"status\":503,\"latency_ms\":300}]}");

        long started = System.nanoTime();
        HttpResponse<String> slowOk = post(FLASH);
        Duration first = Duration.ofNanos(System.nanoTime() - started);
        started = System.nanoTime();
        HttpResponse<String> slowError = post(FLASH);
        Duration second = Duration.ofNanos(System.nanoTime() - started);

        assertThat(slowOk.statusCode()).isEqualTo(200);
        assertThat(slowError.statusCode()).isEqualTo(503);
        assertThat(first).isGreaterThanOrEqualTo(Duration.ofMillis(290));
        assertThat(second).isGreaterThanOrEqualTo(Duration.ofMillis(290));
    }

    @Test
    void scriptsAnEnergySiteBySiteId() {
        script("{\"site\":" + DEMO_ENERGY_SITE_ID + ",\"path\":\"/live_status\",\"responses\":[{\"status\":504}]}");

        assertThat(get("/api/1/energy_sites/" + DEMO_ENERGY_SITE_ID + "/site_info").statusCode()).isEqualTo(200);
        assertThat(get("/api/1/energy_sites/" + DEMO_ENERGY_SITE_ID + "/live_status").statusCode()).isEqualTo(504);
        assertThat(get("/api/1/energy_sites/" + DEMO_ENERGY_SITE_ID + "/live_status").statusCode()).isEqualTo(200);
    }

    @Test
    void checksTokenAndRegionBeforeUsingTheScript() {
        script("{\"vin\":\"" + DEMO_VIN_ONLINE + "\",\"responses\":[{\"status\":424}]}");

        assertThat(http.post(SIM.simulator().baseUrl("na") + FLASH, "wrong", "{}").statusCode()).isEqualTo(401);
        assertThat(http.post(SIM.simulator().baseUrl("na") + FLASH, DEMO_EU_ACCESS_TOKEN, "{}").statusCode())
                .isEqualTo(421);
        assertThat(post(FLASH).statusCode()).isEqualTo(424);
    }

    @Test
    void scripts421PointingAtTheHomeRegion() {
        script("{\"vin\":\"" + DEMO_VIN_ONLINE + "\",\"responses\":[{\"status\":421}]}");

        HttpResponse<String> misdirected = post(FLASH);

        assertThat(misdirected.headers().firstValue("Alt-Svc")).contains("h2=" + SIM.simulator().baseUrl("na"));
        assertThat(http.json(misdirected).get("error").asText()).contains("use base URL: " + SIM.simulator().baseUrl("na"));
    }

    private void script(String body) {
        HttpResponse<String> response = http.post(SIM.simulator().controlUrl() + "/sim/script", null, body);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    }

    private HttpResponse<String> get(String path) {
        return http.get(SIM.simulator().baseUrl("na") + path, DEMO_ACCESS_TOKEN);
    }

    private HttpResponse<String> post(String path) {
        return http.post(SIM.simulator().baseUrl("na") + path, DEMO_ACCESS_TOKEN, "{}");
    }
}
