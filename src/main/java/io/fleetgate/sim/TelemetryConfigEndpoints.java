package io.fleetgate.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetgate.vcp.jws.JwsException;
import io.fleetgate.vcp.jws.JwsSigner;
import io.fleetgate.vcp.jws.JwsVerifier;
import io.fleetgate.vcp.jws.VerifiedJws;
import java.time.Clock;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;

/**
 * The Fleet API's streaming configuration (streaming.md 2.1): {@code POST
 * /api/1/vehicles/fleet_telemetry_config_jws} with {@code {"vins":[...],"token":"<JWS>"}}, and per
 * vehicle {@code GET} / {@code DELETE .../fleet_telemetry_config}. A token is checked as the car
 * checks it: signed {@code Tesla.SS256} by the key its {@code iss} names, for the audience
 * {@code com.tesla.fleet.TelemetryClient}, not expired ({@link JwsVerifier}); a token that fails
 * any of these is refused with 400 for every VIN. A car whose keychain lacks that key is skipped as
 * {@code missing_key}, a car without the command protocol as {@code unsupported_hardware}, firmware
 * before 2024.26 (the first to take signed configs) as {@code unsupported_firmware}.
 */
final class TelemetryConfigEndpoints {

    /** The first firmware that takes a config through {@code fleet_telemetry_config_jws}. */
    static final String FIRST_JWS_FIRMWARE = "2024.26";
    private static final String[] SKIP_REASONS = {"missing_key", "unsupported_hardware", "unsupported_firmware", "max_configs"};

    private final SimulatedFleet fleet;
    private final FleetErrors errors;
    private final Envelope envelope;
    private final JwsVerifier verifier;
    private final Clock clock;

    TelemetryConfigEndpoints(SimulatedFleet fleet, FleetErrors errors, Envelope envelope, Clock clock) {
        this.fleet = fleet;
        this.errors = errors;
        this.envelope = envelope;
        this.verifier = new JwsVerifier(clock);
        this.clock = clock;
    }

    /** {@code GET .../fleet_telemetry_config}: {@code {synced, config|null, limit_reached, key_paired}}. */
    Reply read(ApiCall call) {
        return withVehicle(call, v -> {
            if (v.isOnline()) {
                fleet.telemetryConfigs().markSynced(v.vin());
            }
            Optional<TelemetryConfigs.Held> held = fleet.telemetryConfigs().held(v.vin());
            ObjectNode body = envelope.mapper().createObjectNode();
            // nothing held: nothing to fetch, so nothing pending
            body.put("synced", held.map(TelemetryConfigs.Held::synced).orElse(true));
            body.set("config", held.<JsonNode>map(TelemetryConfigs.Held::config).orElse(envelope.mapper().nullNode()));
            body.put("limit_reached", false);
            body.put("key_paired", v.keyPaired());
            return envelope.ok(body);
        });
    }

    /** {@code DELETE .../fleet_telemetry_config}: the car stops streaming; {@code updated_vehicles} 1, or 0 when it held none. */
    Reply delete(ApiCall call) {
        return withVehicle(call, v -> envelope.ok(envelope.mapper().createObjectNode()
                .put("updated_vehicles", fleet.telemetryConfigs().remove(v.vin()) ? 1 : 0)));
    }

