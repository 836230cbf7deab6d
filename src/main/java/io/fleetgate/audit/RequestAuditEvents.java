package io.fleetgate.audit;

import io.fleetgate.account.Account;
import io.fleetgate.command.AttemptLog;
import io.fleetgate.command.CommandExchange;
import io.fleetgate.ingress.Classification;
import io.fleetgate.ingress.EndpointClass;
import io.fleetgate.ingress.ExchangeKeys;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.function.Supplier;
import org.apache.camel.Exchange;
import org.apache.kafka.common.KafkaException;

/**
 * Describes a request answered over REST as an {@link AuditEvent}, from the exchange properties
 * ingress and the regional router leave behind ({@link ExchangeKeys}). Reads only: the caller's
 * body and headers are left as they are. Of the account only the id is taken, of the path only
 * the template and the VIN or site id in it, so neither token nor query string reaches the event.
 */
public final class RequestAuditEvents {
    private static final int OK = 200;

    private final Credits credits;
    private final Clock clock;
    private final Supplier<UUID> eventIds;

    public RequestAuditEvents(Credits credits, Clock clock, Supplier<UUID> eventIds) {
        this.credits = credits;
        this.clock = clock;
        this.eventIds = eventIds;
    }

    /**
     * Whether this request's event is written here: not when the request became a command record,
     * whose event the command stage writes once the command has finished. A command whose record
     * never reached the topic (Kafka refused it: the caller got 503) has no such event: it is written here.
     */
    /**
     * Puts the request's audit event on the exchange ({@code fleetgateAuditEvent}) when this stage
     * records it, and none otherwise. A bean step, not a method expression: those evaluate on a
     * copy of the whole exchange, and this runs for every request.
     */
    public void attachTo(Exchange exchange) {
        if (isRecordedHere(exchange)) {
            exchange.setProperty(AuditEvent.EXCHANGE_PROPERTY, fromRequest(exchange));
        } else {
            exchange.removeProperty(AuditEvent.EXCHANGE_PROPERTY);
        }
    }

    public boolean isRecordedHere(Exchange exchange) {
        return exchange.getProperty(ExchangeKeys.COMMAND_ID) == null
                || causedBy(exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class), KafkaException.class);
    }

    public AuditEvent fromRequest(Exchange exchange) {
        Instant now = clock.instant();
        Instant receivedAt = exchange.getProperty(ExchangeKeys.RECEIVED_AT, Instant.class);
        Account account = exchange.getProperty(ExchangeKeys.ACCOUNT, Account.class);
        Classification classification = exchange.getProperty(ExchangeKeys.CLASSIFICATION, Classification.class);
        Integer calls = exchange.getProperty(ExchangeKeys.UPSTREAM_CALLS, Integer.class);
        Integer answered = exchange.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class);
        int status = answered != null ? answered : OK;
        int upstreamCalls = calls != null ? calls : 0;
        Integer retriedAttempts = exchange.getProperty(CommandExchange.ATTEMPTS, Integer.class);
        int attempts;
        int billedCalls;
        if (retriedAttempts != null && retriedAttempts > 0) {
            // sent with the retry policy (energy-site commands), which counts the attempts Tesla bills
            attempts = retriedAttempts;
            billedCalls = billedAttempts(exchange, upstreamCalls, retriedAttempts);
        } else {
            attempts = upstreamCalls;
            billedCalls = billedCalls(upstreamCalls, status);
        }

        AuditEvent.Builder event = AuditEvent.builder(eventIds.get(), receivedAt != null ? receivedAt : now, AuditEvent.Source.REST)
                .accountId(account != null ? account.id() : null)
                .tokenName(TokenNames.presentedName(exchange))
                .clientIp(exchange.getProperty(ExchangeKeys.CLIENT_IP, String.class))
                .clientLibrary(exchange.getProperty(ExchangeKeys.CLIENT_LIBRARY, String.class))
                .method(exchange.getProperty(ExchangeKeys.METHOD, String.class))
                .region(exchange.getProperty(ExchangeKeys.REGION, String.class))
                .status(status)
                .attempts(attempts)
                .attemptLog(AttemptLog.of(exchange))
                .latencyMs(receivedAt != null ? Math.max(0, Duration.between(receivedAt, now).toMillis()) : 0);
        if (classification != null) {
            UpstreamCall call = UpstreamCall.of(classification);
            event.pathTemplate(classification.pathTemplate())
                    .endpointClass(classification.endpointClass())
                    .vin(classification.vin())
                    .energySiteId(classification.energySiteId())
                    .command(commandName(classification))
                    .credits(credits.weight(call) * billedCalls)
                    .wokeVehicle(call == UpstreamCall.WAKE_UP && billedCalls > 0);
        } else if (exchange.getProperty(ExchangeKeys.GATEWAY_ENDPOINT) != null) {
            // one of Fleetgate's own endpoints: no upstream call, no credits
            event.pathTemplate(exchange.getProperty(ExchangeKeys.GATEWAY_ENDPOINT, String.class))
                    .endpointClass(EndpointClass.GATEWAY);
        }
        return event.build();
    }

    /**
     * The calls Tesla bills, from their count and the final status. The regional router makes a
     * second call only after a 421 (billed, below 500), so every call but the last was billed;
     * the last one is billed when the caller's status, which is upstream's, is below 500. When
     * the last call got no answer, the caller's status is Fleetgate's 502 or 504: not billed.
     */
    static int billedCalls(int calls, int finalStatus) {
        if (calls == 0) {
            return 0;
        }
        return calls - 1 + (Credits.billed(finalStatus) ? 1 : 0);
    }

    /**
     * The calls Tesla bills for a request sent with the retry policy: the attempts it answered
     * below 500, plus every call beyond one per attempt, which the regional router makes only
     * after a 421 (billed).
     */
    static int billedAttempts(Exchange exchange, int upstreamCalls, int attempts) {
        Integer billable = exchange.getProperty(CommandExchange.BILLABLE_ATTEMPTS, Integer.class);
        return (billable != null ? billable : 0) + Math.max(0, upstreamCalls - attempts);
    }

    private static boolean causedBy(Throwable caught, Class<? extends Throwable> type) {
        for (Throwable t = caught; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    /** The command's name: {@code flash_lights}, {@code wake_up}, {@code signed_command}, {@code backup}, ... */
    private static String commandName(Classification classification) {
        if (classification.commandName() != null) {
            return classification.commandName();
        }
        EndpointClass endpointClass = classification.endpointClass();
        if (endpointClass != EndpointClass.VEHICLE_COMMAND && endpointClass != EndpointClass.ENERGY_COMMAND) {
            return null;
        }
        String template = classification.pathTemplate();
        return template.substring(template.lastIndexOf('/') + 1);
    }
}
