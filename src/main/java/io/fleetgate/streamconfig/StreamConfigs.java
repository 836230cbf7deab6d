package io.fleetgate.streamconfig;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetgate.account.Account;
import io.fleetgate.accountapi.VehicleFirmware;
import io.fleetgate.ingress.ExchangeKeys;
import io.fleetgate.ingress.GatewayError;
import io.fleetgate.ingress.IncomingRequest;
import io.fleetgate.telemetry.FieldCatalogue;
import io.fleetgate.telemetry.FieldSpec;
import io.fleetgate.telemetry.StreamingConfigException;
import io.fleetgate.telemetry.StreamingConfigRequest;
import io.fleetgate.telemetry.StreamingConfigValidator;
import io.fleetgate.vcp.jws.JwsSigner;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import org.apache.camel.Exchange;

/**
 * Teslemetry's {@code /api/config/{vin}} (streaming.md 3.3) on top of the Fleet API's
 * {@code fleet_telemetry_config}: GET answers the vehicle's config flat, with {@code pending}
 * (not yet fetched by the car), or 404 when it has none; POST replaces the fields, PATCH merges
 * them into the current ones ({@code null}: the field's default interval); both are checked
 * against the field catalogue, signed by Fleetgate with the fleet key and sent through
 * {@code fleet_telemetry_config_jws}, and answered flat with {@code updated_vehicles},
 * {@code skipped_vehicles} and {@code ignoredFields}. Host, port and CA are Fleetgate's settings,
 * never the caller's. A Fleet API answer that is not a success goes back as it came.
 */
public final class StreamConfigs {
    static final String REQUEST = "fleetgateStreamConfigRequest";
    static final String CURRENT = "fleetgateStreamConfigCurrent";
    static final String SENT = "fleetgateStreamConfigSent";
    static final String IGNORED = "fleetgateStreamConfigIgnored";
    /** Set when reading the current config (PATCH) got an answer that goes back to the caller as it is. */
    static final String READ_FAILED = "fleetgateStreamConfigReadFailed";
    /** The {@link StreamConfigChange} for {@code direct:stream-config-changed}, once a vehicle took a change. */
    public static final String CHANGE = "fleetgateStreamConfigChange";

    private final StreamingConfigValidator validator;
    private final FieldCatalogue catalogue;
    private final Optional<JwsSigner> signer;
    private final Optional<TelemetryServer> server;
    private final VehicleFirmware firmware;
    private final Clock clock;
    private final String defaultRegion;

    public StreamConfigs(FieldCatalogue catalogue, Optional<JwsSigner> signer, Optional<TelemetryServer> server,
                         VehicleFirmware firmware, Clock clock, String defaultRegion) {
        this.validator = new StreamingConfigValidator(catalogue);
        this.catalogue = catalogue;
        this.signer = signer;
        this.server = server;
        this.firmware = firmware;
        this.clock = clock;
        this.defaultRegion = defaultRegion;
    }

    /**
     * For POST and PATCH: the body checked against the catalogue (400 {@code invalid_request}
     * naming every field at fault; {@code hostname}, {@code port} and {@code ca} are refused, they
     * are Fleetgate's), and location fields only for an account with {@code vehicle_location}
     * (403 {@code invalid_scope}). Nothing is asked upstream before this passes.
     */
    public void checkRequest(Exchange exchange) {
        String method = exchange.getProperty(ExchangeKeys.METHOD, String.class);
        if (!"POST".equals(method) && !"PATCH".equals(method)) {
            return;
        }
        // refused before any call upstream: a config that cannot be signed is never half-made
        requireServer();
        requireSigner();
        JsonNode body = IncomingRequest.parsedBody(exchange)
                .orElseThrow(() -> GatewayError.invalidRequest("The body needs \"fields\": {\"<Field>\": {\"interval_seconds\": n}, ...}."));
        StreamingConfigRequest request;
        try {
            request = validator.validate(body);
        } catch (StreamingConfigException e) {
            throw GatewayError.invalidRequest("Invalid streaming config: " + e.getMessage() + ".");
        }
        if (request.fields().isEmpty()) {
            throw GatewayError.invalidRequest("Invalid streaming config: fields must name at least one field"
                    + " (DELETE /api/config/{vin} stops streaming).");
        }
        // refused here, not after PATCH's read: a change the vehicle would ignore entirely changes nothing
        String vin = VehicleEndpoints.vin(exchange);
        Optional<String> version = firmware.firmware(vin);
        List<String> unsupported = request.fields().keySet().stream()
                .filter(name -> !streams(version, name)).sorted().toList();
        if (unsupported.size() == request.fields().size()) {
            throw GatewayError.invalidRequest("Invalid streaming config: vehicle " + vin + " runs " + version.orElseThrow()
                    + ", which streams none of " + String.join(", ", unsupported) + ".");
        }
        Account account = exchange.getProperty(ExchangeKeys.ACCOUNT, Account.class);
        if (!account.scopes().contains(FieldSpec.LOCATION_SCOPE)) {
            TreeSet<String> located = new TreeSet<>();
            request.fields().keySet().forEach(name -> catalogue.field(name)
                    .filter(FieldSpec::needsLocationScope).ifPresent(spec -> located.add(name)));
            if (!located.isEmpty()) {
                throw GatewayError.invalidScope(FieldSpec.LOCATION_SCOPE + " (for " + String.join(", ", located) + ")");
            }
        }
        exchange.setProperty(REQUEST, request);
    }

