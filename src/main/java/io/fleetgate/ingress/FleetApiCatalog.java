package io.fleetgate.ingress;

import static io.fleetgate.ingress.EndpointClass.ENERGY_COMMAND;
import static io.fleetgate.ingress.EndpointClass.ENERGY_READ;
import static io.fleetgate.ingress.EndpointClass.OTHER;
import static io.fleetgate.ingress.EndpointClass.PARTNER;
import static io.fleetgate.ingress.EndpointClass.USER;
import static io.fleetgate.ingress.EndpointClass.VEHICLE_COMMAND;
import static io.fleetgate.ingress.EndpointClass.VEHICLE_READ;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one table of Fleet API endpoints Fleetgate accepts (reference: fleet-api.md section 5),
 * and the classification of a request against it. Literal paths come before templated ones,
 * so {@code /vehicles/fleet_status} is never read as a VIN.
 */
public final class FleetApiCatalog {
    static final Set<String> USER_DATA = Set.of("user_data");
    static final Set<String> VEHICLE_DATA = Set.of("vehicle_device_data");
    static final Set<String> VEHICLE_CMDS = Set.of("vehicle_cmds", "vehicle_charging_cmds");
    static final Set<String> CHARGING = Set.of("vehicle_charging_cmds");
    static final Set<String> ENERGY_DATA = Set.of("energy_device_data");
    static final Set<String> ENERGY_CMDS = Set.of("energy_cmds");
    static final Set<String> ANY = Set.of();

    private static final String V = "/api/1/vehicles/{vin}";
    private static final String E = "/api/1/energy_sites/{site}";

