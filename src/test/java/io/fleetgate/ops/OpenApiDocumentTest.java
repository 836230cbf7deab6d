package io.fleetgate.ops;

import static io.fleetgate.testing.TestFleet.ALICE;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fleetgate.ingress.FleetApiCatalog;
import io.fleetgate.ingress.FleetApiEndpoint;
import io.fleetgate.testing.GatewayHarness;
import io.fleetgate.testing.TestFleet;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.camel.CamelContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** /api/openapi.json against the running gateway: every route is documented, every documented own path answers. */
class OpenApiDocumentTest {
    private static GatewayHarness harness;
    private static JsonNode document;

    @BeforeAll
    static void start() throws Exception {
        // with a fleet key, so the key endpoints answer 200 rather than their own 404 "no key"
        harness = GatewayHarness.builder().accounts(ALICE)
                .setting("fleetgate.vcp.private-key-file",
                        java.nio.file.Files.createTempDirectory("fleetgate-openapi").resolve("fleet-key.pem").toString())
                .setting("fleetgate.vcp.generate-key", "true")
                .start();
        HttpResponse<byte[]> answer = harness.get("/api/openapi.json", null);
        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(answer.headers().firstValue("Content-Type").orElse("")).startsWith("application/json");
        document = new ObjectMapper().readTree(answer.body());
    }

    @AfterAll
    static void stop() {
        harness.close();
    }

    @Test
    void isAnOpenApi3DocumentWithTheGatewayTokenSchemes() {
        assertThat(document.path("openapi").asText()).startsWith("3.0");
        assertThat(document.path("info").path("title").asText()).isEqualTo("Fleetgate");
        assertThat(document.path("components").path("securitySchemes").path("gatewayToken").path("scheme").asText()).isEqualTo("bearer");
        assertThat(document.path("components").path("schemas").path("ErrorEnvelope").path("required"))
                .extracting(JsonNode::asText).containsExactly("response", "error", "error_description");
        assertThat(document.path("paths").path("/api/1/vehicles/{vin}/command/{command}").path("post").path("responses")
                .path("408").path("content").path("application/json").path("schema").path("$ref").asText())
                .isEqualTo("#/components/schemas/ErrorEnvelope");
    }

    @Test
    void everyPlatformHttpRouteOfTheRunningContextIsDocumented() {
        CamelContext context = harness.gateway().context();
        List<OpenApiDocument.OwnEndpoint> routes = OpenApiDocument.ownEndpoints(context);
        assertThat(routes).extracting(OpenApiDocument.OwnEndpoint::path)
                .contains("/api/openapi.json", "/api/key", "/.well-known/appspecific/com.tesla.3p.public-key.pem");
        for (OpenApiDocument.OwnEndpoint route : routes) {
            JsonNode operation = document.path("paths").path(route.path()).path(route.method().toLowerCase(Locale.ROOT));
            assertThat(operation.isObject()).as("%s %s (route %s) documented", route.method(), route.path(), route.routeId()).isTrue();
            assertThat(operation.path(OpenApiDocument.OWN).asBoolean()).isTrue();
        }
        // the prefix route takes the Fleet API's paths, which the endpoint table documents
        List<String> prefixes = OpenApiDocument.prefixRoutes(context);
        assertThat(prefixes).contains("/api/1");
        document.path("paths").fieldNames().forEachRemaining(path -> {
            boolean own = OpenApiDocument.ownEndpoints(context).stream().anyMatch(r -> r.path().equals(path));
            boolean underPrefix = prefixes.stream().anyMatch(prefix -> path.startsWith(prefix + "/"));
            assertThat(own || underPrefix).as("documented path %s is served", path).isTrue();
        });
    }

    @Test
    void everyDocumentedOwnPathAnswers() {
        List<String> checked = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> paths = document.path("paths").fields(); paths.hasNext(); ) {
            Map.Entry<String, JsonNode> path = paths.next();
            for (Iterator<Map.Entry<String, JsonNode>> operations = path.getValue().fields(); operations.hasNext(); ) {
                Map.Entry<String, JsonNode> operation = operations.next();
                if (!operation.getValue().path(OpenApiDocument.OWN).asBoolean()
                        || operation.getValue().path(OpenApiDocument.STREAM).asBoolean()) {
                    // a stream never ends, so it is not asked here: SseStreamTest opens them
                    continue;
                }
                String concrete = path.getKey().replaceAll("\\{[A-Za-z_]+}", "x");
                HttpResponse<byte[]> answer = harness.send(operation.getKey().toUpperCase(Locale.ROOT), concrete,
                        GatewayHarness.bearer(ALICE.gatewayToken()), null);
                assertThat(answer.statusCode()).as("%s %s", operation.getKey(), concrete).isNotEqualTo(404).isLessThan(500);
                checked.add(concrete);
            }
        }
        assertThat(checked).contains("/api/openapi.json", "/api/key");
    }

    @Test
    void everyEndpointOfTheTableAppearsUnderItsGroup() {
        List<FleetApiEndpoint> endpoints = new FleetApiCatalog().endpoints();
        assertThat(endpoints).isNotEmpty();
        for (FleetApiEndpoint endpoint : endpoints) {
            JsonNode operation = document.path("paths").path(endpoint.template()).path(endpoint.method().toLowerCase(Locale.ROOT));
            assertThat(operation.isObject()).as("%s %s", endpoint.method(), endpoint.template()).isTrue();
            assertThat(operation.path("tags").get(0).asText()).isEqualTo(endpoint.endpointClass().name().toLowerCase(Locale.ROOT));
        }
        // a documented Fleet API path is one the gateway proxies (here: a read that reaches the simulator)
        assertThat(harness.get("/api/1/vehicles/" + TestFleet.NA_VIN + "/vehicle_data", ALICE.gatewayToken()).statusCode()).isEqualTo(200);
    }
}