    /** {@code POST /api/1/vehicles/fleet_telemetry_config_jws}: each VIN updated or skipped with its reason. */
    Reply configure(ApiCall call) {
        JsonNode body = envelope.parse(call.bodyText()).orElse(null);
        JsonNode vins = body == null ? null : body.get("vins");
        JsonNode token = body == null ? null : body.get("token");
        if (vins == null || !vins.isArray() || vins.isEmpty() || !allText(vins)) {
            return errors.invalidField("vins must be a non-empty array of VINs");
        }
        if (token == null || !token.isTextual()) {
            return errors.invalidField("token must be the signed config (a JWS)");
        }
        byte[] issuer;
        VerifiedJws verified;
        try {
            issuer = JwsVerifier.claimedIssuer(token.textValue());
            verified = verifier.verify(token.textValue(), issuer, JwsSigner.TELEMETRY_AUDIENCE);
        } catch (JwsException e) {
            return errors.invalidField("invalid token: " + e.getMessage());
        } catch (IllegalArgumentException e) {
            return errors.invalidField("invalid token: iss is not a P-256 public key");
        }
        ObjectNode config = verified.config();
        Optional<String> problem = problemOf(config);
        if (problem.isPresent()) {
            return errors.invalidField(problem.get());
        }

        ObjectNode result = envelope.mapper().createObjectNode();
        ObjectNode skipped = envelope.mapper().createObjectNode();
        for (String reason : SKIP_REASONS) {
            skipped.putArray(reason);
        }
        int updated = 0;
        for (JsonNode entry : vins) {
            String vin = entry.textValue();
            Optional<SimVehicle> owned = fleet.findVehicle(vin).filter(v -> v.ownerId().equals(call.user().id()));
            String reason;
            if (owned.isEmpty() || !owned.get().isPaired(issuer)) {
                // Tesla says nothing of cars outside the account: as in fleet_status, they count as unpaired
                reason = "missing_key";
            } else if (!owned.get().protocolSupported()) {
                reason = "unsupported_hardware";
            } else if (!atLeast(owned.get().firmwareVersion(), FIRST_JWS_FIRMWARE)) {
                reason = "unsupported_firmware";
            } else {
                fleet.telemetryConfigs().put(vin, config, clock.instant(), owned.get().isOnline());
                updated++;
                continue;
            }
            ((ArrayNode) skipped.get(reason)).add(vin);
        }
        result.put("updated_vehicles", updated);
        result.set("skipped_vehicles", skipped);
        return envelope.ok(result);
    }

    /** What the car would refuse in the config itself: no host or port to stream to, no fields. */
    private static Optional<String> problemOf(ObjectNode config) {
        JsonNode hostname = config.get("hostname");
        if (hostname == null || !hostname.isTextual() || hostname.textValue().isBlank()) {
            return Optional.of("config.hostname is required");
        }
        JsonNode port = config.get("port");
        if (port == null || !port.isIntegralNumber() || port.asInt() < 1 || port.asInt() > 65535) {
            return Optional.of("config.port must be a port number");
        }
        JsonNode ca = config.get("ca");
        if (ca != null && !ca.isNull() && !ca.isTextual()) {
            return Optional.of("config.ca must be a PEM string");
        }
        JsonNode fields = config.get("fields");
        if (fields == null || !fields.isObject() || fields.isEmpty()) {
            return Optional.of("config.fields must name at least one field");
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = fields.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            JsonNode interval = field.getValue().get("interval_seconds");
            if (interval == null || !interval.isIntegralNumber() || interval.asLong() < 1) {
                return Optional.of("config.fields." + field.getKey() + ".interval_seconds must be a positive integer");
            }
        }
        return Optional.empty();
    }

    private Reply withVehicle(ApiCall call, java.util.function.Function<SimVehicle, Reply> action) {
        return fleet.findVehicleByTag(call.pathParam("tag"))
                .filter(v -> v.ownerId().equals(call.user().id()))
                .map(action)
                .orElseGet(errors::notFound);
    }

    private static boolean allText(JsonNode array) {
        for (JsonNode entry : array) {
            if (!entry.isTextual()) {
                return false;
            }
        }
        return true;
    }

    /** Firmware versions compare by their numeric parts: 2024.44.25.3 is at least 2024.26. */
    static boolean atLeast(String version, String minimum) {
        String[] have = version.trim().split("[.\\s]+");
        String[] need = minimum.split("\\.");
        for (int i = 0; i < need.length; i++) {
            long a = i < have.length ? number(have[i]) : 0;
            long b = number(need[i]);
            if (a != b) {
                return a > b;
            }
        }
        return true;
    }

    private static long number(String part) {
        try {
            return Long.parseLong(part);
        } catch (NumberFormatException notANumber) {
            return 0;
        }
    }
}
