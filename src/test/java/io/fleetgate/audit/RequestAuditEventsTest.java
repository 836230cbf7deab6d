package io.fleetgate.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetgate.account.Account;
import io.fleetgate.account.Secret;
import io.fleetgate.account.Subscription;
import io.fleetgate.command.CommandExchange;
import io.fleetgate.ingress.EndpointClass;
import io.fleetgate.ingress.ExchangeKeys;
import io.fleetgate.ingress.FleetApiCatalog;
import io.fleetgate.ingress.GatewayError;
import io.fleetgate.region.Region;
import io.fleetgate.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.apache.kafka.common.errors.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RequestAuditEventsTest {
    private static final String VIN = "5YJ3E1EA7KF100001";
    private static final Instant ARRIVED = Instant.parse("2026-11-26T12:00:00Z");
    private static final UUID EVENT_ID = UUID.fromString("00000000-0000-0000-0000-000000000042");
    private static final Account ALICE = new Account("alice", Region.NA, new Secret("tesla-token-alice"), Set.of("vehicle_cmds"),
            new Subscription(null, Set.of(VIN), Set.of()), List.of());

    private final DefaultCamelContext context = new DefaultCamelContext();
    private final MutableClock clock = new MutableClock(ARRIVED);
    private final RequestAuditEvents events = new RequestAuditEvents(new Credits(1, 2, 20), clock, () -> EVENT_ID);
    private final FleetApiCatalog catalog = new FleetApiCatalog();

    @AfterEach
    void stop() throws Exception {
        context.close();
    }

    @Test
    void describesAReadFromWhatIngressCaptured() {
        Exchange exchange = request("GET", "/api/1/vehicles/" + VIN + "/vehicle_data", 200, 1);
        exchange.getMessage().setBody("{\"response\":{}}");
        exchange.getMessage().setHeader("Authorization", "Bearer gw-alice");
        clock.advance(Duration.ofMillis(87));

        AuditEvent event = events.fromRequest(exchange);

        assertThat(event).isEqualTo(AuditEvent.builder(EVENT_ID, ARRIVED, AuditEvent.Source.REST)
                .accountId("alice").clientIp("127.0.0.1").clientLibrary("python tesla_fleet_api 1.0").method("GET")
                .pathTemplate("/api/1/vehicles/{vin}/vehicle_data").endpointClass(EndpointClass.VEHICLE_READ)
                .vin(VIN).status(200).attempts(1).credits(2).latencyMs(87).region("na").build());
        // read only: what the caller gets is left alone
        assertThat(exchange.getMessage().getBody()).isEqualTo("{\"response\":{}}");
        assertThat(exchange.getMessage().getHeaders()).containsOnlyKeys(Exchange.HTTP_RESPONSE_CODE, "Authorization");
    }

    @Test
    void anAbsentStatusIs200() {
        Exchange exchange = request("GET", "/api/1/vehicles", null, 1);
        assertThat(events.fromRequest(exchange).status()).isEqualTo(200);
    }

    @Test
    void aReRouteAfter421ChargesBothCalls() {
        AuditEvent event = events.fromRequest(request("GET", "/api/1/vehicles/" + VIN + "/vehicle_data", 200, 2));
        assertThat(event.attempts()).isEqualTo(2);
        assertThat(event.credits()).isEqualTo(4);
    }

    @Test
    void callsThatEndedIn5xxOrWithoutAnswerAreFree() {
        assertThat(events.fromRequest(request("GET", "/api/1/vehicles/" + VIN, 503, 1)).credits()).isZero();
        // 502 / 504: Fleetgate's answer for a call that got none
        assertThat(events.fromRequest(request("GET", "/api/1/vehicles/" + VIN, 504, 1)).credits()).isZero();
        // a 421, then no answer from the region it named: the 421 was billed
        assertThat(events.fromRequest(request("GET", "/api/1/vehicles/" + VIN, 502, 2)).credits()).isEqualTo(2);
    }

    @Test
    void aRefusedRequestChargesNothing() {
        Exchange exchange = new DefaultExchange(context);
        exchange.setProperty(ExchangeKeys.RECEIVED_AT, ARRIVED);
        exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, 401);

        AuditEvent event = events.fromRequest(exchange);

        assertThat(event.status()).isEqualTo(401);
        assertThat(event.credits()).isZero();
        assertThat(event.attempts()).isZero();
        assertThat(event.accountId()).isNull();
        assertThat(event.pathTemplate()).isNull();
        assertThat(event.partitionKey()).isEqualTo("anonymous");
    }

    @Test
    void aCommandIsNamedAndChargedAsACommand() {
        AuditEvent event = events.fromRequest(request("POST", "/api/1/vehicles/" + VIN + "/command/flash_lights", 200, 1));
        assertThat(event.command()).isEqualTo("flash_lights");
        assertThat(event.endpointClass()).isEqualTo("vehicle_command");
        assertThat(event.credits()).isEqualTo(1);
        assertThat(event.wokeVehicle()).isFalse();
    }

    @Test
    void aWakeUpIsChargedAsAWakeUpAndMarksTheVehicleWoken() {
        AuditEvent event = events.fromRequest(request("POST", "/api/1/vehicles/" + VIN + "/wake_up", 200, 1));
        assertThat(event.command()).isEqualTo("wake_up");
        assertThat(event.credits()).isEqualTo(20);
        assertThat(event.wokeVehicle()).isTrue();

        AuditEvent failed = events.fromRequest(request("POST", "/api/1/vehicles/" + VIN + "/wake_up", 503, 1));
        assertThat(failed.credits()).isZero();
        assertThat(failed.wokeVehicle()).isFalse();
    }

    @Test
    void anEnergyCommandIsNamedAfterItsPath() {
        AuditEvent event = events.fromRequest(request("POST", "/api/1/energy_sites/1234567890123/backup", 200, 1));
        assertThat(event.command()).isEqualTo("backup");
        assertThat(event.energySiteId()).isEqualTo(1234567890123L);
        assertThat(event.credits()).isEqualTo(1);
    }

    @Test
    void theEventHoldsNoTokenEvenWhenTheRequestCarriedOne() {
        Exchange exchange = request("GET", "/api/1/vehicles/" + VIN + "/vehicle_data", 200, 1);
        exchange.setProperty(ExchangeKeys.QUERY, "endpoints=charge_state");
        exchange.getMessage().setHeaders(Map.of("Authorization", "Bearer gw-alice", Exchange.HTTP_RAW_QUERY, "token=gw-alice"));

        String json = AuditEventJson.write(events.fromRequest(exchange));

        assertThat(json).doesNotContain("gw-alice", "tesla-token-alice", "token=", "charge_state");
    }

    @Test
    void anEnergyCommandSentWithRetriesChargesTheAttemptsTeslaBilled() {
        Exchange exchange = request("POST", "/api/1/energy_sites/1234567890123/backup", 200, 3);
        // 503, 424, 200: three attempts, the last two billed
        exchange.setProperty(CommandExchange.ATTEMPTS, 3);
        exchange.setProperty(CommandExchange.BILLABLE_ATTEMPTS, 2);

        AuditEvent event = events.fromRequest(exchange);

        assertThat(event.attempts()).isEqualTo(3);
        assertThat(event.credits()).isEqualTo(2);
    }

    @Test
    void aReRouteInsideARetriedAttemptIsChargedToo() {
        // one attempt, answered 421 then 200 by the region it named: two billed calls
        Exchange exchange = request("POST", "/api/1/energy_sites/1234567890123/backup", 200, 2);
        exchange.setProperty(CommandExchange.ATTEMPTS, 1);
        exchange.setProperty(CommandExchange.BILLABLE_ATTEMPTS, 1);

        assertThat(events.fromRequest(exchange).credits()).isEqualTo(2);
    }

    @Test
    void aRequestThatBecameACommandRecordIsLeftToTheCommandStage() {
        Exchange queued = request("POST", "/api/1/vehicles/" + VIN + "/command/flash_lights", 200, 0);
        queued.setProperty(ExchangeKeys.COMMAND_ID, "cmd-1");
        assertThat(events.isRecordedHere(queued)).isFalse();

        // its result did not come in time: the lane still writes the command's event
        Exchange timedOut = request("POST", "/api/1/vehicles/" + VIN + "/command/flash_lights", 504, 0);
        timedOut.setProperty(ExchangeKeys.COMMAND_ID, "cmd-2");
        timedOut.setProperty(Exchange.EXCEPTION_CAUGHT, new GatewayError(504, "upstream_timeout", "still running"));
        assertThat(events.isRecordedHere(timedOut)).isFalse();

        assertThat(events.isRecordedHere(request("GET", "/api/1/vehicles", 200, 1))).isTrue();
    }

    @Test
    void aCommandKafkaRefusedIsRecordedHereForNoLaneEverSawIt() {
        Exchange refused = request("POST", "/api/1/vehicles/" + VIN + "/command/flash_lights", 503, 0);
        refused.setProperty(ExchangeKeys.COMMAND_ID, "cmd-3");
        refused.setProperty(Exchange.EXCEPTION_CAUGHT,
                new IllegalStateException("send failed", new TimeoutException("Topic not present in metadata")));

        assertThat(events.isRecordedHere(refused)).isTrue();
        assertThat(events.fromRequest(refused).credits()).isZero();
    }

    private Exchange request(String method, String path, Integer status, int upstreamCalls) {
        Exchange exchange = new DefaultExchange(context);
        exchange.setProperty(ExchangeKeys.RECEIVED_AT, ARRIVED);
        exchange.setProperty(ExchangeKeys.CLIENT_IP, "127.0.0.1");
        exchange.setProperty(ExchangeKeys.CLIENT_LIBRARY, "python tesla_fleet_api 1.0");
        exchange.setProperty(ExchangeKeys.METHOD, method);
        exchange.setProperty(ExchangeKeys.PATH, path);
        exchange.setProperty(ExchangeKeys.ACCOUNT, ALICE);
        exchange.setProperty(ExchangeKeys.REGION, "na");
        exchange.setProperty(ExchangeKeys.CLASSIFICATION, catalog.classify(method, path));
        exchange.setProperty(ExchangeKeys.UPSTREAM_CALLS, upstreamCalls);
        if (status != null) {
            exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, status);
        }
        return exchange;
    }
}
