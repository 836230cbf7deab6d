package io.fleetgate.accountapi;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetgate.account.Account;
import io.fleetgate.account.Subscription;
import io.fleetgate.command.SignedCommands;
import io.fleetgate.ingress.ExchangeKeys;
import io.fleetgate.json.JsonMappers;
import java.time.Clock;
import java.util.Locale;
import java.util.TreeSet;
import org.apache.camel.Exchange;
import org.apache.camel.Message;

/**
 * Teslemetry's own account endpoints, in its shapes (reference: teslemetry-and-peers.md 1.2, 1.3):
 * {@code GET /api/ping}, {@code GET /api/test} and {@code GET /api/metadata}. The caller was
 * identified by the route before (except for ping); nothing here calls the Fleet API.
 */
public final class AccountApi {
    static final ObjectMapper JSON = JsonMappers.newMapper();

    private final SignedCommands signedCommands;
    private final VehicleFirmware firmware;
    private final Clock clock;
    private final String defaultRegion;
    private final java.util.function.Predicate<String> polled;

    public AccountApi(SignedCommands signedCommands, VehicleFirmware firmware, Clock clock, String defaultRegion) {
        this(signedCommands, firmware, clock, defaultRegion, vin -> false);
    }

    /** {@code polled}: whether Fleetgate polls the vehicle's vehicle_data ({@code /api/auto/{vin}}). */
    public AccountApi(SignedCommands signedCommands, VehicleFirmware firmware, Clock clock, String defaultRegion,
                      java.util.function.Predicate<String> polled) {
        this.signedCommands = signedCommands;
        this.firmware = firmware;
        this.clock = clock;
        this.defaultRegion = defaultRegion;
        this.polled = polled;
    }

    /** {@code {"response":"pong"}}: Fleetgate answers; no token needed. */
    public void ping(Exchange exchange) {
        ObjectNode body = JSON.createObjectNode().put("response", "pong");
        answer(exchange, body);
    }

    /** {@code {"response":true}}: the token is valid (the route refused an invalid one with 401). */
    public void test(Exchange exchange) {
        answer(exchange, JSON.createObjectNode().put("response", true));
    }

    /**
     * The account as Teslemetry's metadata describes it: uid (the Fleetgate account id), region in
     * upper case, scopes, and per subscribed vehicle {@code access}, {@code signing} (whether
     * Fleetgate signs its commands; null until known) and {@code firmware} (from the last
     * {@code vehicle_data} seen; null until then) and {@code polling} (server-side polling on); per subscribed energy site {@code access}; the
     * subscription's {@code end}. Teslemetry answers this one without the {@code response} wrapper.
     */
    public void metadata(Exchange exchange) {
        Account account = exchange.getProperty(ExchangeKeys.ACCOUNT, Account.class);
        Subscription subscription = account.subscription();
        boolean active = subscription.isActive(clock.instant());
        ObjectNode body = JSON.createObjectNode();
        body.put("uid", account.id());
        body.put("region", account.region().code().toUpperCase(Locale.ROOT));
        new TreeSet<>(account.scopes()).forEach(body.putArray("scopes")::add);
        ObjectNode vehicles = body.putObject("vehicles");
        TreeSet<String> vins = new TreeSet<>(subscription.vins());
        for (String vin : vins) {
            ObjectNode vehicle = vehicles.putObject(vin);
            vehicle.put("access", active);
            signedCommands.signing(vin).ifPresentOrElse(signing -> vehicle.put("signing", signing),
                    () -> vehicle.putNull("signing"));
            firmware.firmware(vin).ifPresentOrElse(version -> vehicle.put("firmware", version),
                    () -> vehicle.putNull("firmware"));
            vehicle.put("polling", polled.test(vin));
        }
        ObjectNode sites = body.putObject("energy_sites");
        new TreeSet<>(subscription.energySites()).forEach(id -> sites.putObject(String.valueOf(id)).put("access", active));
        ObjectNode period = body.putObject("subscription");
        if (subscription.activeUntil() != null) {
            period.put("end", subscription.activeUntil().toString());
        }
        // deprecated in Teslemetry's schema, still read by older clients
        vins.forEach(body.putArray("vins")::add);
        answer(exchange, body);
    }

    private void answer(Exchange exchange, ObjectNode body) {
        Message out = exchange.getMessage();
        out.getHeaders().clear();
        out.setHeader(Exchange.HTTP_RESPONSE_CODE, 200);
        out.setHeader(Exchange.CONTENT_TYPE, "application/json");
        String region = exchange.getProperty(ExchangeKeys.REGION, String.class);
        out.setHeader("x-region", region != null ? region : defaultRegion);
        out.setBody(body.toString());
    }
}
