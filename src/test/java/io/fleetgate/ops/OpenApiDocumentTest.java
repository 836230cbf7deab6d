package io.fleetgate.ops;

import static io.fleetgate.testing.TestFleet.ALICE;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetgate.ingress.FleetApiCatalog;
import io.fleetgate.ingress.FleetApiEndpoint;
import io.fleetgate.testing.GatewayHarness;
import io.fleetgate.testing.TestFleet;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
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
    /** The document as committed, from which the build generates the Java client (OpenApiClientTest). */
    static final Path COMMITTED = Path.of("openapi/fleetgate.json");
    private static GatewayHarness harness;
    private static String json;
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
        json = new String(answer.body(), StandardCharsets.UTF_8);
        document = new ObjectMapper().readTree(json);
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

    @Test
    void validatesAsOpenApi3WithARealParser() {
        assertThat(OpenApiValidity.problems(json)).isEmpty();
        assertThat(document.path("tags")).allSatisfy(tag -> assertThat(tag.path("description").isTextual()).isTrue());
    }

    @Test
    void everyOperationHasItsOwnOperationId() {
        Set<String> ids = new HashSet<>();
        operations().forEach((where, operation) -> {
            String id = operation.path("operationId").asText("");
            assertThat(id).as("operationId of %s", where).matches("[a-z][A-Za-z0-9]*");
            assertThat(ids.add(id)).as("operationId %s of %s is unique", id, where).isTrue();
        });
        assertThat(ids).contains("listVehicles", "getVehicleData", "sendCommand", "getUsage", "streamVehicle", "adminAddWebhook");
    }

    @Test
    void everyOperationSaysHowToAuthenticate() {
        JsonNode schemes = document.path("components").path("securitySchemes");
        assertThat(schemes.path("gatewayTokenQuery").path("in").asText()).isEqualTo("query");
        assertThat(schemes.path("gatewayTokenQuery").path("name").asText()).isEqualTo("token");
        operations().forEach((where, operation) -> {
            assertThat(operation.path("security").isArray()).as("security of %s", where).isTrue();
            operation.path("security").forEach(requirement -> requirement.fieldNames()
                    .forEachRemaining(scheme -> assertThat(schemes.has(scheme)).as("%s: scheme %s", where, scheme).isTrue()));
            if (!operation.path("security").isEmpty()) {
                assertThat(operation.path("responses").path("401").path("content").path("application/json").path("schema")
                        .path("$ref").asText()).as("401 of %s", where).isEqualTo("#/components/schemas/ErrorEnvelope");
            }
        });
        // open without a token: it answers so, and the document says so
        assertThat(harness.get("/api/ping", null).statusCode()).isEqualTo(200);
        assertThat(document.path("paths").path("/api/ping").path("get").path("security")).isEmpty();
        assertThat(harness.get("/api/usage", null).statusCode()).isEqualTo(401);
        assertThat(document.path("paths").path("/admin/accounts").path("get").path("security").get(0).has("adminToken")).isTrue();
    }

    @Test
    void errorEnvelopeListsEveryErrorKeyFleetgateAnswers() throws IOException {
        JsonNode envelope = document.path("components").path("schemas").path("ErrorEnvelope");
        Set<String> listed = new TreeSet<>();
        envelope.path("x-fleetgate-error-keys").forEach(key -> listed.add(key.asText()));
        Set<String> answered = new TreeSet<>();
        Pattern constructed = Pattern.compile("new GatewayError\\(\\d{3}, \"([a-z_]+)\"");
        try (Stream<Path> sources = Files.walk(Path.of("src/main/java"))) {
            for (Path source : sources.filter(p -> p.toString().endsWith(".java")).toList()) {
                Matcher matcher = constructed.matcher(Files.readString(source));
                while (matcher.find()) {
                    answered.add(matcher.group(1));
                }
            }
        }
        assertThat(answered).contains("missing_token", "rate_limited", "invalid_request");
        assertThat(listed).containsAll(answered);
        listed.forEach(key -> assertThat(envelope.path("description").asText()).contains(key));
    }

    @Test
    void streamsAreDocumentedAsEventStreamsWithTheirParameters() {
        for (String path : List.of("/sse", "/sse/{vin}")) {
            JsonNode operation = document.path("paths").path(path).path("get");
            assertThat(operation.path("responses").path("200").path("content").has("text/event-stream")).as(path).isTrue();
            List<String> parameters = new ArrayList<>();
            operation.path("parameters").forEach(p -> parameters.add(p.path("in").asText() + ":" + p.path("name").asText()));
            assertThat(parameters).as(path).contains("query:topics", "query:cache", "header:Last-Event-ID");
        }
        assertThat(document.path("components").path("schemas").path("SseEvent").path("required"))
                .extracting(JsonNode::asText).containsExactly("vin", "createdAt");
    }

    @Test
    void theCommittedDocumentIsTheRunningOne() throws IOException {
        ObjectNode running = document.deepCopy();
        if (Boolean.getBoolean("fleetgate.openapi.write")) {
            Files.writeString(COMMITTED, running.toPrettyString() + "\n");
        }
        ObjectNode committed = (ObjectNode) new ObjectMapper().readTree(Files.readString(COMMITTED));
        // the version is the jar's (here "dev"); everything else must match
        ((ObjectNode) running.path("info")).remove("version");
        ((ObjectNode) committed.path("info")).remove("version");
        assertThat(committed).as("%s is the running gateway's document; after a change to the routes or "
                + "openapi/operations.yaml write it again: mvn test -Dtest=OpenApiDocumentTest -Dfleetgate.openapi.write=true",
                COMMITTED).isEqualTo(running);
    }

    /** Every operation of the document, by "METHOD path". */
    private static Map<String, JsonNode> operations() {
        Map<String, JsonNode> all = new java.util.TreeMap<>();
        document.path("paths").fields().forEachRemaining(path -> path.getValue().fields()
                .forEachRemaining(op -> all.put(op.getKey().toUpperCase(Locale.ROOT) + " " + path.getKey(), op.getValue())));
        return all;
    }
}
