package io.fleetgate.streamconfig;

import io.fleetgate.ingress.ExchangeKeys;
import org.apache.camel.Exchange;

/**
 * The Fleet API calls Fleetgate's own endpoints make, set up for {@code direct:regional-router}
 * (which sends what the request properties say), and the caller's own request put back after each:
 * its audit event names the caller's method, not the last call's.
 */
public final class UpstreamCalls {
    /** The caller's request, kept while the properties describe a call upstream. */
    static final String CALLER = "fleetgateCallerRequest";

    private record Request(String method, String path, String query, byte[] body) {
    }

    /** {@code GET /api/1/vehicles/{vin}/fleet_telemetry_config}. */
    public void prepareConfigRead(Exchange exchange) {
        prepare(exchange, "GET", vehiclePath(exchange) + "/fleet_telemetry_config", null, null);
    }

    /** {@code DELETE /api/1/vehicles/{vin}/fleet_telemetry_config}. */
    public void prepareConfigDelete(Exchange exchange) {
        prepare(exchange, "DELETE", vehiclePath(exchange) + "/fleet_telemetry_config", null, null);
    }

    /** Puts the caller's method, path, query and body back on the request properties; nothing when none was kept. */
    public void restoreCaller(Exchange exchange) {
        Request caller = exchange.getProperty(CALLER, Request.class);
        if (caller == null) {
            return;
        }
        exchange.setProperty(ExchangeKeys.METHOD, caller.method());
        exchange.setProperty(ExchangeKeys.PATH, caller.path());
        exchange.setProperty(ExchangeKeys.QUERY, caller.query());
        exchange.setProperty(ExchangeKeys.REQUEST_BODY, caller.body());
        exchange.removeProperty(CALLER);
    }

    /** The next call: what the regional router sends (with the account's own Tesla token). */
    static void prepare(Exchange exchange, String method, String path, String query, byte[] body) {
        if (exchange.getProperty(CALLER) == null) {
            exchange.setProperty(CALLER, new Request(exchange.getProperty(ExchangeKeys.METHOD, String.class),
                    exchange.getProperty(ExchangeKeys.PATH, String.class), exchange.getProperty(ExchangeKeys.QUERY, String.class),
                    exchange.getProperty(ExchangeKeys.REQUEST_BODY, byte[].class)));
        }
        exchange.setProperty(ExchangeKeys.METHOD, method);
        exchange.setProperty(ExchangeKeys.PATH, path);
        exchange.setProperty(ExchangeKeys.QUERY, query);
        exchange.setProperty(ExchangeKeys.REQUEST_BODY, body);
        // each call may follow one 421 of its own
        exchange.removeProperty(ExchangeKeys.REROUTED);
    }

    static String vehiclePath(Exchange exchange) {
        return "/api/1/vehicles/" + VehicleEndpoints.vin(exchange);
    }
}
