package io.fleetgate.streamconfig;

import io.fleetgate.ingress.Classification;
import io.fleetgate.ingress.EndpointClass;
import io.fleetgate.ingress.ExchangeKeys;
import io.fleetgate.ingress.FleetApiCatalog;
import io.fleetgate.ingress.FleetApiEndpoint;
import io.fleetgate.ingress.VinSource;
import java.util.Map;
import java.util.Set;
import org.apache.camel.Exchange;

/**
 * Fleetgate's own per-vehicle endpoints ({@code /api/config/{vin}}, {@code /api/vehicle_config/{vin}},
 * {@code /api/refresh/{vin}}) described as rows like the Fleet API's endpoint table, so that the
 * same checks hold for them as for {@code /api/1/}: {@code gatewayTokenCheck.authorize} (the
 * subscription covers the VIN, the account has the scope) and the audit event (path template, VIN,
 * credits for the calls they make upstream, each a data request).
 */
public final class VehicleEndpoints {
    /** Every one reads or configures the vehicle's data, as the Fleet API calls they make need. */
    static final Set<String> VEHICLE_DATA = Set.of("vehicle_device_data");
    private static final Map<String, Set<String>> SCOPES = Map.of(
            "/api/config/{vin}", VEHICLE_DATA,
            "/api/vehicle_config/{vin}", VEHICLE_DATA,
            "/api/refresh/{vin}", VEHICLE_DATA,
            "/api/auto/{vin}", VEHICLE_DATA);

    /**
     * Classifies the request by its route's {@code fleetgateGatewayEndpoint} and the {@code vin}
     * in its path: 400 {@code invalid_request} for a malformed VIN, before anything else is asked.
     */
    public void classify(Exchange exchange) {
        String template = exchange.getProperty(ExchangeKeys.GATEWAY_ENDPOINT, String.class);
        Set<String> scopes = SCOPES.get(template);
        if (scopes == null) {
            throw new IllegalStateException("no scopes known for " + template);
        }
        String vin = exchange.getMessage().getHeader("vin", String.class);
        if (!FleetApiCatalog.isVin(vin)) {
            throw FleetApiCatalog.malformedVin();
        }
        String method = exchange.getProperty(ExchangeKeys.METHOD, String.class);
        FleetApiEndpoint row = new FleetApiEndpoint(method, template, EndpointClass.GATEWAY, scopes, VinSource.PATH);
        exchange.setProperty(ExchangeKeys.CLASSIFICATION, new Classification(row, vin, null, null));
        exchange.setProperty(ExchangeKeys.ENDPOINT_CLASS, EndpointClass.GATEWAY.name());
    }

    /** The VIN of the classified request. */
    static String vin(Exchange exchange) {
        return exchange.getProperty(ExchangeKeys.CLASSIFICATION, Classification.class).vin();
    }
}