    /** GET: the config flat, as Teslemetry answers it, or 404 {@code not_found} when the vehicle has none. */
    public void answerRead(Exchange exchange) {
        Optional<JsonNode> response = Answers.okResponse(exchange);
        if (response.isEmpty()) {
            Answers.passThrough(exchange, defaultRegion);
            return;
        }
        JsonNode config = response.get().get("config");
        if (config == null || !config.isObject()) {
            throw new GatewayError(404, "not_found", "Vehicle " + VehicleEndpoints.vin(exchange) + " has no streaming configuration.");
        }
        ObjectNode body = ((ObjectNode) config).deepCopy();
        body.put("pending", !response.get().path("synced").asBoolean(true));
        Answers.json(exchange, 200, body, defaultRegion);
    }

    /** PATCH, after the current config was read: kept for the merge; any other answer goes back to the caller. */
    public void keepCurrent(Exchange exchange) {
        Optional<JsonNode> response = Answers.okResponse(exchange);
        if (response.isEmpty()) {
            exchange.setProperty(READ_FAILED, true);
            Answers.passThrough(exchange, defaultRegion);
            return;
        }
        JsonNode config = response.get().get("config");
        if (config != null && config.isObject()) {
            exchange.setProperty(CURRENT, config.deepCopy());
        }
    }

    /**
     * The config the vehicle is to hold, signed: the caller's fields (PATCH: merged into the
     * current ones, whose other settings stay), without those the vehicle's known firmware does
     * not stream ({@code ignoredFields}), with Fleetgate's host, port, CA and alert types and a
     * fresh {@code exp}; then the call {@code POST /api/1/vehicles/fleet_telemetry_config_jws}.
     */
    public void prepareSignedConfig(Exchange exchange) {
        TelemetryServer server = requireServer();
        JwsSigner jws = requireSigner();
        StreamingConfigRequest request = exchange.getProperty(REQUEST, StreamingConfigRequest.class);
        ObjectNode current = "PATCH".equals(exchange.getProperty(ExchangeKeys.METHOD, String.class))
                ? exchange.getProperty(CURRENT, ObjectNode.class) : null;
        String vin = VehicleEndpoints.vin(exchange);

        ObjectNode fields = current != null && current.path("fields").isObject()
                ? ((ObjectNode) current.get("fields")).deepCopy() : Answers.JSON.createObjectNode();
        List<String> ignored = new ArrayList<>();
        Optional<String> version = firmware.firmware(vin);
        request.fieldsJson().properties().forEach(entry -> {
            if (streams(version, entry.getKey())) {
                fields.set(entry.getKey(), entry.getValue());
            } else {
                ignored.add(entry.getKey());
            }
        });
        if (fields.isEmpty()) {
            // the firmware seen at the check was older: nothing left to send
            throw GatewayError.invalidRequest("Invalid streaming config: vehicle " + vin + " runs " + version.orElse("unknown firmware")
                    + ", which streams none of " + String.join(", ", ignored) + ".");
        }

        ObjectNode config = Answers.JSON.createObjectNode();
        config.put("hostname", server.hostname());
        config.put("port", server.port());
        server.ca().ifPresent(ca -> config.put("ca", ca));
        config.set("fields", fields);
        if (!server.alertTypes().isEmpty()) {
            ArrayNode alertTypes = config.putArray("alert_types");
            server.alertTypes().forEach(alertTypes::add);
        }
        config.put("exp", clock.instant().plus(server.configLifetime()).getEpochSecond());
        Optional<Boolean> preferTyped = request.preferTyped().or(() -> booleanOf(current, "prefer_typed"));
        preferTyped.ifPresent(value -> config.put("prefer_typed", value));
        Optional<String> deliveryPolicy = request.deliveryPolicy().or(() -> textOf(current, "delivery_policy"));
        deliveryPolicy.ifPresent(value -> config.put("delivery_policy", value));

        ObjectNode body = Answers.JSON.createObjectNode();
        body.putArray("vins").add(vin);
        body.put("token", jws.signTelemetryConfig(config));
        exchange.setProperty(SENT, config);
        exchange.setProperty(IGNORED, List.copyOf(ignored));
        UpstreamCalls.prepare(exchange, "POST", "/api/1/vehicles/fleet_telemetry_config_jws", null,
                body.toString().getBytes(StandardCharsets.UTF_8));
    }

