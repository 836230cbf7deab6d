package io.fleetgate.gateway;

import io.fleetgate.ingress.EnergyCommands;
import io.fleetgate.ingress.FleetApiCatalog;
import io.fleetgate.ingress.FleetApiEndpoint;
import io.fleetgate.vcp.Commands;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * Random requests for {@link FuzzedRequestsTest}, all drawn from one seeded random source so a
 * seed gives the same requests again: Fleet API paths with good and garbled parts, any method,
 * tokens good, revoked or garbage in any place, odd headers and queries, and bodies from random
 * bytes to command bodies with the wrong types.
 */
final class FuzzedRequests {
    private static final String[] METHODS = {"GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"};
    private static final List<FleetApiEndpoint> ENDPOINTS = new FleetApiCatalog().endpoints();
    private static final List<String> OWN_PATHS = List.of("/api/ping", "/api/test", "/api/metadata", "/api/usage",
            "/api/usage?from=2026-01-01&to=2026-02-01", "/api/key", "/api/openapi.json",
            "/.well-known/appspecific/com.tesla.3p.public-key.pem", "/admin/accounts", "/admin/accounts/alice",
            "/admin/accounts/alice/gateway-tokens", "/admin/accounts/alice/subscription", "/api", "/api/", "/api/1",
            "/api/1/", "/api/2/vehicles", "/", "/api/userdata", "/api/fields", "/fields.json",
            "/api/config/5YJ3E1EA7KF100001", "/api/config/5YJ3E1EA7KF100003", "/api/config/not-a-vin",
            "/api/vehicle_config/5YJ3E1EA7KF100001", "/api/refresh/5YJ3E1EA7KF100002",
            "/api/auto/5YJ3E1EA7KF100001", "/api/auto/5YJ3E1EA7KF100003", "/api/auto/not-a-vin");
    private static final List<String> CATALOG_COMMANDS = List.copyOf(Commands.names());
    private static final List<String> OTHER_COMMANDS = List.of("sun_roof_control", "navigation_request", "remote_boombox",
            "navigation_gps_request", "take_drivenote", "parental_controls_activate", "set_managed_charger_location",
            "remote_steering_wheel_heat_level_request");

    /** Who the request claims to be: a token (null for none) and what its account may touch. */
    record Caller(String name, String token, List<String> vins, List<Long> sites) {}

    /** One request as it goes on the wire. */
    record FuzzedRequest(String method, String target, List<Map.Entry<String, String>> headers, byte[] body,
                         boolean chunked, String caller) {
        String describe() {
            String bodyText = body == null ? "(none)" : body.length + " bytes: "
                    + abbreviate(new String(body, StandardCharsets.UTF_8), 300);
            List<String> shown = headers.stream().map(h -> h.getKey() + ": " + abbreviate(h.getValue(), 80)).toList();
            return method + " " + abbreviate(target, 400) + (chunked ? " (chunked)" : "") + "\n    caller " + caller
                    + "\n    headers " + shown + "\n    body " + bodyText;
        }
    }

    private final Draws draw;
    private final FuzzedBodies bodies;
    private final List<Caller> callers;
    private final List<Integer> anyWeights;
    private final List<Integer> commandWeights;

    /**
     * @param callers           the callers to draw from
     * @param anyWeights        their weights for {@link #any()}
     * @param commandWeights    their weights for {@link #command()}
     * @param validSignedBodies well-formed signed_command bodies (a session request each)
     */
    FuzzedRequests(long seed, List<Caller> callers, List<Integer> anyWeights, List<Integer> commandWeights,
                   List<String> validSignedBodies) {
        this.draw = new Draws(seed);
        this.bodies = new FuzzedBodies(draw, validSignedBodies);
        this.callers = callers;
        this.anyWeights = anyWeights;
        this.commandWeights = commandWeights;
    }

