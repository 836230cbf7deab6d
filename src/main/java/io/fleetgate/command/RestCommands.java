package io.fleetgate.command;

import com.fasterxml.jackson.databind.JsonNode;
import io.fleetgate.account.Account;
import io.fleetgate.ids.RandomIds;
import io.fleetgate.ingress.Classification;
import io.fleetgate.ingress.ExchangeKeys;
import io.fleetgate.ingress.GatewayError;
import io.fleetgate.ingress.IncomingRequest;
import java.time.Instant;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.component.kafka.KafkaConstants;

/**
 * A REST vehicle command as a command record, and the answer its result makes (the wait for it:
 * {@link CommandResultWait}).
 */
public final class RestCommands {

    /** Turns the request into the command record to send, keyed by VIN; expects its result. */
    public void toRecord(Exchange exchange) {
        Account account = exchange.getProperty(ExchangeKeys.ACCOUNT, Account.class);
        Classification request = exchange.getProperty(ExchangeKeys.CLASSIFICATION, Classification.class);
        String name = request.commandName() != null ? request.commandName()
                : request.pathTemplate().endsWith("/wake_up") ? CommandRequest.WAKE_UP : CommandRequest.SIGNED_COMMAND;
        JsonNode parameters = IncomingRequest.parsedBody(exchange).orElse(null);
        if (parameters != null && !parameters.isObject()) {
            throw GatewayError.invalidRequest("A command body is a JSON object.");
        }
        String problem = CommandChecks.parameterProblem(name, parameters);
        if (problem != null) {
            throw GatewayError.invalidRequest("Invalid parameters for " + name + ": " + problem + ".");
        }
        String id = RandomIds.uuid().toString();
        CommandRequest command = new CommandRequest(id, account.id(), request.vin(), name, parameters, null,
                exchange.getProperty(ExchangeKeys.RECEIVED_AT, Instant.class), "rest",
                exchange.getProperty(ExchangeKeys.CLIENT_IP, String.class),
                exchange.getProperty(ExchangeKeys.CLIENT_LIBRARY, String.class),
                io.fleetgate.audit.TokenNames.presentedName(exchange));
        exchange.setProperty(ExchangeKeys.COMMAND_ID, id);
        Message out = exchange.getMessage();
        out.getHeaders().clear();
        out.setHeader(KafkaConstants.KEY, request.vin());
        out.setBody(CommandJson.write(command));
    }

    /** Answers with the command's result, as the Fleet API would have. */
    static void answer(Exchange exchange, CommandResult result) {
        Message out = exchange.getMessage();
        out.getHeaders().clear();
        out.setHeader(Exchange.HTTP_RESPONSE_CODE, result.status());
        if (result.contentType() != null) {
            out.setHeader(Exchange.CONTENT_TYPE, result.contentType());
        }
        for (Map.Entry<String, String> header : result.headers().entrySet()) {
            out.setHeader(header.getKey(), header.getValue());
        }
        out.setHeader("x-fleetgate-attempts", result.attempts());
        out.setBody(CommandJson.bodyBytes(result.response()));
    }
}
