package io.fleetgate.telemetry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fleetgate.account.Account;
import io.fleetgate.ingress.ExchangeKeys;
import io.fleetgate.json.JsonMappers;
import io.fleetgate.json.JsonPaths;
import java.io.IOException;
import org.apache.camel.Exchange;

/**
 * What a read's answer says of a vehicle's state, for {@code state} events: a Fleet API answer to
 * any {@code GET} that carries it (a caller's read, a server-side poll's state check, a refresh),
 * handed to {@link VehicleStateEvents}, which queues it only when it differs from what Fleetgate
 * last knew and publishes it off the read's path. Learned from:
 * <ul>
 *   <li>{@code GET /api/1/vehicles/{vin}} and {@code .../vehicle_data} answered 200: the
 *       {@code response.state} ({@code online}, {@code asleep}, {@code offline});</li>
 *   <li>{@code GET /api/1/vehicles} and {@code /api/1/products} answered 200: each vehicle's
 *       {@code vin} and {@code state}, for the vehicles the caller's subscription covers;</li>
 *   <li>any {@code GET /api/1/vehicles/{vin}/...} answered 408 ({@code vehicle_unavailable}): the
 *       vehicle is not online; Tesla does not say whether it sleeps or is offline, so a vehicle
 *       known offline stays offline and any other is {@code asleep}.</li>
 * </ul>
 * Never throws: an answer it cannot read teaches nothing, and the caller's answer is untouched.
 */
public final class VehicleStatesInAnswers {
    private static final ObjectMapper JSON = JsonMappers.newMapper();
    private static final String ONE_VEHICLE = "/api/1/vehicles/";
    private static final int VIN_LENGTH = 17;
    private static final String VEHICLE_DATA = "/vehicle_data";
    private static final String VEHICLES = "/api/1/vehicles";
    private static final String PRODUCTS = "/api/1/products";

    private final VehicleStateEvents states;

    public VehicleStatesInAnswers(VehicleStateEvents states) {
        this.states = states;
    }

    /** After a Fleet API call: learns the states its answer tells, if it is a read that tells any. */
    public void learn(Exchange exchange) {
        if (!"GET".equals(exchange.getProperty(ExchangeKeys.METHOD, String.class))) {
            return;
        }
        String path = exchange.getProperty(ExchangeKeys.PATH, String.class);
        Integer status = exchange.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class);
        if (path == null || status == null || (status != 200 && status != 408)) {
            return;
        }
        String vin = vinOfOneVehicle(path);
        boolean single = vin != null;
        boolean list = VEHICLES.equals(path) || PRODUCTS.equals(path);
        if (!single && !list) {
            return;
        }
        if (status == 408) {
            if (single) {
                states.notOnline(vin);
            }
            return;
        }
        // only the vehicle itself and its vehicle_data carry its state, not the other reads below it
        int vinEnd = ONE_VEHICLE.length() + VIN_LENGTH;
        boolean vehicleItself = path.length() == vinEnd;
        boolean vehicleData = path.length() == vinEnd + VEHICLE_DATA.length() && path.endsWith(VEHICLE_DATA);
        if (single && !vehicleItself && !vehicleData) {
            return;
        }
        byte[] body = exchange.getMessage().getBody(byte[].class);
        if (body == null || body.length == 0) {
            return;
        }
        exchange.getMessage().setBody(body); // read once; the caller gets these same bytes
        try {
            if (single) {
                // streamed to the one field: a vehicle_data answer is large
                JsonPaths.textAt(body, "response", "state").ifPresent(state -> states.accept(vin, state));
            } else {
                learnFromList(exchange.getProperty(ExchangeKeys.ACCOUNT, Account.class), JSON.readTree(body).path("response"));
            }
        } catch (IOException notJson) {
            // nothing to learn
        }
    }

    /**
     * The VIN of {@code /api/1/vehicles/{vin}} or a path below it ({@code {vin}} 17 of A-Z and
     * 0-9), else null: read by hand, as every read's path is (a regex was 0.5 % of a read).
     */
    static String vinOfOneVehicle(String path) {
        int from = ONE_VEHICLE.length();
        int to = from + VIN_LENGTH;
        if (!path.startsWith(ONE_VEHICLE) || path.length() < to || (path.length() > to && path.charAt(to) != '/')) {
            return null;
        }
        for (int i = from; i < to; i++) {
            char c = path.charAt(i);
            if (!(c >= 'A' && c <= 'Z' || c >= '0' && c <= '9')) {
                return null;
            }
        }
        return path.substring(from, to);
    }

    private void learnFromList(Account account, JsonNode entries) {
        if (account == null || account.subscription() == null || !entries.isArray()) {
            return;
        }
        for (JsonNode entry : entries) {
            String vin = entry.path("vin").asText(null);
            String state = entry.path("state").asText(null);
            // only vehicles some subscription streams: the caller's (energy sites have no vin)
            if (vin != null && state != null && account.subscription().coversVin(vin)) {
                states.accept(vin, state);
            }
        }
    }
}