    private static final List<FleetApiEndpoint> TABLE = List.of(
            // user and account
            row("GET", "/api/1/products", USER, ANY, VinSource.NONE),
            row("GET", "/api/1/users/me", USER, USER_DATA, VinSource.NONE),
            row("GET", "/api/1/users/region", USER, USER_DATA, VinSource.NONE),
            row("GET", "/api/1/users/orders", USER, USER_DATA, VinSource.NONE),
            row("GET", "/api/1/users/feature_config", USER, USER_DATA, VinSource.NONE),
            row("GET", "/api/1/users/backup_key", USER, USER_DATA, VinSource.NONE),
            row("POST", "/api/1/users/keys", USER, USER_DATA, VinSource.NONE),
            // partner endpoints: Tesla wants a partner token for these and answers for itself
            row("POST", "/api/1/partner_accounts", PARTNER, ANY, VinSource.NONE),
            row("GET", "/api/1/partner_accounts/public_key", PARTNER, ANY, VinSource.NONE),
            row("GET", "/api/1/partner_accounts/fleet_telemetry_errors", PARTNER, ANY, VinSource.NONE),
            row("GET", "/api/1/partner_accounts/fleet_telemetry_error_vins", PARTNER, ANY, VinSource.NONE),
            // charging and vehicle "dx" endpoints
            row("GET", "/api/1/dx/charging/history", OTHER, CHARGING, VinSource.QUERY),
            row("GET", "/api/1/dx/charging/sessions", OTHER, CHARGING, VinSource.QUERY),
            row("GET", "/api/1/dx/charging/invoice/{id}", OTHER, CHARGING, VinSource.NONE),
            row("GET", "/api/1/dx/vehicles/options", VEHICLE_READ, VEHICLE_DATA, VinSource.QUERY),
            row("GET", "/api/1/dx/warranty/details", VEHICLE_READ, VEHICLE_DATA, VinSource.QUERY),
            row("GET", "/api/1/dx/vehicles/subscriptions/eligibility", VEHICLE_READ, VEHICLE_DATA, VinSource.QUERY),
            row("GET", "/api/1/dx/vehicles/subscriptions/eligible", VEHICLE_READ, VEHICLE_DATA, VinSource.QUERY),
            row("GET", "/api/1/dx/vehicles/upgrades/eligibility", VEHICLE_READ, VEHICLE_DATA, VinSource.QUERY),
            row("GET", "/api/1/dx/vehicles/upgrade/eligibility", VEHICLE_READ, VEHICLE_DATA, VinSource.QUERY),
            row("POST", "/api/1/invitations/redeem", OTHER, VEHICLE_CMDS, VinSource.NONE),
            row("POST", "/api/1/vehicles/invitations/redeem", OTHER, VEHICLE_CMDS, VinSource.NONE),
            // vehicle endpoints with a literal last segment, before {vin}
            row("GET", "/api/1/vehicles", VEHICLE_READ, VEHICLE_DATA, VinSource.NONE),
            row("POST", "/api/1/vehicles/fleet_status", VEHICLE_READ, VEHICLE_DATA, VinSource.BODY),
            row("POST", "/api/1/vehicles/fleet_telemetry_config", OTHER, VEHICLE_DATA, VinSource.BODY),
            row("POST", "/api/1/vehicles/fleet_telemetry_config_jws", OTHER, VEHICLE_DATA, VinSource.BODY),
            // one vehicle
            row("GET", V, VEHICLE_READ, VEHICLE_DATA, VinSource.PATH),
            row("GET", V + "/vehicle_data", VEHICLE_READ, VEHICLE_DATA, VinSource.PATH),
            row("GET", V + "/fleet_telemetry_config", VEHICLE_READ, VEHICLE_DATA, VinSource.PATH),
            row("DELETE", V + "/fleet_telemetry_config", OTHER, VEHICLE_DATA, VinSource.PATH),
            row("GET", V + "/fleet_telemetry_errors", VEHICLE_READ, VEHICLE_DATA, VinSource.PATH),
            row("GET", V + "/drivers", VEHICLE_READ, VEHICLE_DATA, VinSource.PATH),
            row("DELETE", V + "/drivers", OTHER, VEHICLE_CMDS, VinSource.PATH),
            row("GET", V + "/mobile_enabled", VEHICLE_READ, VEHICLE_DATA, VinSource.PATH),
            row("GET", V + "/nearby_charging_sites", VEHICLE_READ, VEHICLE_DATA, VinSource.PATH),
            row("GET", V + "/recent_alerts", VEHICLE_READ, VEHICLE_DATA, VinSource.PATH),
            row("GET", V + "/release_notes", VEHICLE_READ, VEHICLE_DATA, VinSource.PATH),
            row("GET", V + "/service_data", VEHICLE_READ, VEHICLE_DATA, VinSource.PATH),
            row("GET", V + "/invitations", VEHICLE_READ, VEHICLE_DATA, VinSource.PATH),
            row("POST", V + "/invitations", OTHER, VEHICLE_CMDS, VinSource.PATH),
            row("POST", V + "/invitations/{id}/revoke", OTHER, VEHICLE_CMDS, VinSource.PATH),
            // vehicle commands: wake_up's scope is documented both ways, so either will do
            row("POST", V + "/wake_up", VEHICLE_COMMAND, Set.of("vehicle_cmds", "vehicle_device_data"), VinSource.PATH),
            row("POST", V + "/signed_command", VEHICLE_COMMAND, VEHICLE_CMDS, VinSource.PATH),
            row("POST", V + "/command/{command}", VEHICLE_COMMAND, VEHICLE_CMDS, VinSource.PATH),
            // energy sites
            row("GET", E + "/site_info", ENERGY_READ, ENERGY_DATA, VinSource.NONE),
            row("GET", E + "/live_status", ENERGY_READ, ENERGY_DATA, VinSource.NONE),
            row("GET", E + "/calendar_history", ENERGY_READ, ENERGY_DATA, VinSource.NONE),
            row("GET", E + "/telemetry_history", ENERGY_READ, ENERGY_DATA, VinSource.NONE),
            row("POST", E + "/backup", ENERGY_COMMAND, ENERGY_CMDS, VinSource.NONE),
            row("POST", E + "/operation", ENERGY_COMMAND, ENERGY_CMDS, VinSource.NONE),
            row("POST", E + "/storm_mode", ENERGY_COMMAND, ENERGY_CMDS, VinSource.NONE),
            row("POST", E + "/grid_import_export", ENERGY_COMMAND, ENERGY_CMDS, VinSource.NONE),
            row("POST", E + "/off_grid_vehicle_charging_reserve", ENERGY_COMMAND, ENERGY_CMDS, VinSource.NONE),
            row("POST", E + "/time_of_use_settings", ENERGY_COMMAND, ENERGY_CMDS, VinSource.NONE));

    private static final Pattern SITE_ID = Pattern.compile("[0-9]{1,18}");
    /** An invitation or invoice id as Tesla issues them (digits, UUIDs); never "." or "..", which upstream would resolve. */
    private static final Pattern ID = Pattern.compile("(?!\\.{1,2}$)[A-Za-z0-9._~-]{1,128}");

