package io.fleetgate.command;

import io.fleetgate.ingress.ErrorResponses;
import io.fleetgate.ingress.ExchangeKeys;
import io.fleetgate.ingress.GatewayError;
import io.fleetgate.json.JsonMappers;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import org.apache.camel.Exchange;

/**
 * The upstream calls a command makes (state check, wake-up, the command itself), set up for the
 * regional router, and their answers kept for the stages that decide on them.
 */
public final class CommandCalls {
    private static final String[] PASS_THROUGH = {"Content-Type", "Retry-After", "RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset"};

    private final ErrorResponses errors;
    private final Clock clock;

    /**
     * @param errors how a call that got no answer is answered (a refusal by the region's breaker has a Retry-After)
     * @param clock  when each attempt was sent, for its audit event
     */
    public CommandCalls(ErrorResponses errors, Clock clock) {
        this.errors = errors;
        this.clock = clock;
    }

    public void prepareStateCheck(Exchange exchange) {
        set(exchange, "GET", "/api/1/vehicles/" + vin(exchange), null);
    }

    public void prepareWakeUp(Exchange exchange) {
        set(exchange, "POST", "/api/1/vehicles/" + vin(exchange) + "/wake_up", null);
    }

    /**
     * After a wake_up call: Tesla took it when it answered below 500; then it is billed and the
     * vehicle counts as woken. One that got no answer (refused, timed out, no pooled connection,
     * the region's breaker open) or a 5xx never reached the vehicle: the wake cycle sends it
     * again on its next poll.
     */
    public void noteWakeUp(Exchange exchange) {
        boolean delivered = !Boolean.TRUE.equals(exchange.getProperty(CommandExchange.TRANSPORT_FAILURE, Boolean.class))
                && CommandExchange.intProperty(exchange, CommandExchange.LAST_STATUS) < 500;
        exchange.setProperty(CommandExchange.WAKE_UP_DELIVERED, delivered);
        if (delivered) {
            exchange.setProperty(CommandExchange.WAKE_UP_CALLS, CommandExchange.intProperty(exchange, CommandExchange.WAKE_UP_CALLS) + 1);
            exchange.setProperty(CommandExchange.WOKE, true);
        }
    }

    public void prepareCommand(Exchange exchange) {
        CommandRequest request = exchange.getProperty(CommandExchange.REQUEST, CommandRequest.class);
        byte[] body = request.parameters() == null || request.parameters().isNull()
                ? null : JsonMappers.writeBytes(request.parameters());
        set(exchange, "POST", request.upstreamPath(), body);
    }

    /** Before each attempt of the same call: no failure recorded yet. */
    public void startAttempt(Exchange exchange) {
        exchange.setProperty(CommandExchange.TRANSPORT_FAILURE, false);
        AttemptLog.started(exchange, clock.instant());
    }

    /** Keeps the answer just received (status, body, the headers callers rely on). */
    public void keepAnswer(Exchange exchange) {
        if (Boolean.TRUE.equals(exchange.getProperty(CommandExchange.TRANSPORT_FAILURE, Boolean.class))) {
            return; // no answer came: keepTransportFailure has already recorded what happened
        }
        Integer status = exchange.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class);
        exchange.setProperty(CommandExchange.LAST_STATUS, status == null ? 200 : status);
        exchange.setProperty(CommandExchange.LAST_BODY, exchange.getMessage().getBody(byte[].class));
        Map<String, String> headers = new HashMap<>();
        for (String name : PASS_THROUGH) {
            String value = exchange.getMessage().getHeader(name, String.class);
            if (value != null) {
                headers.put(name, value);
            }
        }
        exchange.setProperty(CommandExchange.LAST_HEADERS, headers);
    }

    /**
     * A call that got no answer (refused, reset, timed out) becomes a 502 or 504 answer of
     * Fleetgate's own; one the region's open breaker refused, a 503 with Retry-After. The retry
     * policy treats them all as a 5xx.
     */
    public void keepTransportFailure(Exchange exchange) {
        Throwable caught = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        GatewayError error = errors.gatewayError(caught);
        exchange.setProperty(CommandExchange.LAST_STATUS, error.status());
        exchange.setProperty(CommandExchange.LAST_BODY,
                ErrorResponses.envelope(error.error(), error.description()).getBytes(StandardCharsets.UTF_8));
        Map<String, String> headers = new HashMap<>(error.headers());
        headers.put("Content-Type", "application/json");
        exchange.setProperty(CommandExchange.LAST_HEADERS, headers);
        exchange.setProperty(CommandExchange.TRANSPORT_FAILURE, true);
    }

    /** Answers a REST caller with the last upstream answer (energy-site commands). */
    public void answerWithLastAnswer(Exchange exchange) {
        org.apache.camel.Message out = exchange.getMessage();
        out.getHeaders().clear();
        out.setHeader(Exchange.HTTP_RESPONSE_CODE, exchange.getProperty(CommandExchange.LAST_STATUS, Integer.class));
        @SuppressWarnings("unchecked")
        Map<String, String> headers = exchange.getProperty(CommandExchange.LAST_HEADERS, Map.class);
        headers.forEach(out::setHeader);
        out.setHeader("x-fleetgate-attempts", CommandExchange.intProperty(exchange, CommandExchange.ATTEMPTS));
        out.setBody(exchange.getProperty(CommandExchange.LAST_BODY, byte[].class));
    }

    private static void set(Exchange exchange, String method, String path, byte[] body) {
        exchange.setProperty(CommandExchange.TRANSPORT_FAILURE, false);
        exchange.setProperty(ExchangeKeys.METHOD, method);
        exchange.setProperty(ExchangeKeys.PATH, path);
        exchange.setProperty(ExchangeKeys.QUERY, null);
        exchange.setProperty(ExchangeKeys.REQUEST_BODY, body);
        exchange.removeProperty(ExchangeKeys.REROUTED);
    }

    private static String vin(Exchange exchange) {
        return exchange.getProperty(CommandExchange.VIN, String.class);
    }
}
