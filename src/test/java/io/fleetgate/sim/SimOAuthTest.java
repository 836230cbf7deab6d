package io.fleetgate.sim;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fleetgate.testing.MutableClock;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The simulator's OAuth token endpoint: rotating single-use refresh tokens, 8 h access tokens. */
class SimOAuthTest {
    private static final Instant START = Instant.parse("2026-03-01T08:00:00Z");
    private static final MutableClock CLOCK = new MutableClock(START);

    @RegisterExtension
    static final SimulatorPerClass SIM = SimulatorPerClass.demo(CLOCK);
    private final SimHttp http = new SimHttp();
    private final HttpClient client = HttpClient.newHttpClient();

    @Test
    void refreshRotatesAndASpentTokenGetsLoginRequired() {
        String first = addUser("dora", "eu");
        HttpResponse<String> answer = refresh(first);
        assertThat(answer.statusCode()).isEqualTo(200);
        JsonNode tokens = http.json(answer);
        assertThat(tokens.path("expires_in").asLong()).isEqualTo(28800);
        assertThat(tokens.path("token_type").asText()).isEqualTo("Bearer");
        String second = tokens.path("refresh_token").asText();
        assertThat(second).startsWith("EU_").isNotEqualTo(first);

        HttpResponse<String> again = refresh(first);
        assertThat(again.statusCode()).isEqualTo(401);
        assertThat(http.json(again).path("error").asText()).isEqualTo("login_required");
        assertThat(refresh("EU_unknown").statusCode()).isEqualTo(401);
        assertThat(refresh(second).statusCode()).isEqualTo(200);

        JsonNode grants = http.json(http.get(SIM.simulator().controlUrl() + "/sim/oauth/refresh-tokens", null));
        JsonNode firstGrant = find(grants, first);
        assertThat(firstGrant.path("presented").asInt()).isEqualTo(2);
        assertThat(firstGrant.path("spent").asBoolean()).isTrue();
        assertThat(SIM.simulator().oauth().refreshTokensPresentedTwice()).isEqualTo(1);
    }

    @Test
    void issuedAccessTokensWorkUntilTheyExpireAndCarryTeslaClaims() throws Exception {
        String refreshToken = addUser("erik", "eu");
        String access = http.json(refresh(refreshToken)).path("access_token").asText();
        String[] parts = access.split("\\.");
        assertThat(parts).hasSize(3);
        assertThat(parts[1]).doesNotContain("-", "_", "+", "/");
        JsonNode claims = new com.fasterxml.jackson.databind.ObjectMapper().readTree(Base64.getDecoder().decode(parts[1]));
        assertThat(claims.path("sub").asText()).isEqualTo("erik");
        assertThat(claims.path("ou_code").asText()).isEqualTo("EU");
        assertThat(claims.path("exp").asLong() - claims.path("iat").asLong()).isEqualTo(28800);
        assertThat(claims.path("scp").toString()).contains("vehicle_cmds");

        // the region endpoint answers on any regional server; the rest only at home
        HttpResponse<String> region = http.get(SIM.simulator().baseUrl("na") + "/api/1/users/region", access);
        assertThat(region.statusCode()).isEqualTo(200);
        assertThat(http.json(region).path("response").path("region").asText()).isEqualTo("eu");
        assertThat(http.get(SIM.simulator().baseUrl("na") + "/api/1/products", access).statusCode()).isEqualTo(421);
        assertThat(http.get(SIM.simulator().baseUrl("eu") + "/api/1/products", access).statusCode()).isEqualTo(200);

        CLOCK.advance(Duration.ofHours(8));
        HttpResponse<String> expired = http.get(SIM.simulator().baseUrl("eu") + "/api/1/products", access);
        assertThat(expired.statusCode()).isEqualTo(401);
        assertThat(expired.body()).contains("token expired");
    }

    @Test
    void controlApiExpiresRevokesAndScriptsOutages() {
        String refreshToken = addUser("fay", "na");
        control("/sim/oauth/failures", "{\"status\":503,\"count\":1}");
        assertThat(refresh(refreshToken).statusCode()).isEqualTo(503);
        JsonNode tokens = http.json(refresh(refreshToken));
        String access = tokens.path("access_token").asText();
        control("/sim/oauth/users/fay/expire-access-tokens", "{}");
        assertThat(http.get(SIM.simulator().baseUrl("na") + "/api/1/products", access).statusCode()).isEqualTo(401);
        control("/sim/oauth/users/fay/revoke-refresh-tokens", "{}");
        HttpResponse<String> revoked = refresh(tokens.path("refresh_token").asText());
        assertThat(revoked.statusCode()).isEqualTo(401);
        assertThat(revoked.body()).contains("login_required");
        assertThat(http.post(SIM.simulator().controlUrl() + "/sim/oauth/users", null, "{\"id\":\"x\"}").statusCode())
                .isEqualTo(400);
    }

    @Test
    void aDelayedAnswerIsDecidedWhenItsRequestArrives() throws Exception {
        String refreshToken = addUser("gil", "na");
        control("/sim/oauth/delays", "{\"millis\":2000,\"count\":1}");
        long start = System.nanoTime();
        CompletableFuture<HttpResponse<String>> delayed =
                CompletableFuture.supplyAsync(() -> refresh(refreshToken));
        Awaitility.await().atMost(Duration.ofSeconds(5))
                .until(() -> find(http.json(http.get(SIM.simulator().controlUrl() + "/sim/oauth/refresh-tokens", null)),
                        refreshToken).path("presented").asInt() == 1);
        // revoked after the request arrived: its answer was decided before
        control("/sim/oauth/users/gil/revoke-refresh-tokens", "{}");
        HttpResponse<String> answer = delayed.get(10, TimeUnit.SECONDS);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(2000));
        assertThat(answer.statusCode()).isEqualTo(200);
        // only as many requests as asked wait (counted, not timed: a busy host stalls plain requests too)
        assertThat(SIM.simulator().oauth().takeAnswerDelay()).isZero();
        control("/sim/oauth/delays", "{\"millis\":2000,\"count\":2}");
        assertThat(SIM.simulator().oauth().takeAnswerDelay()).isEqualTo(Duration.ofMillis(2000));
        assertThat(SIM.simulator().oauth().takeAnswerDelay()).isEqualTo(Duration.ofMillis(2000));
        assertThat(SIM.simulator().oauth().takeAnswerDelay()).isZero();
        assertThat(http.post(SIM.simulator().controlUrl() + "/sim/oauth/delays", null, "{\"millis\":0,\"count\":1}").statusCode())
                .isEqualTo(400);
    }

    private String addUser(String id, String region) {
        return control("/sim/oauth/users", "{\"id\":\"" + id + "\",\"region\":\"" + region + "\"}").path("refresh_token").asText();
    }

    private JsonNode control(String path, String body) {
        HttpResponse<String> response = http.post(SIM.simulator().controlUrl() + path, null, body);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return http.json(response);
    }

    private HttpResponse<String> refresh(String refreshToken) {
        String form = "grant_type=refresh_token&client_id=fleetgate-test&refresh_token="
                + URLEncoder.encode(refreshToken, StandardCharsets.UTF_8);
        try {
            return client.send(HttpRequest.newBuilder(URI.create(SIM.simulator().tokenUrl()))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    private static JsonNode find(JsonNode grants, String token) {
        for (JsonNode grant : grants) {
            if (grant.path("refresh_token").asText().equals(token)) {
                return grant;
            }
        }
        throw new AssertionError("no grant " + token);
    }
}
