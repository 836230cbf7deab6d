package io.fleetgate.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetgate.command.CommandExchange;
import io.fleetgate.command.CommandRequest;
import io.fleetgate.command.CommandResult;
import io.fleetgate.ingress.EndpointClass;
import io.fleetgate.ingress.ExchangeKeys;
import io.fleetgate.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class CommandAuditEventsTest {
    private static final String VIN = "5YJ3E1EA7KF000042";
    private static final Instant ARRIVED = Instant.parse("2026-11-26T18:00:00Z");
    private static final UUID EVENT_ID = UUID.fromString("00000000-0000-0000-0000-000000000007");

    private final DefaultCamelContext context = new DefaultCamelContext();
    private final MutableClock clock = new MutableClock(ARRIVED);
    private final CommandAuditEvents events = new CommandAuditEvents(new Credits(1, 2, 20), clock, () -> EVENT_ID);

    @AfterEach
    void stop() throws Exception {
        context.close();
    }

    @Test
    void describesAFinishedCommandFromItsRequestResultAndCounts() {
        Exchange exchange = finished(request("door_lock", "rest"), 200, 2, true);
        exchange.setProperty(CommandExchange.BILLABLE_ATTEMPTS, 1);    // a 503, then a 200
        exchange.setProperty(CommandExchange.WAKE_UP_CALLS, 1);
        exchange.setProperty(ExchangeKeys.UPSTREAM_CALLS, 9);          // state checks and polls besides
        exchange.setProperty(ExchangeKeys.REGION, "na");
        clock.advance(Duration.ofSeconds(31));

        AuditEvent event = events.fromCommand(exchange);

        assertThat(event).isEqualTo(AuditEvent.builder(EVENT_ID, ARRIVED, AuditEvent.Source.REST)
                .accountId("acme-fleet").clientIp("10.0.0.7").clientLibrary("dispatch 2.1").method("POST")
                .pathTemplate("/api/1/vehicles/{vin}/command/{command}")
                .endpointClass(EndpointClass.VEHICLE_COMMAND).vin(VIN).command("door_lock")
                .commandId("cmd-9").status(200).attempts(2).wokeVehicle(true).credits(21).latencyMs(31_000)
                .region("na").build());
    }

    @Test
    void aWakeUpCommandChargesItsWakeUpOnly() {
        Exchange exchange = finished(request("wake_up", null), 200, 0, true);
        exchange.setProperty(CommandExchange.WAKE_UP_CALLS, 1);

        AuditEvent event = events.fromCommand(exchange);

        assertThat(event.credits()).isEqualTo(20);
        assertThat(event.pathTemplate()).isEqualTo("/api/1/vehicles/{vin}/wake_up");
        assertThat(event.source()).as("a record of any other producer").isEqualTo(AuditEvent.Source.KAFKA);
    }

    @Test
    void aRefusedCommandChargesNothing() {
        AuditEvent event = events.fromCommand(finished(request("door_lock", "kafka"), 402, 0, false));
        assertThat(event.status()).isEqualTo(402);
        assertThat(event.credits()).isZero();
        assertThat(event.attempts()).isZero();
    }

    private Exchange finished(CommandRequest request, int status, int attempts, boolean woke) {
        Exchange exchange = new DefaultExchange(context);
        exchange.setProperty(CommandExchange.REQUEST, request);
        exchange.setProperty(CommandExchange.RESULT, new CommandResult(request.id(), null, request.accountId(), VIN,
                request.command(), status, null, "application/json", Map.of(), attempts, woke, ARRIVED, 0, 42L));
        return exchange;
    }

    private static CommandRequest request(String command, String source) {
        return new CommandRequest("cmd-9", "acme-fleet", VIN, command, null, null, ARRIVED, source, "10.0.0.7", "dispatch 2.1", null);
    }
}