    /** Anything: any path, method, caller, header, query and body. */
    FuzzedRequest any() {
        Caller caller = callers.get(draw.weighted(anyWeights));
        int kind = draw.nextInt(100);
        String method;
        String path;
        if (kind < 65) {
            FleetApiEndpoint endpoint = ENDPOINTS.get(draw.nextInt(ENDPOINTS.size()));
            method = draw.chance(55) ? endpoint.method() : method();
            path = fill(endpoint.template(), caller);
            path = draw.chance(35) ? mutate(path) : path;
        } else if (kind < 85) {
            method = method();
            path = OWN_PATHS.get(draw.nextInt(OWN_PATHS.size()));
            path = draw.chance(30) ? mutate(path) : path;
        } else {
            method = draw.chance(90) ? method() : draw.oneOf("TRACE", "FOO", "get", "M-SEARCH", "PROPFIND");
            path = garbagePath();
        }
        return build(method, path, caller, draw.chance(15) ? 25 : 10, bodies.bodyFor(path, method));
    }

    /** A command (vehicle, signed or energy) from a caller who may mostly send it, with a fuzzed body. */
    FuzzedRequest command() {
        Caller caller = callers.get(draw.weighted(commandWeights));
        String vin = caller.vins().isEmpty() ? "5YJ3E1EA7KF100001" : caller.vins().get(draw.nextInt(caller.vins().size()));
        long site = caller.sites().isEmpty() ? 1234567890123L : caller.sites().getFirst();
        int kind = draw.nextInt(100);
        String path;
        if (kind < 50) {
            String name = draw.chance(75) ? draw.oneOf(CATALOG_COMMANDS) : draw.chance(60) ? draw.oneOf(OTHER_COMMANDS) : garbageSegment();
            path = "/api/1/vehicles/" + vin + "/command/" + name;
        } else if (kind < 72) {
            path = "/api/1/vehicles/" + vin + "/signed_command";
        } else if (kind < 75) {
            path = "/api/1/vehicles/" + vin + "/wake_up";
        } else {
            path = "/api/1/energy_sites/" + site + "/" + draw.oneOf(List.copyOf(EnergyCommands.names()));
        }
        String method = draw.chance(92) ? "POST" : method();
        byte[] body = draw.chance(85) ? bodies.commandBody(path) : bodies.garbageBody();
        return build(method, path, caller, 0, body);
    }

    private FuzzedRequest build(String method, String path, Caller caller, int oddHeaderPercent, byte[] body) {
        List<Map.Entry<String, String>> headers = new ArrayList<>();
        List<String> query = new ArrayList<>();
        placeToken(caller, headers, query);
        if (body != null || draw.chance(20)) {
            String type = draw.chance(70) ? "application/json" : draw.oneOf("text/plain", "application/x-www-form-urlencoded",
                    "multipart/form-data; boundary=xyz", "application/json; charset=utf-16", "garbage/", "*/*", "",
                    "application/json;;;", "application/vnd.tesla+json");
            if (draw.chance(92)) {
                headers.add(Map.entry("Content-Type", type));
            }
        }
        if (draw.chance(oddHeaderPercent)) {
            headers.add(oddHeader());
        }
        if (draw.chance(10)) {
            headers.add(Map.entry(draw.chance(50) ? "X-Library" : "User-Agent", draw.text(1, 120)));
        }
        if (draw.chance(5)) {
            headers.add(Map.entry("X-Forwarded-For", draw.oneOf("1.2.3.4", "not-an-ip", "::1, 10.0.0.1", "999.999.1.1", draw.text(1, 40))));
        }
        if (draw.chance(20)) {
            query.add(oddQuery(caller));
        }
        String target = query.isEmpty() || path.contains("#") ? path : path + (path.contains("?") ? "&" : "?") + String.join("&", query);
        boolean chunked = body != null && draw.chance(10);
        return new FuzzedRequest(method, target, headers, body, chunked, caller.name());
    }