    /**
     * POST and PATCH: Tesla's {@code {updated_vehicles, skipped_vehicles}} answered flat, as
     * Teslemetry does, with {@code ignoredFields}; a vehicle that took the config is a change for the stream.
     */
    public void answerUpdate(Exchange exchange) {
        Optional<JsonNode> response = Answers.okResponse(exchange);
        if (response.isEmpty()) {
            Answers.passThrough(exchange, defaultRegion);
            return;
        }
        ObjectNode body = Answers.JSON.createObjectNode();
        int updated = response.get().path("updated_vehicles").asInt(0);
        body.put("updated_vehicles", updated);
        JsonNode skipped = response.get().get("skipped_vehicles");
        body.set("skipped_vehicles", skipped != null && skipped.isObject() ? skipped : Answers.JSON.createObjectNode());
        ArrayNode ignored = body.putArray("ignoredFields");
        @SuppressWarnings("unchecked")
        List<String> ignoredFields = exchange.getProperty(IGNORED, List.class);
        if (ignoredFields != null) {
            ignoredFields.forEach(ignored::add);
        }
        if (updated > 0) {
            noteChange(exchange, Optional.of(exchange.getProperty(SENT, ObjectNode.class)));
        }
        Answers.json(exchange, 200, body, defaultRegion);
    }

    /** DELETE: {@code {"response":{"updated_vehicles":n}}}; a vehicle that dropped its config is a change for the stream. */
    public void answerDelete(Exchange exchange) {
        Optional<JsonNode> response = Answers.okResponse(exchange);
        if (response.isEmpty()) {
            Answers.passThrough(exchange, defaultRegion);
            return;
        }
        int updated = response.get().path("updated_vehicles").asInt(0);
        ObjectNode body = Answers.JSON.createObjectNode();
        body.putObject("response").put("updated_vehicles", updated);
        if (updated > 0) {
            noteChange(exchange, Optional.empty());
        }
        Answers.json(exchange, 200, body, defaultRegion);
    }

    /** Whether a vehicle on this firmware streams the field; unknown firmware is given the benefit of the doubt. */
    private boolean streams(Optional<String> version, String field) {
        String since = catalogue.field(field).map(FieldSpec::firmware).orElse(null);
        return version.isEmpty() || since == null || FirmwareVersion.atLeast(version.get(), since);
    }

    private TelemetryServer requireServer() {
        return server.orElseThrow(() -> new GatewayError(503, "service_unavailable",
                "Fleetgate has no fleet-telemetry server to configure (fleetgate.telemetry.server.hostname)."));
    }

    private JwsSigner requireSigner() {
        return signer.orElseThrow(() -> new GatewayError(503, "service_unavailable",
                "Fleetgate has no fleet key (fleetgate.vcp.private-key-file), so it cannot sign streaming configs."));
    }

    private static void noteChange(Exchange exchange, Optional<ObjectNode> config) {
        Account account = exchange.getProperty(ExchangeKeys.ACCOUNT, Account.class);
        exchange.setProperty(CHANGE, new StreamConfigChange(VehicleEndpoints.vin(exchange), account.id(), config));
    }

    private static Optional<Boolean> booleanOf(ObjectNode config, String key) {
        return config == null || !config.path(key).isBoolean() ? Optional.empty() : Optional.of(config.get(key).booleanValue());
    }

    private static Optional<String> textOf(ObjectNode config, String key) {
        return config == null || !config.path(key).isTextual() ? Optional.empty() : Optional.of(config.get(key).textValue());
    }

}
