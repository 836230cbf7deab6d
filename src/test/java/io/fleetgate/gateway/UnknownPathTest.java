package io.fleetgate.gateway;

import static io.fleetgate.gateway.TokenCheckTest.assertError;
import static io.fleetgate.gateway.TokenCheckTest.body;
import static io.fleetgate.testing.TestFleet.ALICE;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fleetgate.sim.RecordedRequest;
import io.fleetgate.testing.GatewayHarness;
import io.fleetgate.testing.GatewayPerClass;
import io.fleetgate.testing.RawHttp;
import io.vertx.ext.web.Route;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpRouter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A path no route serves is 404 {@code not_found} in the error envelope under every prefix, with
 * any method, where the server would answer its own plain 404; nothing is forwarded. A path whose
 * route exists but is not running is 503, and a route started later is served, not swallowed.
 */
class UnknownPathTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> METHODS = List.of("GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS");
    @RegisterExtension
    static final GatewayPerClass GATEWAY = new GatewayPerClass(() -> GatewayHarness.standard());

    /**
     * Vert.x tries a router's routes in order, each with a path parameter through a regex: the Fleet
     * API's route comes before all of those, so a Fleet API request runs none (it had run one per
     * admin path on every request, 3 % of a sleep storm's allocation).
     */
    @Test
    void theFleetApiRouteIsTriedBeforeEveryRouteWithPathParameters() {
        int port = Integer.parseInt(GATEWAY.harness().settings().get("camel.server.port"));
        List<Route> routes = VertxPlatformHttpRouter.lookup(GATEWAY.harness().gateway().context(),
                VertxPlatformHttpRouter.getRouterNameFromPort(port)).getRoutes();
        int fleetApi = -1;
        int firstRegex = Integer.MAX_VALUE;
        for (int i = 0; i < routes.size(); i++) {
            if ("/api/1".equals(routes.get(i).getPath()) && fleetApi < 0) {
                fleetApi = i; // the first: a method check behind all routes has the same path
            }
            if (routes.get(i).isRegexPath() && firstRegex == Integer.MAX_VALUE) {
                firstRegex = i;
            }
        }
        assertThat(fleetApi).as("the Fleet API's route").isNotNegative();
        assertThat(firstRegex).as("the first route with a path parameter, of %d", routes.size()).isGreaterThan(fleetApi)
                .isLessThan(routes.size());
    }

    @Test
    void pathsNoRouteServesAre404NotFoundInTheEnvelopeWhateverTheMethod() throws Exception {
        List<String> paths = List.of("/", "/foo", "/foo/bar", "/api", "/api/nope", "/api/ping/extra", "/API/ping",
                "/admin", "/admin/nope", "/admin/accounts/alice/nope", "/.well-known/other",
                "/.well-known/appspecific/other.pem", "/observe/health/live");
        for (String path : paths) {
            for (String method : METHODS) {
                for (Map<String, String> headers : List.of(Map.<String, String>of(), GatewayHarness.bearer(GatewayHarness.ADMIN_TOKEN))) {
                    byte[] body = method.equals("GET") ? null : "{\"a\":1}".getBytes(StandardCharsets.UTF_8);
                    HttpResponse<byte[]> answer = GATEWAY.harness().send(method, path, headers, body);
                    assertError(answer, 404, "not_found");
                    assertThat(answer.headers().firstValue("Content-Type")).as("%s %s", method, path).hasValue("application/json");
                    assertThat(answer.headers().firstValue("x-region")).as("%s %s", method, path).hasValue("na");
                    JsonNode envelope = JSON.readTree(answer.body());
                    assertThat(envelope.properties()).extracting(Map.Entry::getKey)
                            .containsExactlyInAnyOrder("response", "error", "error_description");
                    assertThat(envelope.get("error_description").asText()).isEqualTo("Fleetgate has no endpoint at " + path + ".");
                }
            }
        }
        assertThat(GATEWAY.harness().simulator().requests()).isEmpty();
    }

    @Test
    void fleetApiPathsAreStillTheIngressRoutesToAnswer() {
        // the route asks for a token before it looks the path up: the catch-all asks for neither
        assertError(GATEWAY.harness().get("/api/1/nope", null), 401, "missing_token");
        HttpResponse<byte[]> unknown = GATEWAY.harness().get("/api/1/nope", ALICE.gatewayToken());
        assertError(unknown, 404, "not_found");
        assertThat(body(unknown)).contains("No Fleet API endpoint at /api/1/nope.");
        assertThat(GATEWAY.harness().simulator().requests()).isEmpty();
    }

    @Test
    void knownEndpointsStillAnswer() {
        assertThat(GATEWAY.harness().get("/api/ping", null).statusCode()).isEqualTo(200);
        assertThat(GATEWAY.harness().get("/api/test", ALICE.gatewayToken()).statusCode()).isEqualTo(200);
        assertThat(GATEWAY.harness().get("/api/openapi.json", null).statusCode()).isEqualTo(200);
        assertThat(GATEWAY.harness().get("/admin/accounts", GatewayHarness.ADMIN_TOKEN).statusCode()).isEqualTo(200);
        assertThat(GATEWAY.harness().get("/api/1/products", ALICE.gatewayToken()).statusCode()).isEqualTo(200);
        assertThat(GATEWAY.harness().simulator().requests()).extracting(RecordedRequest::path).contains("/api/1/products");
    }

    @Test
    void aRequestTargetThatIsNoPathIs404NotFoundInTheEnvelope() throws Exception {
        // found by FuzzedRequestsTest: the router refused these with its own plain-text "Not Found"
        RawHttp http = new RawHttp(URI.create(GATEWAY.harness().url("/")).getPort(), java.time.Duration.ofSeconds(10));
        for (String[] request : new String[][] {{"OPTIONS", "*"}, {"GET", "*"}, {"DELETE", "api/1/vehicles"},
                {"POST", "api/ping"}}) {
            RawHttp.Response answer = http.send(request[0], request[1],
                    RawHttp.headers("Authorization", "Bearer " + ALICE.gatewayToken()), null, false);
            assertThat(answer.status()).as("%s %s", request[0], request[1]).isEqualTo(404);
            assertThat(answer.header("content-type")).as("%s %s", request[0], request[1]).hasValue("application/json");
            assertThat(answer.header("x-region")).hasValue("na");
            JsonNode envelope = JSON.readTree(answer.body());
            assertThat(envelope.get("error").asText()).isEqualTo("not_found");
            assertThat(envelope.get("error_description").asText()).isEqualTo("Fleetgate has no endpoint at " + request[1] + ".");
        }
        assertThat(GATEWAY.harness().simulator().requests()).isEmpty();
    }

    @Test
    void headGetsNoBodyAndTheConnectionServesTheNextRequest() throws Exception {
        URI server = URI.create(GATEWAY.harness().url("/"));
        try (Socket socket = new Socket(server.getHost(), server.getPort())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();

            out.write(request("HEAD /nope HTTP/1.1\r\nHost: fleetgate\r\n\r\n"));
            RawResponse head = RawResponse.read(in, true);
            assertThat(head.status()).isEqualTo(404);
            assertThat(head.headers()).containsEntry("content-type", "application/json").containsEntry("x-region", "na")
                    .doesNotContainEntry("connection", "close");

            // a body nobody reads: the connection still carries the next request
            out.write(request("POST /admin/nope HTTP/1.1\r\nHost: fleetgate\r\nContent-Type: application/json\r\n"
                    + "Content-Length: 11\r\n\r\n{\"a\":\"b\"}\r\n"));
            RawResponse post = RawResponse.read(in, false);
            assertThat(post.status()).isEqualTo(404);
            assertThat(post.body()).contains("\"error\":\"not_found\"");
            assertThat(post.headers()).doesNotContainEntry("connection", "close");

            // had the HEAD answer carried a body, it would stand where this status line is
            out.write(request("GET /api/ping HTTP/1.1\r\nHost: fleetgate\r\n\r\n"));
            RawResponse ping = RawResponse.read(in, false);
            assertThat(ping.status()).isEqualTo(200);
        }
    }

    @Test
    void aRouteAddedAfterStartupIsServedAndItsPathIsUnknownOnceItIsGone() throws Exception {
        CamelContext context = GATEWAY.harness().gateway().context();
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("platform-http:/api/added-later?httpMethodRestrict=GET").routeId("added-later")
                        .setBody(constant("served"));
            }
        });
        try {
            HttpResponse<byte[]> answer = GATEWAY.harness().get("/api/added-later", null);
            assertThat(answer.statusCode()).isEqualTo(200);
            assertThat(body(answer)).isEqualTo("served");
        } finally {
            context.getRouteController().stopRoute("added-later");
            context.removeRoute("added-later");
        }
        assertError(GATEWAY.harness().get("/api/added-later", null), 404, "not_found");
    }

    @Test
    void aStoppedRouteIsUnavailableNotUnknownAndServesAgainOnceStarted() throws Exception {
        CamelContext context = GATEWAY.harness().gateway().context();
        context.getRouteController().stopRoute("account-api-ping");
        try {
            HttpResponse<byte[]> stopped = GATEWAY.harness().get("/api/ping", null);
            assertError(stopped, 503, "service_unavailable");
            assertThat(body(stopped)).contains("/api/ping is not served right now");
            // a method the path never takes is still 405
            assertError(GATEWAY.harness().post("/api/ping", ALICE.gatewayToken(), "{}"), 405, "invalid_method");
        } finally {
            context.getRouteController().startRoute("account-api-ping");
        }
        // started again, its route is ahead of the answers behind the routes once more
        assertThat(GATEWAY.harness().get("/api/ping", null).statusCode()).isEqualTo(200);

        context.getRouteController().stopRoute("fleet-api-ingress");
        try {
            assertError(GATEWAY.harness().get("/api/1/products", ALICE.gatewayToken()), 503, "service_unavailable");
            assertThat(GATEWAY.harness().simulator().requests()).isEmpty();
        } finally {
            context.getRouteController().startRoute("fleet-api-ingress");
        }
        assertThat(GATEWAY.harness().get("/api/1/products", ALICE.gatewayToken()).statusCode()).isEqualTo(200);
    }

    @Test
    void theManagementPortKeepsItsOwnAnswers() throws Exception {
        assertThat(management("/observe/health/live").statusCode()).isEqualTo(200);
        HttpResponse<byte[]> unknown = management("/observe/nope");
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(unknown.headers().firstValue("x-region")).isEmpty();
        assertThat(body(unknown)).doesNotContain("not_found");
    }

    private static HttpResponse<byte[]> management(String path) throws Exception {
        return GATEWAY.harness().httpClient().send(HttpRequest.newBuilder(URI.create(GATEWAY.harness().managementUrl(path))).GET().build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }

    private static byte[] request(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    /** One HTTP/1.1 answer read off a socket: status line, headers, and a Content-Length body unless to a HEAD. */
    private record RawResponse(int status, Map<String, String> headers, String body) {
        static RawResponse read(InputStream in, boolean toHead) throws IOException {
            String statusLine = line(in);
            assertThat(statusLine).startsWith("HTTP/1.1 ");
            Map<String, String> headers = new TreeMap<>();
            for (String line = line(in); !line.isEmpty(); line = line(in)) {
                int colon = line.indexOf(':');
                headers.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
            }
            String body = "";
            if (!toHead && headers.containsKey("content-length")) {
                body = new String(in.readNBytes(Integer.parseInt(headers.get("content-length"))), StandardCharsets.UTF_8);
            }
            return new RawResponse(Integer.parseInt(statusLine.substring(9, 12)), headers, body);
        }

        private static String line(InputStream in) throws IOException {
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            for (int b = in.read(); b != '\n'; b = in.read()) {
                if (b < 0) {
                    throw new IOException("the connection closed mid-answer: " + line);
                }
                if (b != '\r') {
                    line.write(b);
                }
            }
            return line.toString(StandardCharsets.US_ASCII);
        }
    }
}
