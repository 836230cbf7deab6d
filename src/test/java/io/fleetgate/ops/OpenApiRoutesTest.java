package io.fleetgate.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fleetgate.ingress.FleetApiCatalog;
import io.fleetgate.ingress.FleetApiEndpoint;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every HTTP route in routes/*.yaml, read from the files themselves (not from a running context,
 * which holds only the routes it started), is in the committed document with its bodies described,
 * and nothing is documented that no route serves. OpenApiDocumentTest holds the committed document
 * to the running gateway's.
 */
class OpenApiRoutesTest {
    private static final List<Route> ROUTES = new ArrayList<>();
    private static JsonNode document;

    record Route(String file, String id, String path, String method, boolean prefix) {
        String where() {
            return method + " " + path + " (route " + id + " in " + file + ")";
        }
    }

    @BeforeAll
    static void read() throws IOException {
        ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
        try (Stream<Path> files = Files.list(Path.of("routes"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
                for (JsonNode item : yaml.readTree(file.toFile())) {
                    JsonNode route = item.path("route");
                    String uri = route.path("from").path("uri").asText("");
                    if (!uri.startsWith("platform-http:")) {
                        continue;
                    }
                    JsonNode parameters = route.path("from").path("parameters");
                    String path = uri.substring("platform-http:".length()).split("\\?")[0];
                    boolean prefix = parameters.path("matchOnUriPrefix").asBoolean(false);
                    for (String method : parameters.path("httpMethodRestrict").asText("GET").split(",")) {
                        ROUTES.add(new Route(file.getFileName().toString(), route.path("id").asText(), path,
                                method.trim().toUpperCase(Locale.ROOT), prefix));
                    }
                }
            }
        }
        document = new ObjectMapper().readTree(OpenApiDocumentTest.COMMITTED.toFile());
    }

    @Test
    void findsTheRoutesOfEveryStage() {
        assertThat(ROUTES).extracting(Route::path).contains("/api/usage", "/api/config/{vin}", "/api/fields", "/fields.json",
                "/api/vehicle_config/{vin}", "/api/userdata", "/api/refresh/{vin}", "/api/auto/{vin}", "/sse", "/sse/{vin}",
                "/admin/accounts/{id}/webhooks", "/api/1");
    }

    @Test
    void everyRouteIsDocumentedWithWhatItTakesAndAnswers() {
        OperationDescriptions descriptions = OperationDescriptions.load();
        for (Route route : ROUTES.stream().filter(r -> !r.prefix()).toList()) {
            JsonNode operation = operation(route.method(), route.path());
            assertThat(operation.isObject()).as("%s is in %s", route.where(), OpenApiDocumentTest.COMMITTED).isTrue();
            assertThat(operation.path(OpenApiDocument.OWN).asBoolean()).as(route.where()).isTrue();
            assertThat(descriptions.describes(route.method(), route.path()))
                    .as("%s is described in src/main/resources/%s", route.where(), OperationDescriptions.RESOURCE).isTrue();
            JsonNode success = operation.path("responses").has("201") ? operation.path("responses").path("201")
                    : operation.path("responses").path("200");
            assertThat(success.path("content").isObject()).as("%s: the body of its answer", route.where()).isTrue();
        }
    }

    @Test
    void thePrefixRouteServesEveryRowOfTheEndpointTable() {
        // the console's static files are the other prefix route: a page, not part of the API
        assertThat(ROUTES.stream().filter(Route::prefix).map(Route::path)).containsExactlyInAnyOrder("/api/1", "/console");
        for (FleetApiEndpoint endpoint : new FleetApiCatalog().endpoints()) {
            assertThat(operation(endpoint.method(), endpoint.template()).isObject())
                    .as("%s %s", endpoint.method(), endpoint.template()).isTrue();
        }
    }

    @Test
    void nothingIsDocumentedThatNoRouteServes() {
        document.path("paths").fields().forEachRemaining(path -> path.getValue().fieldNames().forEachRemaining(method -> {
            String upper = method.toUpperCase(Locale.ROOT);
            boolean served = ROUTES.stream().anyMatch(r -> r.prefix()
                    ? path.getKey().startsWith(r.path() + "/") : r.path().equals(path.getKey()) && r.method().equals(upper));
            assertThat(served).as("%s %s is served by a route", upper, path.getKey()).isTrue();
        }));
    }

    private static JsonNode operation(String method, String path) {
        return document.path("paths").path(path).path(method.toLowerCase(Locale.ROOT));
    }
}