    private void placeToken(Caller caller, List<Map.Entry<String, String>> headers, List<String> query) {
        if (caller.token() == null) {
            if (draw.chance(10)) {
                headers.add(Map.entry("Authorization", draw.oneOf("Bearer", "Bearer ", "Basic", "")));
            }
            return;
        }
        String token = caller.token();
        int place = draw.nextInt(100);
        if (place < 70) {
            headers.add(Map.entry("Authorization", "Bearer " + token));
        } else if (place < 82) {
            query.add("token=" + (draw.chance(80) ? URLEncoder.encode(token, StandardCharsets.UTF_8) : token.replace(' ', '+')));
        } else if (place < 88) {
            headers.add(Map.entry("Authorization", "Bearer " + token));
            query.add("token=" + (draw.chance(50) ? URLEncoder.encode(token, StandardCharsets.UTF_8) : "gw-someone-else"));
        } else if (place < 92) {
            query.add("token=" + URLEncoder.encode(token, StandardCharsets.UTF_8));
            query.add("token=" + draw.oneOf("", "x", "%zz", URLEncoder.encode(token, StandardCharsets.UTF_8)));
        } else {
            headers.add(Map.entry("Authorization", draw.oneOf("Basic " + Base64.getEncoder().encodeToString(("u:" + token).getBytes(StandardCharsets.UTF_8)),
                    "Token " + token, "bearer " + token, "Bearer  " + token, "Bearer\t" + token, "Bearer " + token + " extra",
                    "Bearer Bearer " + token, token)));
        }
    }

    private String fill(String template, Caller caller) {
        String path = template;
        if (path.contains("{vin}")) {
            path = path.replace("{vin}", vin(caller));
        }
        if (path.contains("{site}")) {
            path = path.replace("{site}", site(caller));
        }
        if (path.contains("{command}")) {
            path = path.replace("{command}", draw.chance(50) ? draw.oneOf(CATALOG_COMMANDS) : draw.chance(40) ? draw.oneOf(OTHER_COMMANDS) : garbageSegment());
        }
        return path.replace("{id}", draw.chance(70) ? Long.toString(draw.nextLong(1, 1L << 40)) : garbageSegment());
    }

    private String vin(Caller caller) {
        int kind = draw.nextInt(100);
        if (kind < 45 && !caller.vins().isEmpty()) {
            return caller.vins().get(draw.nextInt(caller.vins().size()));
        }
        if (kind < 60) {
            return draw.oneOf("5YJ3E1EA7KF100003", "LRW3E7FA7MC100005", "LRW3E7FA7MC100004", draw.randomVin());
        }
        return switch (draw.nextInt(10)) {
            case 0 -> draw.randomVin().substring(0, draw.nextInt(17));
            case 1 -> draw.randomVin() + draw.randomVin().substring(0, 1 + draw.nextInt(10));
            case 2 -> draw.randomVin().toLowerCase();
            case 3 -> draw.randomVin().substring(0, 16) + draw.oneOf("I", "O", "Q", "-", "_", "%20", "%2F");
            case 4 -> draw.randomVin().substring(0, 15) + draw.oneOf(Draws.UNICODE);
            case 5 -> draw.oneOf("..", ".", "%2E%2E", "%00", "100001", "-1", "null", "%2F");
            case 6 -> "A".repeat(1 + draw.nextInt(3000));
            default -> garbageSegment();
        };
    }

    private String site(Caller caller) {
        int kind = draw.nextInt(100);
        if (kind < 50 && !caller.sites().isEmpty()) {
            return Long.toString(caller.sites().getFirst());
        }
        if (kind < 60) {
            return draw.oneOf("1234567890124", "9876543210", "1", "999999999999999999");
        }
        return draw.oneOf("0", "-1", "9999999999999999999", "99999999999999999999999", "12ab", "1e5", "0x1F", "+12", "١٢٣",
                "%31%32", "", "..", garbageSegment());
    }

    private String mutate(String path) {
        int q = path.indexOf('?');
        String query = q < 0 ? "" : path.substring(q);
        String p = q < 0 ? path : path.substring(0, q);
        int at = p.length() <= 1 ? p.length() : 1 + draw.nextInt(p.length() - 1);
        String mutated = switch (draw.nextInt(14)) {
            case 0 -> p + "/..";
            case 1 -> p.substring(0, at) + "/../" + p.substring(at);
            case 2 -> p.replaceFirst("/", "//");
            case 3 -> p + "/";
            case 4 -> p.substring(0, at) + "%" + String.format("%02X", (int) p.charAt(Math.min(at, p.length() - 1))) + p.substring(Math.min(at + 1, p.length()));
            case 5 -> p.substring(0, at) + draw.oneOf("%zz", "%", "%G1", "%0", "%%") + p.substring(at);
            case 6 -> p.substring(0, at) + draw.oneOf("%00", "%2F", "%2f", "%5C", "%0A", "%0D%0A", "%20", "%FF%FE") + p.substring(at);
            case 7 -> p + "/" + "x".repeat(500 + draw.nextInt(6000));
            case 8 -> p.substring(0, at) + draw.oneOf(Draws.UNICODE) + p.substring(at);
            case 9 -> p.toUpperCase();
            case 10 -> p + ";jsessionid=" + draw.nextInt(1000);
            case 11 -> p + "#fragment";
            case 12 -> p + "/" + garbageSegment();
            default -> p.replace("/api/1/", "/api/1/./");
        };
        return mutated + query;
    }

