package io.fleetgate.sim;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/** Reads a {@code POST /sim/script} body; every problem is a {@link BadControlInput} (HTTP 400). */
final class ScriptRequestParser {

    static final long MAX_LATENCY_MS = 600_000;
    private static final Pattern HEADER_NAME = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");

    /** A parsed script request. */
    record ScriptRequest(ScriptQueue.Target target, String pathSuffix, List<ScriptedAnswer> answers) {
    }

    private final SimulatedFleet fleet;

    ScriptRequestParser(SimulatedFleet fleet) {
        this.fleet = fleet;
    }

    ScriptRequest parse(JsonNode body) {
        if (body == null || !body.isObject()) {
            throw new BadControlInput("body must be a JSON object");
        }
        ScriptQueue.Target target = target(body);
        JsonNode path = body.path("path");
        String suffix = null;
        if (!path.isMissingNode() && !path.isNull()) {
            if (!path.isTextual()) {
                throw new BadControlInput("path must be a string such as \"/command/flash_lights\"");
            }
            suffix = path.asText().isEmpty() ? null : path.asText();
        }
        JsonNode responses = body.path("responses");
        if (!responses.isArray() || responses.isEmpty()) {
            throw new BadControlInput("responses must be a non-empty array");
        }
        List<ScriptedAnswer> answers = new ArrayList<>();
        for (int i = 0; i < responses.size(); i++) {
            answers.add(answer(responses.get(i), "responses[" + i + "]"));
        }
        return new ScriptRequest(target, suffix, answers);
    }

    private ScriptQueue.Target target(JsonNode body) {
        JsonNode vin = body.path("vin");
        JsonNode site = body.path("site");
        boolean hasVin = !vin.isMissingNode() && !vin.isNull();
        boolean hasSite = !site.isMissingNode() && !site.isNull();
        if (hasVin == hasSite) {
            throw new BadControlInput("give exactly one of vin or site");
        }
        if (hasVin) {
            SimVehicle vehicle = fleet.findVehicle(vin.asText())
                    .filter(v -> vin.isTextual())
                    .orElseThrow(() -> new BadControlInput("unknown vin: " + vin.asText()));
            // requests may name the car by VIN or by its numeric id
            return new ScriptQueue.Target(vehicle.vin(), Set.of(vehicle.vin(), Long.toString(vehicle.id())));
        }
        long siteId;
        try {
            siteId = site.isIntegralNumber() ? site.asLong() : Long.parseLong(site.asText());
        } catch (NumberFormatException notANumber) {
            throw new BadControlInput("site must be an energy_site_id number");
        }
        SimEnergySite energySite = fleet.findEnergySite(siteId)
                .orElseThrow(() -> new BadControlInput("unknown site: " + siteId));
        String id = Long.toString(energySite.energySiteId());
        return new ScriptQueue.Target("site:" + id, Set.of(id));
    }

    private static ScriptedAnswer answer(JsonNode node, String where) {
        if (!node.isObject()) {
            throw new BadControlInput(where + " must be an object");
        }
        JsonNode status = node.path("status");
        int code = 200;
        if (!status.isMissingNode()) {
            if (!status.isIntegralNumber() || status.asInt() < 200 || status.asInt() > 599) {
                throw new BadControlInput(where + ".status must be an integer 200..599");
            }
            code = status.asInt();
        }
        JsonNode latency = node.path("latency_ms");
        long latencyMs = 0;
        if (!latency.isMissingNode()) {
            if (!latency.isIntegralNumber() || latency.asLong() < 0 || latency.asLong() > MAX_LATENCY_MS) {
                throw new BadControlInput(where + ".latency_ms must be an integer 0.." + MAX_LATENCY_MS);
            }
            latencyMs = latency.asLong();
        }
        return new ScriptedAnswer(code, headers(node.path("headers"), where), node.get("body"), latencyMs);
    }

    private static Map<String, String> headers(JsonNode node, String where) {
        if (node.isMissingNode() || node.isNull()) {
            return Map.of();
        }
        if (!node.isObject()) {
            throw new BadControlInput(where + ".headers must be an object of name to value");
        }
        Map<String, String> headers = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> header : node.properties()) {
            JsonNode value = header.getValue();
            if (!HEADER_NAME.matcher(header.getKey()).matches()) {
                throw new BadControlInput(where + ".headers: not a valid header name: " + header.getKey());
            }
            if (!value.isValueNode() || value.isNull() || value.asText().chars().anyMatch(c -> c < 0x20 && c != '\t')) {
                throw new BadControlInput(where + ".headers." + header.getKey() + " must be a one-line string or number");
            }
            headers.put(header.getKey(), value.asText());
        }
        return headers;
    }

    /** Input the control API refuses with 400. */
    static final class BadControlInput extends RuntimeException {
        private static final long serialVersionUID = 1L;

        BadControlInput(String message) {
            super(message);
        }
    }
}
