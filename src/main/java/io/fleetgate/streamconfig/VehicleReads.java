package io.fleetgate.streamconfig;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetgate.account.Account;
import io.fleetgate.accountapi.VehicleFirmware;
import io.fleetgate.ingress.ExchangeKeys;
import io.fleetgate.telemetry.FieldSpec;
import java.util.Optional;
import org.apache.camel.Exchange;

/**
 * Teslemetry's reads of one vehicle that Fleetgate answers with a {@code vehicle_data} call (each
 * a data request): {@code GET /api/vehicle_config/{vin}}, the vehicle's {@code vehicle_config}
 * section in {@code {"response": ...}}, and {@code GET /api/refresh/{vin}}, a full read now,
 * answered as {@code vehicle_data} answers. Like any read, neither wakes the vehicle: asleep, it
 * is Tesla's 408, passed through.
 */
public final class VehicleReads {
    /** Every section a refresh reads; location only for an account with {@code vehicle_location}. */
    private static final String SECTIONS = "charge_state;climate_state;closures_state;drive_state;gui_settings;vehicle_config;vehicle_state";
    /** The {@code vehicle_data} answer of a refresh, for {@code direct:vehicle-data-refreshed}. */
    public static final String REFRESHED = "fleetgateVehicleDataRefreshed";

    private final VehicleFirmware firmware;
    private final String defaultRegion;

    public VehicleReads(VehicleFirmware firmware, String defaultRegion) {
        this.firmware = firmware;
        this.defaultRegion = defaultRegion;
    }

    /** {@code GET /api/1/vehicles/{vin}/vehicle_data?endpoints=vehicle_config}. */
    public void prepareVehicleConfig(Exchange exchange) {
        UpstreamCalls.prepare(exchange, "GET", UpstreamCalls.vehiclePath(exchange) + "/vehicle_data", "endpoints=vehicle_config", null);
    }

    /** The {@code vehicle_config} section as {@code {"response": {...}}}; any other answer as it came. */
    public void answerVehicleConfig(Exchange exchange) {
        Optional<JsonNode> response = Answers.okResponse(exchange);
        if (response.isEmpty()) {
            Answers.passThrough(exchange, defaultRegion);
            return;
        }
        remember(exchange);
        ObjectNode body = Answers.JSON.createObjectNode();
        JsonNode section = response.get().get("vehicle_config");
        body.set("response", section == null ? Answers.JSON.nullNode() : section);
        Answers.json(exchange, 200, body, defaultRegion);
    }

    /** {@code GET /api/1/vehicles/{vin}/vehicle_data} with every section (location with the scope for it). */
    public void prepareRefresh(Exchange exchange) {
        Account account = exchange.getProperty(ExchangeKeys.ACCOUNT, Account.class);
        String sections = account.scopes().contains(FieldSpec.LOCATION_SCOPE) ? SECTIONS + ";location_data" : SECTIONS;
        UpstreamCalls.prepare(exchange, "GET", UpstreamCalls.vehiclePath(exchange) + "/vehicle_data",
                "endpoints=" + sections.replace(";", "%3B"), null);
    }

    /**
     * The {@code vehicle_data} answer as it came; a successful one is remembered (firmware) and
     * kept ({@link #REFRESHED}) for the stream's {@code vehicle_data} event.
     */
    public void answerRefresh(Exchange exchange) {
        if (Answers.status(exchange) == 200) {
            byte[] body = remember(exchange);
            if (body != null) {
                Account account = exchange.getProperty(ExchangeKeys.ACCOUNT, Account.class);
                exchange.setProperty(REFRESHED, new VehicleDataRefresh(VehicleEndpoints.vin(exchange), account.id(), body));
            }
        }
        Answers.passThrough(exchange, defaultRegion);
    }

    /** Learns the firmware from a successful answer; its bytes, read once, stay the answer's. */
    private byte[] remember(Exchange exchange) {
        byte[] body = exchange.getMessage().getBody(byte[].class);
        if (body != null) {
            exchange.getMessage().setBody(body);
            firmware.learnFromVehicleDataOf(VehicleEndpoints.vin(exchange), body);
        }
        return body;
    }
}
