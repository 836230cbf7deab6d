package io.fleetgate.accountapi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fleetgate.ingress.Classification;
import io.fleetgate.ingress.ExchangeKeys;
import io.fleetgate.json.JsonMappers;
import io.fleetgate.json.JsonPaths;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.camel.Exchange;

/**
 * The firmware each vehicle last reported, learned from answers passing through:
 * {@code vehicle_data} ({@code response.vehicle_state.car_version}, e.g.
 * {@code 2024.44.25.3 06f534d46010}: the version is its first word) and {@code fleet_status}
 * ({@code response.vehicle_info.<vin>.firmware_version}). Kept in memory, like the vehicle state
 * cache: the next such answer after a restart teaches it again.
 */
public final class VehicleFirmware {
    private static final ObjectMapper JSON = JsonMappers.newMapper();
    private static final String VEHICLE_DATA = "/api/1/vehicles/{vin}/vehicle_data";

    private final Map<String, String> byVin = new ConcurrentHashMap<>();

    /** Whether the answer on the exchange is a successful {@code vehicle_data} read. */
    public boolean isVehicleData(Exchange exchange) {
        Classification request = exchange.getProperty(ExchangeKeys.CLASSIFICATION, Classification.class);
        Integer status = exchange.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class);
        return request != null && VEHICLE_DATA.equals(request.pathTemplate()) && request.vin() != null
                && (status == null || status == 200);
    }

    /** Learns the firmware from a successful vehicle_data answer; any other answer is left alone. */
    public void learnFromVehicleData(Exchange exchange) {
        if (!isVehicleData(exchange)) {
            return;
        }
        Classification request = exchange.getProperty(ExchangeKeys.CLASSIFICATION, Classification.class);
        byte[] body = exchange.getMessage().getBody(byte[].class);
        if (body == null || body.length == 0) {
            return;
        }
        exchange.getMessage().setBody(body); // read once; the caller gets these same bytes
        learnFromVehicleDataOf(request.vin(), body);
    }

    /** Learns the vehicle's firmware from the body of a successful {@code vehicle_data} answer (e.g. a refresh's). */
    public void learnFromVehicleDataOf(String vin, byte[] body) {
        String known = byVin.get(vin);
        if (known != null && reportsVersion(body, known)) {
            return; // nearly always: firmware changes with an update, not between reads
        }
        try {
            // streamed, not read into a tree: this runs on every vehicle_data answer, which is large
            JsonPaths.textAt(body, "response", "vehicle_state", "car_version")
                    .filter(version -> !version.isBlank())
                    .ifPresent(version -> byVin.put(vin, version.trim().split("\\s+")[0]));
        } catch (IOException e) {
            // not JSON: nothing to learn, and the caller's answer stays as it is
        }
    }

    private static final String CAR_VERSION_KEY = "\"car_version\"";

    /**
     * Whether a {@code car_version} field of the answer reads {@code version} (its first word): a
     * search of the bytes (as Latin-1 text, so the JDK's vectorised indexOf does it), many times
     * cheaper than parsing the answer. Only a yes is trusted (the field may sit elsewhere than in
     * {@code vehicle_state}); a no is settled by parsing.
     */
    static boolean reportsVersion(byte[] json, String version) {
        String text = new String(json, StandardCharsets.ISO_8859_1);
        for (int at = text.indexOf(CAR_VERSION_KEY); at >= 0; at = text.indexOf(CAR_VERSION_KEY, at + 1)) {
            int i = skipSpaces(text, at + CAR_VERSION_KEY.length());
            if (i >= text.length() || text.charAt(i) != ':') {
                continue;
            }
            i = skipSpaces(text, i + 1);
            int end = i + 1 + version.length();
            if (i < text.length() && text.charAt(i) == '"' && end < text.length() && text.startsWith(version, i + 1)
                    && (text.charAt(end) == '"' || text.charAt(end) == ' ')) {
                return true;
            }
        }
        return false;
    }

    private static int skipSpaces(String text, int i) {
        while (i < text.length() && Character.isWhitespace(text.charAt(i))) {
            i++;
        }
        return i;
    }

    /** A fleet_status answer names each vehicle's firmware. */
    public void learnFromFleetStatus(Exchange exchange) {
        Integer status = exchange.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class);
        byte[] body = exchange.getMessage().getBody(byte[].class);
        if ((status != null && status != 200) || body == null || body.length == 0) {
            return;
        }
        exchange.getMessage().setBody(body);
        try {
            JsonNode info = JSON.readTree(body).path("response").path("vehicle_info");
            info.fields().forEachRemaining(entry -> {
                JsonNode version = entry.getValue().path("firmware_version");
                if (version.isTextual() && !version.asText().isBlank()) {
                    byVin.put(entry.getKey(), version.asText().trim().split("\\s+")[0]);
                }
            });
        } catch (IOException e) {
            // not JSON: nothing to learn
        }
    }

    public Optional<String> firmware(String vin) {
        return Optional.ofNullable(byVin.get(vin));
    }
}
