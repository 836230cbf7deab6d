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
            EndpointClass.OTHER, "Other Fleet API endpoints (proxied)",
            EndpointClass.GATEWAY, "Fleetgate's own endpoints (never proxied)");
    private static final String ADMIN = "admin";

    private final CamelContext context;
    private final FleetApiCatalog catalog;
    private final String version;
    /** Read when the first document is built, not at start: no request before it needs them. */
    private static final class Descriptions {
        static final OperationDescriptions LOADED = OperationDescriptions.load();
    }

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
        components.setAll(Descriptions.LOADED.components());
        ObjectNode schemes = components.putObject("securitySchemes");
        schemes.putObject("gatewayToken").put("type", "http").put("scheme", "bearer")
                .put("description", "A Fleetgate gateway token: Authorization: Bearer <token>");
        schemes.putObject("gatewayTokenQuery").put("type", "apiKey").put("in", "query").put("name", "token")
                .put("description", "The same gateway token as ?token=<token> (removed before anything is forwarded or logged)");
        schemes.putObject("adminToken").put("type", "http").put("scheme", "bearer")
                .put("description", "The admin API's token (fleetgate.admin.token); a gateway token never opens /admin/");
        ArrayNode tags = doc.putArray("tags");
        for (EndpointClass endpointClass : EndpointClass.values()) {
            tags.addObject().put("name", tag(endpointClass)).put("description", GROUPS.get(endpointClass));
        }
        tags.addObject().put("name", ADMIN).put("description", "The admin API: accounts, gateway tokens, subscriptions, budgets, webhooks");

        Map<String, ObjectNode> paths = new TreeMap<>();
        for (OwnEndpoint own : ownEndpoints(context)) {
            ObjectNode operation = operation(paths, own.path(), own.method());
            boolean admin = own.path().startsWith("/admin/");
            operation.put("summary", own.summary());
            operation.put("operationId", operationId(own.method(), own.path()));
            operation.putArray("tags").add(admin ? ADMIN : tag(EndpointClass.GATEWAY));
            operation.put(OWN, true);
            parameters(operation, own.path());
            if (admin) {
                operation.putArray("security").addObject().putArray("adminToken");
            } else {
                gatewaySecurity(operation);
            }
            ObjectNode responses = operation.putObject("responses");
            if (own.path().equals("/sse") || own.path().startsWith("/sse/")) {
                // an answer that does not end: Teslemetry's event stream (README "Streaming")
                operation.put(STREAM, true);
            }
            responses.putObject("200").put("description", "OK");
            Descriptions.LOADED.describe(own.method(), own.path(), operation);
            if (!operation.path("security").isEmpty()) {
                OperationDescriptions.errorResponse(responses, "401", admin ? "missing_token or invalid_token: not the admin token"
                        : "missing_token, invalid_token, or login_required (the owner must sign in with Tesla again)");
            }
            OperationDescriptions.errorResponse(responses, "429", admin
                    ? "rate_limited: too many failed admin authentications from this address, with Retry-After"
                    : "rate_limited, with Retry-After and RateLimit-Limit/Remaining/Reset");
        }
        for (FleetApiEndpoint endpoint : catalog.endpoints()) {
            ObjectNode operation = operation(paths, endpoint.template(), endpoint.method());
            operation.put("summary", endpoint.method() + " " + endpoint.template() + " on the account's regional Fleet API server");
            operation.put("operationId", operationId(endpoint.method(), endpoint.template()));
            operation.putArray("tags").add(tag(endpoint.endpointClass()));
            if (!endpoint.scopes().isEmpty()) {
                operation.put("description", "Needs one of the scopes: " + String.join(", ", endpoint.scopes().stream().sorted().toList()));
            }
            gatewaySecurity(operation);
            parameters(operation, endpoint.template());
            ObjectNode responses = operation.putObject("responses");
            responses.putObject("200").put("description", "The Fleet API's answer, passed through");
            error(responses, "400", "invalid_request: a malformed VIN, site id, id or JSON body");
            error(responses, "401", "missing_token, invalid_token or login_required");
            error(responses, "402", "subscription_required, vehicle_subscription_required or insufficient_credits");
            error(responses, "403", "invalid_scope");
            error(responses, "429", "rate_limited, with Retry-After and RateLimit-Limit/Remaining/Reset");
            if (endpoint.endpointClass() == EndpointClass.VEHICLE_COMMAND) {
                error(responses, "408", "vehicle_unavailable: the vehicle did not wake");
                error(responses, "503", "service_unavailable: commands cannot be queued (Kafka)");
            }
            error(responses, "502", "upstream_unavailable");
            error(responses, "504", "upstream_timeout");
            Descriptions.LOADED.describe(endpoint.method(), endpoint.template(), operation);
        }
        ObjectNode pathsNode = doc.putObject("paths");
        paths.forEach(pathsNode::set);
        return doc;
    }

    /** A platform-http route of the running context: Fleetgate's own endpoint. */
    public record OwnEndpoint(String path, String method, String routeId, String summary) {}

    /** The methods a platform-http route's {@code httpMethodRestrict} names, upper case; empty when it names none. */
    public static java.util.Set<String> restrictedMethods(PlatformHttpEndpoint http) {
        java.util.Set<String> methods = new java.util.TreeSet<>();
        if (http.getHttpMethodRestrict() != null) {
            for (String method : http.getHttpMethodRestrict().split(",")) {
                methods.add(method.trim().toUpperCase(Locale.ROOT));
            }
        }
        return methods;
    }

    /** Every platform-http route but the prefix routes (their paths come from the endpoint table). */
    public static List<OwnEndpoint> ownEndpoints(CamelContext context) {
        List<OwnEndpoint> own = new ArrayList<>();
        for (Route route : context.getRoutes()) {
            if (!(route.getEndpoint() instanceof PlatformHttpEndpoint http) || http.isMatchOnUriPrefix()) {
                continue;
            }
            java.util.Set<String> methods = restrictedMethods(http);
            String summary = route.getDescription() != null ? route.getDescription() : route.getRouteId();
            for (String method : methods.isEmpty() ? List.of("GET") : methods) {
                own.add(new OwnEndpoint(http.getPath(), method, route.getRouteId(), summary));
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
        OperationDescriptions.errorResponse(responses, status, description);
    }

    private static void gatewaySecurity(ObjectNode operation) {
        ArrayNode security = operation.putArray("security");
        security.addObject().putArray("gatewayToken");
        security.addObject().putArray("gatewayTokenQuery");
    }

    /**
     * An operation's id when its description names none: the method and the path's segments in
     * camel case, without the {@code /api/1} or {@code /api} prefix ({@code getVehiclesVinDrivers}).
     */
    static String operationId(String method, String path) {
        String rest = path.startsWith("/api/1/") ? path.substring(7) : path.startsWith("/api/") ? path.substring(5) : path;
        StringBuilder id = new StringBuilder(method.toLowerCase(Locale.ROOT));
        for (String word : rest.split("[^A-Za-z0-9]+")) {
            if (!word.isEmpty()) {
                id.append(Character.toUpperCase(word.charAt(0))).append(word.substring(1));
            }
        }
        return id.toString();
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
            ObjectNode schema = parameter.putObject("schema").put("type", "string");
            if (matcher.group(1).equals("vin")) {
                schema.put("pattern", "^[A-HJ-NPR-Z0-9]{17}$");
            }
        }
    }

    private static String tag(EndpointClass endpointClass) {
        return endpointClass.name().toLowerCase(Locale.ROOT);
    }
}