    private final List<CompiledRow> rows = new ArrayList<>();

    public FleetApiCatalog() {
        for (FleetApiEndpoint endpoint : TABLE) {
            String last = endpoint.template().substring(endpoint.template().lastIndexOf('/') + 1);
            rows.add(new CompiledRow(endpoint, endpoint.pattern(), endpoint.placeholders(),
                    slashes(endpoint.template()), last.startsWith("{") ? null : last));
        }
    }

    public List<FleetApiEndpoint> endpoints() {
        return TABLE;
    }

    /** Classifies a request, or throws the 4xx its path or method deserves. */
    public Classification classify(String method, String path) {
        Set<String> allowed = new TreeSet<>();
        int segments = slashes(path);
        String lastSegment = path.substring(path.lastIndexOf('/') + 1);
        for (CompiledRow row : rows) {
            if (!row.couldMatch(segments, lastSegment)) {
                continue;
            }
            Matcher matcher = row.pattern().matcher(path);
            if (!matcher.matches()) {
                continue;
            }
            if (!row.endpoint().method().equalsIgnoreCase(method)) {
                allowed.add(row.endpoint().method());
                continue;
            }
            Map<String, String> values = new HashMap<>();
            for (int i = 0; i < row.placeholders().size(); i++) {
                values.put(row.placeholders().get(i), matcher.group(i + 1));
            }
            return toClassification(row.endpoint(), values);
        }
        throw allowed.isEmpty() ? GatewayError.notFound(path) : GatewayError.methodNotAllowed(method, path, allowed);
    }

    /** 17 characters of A-Z (not I, O or Q) and 0-9: checked by hand, as every request's VIN is (a regex was 0.6 % of a read). */
    public static boolean isVin(String text) {
        if (text == null || text.length() != 17) {
            return false;
        }
        for (int i = 0; i < 17; i++) {
            char c = text.charAt(i);
            if (!(c >= '0' && c <= '9' || c >= 'A' && c <= 'Z' && c != 'I' && c != 'O' && c != 'Q')) {
                return false;
            }
        }
        return true;
    }

    public static GatewayError malformedVin() {
        return GatewayError.invalidRequest("Malformed VIN: a VIN has 17 characters, A-Z (not I, O or Q) and 0-9.");
    }

    private static Classification toClassification(FleetApiEndpoint endpoint, Map<String, String> values) {
        String vin = values.get("vin");
        if (vin != null && !isVin(vin)) {
            throw malformedVin();
        }
        Long siteId = null;
        String site = values.get("site");
        if (site != null) {
            if (!SITE_ID.matcher(site).matches()) {
                throw GatewayError.invalidRequest("Malformed energy site id: it is a number.");
            }
            siteId = Long.parseLong(site);
        }
        String id = values.get("id");
        if (id != null && !ID.matcher(id).matches()) {
            throw GatewayError.invalidRequest("Malformed id in the path: it is letters, digits, '-', '_', '.' or '~'.");
        }
        String command = values.get("command");
        if (command != null && !VehicleCommands.isKnown(command)) {
            throw GatewayError.invalidCommand(command);
        }
        return new Classification(endpoint, vin, siteId, command);
    }

    private static FleetApiEndpoint row(String method, String template, EndpointClass endpointClass,
                                        Set<String> scopes, VinSource vinSource) {
        return new FleetApiEndpoint(method, template, endpointClass, scopes, vinSource);
    }

    private static int slashes(String path) {
        int count = 0;
        for (int i = 0; i < path.length(); i++) {
            if (path.charAt(i) == '/') {
                count++;
            }
        }
        return count;
    }

    /**
     * A row's pattern, and what a path needs before the pattern is worth trying (placeholders
     * never span a '/'): as many segments, and the same last one unless that is a placeholder.
     * Every request and every command is classified; most rows are ruled out without a regex.
     */
    private record CompiledRow(FleetApiEndpoint endpoint, Pattern pattern, List<String> placeholders,
                               int slashes, String lastLiteral) {
        boolean couldMatch(int pathSlashes, String pathLastSegment) {
            return slashes == pathSlashes && (lastLiteral == null || lastLiteral.equals(pathLastSegment));
        }
    }
}
