package io.fleetgate.ops;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetgate.ingress.EndpointClass;
import io.fleetgate.ingress.FleetApiCatalog;
import io.fleetgate.ingress.FleetApiEndpoint;
import io.fleetgate.json.JsonMappers;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.apache.camel.component.platform.http.PlatformHttpEndpoint;

/**
 * {@code GET /api/openapi.json}: an OpenAPI 3.0 document built from what actually runs, so it
 * cannot drift from the code. Fleetgate's own endpoints are the platform-http routes of the running
 * CamelContext (summary: the route's {@code description}, else its id); the proxied Fleet API
 * paths are the rows of the endpoint table {@link FleetApiCatalog}, tagged by endpoint class.
 * The prefix route that receives every {@code /api/1/...} request is documented by those rows.
 */
public final class OpenApiDocument {
    /** Extension marking Fleetgate's own operations (as opposed to proxied Fleet API ones). */
    public static final String OWN = "x-fleetgate-own";
    /** Marks an operation whose answer is an SSE stream. */
    public static final String STREAM = "x-fleetgate-stream";
    private static final ObjectMapper JSON = JsonMappers.newMapper();
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{([A-Za-z_]+)}");
    private static final Map<EndpointClass, String> GROUPS = Map.of(
            EndpointClass.VEHICLE_READ, "Vehicle data (proxied; never wakes a vehicle)",
            EndpointClass.VEHICLE_COMMAND, "Vehicle commands (queued per vehicle; wake-up, retries, signing)",
            EndpointClass.ENERGY_READ, "Energy site data (proxied)",
            EndpointClass.ENERGY_COMMAND, "Energy site commands (proxied with retries)",
            EndpointClass.USER, "User (proxied)",
            EndpointClass.PARTNER, "Partner (proxied)",
            EndpointClass.OTHER, "Other Fleet API endpoints (proxied)");

    private final CamelContext context;
    private final FleetApiCatalog catalog;
    private final String version;

    public OpenApiDocument(CamelContext context, FleetApiCatalog catalog, String version) {
        this.context = context;
        this.catalog = catalog;
        this.version = version;
    }

    /** The document as JSON text (the route's body). */
    public String json() {
        return document().toString();
    }

    public ObjectNode document() {
        ObjectNode doc = JSON.createObjectNode();
        doc.put("openapi", "3.0.3");
        ObjectNode info = doc.putObject("info");
        info.put("title", "Fleetgate");
        info.put("version", version);
        info.put("description", "A self-hosted gateway in front of Tesla's Fleet API. Fleet API paths are the Fleet API's own; "
                + "authenticate with a Fleetgate token (Authorization: Bearer, or ?token=). Errors use the Fleet API's envelope "
                + "{response: null, error, error_description}. Health and metrics are on the management port, not here.");
        ObjectNode components = doc.putObject("components");
        ObjectNode envelope = components.putObject("schemas").putObject("ErrorEnvelope");
        envelope.put("type", "object").put("description", "The Fleet API's error envelope, which Fleetgate's own refusals use too");
        envelope.putArray("required").add("response").add("error").add("error_description");
        ObjectNode properties = envelope.putObject("properties");
        properties.putObject("response").put("nullable", true).put("description", "null, or the vehicle summary with a 408");
        properties.putObject("error").put("type", "string").put("example", "rate_limited");
        properties.putObject("error_description").put("type", "string");
        ObjectNode schemes = components.putObject("securitySchemes");
        schemes.putObject("gatewayToken").put("type", "http").put("scheme", "bearer");
        schemes.putObject("gatewayTokenQuery").put("type", "apiKey").put("in", "query").put("name", "token");
        ArrayNode tags = doc.putArray("tags");
        tags.addObject().put("name", "Fleetgate").put("description", "Fleetgate's own endpoints");
        for (EndpointClass endpointClass : EndpointClass.values()) {
            tags.addObject().put("name", tag(endpointClass)).put("description", GROUPS.get(endpointClass));
        }

        Map<String, ObjectNode> paths = new TreeMap<>();
        for (OwnEndpoint own : ownEndpoints(context)) {
            ObjectNode operation = operation(paths, own.path(), own.method());
            operation.put("summary", own.summary());
            operation.put("operationId", own.routeId());
            operation.putArray("tags").add("Fleetgate");
            operation.put(OWN, true);
            parameters(operation, own.path());
            if (own.path().equals("/sse") || own.path().startsWith("/sse/")) {
                // an answer that does not end: Teslemetry's event stream (README "Streaming")
                operation.put(STREAM, true);
                operation.putObject("responses").putObject("200").put("description", "A text/event-stream of vehicle events")
                        .putObject("content").putObject("text/event-stream").putObject("schema").put("type", "string");
            } else {
                operation.putObject("responses").putObject("200").put("description", "OK");
            }
        }
        for (FleetApiEndpoint endpoint : catalog.endpoints()) {
            ObjectNode operation = operation(paths, endpoint.template(), endpoint.method());
            operation.put("summary", endpoint.method() + " " + endpoint.template() + " on the account's regional Fleet API server");
            operation.putArray("tags").add(tag(endpoint.endpointClass()));
            if (!endpoint.scopes().isEmpty()) {
                operation.put("description", "Needs one of the scopes: " + String.join(", ", endpoint.scopes().stream().sorted().toList()));
            }
            ArrayNode security = operation.putArray("security");
            security.addObject().putArray("gatewayToken");
            security.addObject().putArray("gatewayTokenQuery");
            parameters(operation, endpoint.template());
            ObjectNode responses = operation.putObject("responses");
            responses.putObject("200").put("description", "The Fleet API's answer, passed through");
            error(responses, "401", "missing_token or invalid_token");
            error(responses, "402", "subscription_required, vehicle_subscription_required or insufficient_credits");
            error(responses, "403", "invalid_scope");
            error(responses, "429", "rate_limited, with Retry-After and RateLimit-Limit/Remaining/Reset");
            if (endpoint.endpointClass() == EndpointClass.VEHICLE_COMMAND) {
                error(responses, "408", "vehicle_unavailable: the vehicle did not wake");
                error(responses, "503", "service_unavailable: commands cannot be queued (Kafka)");
            }
            error(responses, "502", "upstream_unavailable");
            error(responses, "504", "upstream_timeout");
        }
        ObjectNode pathsNode = doc.putObject("paths");
        paths.forEach(pathsNode::set);
        return doc;
    }

