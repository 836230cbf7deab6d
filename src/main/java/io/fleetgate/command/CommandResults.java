package io.fleetgate.command;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetgate.ingress.ErrorResponses;
import io.fleetgate.ingress.GatewayError;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import org.apache.camel.Exchange;

/** Builds the one result of each command and publishes it on the results topic, keyed by VIN. */
public final class CommandResults {
    private final Clock clock;
    private final CommandRecords records;
    private final String topic;

    public CommandResults(Clock clock, CommandRecords records, String topic) {
        this.clock = clock;
        this.records = records;
        this.topic = topic;
    }

    /** The command's last upstream answer is its result. */
    public void fromLastAnswer(Exchange exchange) {
        @SuppressWarnings("unchecked")
        Map<String, String> headers = new HashMap<>(exchange.getProperty(CommandExchange.LAST_HEADERS, Map.class));
        String contentType = headers.remove("Content-Type");
        set(exchange, CommandExchange.intProperty(exchange, CommandExchange.LAST_STATUS),
                CommandJson.bodyNode(exchange.getProperty(CommandExchange.LAST_BODY, byte[].class)), contentType, headers);
    }

    /** The vehicle never came online: 408 with the vehicle summary and its state; no command was sent. */
    public void vehicleUnavailable(Exchange exchange) {
        ObjectNode body = CommandJson.MAPPER.createObjectNode();
        body.set("response", summary(exchange));
        body.put("error", "vehicle_unavailable");
        body.put("error_description", "The vehicle did not come online after a wake-up; the command was not sent.");
        set(exchange, 408, body, "application/json", Map.of());
    }

    /**
     * No wake_up of the wake cycle reached Tesla (no answer, or 5xx, on every poll): not a 408,
     * since the vehicle was never asked to wake; the command was not sent.
     */
    public void wakeUpNotDelivered(Exchange exchange) {
        set(exchange, 502, envelope("upstream_unavailable",
                "The Fleet API did not take the vehicle's wake_up call; the command was not sent."), "application/json", Map.of());
    }

    /**
     * A {@code wake_up} command whose last state check got no answer (Tesla's 5xx, a timeout, the
     * region's breaker open), before or after a wake_up: whether the vehicle is online is unknown, so not a 408.
     */
    public void vehicleStateUnknown(Exchange exchange) {
        set(exchange, 502, envelope("upstream_unavailable",
                "The Fleet API did not answer the vehicle's state check; whether it is online is unknown."),
                "application/json", Map.of());
    }

    /** A {@code wake_up} command: the vehicle is online; its summary, as the Fleet API's wake_up answers. */
    public void vehicleOnline(Exchange exchange) {
        ObjectNode body = CommandJson.MAPPER.createObjectNode();
        body.set("response", summary(exchange));
        set(exchange, 200, body, "application/json", Map.of());
    }

    /** A refusal (GatewayError) or a failure inside Fleetgate. */
    public void fromError(Exchange exchange) {
        GatewayError error = ErrorResponses.toGatewayError(exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class));
        set(exchange, error.status(), envelope(error.error(), error.description()), "application/json", Map.of());
    }

    /** The run route's result, once Kafka acknowledged it (throws when Kafka did not take it). */
    public void publish(Exchange exchange) throws InterruptedException, ExecutionException, TimeoutException {
        CommandResult result = CommandExchange.result(exchange);
        records.sendAcknowledged(topic, result.vin(), CommandJson.write(result));
    }

    CommandResult malformed(String key, int partition, long offset) {
        return new CommandResult(null, null, null, key, null, 400, envelope("invalid_request", "The record is not a command."),
                "application/json", Map.of(), 0, false, clock.instant(), partition, offset);
    }

    CommandResult invalid(CommandRequest request, String key, String problem, int partition, long offset) {
        String vin = request.vin() != null ? request.vin() : key;
        return new CommandResult(request.id(), request.replyTo(), request.accountId(), vin, request.command(), 400,
                envelope("invalid_request", "Not a valid command: " + problem + "."), "application/json", Map.of(), 0, false,
                clock.instant(), partition, offset);
    }

    /** A command the run route ended without a result (a failure no stage answered): the failure is its result. */
    CommandResult failed(CommandRequest request, Throwable failure, int partition, long offset) {
        GatewayError error = ErrorResponses.toGatewayError(failure);
        return new CommandResult(request.id(), request.replyTo(), request.accountId(), request.vin(), request.command(),
                error.status(), envelope(error.error(), error.description()), "application/json", Map.of(), 0, false,
                clock.instant(), partition, offset);
    }

    /** A command that was with the Fleet API when its replica died: it may have run, so it is not sent again. */
    CommandResult inDoubt(CommandRequest request, int partition, long offset) {
        return new CommandResult(request.id(), request.replyTo(), request.accountId(), request.vin(), request.command(), 504,
                envelope("upstream_timeout", "Fleetgate stopped while this command was with the Fleet API, before its answer "
                        + "was recorded: it may have run. It is not sent again; send it with a new id if it did not."),
                "application/json", Map.of(), 1, false, clock.instant(), partition, offset);
    }

    /** Publishes a result outside the run route (malformed records, repeated ids). */
    CompletableFuture<Void> publish(CommandResult result) {
        return records.send(topic, result.vin() == null ? "" : result.vin(), CommandJson.write(result));
    }

    private void set(Exchange exchange, int status, JsonNode response, String contentType, Map<String, String> headers) {
        CommandRequest request = exchange.getProperty(CommandExchange.REQUEST, CommandRequest.class);
        exchange.setProperty(CommandExchange.RESULT, new CommandResult(request.id(), request.replyTo(), request.accountId(),
                request.vin(), request.command(), status, response, contentType, headers,
                CommandExchange.intProperty(exchange, CommandExchange.ATTEMPTS),
                Boolean.TRUE.equals(exchange.getProperty(CommandExchange.WOKE, Boolean.class)), clock.instant(),
                exchange.getProperty(CommandExchange.PARTITION, Integer.class),
                exchange.getProperty(CommandExchange.OFFSET, Long.class)));
    }

    private static JsonNode summary(Exchange exchange) {
        JsonNode known = CommandJson.bodyNode(exchange.getProperty(CommandExchange.VEHICLE_SUMMARY, byte[].class));
        ObjectNode summary = known != null && known.isObject() ? (ObjectNode) known : CommandJson.MAPPER.createObjectNode();
        summary.put("vin", exchange.getProperty(CommandExchange.VIN, String.class));
        String state = exchange.getProperty(CommandExchange.VEHICLE_STATE, String.class);
        summary.put("state", state == null ? "unknown" : state);
        return summary;
    }

    private static JsonNode envelope(String error, String description) {
        return CommandJson.bodyNode(ErrorResponses.envelope(error, description).getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
}