    private String garbagePath() {
        return switch (draw.nextInt(8)) {
            case 0 -> "*";
            case 1 -> "api/1/vehicles";
            case 2 -> "http://127.0.0.1/api/1/vehicles";
            case 3 -> "/api/1/" + garbageSegment() + "/" + garbageSegment();
            case 4 -> "/" + draw.text(1, 60).replace(' ', '_').replace('?', '_').replace('#', '_');
            case 5 -> "/api/1/vehicles/" + "../".repeat(1 + draw.nextInt(5)) + "etc/passwd";
            case 6 -> "/%2e%2e/%2e%2e/api/1/vehicles";
            default -> "/api/1/" + "a/".repeat(1 + draw.nextInt(200));
        };
    }

    private String garbageSegment() {
        return switch (draw.nextInt(6)) {
            case 0 -> draw.text(1, 30).replace(' ', '_').replace('/', '_').replace('?', '_').replace('#', '_');
            case 1 -> draw.oneOf(Draws.UNICODE) + draw.nextInt(100);
            case 2 -> "%" + String.format("%02x", draw.nextInt(256));
            case 3 -> "DOOR_LOCK";
            case 4 -> "x".repeat(1 + draw.nextInt(300));
            default -> Integer.toString(draw.nextInt());
        };
    }

    private String method() {
        return METHODS[draw.nextInt(METHODS.length)];
    }

    private Map.Entry<String, String> oddHeader() {
        return switch (draw.nextInt(7)) {
            case 0 -> Map.entry("X-Pad", "p".repeat(2000 + draw.nextInt(14000)));
            case 1 -> Map.entry("X-" + draw.nextInt(1000), draw.text(0, 200));
            case 2 -> Map.entry("Accept", draw.oneOf("text/html", "*/*", "application/xml", ""));
            case 3 -> Map.entry("X-Fleetgate-Attempts", "99");
            case 4 -> Map.entry("Authorization", "Bearer " + draw.text(1, 100));
            case 5 -> Map.entry("Content-Type", draw.text(0, 60));
            default -> Map.entry("Cookie", "token=" + draw.text(1, 40));
        };
    }

    private String oddQuery(Caller caller) {
        return switch (draw.nextInt(11)) {
            case 0 -> "endpoints=charge_state%3Bclimate_state%3Blocation_data";
            case 1 -> "endpoints=" + URLEncoder.encode(draw.text(0, 80), StandardCharsets.UTF_8);
            case 2 -> "a=1&a=2&a=";
            case 3 -> "token=";
            case 4 -> "token";
            case 5 -> draw.oneOf("%zz=1", "=x", "&&", "a=%", "%ZZ", "a=%E2%82");
            case 6 -> "vin=" + vin(caller);
            case 7 -> "kind=" + draw.oneOf("energy", "backup", "charge", "") + "&period=" + draw.oneOf("day", "year", "x");
            case 8 -> "from=" + draw.oneOf("2026-01-01", "garbage", "2026-13-45", "") + "&to=" + draw.oneOf("2027-01-01", "", "0");
            case 9 -> "q=" + "x".repeat(1000 + draw.nextInt(3000));
            default -> URLEncoder.encode(draw.text(1, 20), StandardCharsets.UTF_8) + "=" + URLEncoder.encode(draw.text(0, 20), StandardCharsets.UTF_8);
        };
    }

    static String abbreviate(String text, int max) {
        String oneLine = text.replace("\r", "\\r").replace("\n", "\\n");
        return oneLine.length() <= max ? oneLine : oneLine.substring(0, max) + "... (" + oneLine.length() + " chars)";
    }
}
