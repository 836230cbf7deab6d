package io.fleetgate.streamconfig;

import io.fleetgate.account.Account;
import io.fleetgate.polling.PollingSettings;
import java.time.Clock;
import org.apache.camel.Exchange;

/**
 * Teslemetry's {@code GET|POST|DELETE /api/auto/{vin}}: whether Fleetgate polls the vehicle's
 * {@code vehicle_data} (streaming.md 3.3), turned on and off, answered {@code {"response": bool}}.
 * Makes no call upstream (0 credits); the polls themselves are audited one by one.
 */
public final class PollingEndpoint {
    private final PollingSettings settings;
    private final Clock clock;
    private final String defaultRegion;

    public PollingEndpoint(PollingSettings settings, Clock clock, String defaultRegion) {
        this.settings = settings;
        this.clock = clock;
        this.defaultRegion = defaultRegion;
    }

    public void answer(Exchange exchange) throws InterruptedException {
        // just started: the settings topic is read to its end first, so a restart answers as before it
        settings.awaitCaughtUp(java.time.Duration.ofSeconds(10));
        Account account = exchange.getProperty(io.fleetgate.ingress.ExchangeKeys.ACCOUNT, Account.class);
        String vin = VehicleEndpoints.vin(exchange);
        String method = exchange.getProperty(io.fleetgate.ingress.ExchangeKeys.METHOD, String.class);
        if ("POST".equals(method)) {
            settings.set(vin, account.id(), true, clock.instant());
        } else if ("DELETE".equals(method)) {
            settings.set(vin, account.id(), false, clock.instant());
        }
        Answers.json(exchange, 200, Answers.JSON.createObjectNode().put("response", settings.isOn(vin)), defaultRegion);
    }
}
