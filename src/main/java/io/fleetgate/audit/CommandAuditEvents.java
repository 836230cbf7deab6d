package io.fleetgate.audit;

import io.fleetgate.command.AttemptLog;
import io.fleetgate.command.CommandExchange;
import io.fleetgate.command.CommandRequest;
import io.fleetgate.command.CommandResult;
import io.fleetgate.ingress.EndpointClass;
import io.fleetgate.ingress.ExchangeKeys;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.function.Supplier;
import org.apache.camel.Exchange;

/**
 * Describes a finished vehicle command (from REST or from the command topic) as an
 * {@link AuditEvent}, from the properties its lane leaves behind ({@link CommandExchange}):
 * the command request, its one result, and what it took. Credits follow CONTRACT sections 4
 * and 8: each attempt Tesla billed (answered below 500) as a command, each {@code wake_up} as a
 * wake-up; the state checks and polls around a wake-up are Fleetgate's own and charge nothing.
 */
public final class CommandAuditEvents {
    private static final String COMMAND_METHOD = "POST";

    private final Credits credits;
    private final Clock clock;
    private final Supplier<UUID> eventIds;

    public CommandAuditEvents(Credits credits, Clock clock, Supplier<UUID> eventIds) {
        this.credits = credits;
        this.clock = clock;
        this.eventIds = eventIds;
    }

    /**
     * Builds the finished command's event and keeps it on the exchange as {@code fleetgateAuditEvent}.
     * A bean step, not a method expression: Camel copies the whole exchange for each of those.
     */
    public void attachTo(Exchange exchange) {
        exchange.setProperty(AuditEvent.EXCHANGE_PROPERTY, fromCommand(exchange));
    }

    public AuditEvent fromCommand(Exchange exchange) {
        CommandRequest request = exchange.getProperty(CommandExchange.REQUEST, CommandRequest.class);
        CommandResult result = exchange.getProperty(CommandExchange.RESULT, CommandResult.class);
        if (request == null || result == null) {
            throw new IllegalStateException("a finished command has its request and its result");
        }
        Instant now = clock.instant();
        Instant receivedAt = request.receivedAt() != null ? request.receivedAt()
                : exchange.getProperty(ExchangeKeys.RECEIVED_AT, Instant.class);
        int billedAttempts = count(exchange, CommandExchange.BILLABLE_ATTEMPTS);
        int wakeUps = count(exchange, CommandExchange.WAKE_UP_CALLS);
        return AuditEvent.builder(eventIds.get(), receivedAt != null ? receivedAt : now, source(request.source()))
                .accountId(request.accountId())
                .tokenName(request.tokenName())
                .clientIp(request.clientIp())
                .clientLibrary(request.clientLibrary())
                .method(COMMAND_METHOD)
                .pathTemplate(request.command() != null ? request.pathTemplate() : null)
                .endpointClass(EndpointClass.VEHICLE_COMMAND)
                .vin(request.vin())
                .command(request.command())
                .commandId(request.id())
                .status(result.status())
                .attempts(result.attempts())
                .wokeVehicle(result.wokeVehicle())
                .credits(billedAttempts * credits.weight(UpstreamCall.COMMAND) + wakeUps * credits.weight(UpstreamCall.WAKE_UP))
                .latencyMs(receivedAt != null ? Math.max(0, Duration.between(receivedAt, now).toMillis()) : 0)
                .region(exchange.getProperty(ExchangeKeys.REGION, String.class))
                .attemptLog(AttemptLog.of(exchange))
                .build();
    }

    private static AuditEvent.Source source(String recorded) {
        return "rest".equals(recorded) ? AuditEvent.Source.REST : AuditEvent.Source.KAFKA;
    }

    private static int count(Exchange exchange, String property) {
        Integer value = exchange.getProperty(property, Integer.class);
        return value != null ? value : 0;
    }
}
