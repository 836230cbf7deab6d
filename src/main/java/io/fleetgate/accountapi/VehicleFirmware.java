package io.fleetgate.accountapi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fleetgate.ingress.Classification;
import io.fleetgate.ingress.ExchangeKeys;
import java.io.IOException;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.camel.Exchange;

/**
 * The firmware each vehicle last reported, learned from {@code vehicle_data} answers passing
 * through ({@code response.vehicle_state.car_version}, e.g. {@code 2024.44.25.3 06f534d46010}:
 * the version is its first word). Kept in memory, like the vehicle state cache: the next
 * {@code vehicle_data} read after a restart learns it again.
 */
public final class VehicleFirmware {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String VEHICLE_DATA = "/api/1/vehicles/{vin}/vehicle_data";

    private final Map<String, String> byVin = new ConcurrentHashMap<>();

    /** Whether the answer on the exchange is a successful {@code vehicle_data} read. */
    public boolean isVehicleData(Exchange exchange) {
        Classification request = exchange.getProperty(ExchangeKeys.CLASSIFICATION, Classification.class);
        Integer status = exchange.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class);
        return request != null && VEHICLE_DATA.equals(request.pathTemplate()) && request.vin() != null
                && (status == null || status == 200);
    }

    public void learnFromVehicleData(Exchange exchange) {
        Classification request = exchange.getProperty(ExchangeKeys.CLASSIFICATION, Classification.class);
        byte[] body = exchange.getMessage().getBody(byte[].class);
        if (body == null || body.length == 0) {
            return;
        }
        exchange.getMessage().setBody(body); // read once; the caller gets these same bytes
        try {
            JsonNode version = JSON.readTree(body).path("response").path("vehicle_state").path("car_version");
            if (version.isTextual() && !version.asText().isBlank()) {
                byVin.put(request.vin(), version.asText().trim().split("\\s+")[0]);
            }
        } catch (IOException e) {
            // not JSON: nothing to learn, and the caller's answer stays as it is
        }
    }

    public Optional<String> firmware(String vin) {
        return Optional.ofNullable(byVin.get(vin));
    }
}