    /** A platform-http route of the running context: Fleetgate's own endpoint. */
    public record OwnEndpoint(String path, String method, String routeId, String summary) {}

    /** Every platform-http route but the prefix routes (their paths come from the endpoint table). */
    public static List<OwnEndpoint> ownEndpoints(CamelContext context) {
        List<OwnEndpoint> own = new ArrayList<>();
        for (Route route : context.getRoutes()) {
            if (!(route.getEndpoint() instanceof PlatformHttpEndpoint http) || http.isMatchOnUriPrefix()) {
                continue;
            }
            String methods = http.getHttpMethodRestrict();
            String summary = route.getDescription() != null ? route.getDescription() : route.getRouteId();
            for (String method : methods == null ? List.of("GET") : List.of(methods.split(","))) {
                own.add(new OwnEndpoint(http.getPath(), method.trim().toUpperCase(Locale.ROOT), route.getRouteId(), summary));
            }
        }
        own.sort(Comparator.comparing(OwnEndpoint::path).thenComparing(OwnEndpoint::method));
        return own;
    }

    /** The prefixes under which a route takes every path (the Fleet API's {@code /api/1}). */
    public static List<String> prefixRoutes(CamelContext context) {
        List<String> prefixes = new ArrayList<>();
        for (Route route : context.getRoutes()) {
            if (route.getEndpoint() instanceof PlatformHttpEndpoint http && http.isMatchOnUriPrefix()) {
                prefixes.add(http.getPath());
            }
        }
        return prefixes;
    }

    private static ObjectNode operation(Map<String, ObjectNode> paths, String path, String method) {
        ObjectNode item = paths.computeIfAbsent(path, p -> JSON.createObjectNode());
        return item.putObject(method.toLowerCase(Locale.ROOT));
    }

    private static void error(ObjectNode responses, String status, String description) {
        responses.putObject(status).put("description", description).putObject("content").putObject("application/json")
                .putObject("schema").put("$ref", "#/components/schemas/ErrorEnvelope");
    }

    private static void parameters(ObjectNode operation, String path) {
        Matcher matcher = PLACEHOLDER.matcher(path);
        ArrayNode parameters = null;
        while (matcher.find()) {
            if (parameters == null) {
                parameters = operation.putArray("parameters");
            }
            ObjectNode parameter = parameters.addObject();
            parameter.put("name", matcher.group(1)).put("in", "path").put("required", true);
            parameter.putObject("schema").put("type", "string");
        }
    }

    private static String tag(EndpointClass endpointClass) {
        return endpointClass.name().toLowerCase(Locale.ROOT);
    }
}
